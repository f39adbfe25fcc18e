"""Drafting `models[].training.population` from prose: a filter by an attribute that keeps served
cases out of the examples, and a context serving never scores pooled into them."""

from __future__ import annotations

from typing import Any

import pytest

from mlreview.draft.emit import to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.system.manifest.models import Population

RANKER = "A news-feed ranker in LightGBM, retrained daily. "
SHELF = "A shelf ranker in XGBoost, retrained weekly. "


def _population(text: str) -> dict[str, Any] | None:
    draft = draft_from_text(text)
    (model,) = draft.ids("models")
    found: dict[str, Any] | None = draft.get(("models", model, "training", "population"))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            RANKER + "The job that builds its training examples only keeps stories younger than "
            "the two-day cut-off.",
            {"excluded": "stories older than the two-day cut-off"},
        ),
        (
            RANKER + "A nightly Spark job writes the training examples; it keeps only sessions "
            "from signed-in readers, which is 70% of the impressions.",
            {"excluded": "sessions not from signed-in readers", "share_kept": 0.7},
        ),
        (
            RANKER + "Its training examples drop stories older than three days, which is 40% of "
            "the impressions.",
            {"excluded": "stories older than three days", "share_kept": 0.6},
        ),
        (
            RANKER + "A daily Spark job builds training examples and filters out listings "
            "outside the capital region.",
            {"excluded": "listings outside the capital region"},
        ),
        (
            RANKER + "The training examples skip videos shorter than ten seconds (about 15% of "
            "the impressions).",
            {"excluded": "videos shorter than ten seconds", "share_kept": 0.85},
        ),
        (
            RANKER + "The ranker trains only on stories younger than 48 hours.",
            {"excluded": "stories older than 48 hours"},
        ),
    ],
)
def test_a_filter_by_an_attribute_is_the_excluded_cases(
    text: str, expected: dict[str, Any]
) -> None:
    assert _population(text) == expected


def test_a_job_of_a_trained_model_filters_its_examples() -> None:
    text = (
        "We rank stories with a logistic regression retrained daily. The pipeline only keeps "
        "stories from verified outlets."
    )
    assert _population(text) == {"excluded": "stories not from verified outlets"}


def test_a_vague_share_is_left_out_rather_than_guessed() -> None:
    text = (
        RANKER + "Training examples come from a daily Spark job; it only keeps stories newer than "
        "the cut-off, which is a bit over half of the impressions, and there's no reweighting."
    )
    assert _population(text) == {"excluded": "stories older than the cut-off"}


def test_an_attribute_filter_is_not_drafted_as_random_sampling() -> None:
    text = (
        RANKER + "A daily Spark job builds training examples; it only keeps stories newer than "
        "the cut-off, which is half of the impressions."
    )
    draft = draft_from_text(text)
    assert all(draft.get(("pipelines", p, "sampling_rate")) is None for p in draft.ids("pipelines"))
    assert _population(text) == {"excluded": "stories older than the cut-off", "share_kept": 0.5}


def test_a_random_share_stays_a_sampling_rate() -> None:
    text = RANKER + "A daily Spark job builds training examples and keeps only 20% of the rows."
    draft = draft_from_text(text)
    assert draft.get(("pipelines", "etl", "sampling_rate")) == 0.2
    assert _population(text) is None


@pytest.mark.parametrize(
    "text",
    [
        RANKER + "A daily Spark job builds training examples; it doesn't drop stories older than "
        "a week.",
        RANKER + "The training examples never exclude stories from muted authors.",
        # Leaving out unusable rows is cleaning, not a served population left out.
        RANKER + "The training job drops rows with missing labels.",
        # The training window, not a filter on the served cases.
        RANKER + "The ranker is trained only on examples from the last 14 days.",
        RANKER + "A daily job keeps only sessions within 30 days.",
        # A point-in-time join, not a filter on the served cases.
        RANKER + "For training, the features only use events before the prediction time.",
        RANKER + "The training job keeps only features with more than 1% coverage.",
        # Not about training examples.
        RANKER + "The stream drops events older than seven days.",
    ],
)
def test_no_filter_is_drafted_where_none_is_stated(text: str) -> None:
    assert _population(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SHELF + "Its training examples come from every storefront impression, including the "
            "Kids storefront. The examples do carry which storefront they were shown on.",
            {"pooled": "Kids storefront impressions", "context_feature": True},
        ),
        (
            SHELF + "Its training examples come from every storefront impression, including the "
            "Kids storefront. They don't carry which storefront they were shown on.",
            {"pooled": "Kids storefront impressions", "context_feature": False},
        ),
        (
            SHELF + "A daily job builds training examples from all landing-page impressions; "
            "that includes the Deals tab. No feature says which tab an example came from.",
            {"pooled": "Deals tab impressions", "context_feature": False},
        ),
        (
            SHELF + "A daily job builds training examples from all landing-page impressions; "
            "that includes the Deals tab.",
            {"pooled": "Deals tab impressions"},
        ),
        (
            SHELF + "Impressions from the Kids storefront are pooled into its training examples, "
            "and the storefront is one of the features.",
            {"pooled": "Kids storefront impressions", "context_feature": True},
        ),
        (
            SHELF + "We also train on impressions from the Kids storefront, which this ranker "
            "never scores.",
            {"pooled": "Kids storefront impressions"},
        ),
    ],
)
def test_a_pooled_context_and_whether_a_feature_tells_it_apart(
    text: str, expected: dict[str, Any]
) -> None:
    assert _population(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A negation in another clause does not reach the fact.
        (
            RANKER + "Training examples come from a nightly job; it only keeps stories younger "
            "than a day, and nobody reweights them.",
            {"excluded": "stories older than a day"},
        ),
        (
            SHELF + "Its training examples come from every storefront impression, including the "
            "Kids storefront. They carry which storefront they were shown on, but not the "
            "shopper's region.",
            {"pooled": "Kids storefront impressions", "context_feature": True},
        ),
        (
            SHELF + "Its training examples come from every storefront impression, including the "
            "Kids storefront. There is no feature for the storefront, but the item's category "
            "is one.",
            {"pooled": "Kids storefront impressions", "context_feature": False},
        ),
    ],
)
def test_negation_is_scoped_to_its_clause(text: str, expected: dict[str, Any]) -> None:
    assert _population(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        SHELF + "Its training examples don't include the Kids storefront.",
        SHELF + "We don't pool the Kids storefront into its training examples, though every "
        "storefront logs to one place.",
        # No one context named.
        SHELF + "The training examples include all storefronts' impressions.",
        # What the examples include here is features, not a context.
        SHELF + "The model is trained on all shelves. The examples include the item's price and "
        "its category.",
    ],
)
def test_no_pooling_is_drafted_where_none_is_stated(text: str) -> None:
    assert _population(text) is None


def test_every_drafted_value_carries_its_words_and_validates() -> None:
    text = (
        SHELF + "Its training examples come from every storefront impression, including the Kids "
        "storefront. They don't carry which storefront they were shown on. The training job only "
        "keeps items cheaper than the price cap, which is 80% of the impressions."
    )
    draft = draft_from_text(text)
    (model,) = draft.ids("models")
    key = ("models", model, "training", "population")
    population = draft.get(key)
    Population.model_validate(population)
    assert set(population) == {"excluded", "share_kept", "pooled", "context_feature"}
    for field in population:
        words = draft.words[(*key, field)].replace("...", "").strip()
        assert words and words in text
    yaml = to_yaml(draft, [], [])
    assert 'context_feature: false  # "They don\'t carry which storefront they were shown on"' in (
        yaml
    )
    assert 'share_kept: 0.8  # "...cheaper than the price cap, which is 80% of the' in yaml
