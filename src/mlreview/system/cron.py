"""Cron expressions, read by croniter (imported only when a manifest has one): whether an
expression is valid, the mean interval between its runs, its longest gap, and its run times in
a window and a time zone (for schedule races).

Runs within a day repeat on every day the day fields allow, so the runs are listed from the
times of day (minute x hour fields) on each run day over one year from a fixed start (a
month for a cron that runs every minute), and the gaps read from that list. Months, weekdays,
`L`, `#` and day-of-month OR day-of-week follow croniter. Gaps are read in one time zone
without daylight saving; a race check across zones uses ``runs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from croniter import croniter

START = datetime(2025, 1, 1)
"""A fixed start, so the same expression always gives the same figures."""
YEAR_S = 366 * 86400.0
MAX_YEARS_BETWEEN_RUNS = 8
ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class CronTimes:
    mean_s: float
    longest_gap_s: float
    missed_run_gap_s: float
    """The longest time between two runs with one failed run between them."""


RUNS_KEPT = 50_000
"""Runs listed to find the gaps: a minute-by-minute cron keeps its first month."""


def _croniter() -> type[croniter]:
    from croniter import croniter  # noqa: PLC0415 - only manifests with a cron expression pay

    return croniter


def five_fields(expr: str) -> str:
    text = " ".join(expr.split())
    return ALIASES.get(text.lower(), text)


def _times_of_day(fields: str) -> list[float]:
    expanded = _croniter().expand(fields)[0]
    minutes = range(60) if expanded[0] == ["*"] else expanded[0]
    hours = range(24) if expanded[1] == ["*"] else expanded[1]
    return sorted(float(h) * 3600 + float(m) * 60 for h in hours for m in minutes)


def _run_days(fields: str) -> list[float]:
    """Seconds from START to each run day's midnight, over at least a year and three run
    days."""
    day_only = "0 0 " + " ".join(fields.split()[2:])
    it = _croniter()(day_only, START, max_years_between_matches=MAX_YEARS_BETWEEN_RUNS)
    first = it.get_next(float)
    days = [first]
    while len(days) < 3 or days[-1] - first < YEAR_S:
        days.append(it.get_next(float))
    origin = START.replace(tzinfo=UTC).timestamp()
    return [d - origin for d in days]


@lru_cache(maxsize=256)
def cron_times(expr: str) -> CronTimes | None:
    """Mean interval and longest gap between runs of ``expr``; None when it is not a cron
    expression croniter reads, or never runs."""
    fields = five_fields(expr)
    if len(fields.split()) != 5 or not _croniter().is_valid(fields):
        return None
    try:
        times = _times_of_day(fields)
        every_day = fields.split()[2:] == ["*", "*", "*"]
        days = [0.0, 86400.0, 2 * 86400.0] if every_day else _run_days(fields)
    except (ValueError, KeyError):  # croniter's errors are ValueErrors
        return None
    kept = days[: max(3, RUNS_KEPT // len(times))]
    listed = [d + t for d in kept for t in times]
    gaps = [b - a for a, b in pairwise(listed)]
    if every_day:
        mean = 86400.0 / len(times)
    else:
        mean = (days[-1] + times[-1] - days[0] - times[0]) / (len(days) * len(times) - 1)
    return CronTimes(
        mean_s=mean,
        longest_gap_s=max(gaps),
        missed_run_gap_s=max(a + b for a, b in pairwise(gaps)),
    )


def runs(expr: str, zone: str | None, start: datetime, days: float) -> list[float]:
    """UTC timestamps of the runs of ``expr`` read in time zone ``zone`` (UTC when None) from
    ``start`` (naive, in that zone) for ``days`` days."""
    tz = ZoneInfo(zone) if zone else UTC
    begin = start.replace(tzinfo=tz)
    end = (begin + timedelta(days=days)).timestamp()
    it = _croniter()(five_fields(expr), begin)
    out: list[float] = []
    while True:
        t = float(it.get_next(float))
        if t >= end:
            return out
        out.append(t)


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True
