"""Batch scoring at today's volume and at the growth target, in its own terms: how long a run
takes against its window, the workers it may use, and the first constraint to break.

A run's time grows with its data. One that does not scale out takes the multiplier times as
long. One that does adds workers as the data grows, up to its quota (``max_workers``): its run
time stays as today's until the data outgrows ``max_workers / workers``, then grows with the
rest. Without a declared quota a run that scales out is taken to scale without limit, and the
review says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mlreview.areas.record import Record
from mlreview.system.manifest import Endpoint


@dataclass
class BatchLevel(Record):
    """One batch scoring run at a data volume (today's times ``multiplier``)."""

    multiplier: float
    rows_per_run: float | None
    workers: int | None
    runtime_hours: float
    window_hours: float | None
    fits_window: bool | None
    limited_by: str | None = None


@dataclass
class BatchLimit(Record):
    """One constraint on batch scoring and the growth at which it breaks."""

    constraint: str
    component: str
    breaks_at_multiplier: float | None
    """Data growth (x today) at which it stops holding; None when it never does."""
    holds: bool


@dataclass
class BatchModel:
    runtime_s: float
    window_s: float | None
    scales: bool
    workers: int | None
    max_workers: int | None
    rows_today: float | None
    assumptions: list[str] = field(default_factory=list)

    @property
    def scale_room(self) -> float | None:
        """How far the data may grow with the run adding workers: max_workers / workers (1
        when it does not scale out; None when unlimited, as far as the manifest says)."""
        if not self.scales:
            return 1.0
        if self.workers is None or self.max_workers is None:
            return None
        return self.max_workers / self.workers

    def runtime(self, mult: float) -> float:
        room = self.scale_room
        return self.runtime_s if room is None else self.runtime_s * mult / min(mult, room)

    def workers_at(self, mult: float) -> int | None:
        if self.workers is None:
            return None
        if not self.scales:
            return self.workers
        want = math.ceil(self.workers * mult - 1e-9)
        return want if self.max_workers is None else min(want, self.max_workers)

    def level(self, mult: float) -> BatchLevel:
        runtime = self.runtime(mult)
        fits = None if self.window_s is None else runtime <= self.window_s
        return BatchLevel(
            multiplier=mult,
            rows_per_run=round(self.rows_today * mult) if self.rows_today else None,
            workers=self.workers_at(mult),
            runtime_hours=round(runtime / 3600, 3),
            window_hours=round(self.window_s / 3600, 3) if self.window_s is not None else None,
            fits_window=fits,
        )

    def limits(self, endpoint: str, mult: float) -> list[BatchLimit]:
        """Each constraint with the growth at which it breaks, soonest first."""
        out: list[BatchLimit] = []
        room = self.scale_room
        if self.window_s is not None:
            if room is None:
                breaks = 0.0 if self.runtime_s > self.window_s else None
            else:
                breaks = room * self.window_s / self.runtime_s
            out.append(BatchLimit("batch window", endpoint, _round(breaks), self.fits(mult)))
        if self.scales and room is not None:
            out.append(BatchLimit("worker quota", endpoint, _round(room), room >= mult))
        return sorted(out, key=_soonest)

    def fits(self, mult: float) -> bool:
        return self.window_s is None or self.runtime(mult) <= self.window_s


def _soonest(b: BatchLimit) -> tuple[float, str]:
    return (math.inf if b.breaks_at_multiplier is None else b.breaks_at_multiplier, b.constraint)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def build(e: Endpoint, daily_predictions: float | None) -> BatchModel | None:
    """The batch model of an endpoint, or None without a declared run time."""
    b = e.batch
    if b is None or b.runtime is None:
        return None
    model = BatchModel(
        runtime_s=float(b.runtime),
        window_s=float(b.window) if b.window is not None else None,
        scales=bool(b.scales_horizontally),
        workers=b.workers,
        max_workers=b.max_workers,
        rows_today=daily_predictions,
    )
    if b.scales_horizontally is None:
        model.assumptions.append("scales_horizontally not declared; assumed the run does not")
    if model.scales and model.scale_room is None:
        model.assumptions.append(
            "workers or max_workers not declared; assumed the run scales out without a quota"
        )
    return model


def judge(level: BatchLevel, limits: list[BatchLimit]) -> None:
    """Name the first constraint a level breaks (the window, or the quota it has outgrown)."""
    if level.fits_window is not False:
        return
    broken = [b for b in limits if _soonest(b)[0] < level.multiplier]
    first = broken[0] if broken else next(b for b in limits if b.constraint == "batch window")
    level.limited_by = f"{first.constraint} ({first.component})"
