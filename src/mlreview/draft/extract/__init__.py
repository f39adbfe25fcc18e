"""Draft a manifest from a prose description, offline and deterministically.

Only what the text states is written: technologies from the shipped catalogue, numbers with their
units, rates, cadences and a few yes/no facts with clear wording (negation included). Each value
keeps the words it came from. Anything else stays unknown, for the review's questions to ask.
The conventions (one source per data technology, a pipeline per engine and role...) are in
docs/from-text.md.
"""

from __future__ import annotations

from mlreview.draft.draft import Draft
from mlreview.draft.extract import (
    attached,
    batch_scoring,
    data,
    failure,
    features,
    feedback,
    model,
    monitoring,
    named,
    named_features,
    noun_jobs,
    population,
    producer,
    rates,
    sampling,
    serving,
    system,
)
from mlreview.draft.extract.reading import Reading

__all__ = ["draft_from_text"]


def draft_from_text(text: str) -> Draft:
    """The draft manifest a prose description supports, each value with its source words."""
    reading = Reading(text)
    for section in (system, data, model, serving, feedback, monitoring):
        section.read(reading)
    features.read(reading)
    named_features.read(reading)
    attached.store_facts(reading)
    noun_jobs.read(reading)
    attached.pipeline_facts(reading)
    noun_jobs.lag_alerts(reading)
    noun_jobs.schema_checks(reading)
    batch_scoring.beside_online(reading)
    attached.batch_run(reading)
    batch_scoring.run_facts(reading)
    population.read(reading)
    sampling.read(reading)
    rates.read(reading)
    failure.source_failure(reading)
    producer.read(reading)
    named.describe_unplaced(reading)
    return reading.draft
