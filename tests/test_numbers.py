"""Issue 16: every figure follows from the manifest and survives a check by hand."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mlreview.areas.feedback.assessment import assess as assess_feedback
from mlreview.areas.pipeline.assessment import assess as assess_pipeline
from mlreview.areas.pipeline.availability import PathAvailability
from mlreview.areas.registry import FEEDBACK, PIPELINE, SERVING
from mlreview.areas.serving.assessment import assess
from mlreview.areas.serving.present import present as serving_present
from mlreview.document.blocks import Table
from mlreview.document.cells import availability, duration, number, share
from mlreview.engine.capacity_what_if import what_if
from mlreview.report.formats import RenderOptions
from mlreview.system.loader import load
from tests.conftest import EXAMPLES, ROOT, render, reviewed

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"
RECOMMENDER = ROOT / "examples" / "recommender" / "system.yaml"
FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"


def _table(blocks: list[object], title_start: str) -> Table:
    return next(b for b in blocks if isinstance(b, Table) and b.title.startswith(title_start))


def test_spike_share_meeting_the_slo_counts_timeouts_and_shed_requests_as_misses() -> None:
    serving = reviewed(FRAUD).assessment(SERVING)
    spike = serving.endpoint("fraud_api").spike
    assert spike is not None and spike.timed_out > 0
    missed = spike.over_slo + spike.timed_out + spike.shed
    assert spike.met_slo == spike.requests - missed
    assert spike.met_slo_share == pytest.approx(spike.met_slo / spike.requests, abs=1e-4)
    # 2.7 million of 3.6 million requests timed out: at most a quarter can have met the SLO.
    assert spike.met_slo_share <= 1 - spike.timed_out / spike.requests
    table = _table(serving_present(serving), "A spike")
    headers = list(table.headers)
    assert "met SLO" in headers and "over SLO" not in headers
    step = table.rows[0]
    assert step[headers.index("met SLO")] == share(spike.met_slo_share)
    shares = [step[headers.index(h)] for h in ("met SLO", "late", "timed out", "shed")]
    assert sum(float(s.rstrip("%")) for s in shares) == pytest.approx(100, abs=0.25)


def test_capacity_verdict_counts_every_constraint_not_only_replicas() -> None:
    # With replicas to spare, redis_features' 3,000 QPS limit (3 calls a request) caps
    # fraud_api at 1,000 QPS: no load above that meets the SLO, whatever the replica pool says.
    data = what_if(load(FRAUD), multiplier=20, max_replicas=100)
    row = data.endpoints[0]
    assert row.sweep
    for level in [*row.sweep, *row.scenarios]:
        over = level.qps > 1000
        assert level.meets_slo is not over, (level.qps, level.meets_slo)
        if over:
            assert level.limited_by == "dependency QPS limit (redis_features)"
    assert row.holds_target is False
    assert row.limited_by == "dependency QPS limit (redis_features)"


def _fraud_variant(tmp_path: Path, old: str, new: str) -> Path:
    """card-fraud with one text replaced, beside a copy of its load tests and data."""
    text = FRAUD.read_text(encoding="utf-8")
    assert old in text
    for folder in ("loadtests", "data"):
        shutil.copytree(FRAUD.parent / folder, tmp_path / folder)
    path = tmp_path / "system.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_load_test_that_calibrated_the_model_is_not_reported_as_validating_it() -> None:
    row = reviewed(FRAUD).assessment(SERVING).endpoint("fraud_api")
    by_rate = {round(t.throughput_qps, -2): t for t in row.load_tests}
    fit, check = by_rate[800], by_rate[200]
    assert fit.calibrated and not check.calibrated
    # Held out, each is predicted by the model built from the other (and the declared time).
    assert fit.held_out_p99_ms is not None and abs(fit.held_out_p99_ms - fit.p99_ms) > 20
    assert check.held_out_p99_ms == check.predicted_p99_ms
    assert check.held_out_error == pytest.approx(check.held_out_p99_ms / check.p99_ms - 1, abs=1e-3)
    assert row.validation is not None
    assert "calibrated on the 800 QPS test" in row.validation
    assert "200 QPS test, held out" in row.validation
    table = _table(serving_present(reviewed(FRAUD).assessment(SERVING)), "Load tests")
    assert "p99 ms predicted" not in table.headers
    assert "p99 ms predicted without it" in table.headers


def test_one_load_test_that_calibrated_the_model_validates_nothing(tmp_path: Path) -> None:
    path = _fraud_variant(
        tmp_path,
        "results: [loadtests/fraud_api_200rps_stats.csv, loadtests/fraud_api_800rps_vegeta.json]",
        "results: [loadtests/fraud_api_800rps_vegeta.json]",
    )
    row = assess(load(path)).endpoint("fraud_api")
    (only,) = row.load_tests
    assert only.calibrated
    assert row.validation == "calibrated on the 800 QPS test; no other test validates it"


def test_batch_scoring_has_today_and_growth_scenarios_in_its_own_terms() -> None:
    serving = reviewed(FORECAST).assessment(SERVING)
    row = serving.endpoint("nightly_scoring")
    today, grown = row.batch
    assert (today.multiplier, grown.multiplier) == (1.0, 10.0)
    assert today.runtime_hours == pytest.approx(70 / 60, abs=1e-3)
    assert grown.runtime_hours == pytest.approx(700 / 60, abs=1e-3)  # does not scale out
    assert (today.fits_window, grown.fits_window) == (True, False)
    assert grown.rows_per_run == 24_000_000
    (window,) = row.batch_limits
    assert window.constraint == "batch window"
    assert window.breaks_at_multiplier == pytest.approx(3 / (70 / 60), abs=1e-3)
    assert (row.holds_target, row.limited_by) == (False, "batch window (nightly_scoring)")
    blocks = serving_present(serving)
    table = _table(blocks, "Batch scoring today")
    assert [r[table.headers.index("fits window")] for r in table.rows] == ["yes", "no"]
    assert _table(blocks, "What breaks first in batch").rows


def test_batch_scoring_within_its_worker_quota(tmp_path: Path) -> None:
    text = FORECAST.read_text(encoding="utf-8").replace(
        "scales_horizontally: false}",
        "scales_horizontally: true, workers: 10, max_workers: 40}",
    )
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    row = assess(load(path)).endpoint("nightly_scoring")
    grown = row.batch[1]
    # 4x the workers absorb 4x the data; the remaining 2.5x stretches the run to 2.9 h.
    assert grown.workers == 40
    assert grown.runtime_hours == pytest.approx(70 / 60 * 10 / 4, abs=1e-3)
    assert grown.fits_window and row.holds_target
    quota, window = row.batch_limits
    assert (quota.constraint, quota.breaks_at_multiplier) == ("worker quota", 4.0)
    assert window.breaks_at_multiplier == pytest.approx(4 * 3 / (70 / 60), abs=1e-3)
    at_20x = assess(load(path), override=20).endpoint("nightly_scoring").batch[1]
    assert at_20x.limited_by == "worker quota (nightly_scoring)"


def _recommender_with(tmp_path: Path, fallback: str) -> PathAvailability:
    text = RECOMMENDER.read_text(encoding="utf-8")
    old = "    fallback: cached_scores\n"
    assert old in text
    path = tmp_path / "system.yaml"
    path.write_text(text.replace(old, old + fallback), encoding="utf-8")
    (row,) = assess_pipeline(load(path)).availability
    return row


def test_no_path_is_more_available_than_what_answers_on_it(tmp_path: Path) -> None:
    # feed_ranker declares 99.95%; its cached_scores fallback, with nothing said of where it
    # runs, is taken to run inside the endpoint and go down with it.
    (row,) = reviewed(RECOMMENDER).assessment(PIPELINE).availability
    assert row.estimate <= 0.9995
    assert row.down_minutes_per_year > 0.0004 * 525_600
    assert (row.fallback, row.fallback_runs_in, row.fallback_runs_in_assumed) == (
        "cached_scores",
        "endpoint",
        True,
    )
    # In the caller, with its own 99.9%, the fallback answers most of the endpoint's outage.
    caller = _recommender_with(
        tmp_path, "    fallback_runs_in: caller\n    fallback_availability: 0.999\n"
    )
    assert caller.fallback_minutes_per_year > 200
    assert 0 < caller.down_minutes_per_year < 5
    assert caller.estimate >= row.estimate
    # In front of the endpoint, every request passes the fallback: no better than its 99.9%.
    front = _recommender_with(
        tmp_path, "    fallback_runs_in: in_front\n    fallback_availability: 0.999\n"
    )
    assert front.series_estimate <= 0.999
    assert front.estimate < 0.999 + 1e-4  # the Monte-Carlo within its noise
    # Without a figure for the fallback, the estimate is an upper bound and says so.
    unknown = _recommender_with(tmp_path, "    fallback_runs_in: caller\n")
    assert unknown.estimate_is_upper_bound
    assert "feed_ranker.fallback" in unknown.unknown_availability


def test_the_holdout_design_starts_from_the_declared_holdout(tmp_path: Path) -> None:
    # The recommender declares a 1% holdout: the design keeps it and says what a smaller one
    # would cost, rather than quietly proposing 0.1%.
    holdout = reviewed(RECOMMENDER).assessment(FEEDBACK).holdout
    assert holdout is not None
    assert (holdout.declared_fraction, holdout.fraction, holdout.change) == (0.01, 0.01, "keep")
    assert holdout.days_to_detect is not None and holdout.days_to_detect < 2
    assert holdout.tradeoff is not None and "0.1%" in holdout.tradeoff
    assert holdout.phrase == "the declared 1% holdout"
    # A declared share too small to collect within 14 days is raised, and the design says so.
    text = RECOMMENDER.read_text(encoding="utf-8").replace(
        "fraction: 0.01, persistent: false", "fraction: 0.0001, persistent: false"
    )
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    raised = assess_feedback(load(path)).holdout
    assert raised is not None
    assert (raised.declared_fraction, raised.fraction, raised.change) == (0.0001, 0.001, "raise")
    assert raised.tradeoff is not None
    assert raised.tradeoff.startswith("raises the declared 0.01% holdout to 0.1%: 10x the traffic")


LONG_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d{4,}(?![\d%])")
"""A quantity with more than three decimals (0.0833333 days): three significant digits do."""
UNSEPARATED = re.compile(r"(?<![\w.,:/-])\d{4,}\.\d+")
"""A fractional number of four or more integer digits without separators (8238.1, 4775.7)."""


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_one_number_format_per_kind_of_quantity(example: Path, fmt: str) -> None:
    out = render(reviewed(example), fmt, RenderOptions(width=200))
    # Manifest values quoted as evidence keep the manifest's spelling (code spans).
    out = re.sub(r"`[^`\n]*`|<code>.*?</code>", "", out)
    assert not LONG_DECIMAL.findall(out)
    assert not UNSEPARATED.findall(out)
    # Availability: the SLO in one format; the path's own figure is said as minutes down a
    # month against what that SLO allows, not as a second percentage to subtract.
    for row in reviewed(example).assessment(PIPELINE).availability:
        if row.slo is not None and row.meets_slo is not None:
            assert f"its {availability(row.slo)} SLO allows" in " ".join(out.split())
    assert "0.0833333" not in out


def test_number_rules() -> None:
    assert [number(v) for v in (823.8, 4775.7, 43.26, 0.40304, 11.667, 1494.3)] == [
        "824",
        "4,776",
        "43.3",
        "0.403",
        "11.7",
        "1,494",
    ]
    assert [share(v) for v in (0.256, 0.001, 0.0001, 0.9995, 1.0)] == [
        "25.6%",
        "0.1%",
        "0.01%",
        "99.95%",
        "100%",
    ]
    assert [availability(v) for v in (0.998502, 0.9995, 0.9999996, 1.0)] == [
        "99.850%",
        "99.950%",
        "99.99996%",
        "100.000%",
    ]
    assert [duration(s) for s in (45, 5400, 7200, 93600, 300 * 3600)] == [
        "45s",
        "90 min",
        "2 h",
        "26 h",
        "12.5 d",
    ]


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        (
            FORECAST,
            {
                "pos_sales": ["sales_lag_7d"],
                "promotions": ["promo_depth"],
                "weather_api": ["temperature_forecast"],
            },
        ),
        (
            RECOMMENDER,
            {
                "click_events": ["display_position", "item_popularity_7d", "user_embedding_inputs"],
                "item_catalogue": ["item_text_embedding"],
                "user_profiles": ["user_embedding_inputs"],
            },
        ),
    ],
    ids=["demand-forecast", "recommender"],
)
def test_sources_table_follows_each_features_declared_sources(
    example: Path, expected: dict[str, list[str]]
) -> None:
    # One job reads every source into one store; each feature still declares its own sources.
    rows = reviewed(example).assessment(PIPELINE).sources
    assert {r.source: r.features for r in rows} == expected
