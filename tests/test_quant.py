"""Pure maths: availability composition and the outage Monte-Carlo."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.quant.availability import (
    MINUTES_PER_YEAR,
    Hazard,
    failure_rate_per_hour,
    parallel,
    series,
    simulate,
)
from mlreview.quant.power import holdout_sample_size, size_holdout


def test_series_and_parallel() -> None:
    assert series([0.999, 0.9995]) == pytest.approx(0.9985005)
    assert parallel([0.99, 0.99]) == pytest.approx(0.9999)
    assert series([]) == 1.0


def test_failure_rate_from_availability() -> None:
    # A = MTBF / (MTBF + MTTR): 99.9% with 1 h repairs fails about every 999 h.
    assert 1 / failure_rate_per_hour(0.999, 1.0) == pytest.approx(999.0)
    with pytest.raises(ValueError):
        failure_rate_per_hour(0.0, 1.0)


@settings(max_examples=12, deadline=None)
@given(
    st.sampled_from([0.99, 0.995, 0.999]),
    st.sampled_from([0.5, 1.0, 4.0]),
)
def test_monte_carlo_matches_the_steady_state(availability: float, mttr: float) -> None:
    impact = simulate([Hazard("x", availability, mttr, "down")], seed=3)
    expected = (1 - availability) * MINUTES_PER_YEAR
    assert impact.down_minutes_mean == pytest.approx(expected, rel=0.1)
    assert impact.degraded_minutes_mean == 0


def test_grace_period_removes_short_outages() -> None:
    # Exponential repairs: the share of downtime beyond a grace g is exp(-g / MTTR).
    impact = simulate([Hazard("x", 0.99, 1.0, "degraded", grace_hours=1.0)], seed=5)
    expected = (1 - 0.99) * MINUTES_PER_YEAR * math.exp(-1.0)
    assert impact.degraded_minutes_mean == pytest.approx(expected, rel=0.1)


def test_overlapping_outages_count_once() -> None:
    both = simulate([Hazard("a", 0.95, 10, "down"), Hazard("b", 0.95, 10, "down")], seed=9)
    analytic_union = (1 - 0.95 * 0.95) * MINUTES_PER_YEAR
    assert both.down_minutes_mean == pytest.approx(analytic_union, rel=0.05)


def test_degraded_excludes_time_already_down() -> None:
    same = simulate([Hazard("a", 0.9, 5, "down"), Hazard("b", 0.9, 5, "degraded")], seed=2)
    # degraded-only time = P(b down and a up) = 0.1 * 0.9
    assert same.degraded_minutes_mean == pytest.approx(0.09 * MINUTES_PER_YEAR, rel=0.08)


def test_simulation_is_deterministic() -> None:
    hazards = [Hazard("a", 0.999, 1, "down"), Hazard("b", 0.995, 2, "degraded", 0.5)]
    assert simulate(hazards, seed=1) == simulate(list(reversed(hazards)), seed=1)


def test_two_proportion_sample_size_matches_the_textbook() -> None:
    # 10% vs 12%, equal groups, alpha 0.05 two-sided, power 0.8: 3,841 per group (Fleiss).
    assert holdout_sample_size(0.10, 0.2, 0.5) == 3841


@given(st.floats(0.001, 0.3), st.floats(0.05, 0.5))
def test_smaller_effects_need_more_outcomes(base: float, effect: float) -> None:
    assert holdout_sample_size(base, effect / 2, 0.05) > holdout_sample_size(base, effect, 0.05)


def test_holdout_sizing_picks_the_smallest_share_within_target() -> None:
    plan = size_holdout(0.03, 0.05, labelled_per_day=20_000_000, maturity_days=1.0, target_days=14)
    assert plan.within_target and plan.fraction == 0.001
    small = size_holdout(0.03, 0.05, labelled_per_day=50_000, maturity_days=1.0, target_days=14)
    assert small.fraction > plan.fraction
    assert small.days_to_detect == pytest.approx(small.collection_days + 1.0)
