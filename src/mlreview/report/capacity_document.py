"""`mlreview capacity` as a document: latency against load per endpoint, then the review's
serving tables, what the tables leave out, and what the model assumed."""

from __future__ import annotations

from mlreview.areas.serving.present import serving_tables, sweep_table
from mlreview.document.blocks import Block, Bullets, Document, Item, Span, inline
from mlreview.engine.capacity_what_if import CapacityWhatIf
from mlreview.report.formats import Printable


def _notes(data: CapacityWhatIf) -> list[str]:
    """What the tables leave out: endpoints without a model."""
    unknown = [r.endpoint for r in data.endpoints if r.online and not r.scenarios]
    batch = [r.endpoint for r in data.endpoints if not r.online and not r.batch]
    notes = []
    if unknown:
        notes.append(
            f"No capacity model for {', '.join(unknown)}: declare peak QPS and a service time."
        )
    if batch:
        notes.append(
            f"No batch model for {', '.join(batch)}: declare the batch run time and window."
        )
    return notes


def capacity_document(data: CapacityWhatIf) -> Document:
    blocks: list[Block] = [sweep_table(r) for r in data.endpoints if r.sweep]
    modelled = [r for r in data.endpoints if r.scenarios or r.batch]
    if modelled:
        blocks += serving_tables(modelled)
    notes = _notes(data)
    if notes:
        blocks.append(Bullets("Not modelled", tuple(Item(inline(n)) for n in notes)))
    assumed = [f"{r.endpoint}: {a}" for r in data.endpoints if r.model for a in r.model.assumptions]
    assumed += [f"{r.endpoint}: {a}" for r in data.endpoints for a in r.batch_assumptions]
    if assumed:
        blocks.append(Bullets("Assumed", tuple(Item(inline(a)) for a in assumed)))
    return Document(
        title=f"mlreview capacity: {data.system}",
        subtitle=inline("Manifest ", Span(data.file, "code")),
        blocks=tuple(blocks),
    )


def capacity_printable(data: CapacityWhatIf) -> Printable:
    return Printable(lambda: capacity_document(data), data.to_dict)
