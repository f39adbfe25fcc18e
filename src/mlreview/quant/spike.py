"""A traffic spike against an autoscaled replica pool, simulated second by second.

Seeded discrete-time simulation: Poisson arrivals per tick at the offered rate; one FIFO
backlog served at the capacity of the ready replicas; autoscaler decisions every control step
from load observed ``detection_delay_s`` earlier; ordered replicas become ready after the cold
start. An arrival whose expected wait exceeds the timeout times out; with a bounded queue,
arrivals beyond it are shed at once. Requests over the latency SLO are counted from the wait
at arrival and the service-time distribution.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from mlreview.quant.autoscaler import Autoscaler
from mlreview.quant.queueing import ServiceTime


@dataclass(frozen=True)
class SpikeSpec:
    base_qps: float
    peak_qps: float
    ramp_s: float
    duration_s: float
    per_replica_qps: float
    initial_replicas: int
    max_replicas: int
    cold_start_s: float
    autoscaler: Autoscaler
    service: ServiceTime
    slo_s: float | None
    timeout_s: float
    queue_limit_s: float | None
    extra_latency_s: float = 0.0


@dataclass
class SpikeResult:
    requests: int = 0
    over_slo: float = 0.0
    timed_out: int = 0
    shed: int = 0
    time_to_capacity_s: float | None = None
    peak_wait_s: float = 0.0
    final_replicas: int = 0
    reaches_target: bool = True
    series: list[dict[str, float]] = field(default_factory=list)

    @property
    def over_slo_share(self) -> float:
        return self.over_slo / self.requests if self.requests else 0.0


def offered(t: float, spec: SpikeSpec) -> float:
    if spec.ramp_s <= 0 or t >= spec.ramp_s:
        return spec.peak_qps
    return spec.base_qps + (spec.peak_qps - spec.base_qps) * t / spec.ramp_s


class _Pool:
    """Ready replicas and those ordered but still starting."""

    def __init__(self, ready: int) -> None:
        self.ready = ready
        self.pending: list[float] = []

    def arrive(self, t: float) -> None:
        while self.pending and self.pending[0] <= t:
            self.pending.pop(0)
            self.ready += 1

    def order(self, want: int, at: float) -> None:
        committed = self.ready + len(self.pending)
        if want > committed:
            self.pending += [at] * (want - committed)
            self.pending.sort()


def _decide(spec: SpikeSpec, pool: _Pool, seen_rate: float, t: float) -> None:
    committed = pool.ready + len(pool.pending)
    want = spec.autoscaler.desired(committed, seen_rate / max(committed, 1), spec.per_replica_qps)
    pool.order(min(want, spec.max_replicas), t + spec.cold_start_s)


def _serve_tick(
    spec: SpikeSpec,
    out: SpikeResult,
    *,
    backlog: float,
    capacity: float,
    arrivals: int,
    tick_s: float,
) -> tuple[float, float]:
    """Admit, time out or shed one tick's arrivals; returns (new backlog, wait at tick end)."""
    served = capacity * tick_s
    admitted = float(arrivals)
    if spec.queue_limit_s is not None:
        room = max(0.0, spec.queue_limit_s * capacity + served - backlog)
        out.shed += int(max(0.0, admitted - room))
        admitted = min(admitted, room)
    room = max(0.0, spec.timeout_s * capacity + served - backlog)
    out.timed_out += int(max(0.0, admitted - room))
    admitted = min(admitted, room)
    if capacity <= 0:
        return backlog, math.inf
    start = backlog / capacity
    end = max(0.0, backlog + admitted - served) / capacity
    if admitted and spec.slo_s is not None:
        values = spec.service.values  # sorted
        budget = spec.slo_s - spec.extra_latency_s
        late = sum(
            len(values) - bisect.bisect_right(values, budget - w)
            for w in (start, (start + end) / 2, end)
        ) / (3 * len(values))
        out.over_slo += admitted * late
    return max(0.0, backlog + admitted - served), end


def simulate(spec: SpikeSpec, seed: int = 0, tick_s: float = 1.0) -> SpikeResult:
    """The spike's outcome; a copy of a remembered one when the same spike was simulated
    before (the what-if reviews behind the questions rerun most endpoints unchanged)."""
    result = _simulate(spec, seed, tick_s)
    return replace(result, series=[dict(point) for point in result.series])


@lru_cache(maxsize=512)
def _simulate(spec: SpikeSpec, seed: int, tick_s: float) -> SpikeResult:
    rng = np.random.default_rng(seed)
    full_need = math.ceil(spec.peak_qps / spec.per_replica_qps - 1e-9)
    need = min(spec.max_replicas, full_need)
    pool = _Pool(spec.initial_replicas)
    lag = int(spec.autoscaler.detection_delay_s / tick_s)
    history: list[float] = [spec.base_qps] * lag  # before the spike the load was steady
    backlog, next_step = 0.0, 0.0
    out = SpikeResult(reaches_target=full_need <= spec.max_replicas)
    steps = int(spec.duration_s / tick_s)
    p99_service = spec.service.quantile(0.99)
    rates = [offered(i * tick_s, spec) for i in range(steps)]
    all_arrivals = rng.poisson(np.asarray(rates) * tick_s).tolist()
    for i in range(steps):
        t = i * tick_s
        pool.arrive(t)
        rate = rates[i]
        history.append(rate)
        if t >= next_step:
            next_step = t + spec.autoscaler.step_s
            _decide(spec, pool, history[len(history) - 1 - lag], t)
        capacity = pool.ready * spec.per_replica_qps
        arrivals = int(all_arrivals[i])
        out.requests += arrivals
        backlog, wait = _serve_tick(
            spec, out, backlog=backlog, capacity=capacity, arrivals=arrivals, tick_s=tick_s
        )
        if math.isfinite(wait):
            out.peak_wait_s = max(out.peak_wait_s, wait)
        # Capacity counts from the moment it starts to hold for the rest of the run: a ramp's
        # first seconds, still at today's load, do not count when the ramp later overwhelms it.
        holds = pool.ready >= need and backlog <= capacity * tick_s
        if not holds:
            out.time_to_capacity_s = None
        elif out.time_to_capacity_s is None:
            out.time_to_capacity_s = t
        if i % max(1, steps // 120) == 0:
            shown = (wait if math.isfinite(wait) else spec.timeout_s) + p99_service
            out.series.append(
                {
                    "t": t,
                    "qps": rate,
                    "replicas": float(pool.ready),
                    "p99_ms": (shown + spec.extra_latency_s) * 1000,
                }
            )
    out.final_replicas = pool.ready
    return out
