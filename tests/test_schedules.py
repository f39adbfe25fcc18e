"""Schedules: cron expressions read by croniter, with the longest gap where staleness is judged."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlreview.problems import InputError
from mlreview.system.loader import load_text
from mlreview.system.units import Schedule

DAY = 86400.0


@pytest.mark.parametrize(
    ("expr", "mean_days", "longest_days"),
    [
        ("0 2 * * MON-FRI", 1.4, 3.0),  # a weekday job: its weekend gap is 72 h
        ("@yearly", 365.0, 365.0),
        ("0 0 L * *", 30.4, 31.0),  # the last day of each month
        ("0 0 1,15 * 1", 5.0, 7.0),  # day of month OR day of week, as cron does
        ("30 1 * * *", 1.0, 1.0),
        ("0 */6 * * *", 0.25, 0.25),
        ("0 9,17 * * *", 0.5, 16 / 24),
    ],
)
def test_cron_mean_and_longest_gap(expr: str, mean_days: float, longest_days: float) -> None:
    s = Schedule.parse(expr)
    assert s.period / DAY == pytest.approx(mean_days, rel=0.02)
    assert s.longest_gap / DAY == pytest.approx(
        longest_days, rel=1e-6, abs=0.5 * (expr == "@yearly")
    )


def test_weekday_job_states_its_weekend_gap() -> None:
    s = Schedule.parse("0 2 * * MON-FRI")
    assert s.gap_phrase == "up to 3 d apart"
    assert Schedule.parse("daily").gap_phrase == "every 24 h"


@pytest.mark.parametrize("expr", ["0 0 30 2 *", "61 * * * *", "0 0 * * FUNDAY", "* * *"])
def test_cron_that_never_runs_or_cannot_be_read_is_refused(expr: str) -> None:
    with pytest.raises(ValueError, match="cron expression"):
        Schedule.parse(expr)


def test_bad_cron_in_a_manifest_is_a_located_error() -> None:
    text = (
        "version: 1\nsystem: {name: s}\nsources: [{id: a, kind: batch_table}]\n"
        "pipelines:\n  - id: p\n    kind: etl\n    schedule: '0 0 30 2 *'\n    inputs: [a]\n"
    )
    with pytest.raises(InputError) as err:
        load_text(text, "m.yaml")
    assert "m.yaml:7" in str(err.value)


def test_croniter_is_imported_only_when_a_cron_expression_appears() -> None:
    code = (
        "import sys\n"
        "from mlreview.system.units import Schedule\n"
        "Schedule.parse('daily'); Schedule.parse('every 6h')\n"
        "assert 'croniter' not in sys.modules\n"
        "Schedule.parse('0 2 * * *')\n"
        "assert 'croniter' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("expr", "missed_days"),
    [("0 2 * * MON-FRI", 4.0), ("0 3 * * *", 2.0), ("daily", 2.0), ("0 0 * * 0", 14.0)],
)
def test_gap_across_a_failed_run(expr: str, missed_days: float) -> None:
    assert Schedule.parse(expr).missed_run_gap / DAY == pytest.approx(missed_days)
