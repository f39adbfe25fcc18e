"""A training window or a feature window that lags a step change: where a model that retrains
only on its calendar declares its window and cadence, or a feature its aggregation window, the
drift risk says how far each has moved toward the new world by the next retrain (a mean over W
moves t / W of a step in time t, half-way at W / 2), and the plan sets a short window beside
the long one with a page on their gap."""

from __future__ import annotations

from mlreview.areas.common import lag_words
from mlreview.areas.playbooks.training import short_window
from mlreview.engine.result import Review
from tests.conftest import ROOT, run_renamed

BASE = (
    ROOT / "benchmarks" / "incidents" / "instacart-availability-2020" / "system.yaml"
).read_text(encoding="utf-8")
RENAMES = {
    "availability_model": "stock_model",
    "item_found_rate_history": "hit_rate_long",
    "weekly_training": "refit_job",
}
WINDOW = "    serving: {window: 91d}"
DAY = 86400.0


def _reviewed(edit: dict[str, str] | None = None) -> Review:
    return run_renamed(BASE, {**RENAMES, **(edit or {})})


def _drift(review: Review) -> str:
    found = [s for s in review.scenarios if s.key.startswith("unadapted-drift")]
    assert len(found) == 1
    return found[0].effect


def _steps(review: Review) -> list[str]:
    assert review.plan is not None
    return [step.text for step in review.plan.steps]


def test_the_lag_is_the_step_share_of_the_window_and_half_way_at_half_of_it() -> None:
    assert lag_words(7 * DAY, 180 * DAY) == "7 d / 180 d = 3.89%"
    assert lag_words(7 * DAY, 91 * DAY) == "7 d / 91 d = 7.69%"
    # A period past the window has moved all of the way.
    assert lag_words(30 * DAY, 7 * DAY) == "30 d / 7 d = 100%"
    assert short_window(91 * DAY) == 7 * DAY
    assert short_window(7 * DAY) == DAY
    assert short_window(8 * 3600.0) == 2 * 3600.0


def test_the_drift_risk_says_how_far_the_windows_have_moved_by_the_next_retrain() -> None:
    review = _reviewed()
    effect = _drift(review)
    assert effect.endswith(
        "the scheduled retrain still averages over the old world: a retrain 7 d after a step "
        "learns from a 180 d window (marked inferred) of which 7 d / 180 d = 3.89% is new, and "
        "half only 90 d after it; hit_rate_long, a mean over 91 d (marked inferred), has moved "
        "only 7 d / 91 d = 7.69% of the way to its new level 7 d after the step, and half-way "
        "45.5 d after it"
    )
    short = [s for s in _steps(review) if "Compute hit_rate_long over the last 7 d" in s]
    assert len(short) == 1
    assert "beside its 91 d and page when the two differ" in short[0]
    assert "7 d / 91 d = 7.69%" in short[0]


def test_without_a_feature_window_only_the_training_window_is_worked() -> None:
    review = _reviewed({WINDOW + "          # inferred": "    #"})
    effect = _drift(review)
    assert "of which 7 d / 180 d = 3.89% is new" in effect
    assert "hit_rate_long, a mean" not in effect
    assert not [s for s in _steps(review) if "Compute hit_rate_long over" in s]


def test_a_model_with_neither_window_declared_keeps_the_family_s_words() -> None:
    review = _reviewed(
        {
            WINDOW + "          # inferred": "    #",
            "cadence: weekly, window: 180d, ": "",
        }
    )
    assert _drift(review) == (
        "when what stock_model predicts shifts, nothing retrains it on the new data until its "
        "schedule comes round, and the scheduled retrain still averages over the old world"
    )


def test_a_zero_feature_window_is_no_window_to_lag() -> None:
    review = _reviewed({"window: 91d": "window: 0d"})
    assert "hit_rate_long, a mean" not in _drift(review)
    assert not [s for s in _steps(review) if "Compute hit_rate_long over" in s]
