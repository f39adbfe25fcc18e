"""An input that stands in for an outcome measured elsewhere: where another team's source feeds a
model refit only by hand, with no model-age alert, whose labels come from a source none of its
inputs reads (the ground truth), the upstream-change risk says the fitted relation bends, and
the plan refits against the truth on a cadence, alerts on the model's age and gives the model
the truth's last published value as an input."""

from __future__ import annotations

from mlreview.engine.result import Review
from tests.conftest import ROOT, run_renamed

BASE = (ROOT / "benchmarks" / "incidents" / "google-flu-trends" / "system.yaml").read_text(
    encoding="utf-8"
)
RENAMES = {
    "search_query_logs": "click_logs",
    "cdc_ilinet": "official_counts",
    "ili_linear_model": "count_model",
    "flu_query_share": "click_share",
}


def _reviewed(edit: dict[str, str] | None = None) -> Review:
    return run_renamed(BASE, {**RENAMES, **(edit or {})})


def _upstream(review: Review) -> tuple[str, str]:
    found = [s for s in review.scenarios if s.key.startswith("upstream-change:click_logs")]
    assert len(found) == 1, [s.key for s in review.scenarios]
    return found[0].title, found[0].effect


def _steps(review: Review) -> list[str]:
    assert review.plan is not None
    return [step.text for step in review.plan.steps]


def test_a_stand_in_for_an_outcome_measured_elsewhere_is_refit_against_the_truth() -> None:
    review = _reviewed()
    title, effect = _upstream(review)
    assert title == (
        "An upstream change to click_logs, a stand-in for what official_counts measures, bends "
        "count_model until someone refits it"
    )
    assert effect.startswith(
        "the fit of count_model rests on how click_share from click_logs moves with "
        "official_counts, the outcome measured elsewhere"
    )
    steps = _steps(review)
    refit = [s for s in steps if "Refit count_model on official_counts, its ground truth" in s]
    assert len(refit) == 1
    # A seasonal forecast (1,825 d window) is refit each year; the age alert adds the label delay.
    assert "each year, ahead of its season" in refit[0]
    assert "older than 365 d + its 21 d label delay = 386 d" in refit[0]
    anchor = [s for s in steps if "last published value of official_counts as an input" in s]
    assert len(anchor) == 1 and "lagged by its 21 d delay" in anchor[0]


def test_a_model_age_alert_leaves_the_general_risk() -> None:
    review = _reviewed({"model_age: false": "model_age: alert"})
    title, _ = _upstream(review)
    assert title == "An upstream change to click_logs changes what the model sees"
    assert not [s for s in _steps(review) if "its ground truth" in s]


def test_a_model_retrained_automatically_leaves_the_general_risk() -> None:
    review = _reviewed({"automated: false}": "automated: true}"})
    title, _ = _upstream(review)
    assert title == "An upstream change to click_logs changes what the model sees"
