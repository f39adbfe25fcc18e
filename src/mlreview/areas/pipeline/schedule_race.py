"""Schedule races: a job (or a batch scoring run) that starts before the upstream job whose
output it reads can finish.

Both schedules must be cron expressions (named periods such as 'daily' have no time of day)
and the upstream's run time must be declared. Runs are listed in each job's own time zone over
an eight-day window at the start of every month of a year, so daylight-saving changes in
either zone are seen; each downstream start is compared with the latest upstream start at or
before it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from mlreview.system.cron import START, runs
from mlreview.system.manifest import Endpoint, Pipeline
from mlreview.system.system import System
from mlreview.system.units import Schedule

WINDOW_DAYS = 8
WINDOWS = 12


@dataclass(frozen=True)
class Overlap:
    """How far the downstream's starts fall inside the upstream's runs."""

    max_seconds: float
    runs_hit: int
    runs_seen: int


@dataclass(frozen=True)
class Race:
    upstream: Pipeline
    downstream: Pipeline | Endpoint
    through: str
    overlap: Overlap
    upstream_zone: str
    downstream_zone: str


@lru_cache(maxsize=256)
def overlap(
    upstream: str, upstream_zone: str, runtime_s: float, downstream: str, downstream_zone: str
) -> Overlap:
    """The longest time by which a downstream start precedes the end of the upstream run
    before it, and on how many of the downstream runs sampled it happens."""
    worst, hit, seen = 0.0, 0, 0
    lead = Schedule.parse(upstream).longest_gap + runtime_s
    for month in range(WINDOWS):
        start = START + timedelta(days=round(month * 365 / WINDOWS))
        ups = runs(upstream, upstream_zone, start - timedelta(seconds=lead), WINDOW_DAYS + 1)
        for d in runs(downstream, downstream_zone, start, WINDOW_DAYS):
            seen += 1
            i = bisect.bisect_right(ups, d) - 1
            if i >= 0 and d < ups[i] + runtime_s:
                hit += 1
                worst = max(worst, ups[i] + runtime_s - d)
    return Overlap(worst, hit, seen)


def _zone(system: System, own: str | None) -> str:
    return own or system.manifest.system.timezone or "UTC"


def _reads(system: System, consumer: Pipeline | Endpoint) -> list[tuple[Pipeline, str]]:
    """(upstream job, what it is read through) for each scheduled job whose output the
    consumer reads."""
    if isinstance(consumer, Pipeline):
        inputs = list(consumer.inputs)
    else:
        model = system.model_of(consumer)
        inputs = sorted({f.store for f in system.model_features(model) if f.store})
    out: list[tuple[Pipeline, str]] = []
    for ident in inputs:
        comp = system.get(ident)
        if isinstance(comp, Pipeline):
            out.append((comp, comp.id))
        else:
            out += [(p, ident) for p in system.writers(ident) if p.id != consumer.id]
    return out


def _schedule(job: Pipeline | Endpoint) -> tuple[Schedule | None, str | None]:
    if isinstance(job, Pipeline):
        return job.schedule, job.timezone
    return (job.batch.schedule, job.batch.timezone) if job.batch else (None, None)


def races(system: System) -> list[Race]:
    consumers: list[Pipeline | Endpoint] = [*system.manifest.pipelines]
    consumers += [e for e in system.manifest.endpoints if e.mode == "batch"]
    found: list[Race] = []
    for consumer in consumers:
        schedule, own_zone = _schedule(consumer)
        if schedule is None or not schedule.cron:
            continue
        for upstream, through in _reads(system, consumer):
            if upstream.schedule is None or not upstream.schedule.cron:
                continue
            if upstream.runtime is None or float(upstream.runtime) <= 0:
                continue
            up_zone, down_zone = _zone(system, upstream.timezone), _zone(system, own_zone)
            o = overlap(
                str(upstream.schedule), up_zone, float(upstream.runtime), str(schedule), down_zone
            )
            if o.runs_hit:
                found.append(Race(upstream, consumer, through, o, up_zone, down_zone))
    return found


def local_time(expr: str, zone: str) -> str:
    """The first run's local time of day, '01:30', for a message."""
    first = runs(expr, zone, START, 8)[0]
    return datetime.fromtimestamp(first, ZoneInfo(zone)).strftime("%H:%M")
