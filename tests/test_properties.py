"""Property tests: units parse what they print, and no text makes the loader crash."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.problems import InputError
from mlreview.system.loader import load_text
from mlreview.system.units import MAX_SECONDS, Duration, Schedule
from mlreview.system.yaml_source import read_yaml

UNITS = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "ms": 0.001,
    "mo": 365.25 / 12 * 86400,
    "y": 365.25 * 86400,
}


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(sorted(UNITS)))
def test_duration_reads_number_and_unit(n: int, unit: str) -> None:
    if n * UNITS[unit] > MAX_SECONDS:
        with pytest.raises(ValueError, match="at most 100 years"):
            Duration.parse(f"{n}{unit}")
        return
    d = Duration.parse(f"{n}{unit}")
    assert float(d) == n * UNITS[unit]
    assert str(d) == f"{n}{unit}"


def test_months_and_years_are_calendar_averages_and_m_stays_minutes() -> None:
    assert float(Duration.parse("12mo")) == float(Duration.parse("1y"))
    assert float(Duration.parse("12 months")) == float(Duration.parse("12mo"))
    assert float(Duration.parse("2 years")) == 2 * 365.25 * 86400
    assert float(Duration.parse("12m")) == 720
    assert Schedule.parse("every 6mo").period == 0.5 * 365.25 * 86400


@given(st.integers(min_value=1, max_value=59))
def test_every_n_minutes_cron(n: int) -> None:
    schedule = Schedule.parse(f"*/{n} * * * *")
    runs_per_hour = len(range(0, 60, n))
    assert abs(schedule.period - 3600 / runs_per_hour) < 1e-6
    assert schedule.longest_gap == max(n, 60 - (59 // n) * n) * 60


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_daily_cron(hour: int, minute: int) -> None:
    schedule = Schedule.parse(f"{minute} {hour} * * *")
    assert schedule.period == schedule.longest_gap == 86400


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_loader_never_crashes_on_text(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.line >= 1 and p.column >= 1
            assert str(p).startswith("fuzz.yaml:")


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8), st.floats(allow_nan=False)
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = [
    "version",
    "system",
    "sources",
    "pipelines",
    "stores",
    "features",
    "models",
    "endpoints",
    "feedback",
    "monitoring",
]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=6))
def test_loader_never_crashes_on_structures(data: dict[str, object]) -> None:
    try:
        load_text(yaml.safe_dump(data), "fuzz.yaml")
    except InputError as exc:
        assert exc.problems


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), yaml_values, max_size=5), st.booleans())
def test_libyaml_and_pure_parsers_agree(data: dict[str, object], flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    fast = read_yaml(text, "t.yaml")
    pure = read_yaml(text, "t.yaml", pure=True)
    assert fast.data == pure.data
    assert fast.values == pure.values
    assert fast.keys == pure.keys
