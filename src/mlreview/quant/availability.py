"""Availability of components in series and parallel, and a seeded Monte-Carlo of outages.

Plain numbers only: availabilities in [0, 1], times in hours.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

HOURS_PER_YEAR = 8760.0
MAX_OUTAGES = 2_000_000
MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0


def series(availabilities: Iterable[float]) -> float:
    """All must be up: the product."""
    return math.prod(availabilities)


def parallel(availabilities: Iterable[float]) -> float:
    """Any one up is enough: one minus the product of unavailabilities."""
    return 1.0 - math.prod(1.0 - a for a in availabilities)


def failure_rate_per_hour(availability: float, mttr_hours: float) -> float:
    """Failures per hour of a component with this steady-state availability and repair time.

    From A = MTBF / (MTBF + MTTR): rate = 1 / MTBF = (1 - A) / (A * MTTR).
    """
    if not 0.0 < availability <= 1.0 or mttr_hours <= 0.0:
        raise ValueError("availability must be in (0, 1] and mttr_hours positive")
    return (1.0 - availability) / (availability * mttr_hours)


@dataclass(frozen=True)
class Hazard:
    """One component that fails and is repaired.

    ``grace_hours``: an outage shorter than this does no harm (a last-known-good value within its
    staleness limit, a feature within its freshness budget). ``effect``: what the part of an
    outage beyond the grace period does to predictions; a ``backup`` does nothing by itself.
    ``covered_by``: the name of a backup hazard that answers while this one is down: this
    one's outage is then degraded while the backup is up and down while both are.
    """

    name: str
    availability: float
    mttr_hours: float
    effect: Literal["down", "degraded", "backup"]
    grace_hours: float = 0.0
    covered_by: str | None = None


@dataclass(frozen=True)
class YearlyImpact:
    years: int
    down_minutes_mean: float
    down_minutes_p95: float
    degraded_minutes_mean: float
    degraded_minutes_p95: float
    covered_minutes_mean: float = 0.0
    """Minutes a covered hazard is down while its backup answers (part of degraded)."""

    @property
    def availability(self) -> float:
        return 1.0 - self.down_minutes_mean / MINUTES_PER_YEAR


def _intervals(h: Hazard, years: int, rng: np.random.Generator) -> np.ndarray:
    """(start, end) in hours of each harmful part of ``h``'s outages over ``years`` years.

    Up and down times alternate (a renewal process): exponential up times with mean MTBF and
    exponential repair times with mean MTTR. The first ``grace_hours`` of each outage are
    harmless. Intervals crossing a year boundary are split so each belongs to one year.
    """
    horizon = years * HOURS_PER_YEAR
    mtbf = 1.0 / failure_rate_per_hour(h.availability, h.mttr_hours)
    expected = horizon / (mtbf + h.mttr_hours)
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    t = 0.0
    while t < horizon:
        n = int(expected * 1.1 + 4 * math.sqrt(expected) + 16)
        up = rng.exponential(mtbf, n)
        down = rng.exponential(h.mttr_hours, n)
        fail = t + np.cumsum(up + down) - down
        starts.append(fail)
        ends.append(fail + down)
        t = float(fail[-1] + down[-1])
    start = np.concatenate(starts) + h.grace_hours
    end = np.concatenate(ends)
    keep = (end > start) & (start < horizon)
    start, end = start[keep], np.minimum(end[keep], horizon)
    year_end = (np.floor(start / HOURS_PER_YEAR) + 1) * HOURS_PER_YEAR
    cross = end > year_end
    head = np.column_stack([start, np.minimum(end, year_end)])
    tail = np.column_stack([year_end[cross], end[cross]])
    return np.vstack([head, tail])


def _union_per_year(intervals: np.ndarray, years: int) -> np.ndarray:
    """Hours covered by the union of the intervals, per year (no interval crosses a year)."""
    if len(intervals) == 0:
        return np.zeros(years)
    ordered = intervals[np.argsort(intervals[:, 0], kind="stable")]
    start, end = ordered[:, 0], ordered[:, 1]
    reach = np.maximum.accumulate(end)
    before = np.concatenate([[-np.inf], reach[:-1]])
    covered = np.clip(end - np.maximum(start, before), 0.0, None)
    year = np.minimum((start // HOURS_PER_YEAR).astype(int), years - 1)
    return np.bincount(year, weights=covered, minlength=years)


def _merged(intervals: np.ndarray) -> list[tuple[float, float]]:
    """The union of intervals as disjoint (start, end) pairs in order."""
    out: list[tuple[float, float]] = []
    for start, end in intervals[np.argsort(intervals[:, 0], kind="stable")].tolist():
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where both sets of intervals cover the time (neither crosses a year boundary)."""
    left, right = _merged(a), _merged(b)
    out: list[tuple[float, float]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start, end = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return np.array(out).reshape(-1, 2)


def simulate(hazards: Sequence[Hazard], seed: int = 0, max_events: int = 60_000) -> YearlyImpact:
    """Minutes per year with predictions down, and degraded (wrong or stale) but not down.

    Each hazard fails and is repaired as an alternating renewal process with exponential up
    times (mean MTBF, from its availability and MTTR) and exponential repairs; overlapping
    outages count once. The number of simulated years shrinks as the expected number of
    failures grows, within 50 to 2000, and below 50 (to one) only where 50 years would draw
    more than MAX_OUTAGES outages, which bounds memory for components that fail every few
    minutes. Each hazard draws from its own stream, seeded by
    ``seed`` and its name, so adding or reordering hazards does not change the others.
    """
    return _simulate(
        tuple(sorted((h for h in hazards if h.availability < 1.0), key=lambda h: h.name)),
        seed,
        max_events,
    )


@lru_cache(maxsize=1024)
def _simulate(active: tuple[Hazard, ...], seed: int, max_events: int) -> YearlyImpact:
    """simulate, remembered: the what-if reviews behind the questions ask again and again."""
    per_year = sum(
        HOURS_PER_YEAR / (1.0 / failure_rate_per_hour(h.availability, h.mttr_hours) + h.mttr_hours)
        for h in active
    )
    wanted = max(50, min(2000, max_events // max(per_year, 1.0)))
    years = int(max(1, min(wanted, MAX_OUTAGES // max(per_year, 1.0))))
    outages = {
        h.name: _intervals(h, years, np.random.default_rng([seed, zlib.crc32(h.name.encode())]))
        for h in active
    }
    empty = np.zeros((0, 2))
    down: list[np.ndarray] = []
    degraded: list[np.ndarray] = []
    covered: list[np.ndarray] = []
    for h in active:
        mine = outages[h.name]
        if h.effect == "backup":
            continue
        if h.covered_by is not None:
            # A backup that never fails (availability 1) is not simulated: it always answers.
            both_out = _intersection(mine, outages.get(h.covered_by, empty))
            down.append(both_out)
            covered.append(mine)
            degraded.append(mine)
        else:
            (down if h.effect == "down" else degraded).append(mine)
    down_all = np.vstack(down) if down else empty
    both = np.vstack([down_all, *degraded]) if degraded else down_all
    down_hours = _union_per_year(down_all, years)
    degraded_hours = _union_per_year(both, years) - down_hours
    covered_hours = (
        _union_per_year(np.vstack([down_all, *covered]), years) - down_hours
        if covered
        else np.zeros(years)
    )
    return YearlyImpact(
        years=years,
        down_minutes_mean=float(down_hours.mean() * 60.0),
        down_minutes_p95=float(np.quantile(down_hours, 0.95) * 60.0),
        degraded_minutes_mean=float(degraded_hours.mean() * 60.0),
        degraded_minutes_p95=float(np.quantile(degraded_hours, 0.95) * 60.0),
        covered_minutes_mean=float(covered_hours.mean() * 60.0)
        if covered_hours is not None
        else 0.0,
    )
