"""Per endpoint: latency at today's peak and at the growth target, what breaks first, and how a
spike plays out under the declared autoscaler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlreview.areas.assumed import Assumed
from mlreview.areas.record import INTERNAL, OMIT_NONE, Record
from mlreview.areas.serving import batch_model
from mlreview.areas.serving import capacity_model as capacity
from mlreview.areas.serving.batch_model import BatchLevel, BatchLimit
from mlreview.areas.serving.capacity_model import LoadLevel, SpikeOutcome
from mlreview.document.cells import number, signed_share
from mlreview.system.manifest import Dependency, Endpoint
from mlreview.system.system import System

DEFAULT_RAMP_S = 60.0
RAMP_MISS_SHARE = 0.01
"""The share of a ramp's requests answered late below which the ramp is taken as absorbed."""


@dataclass
class Bottleneck(Record):
    """One capacity limit as the highest request rate it allows."""

    constraint: str
    component: str
    capacity_qps: float
    holds: bool = False


@dataclass
class DependencyLoad(Record):
    target: str
    qps_at_multiplier: float | None
    max_qps: float | None


@dataclass
class LoadTestCheck(Record):
    """A linked load test beside the model's p99 at its rate and replicas."""

    file: str
    tool: str
    throughput_qps: float | None
    p50_ms: float | None
    p99_ms: float | None
    predicted_p99_ms: float | None
    replicas: int
    error_rate: float
    open_loop: bool
    concurrency: int | None = None
    tokens: dict[str, Any] | None = None
    """LLM token timings (time to first token, inter-token latency, tokens per second), which
    the capacity model does not use yet."""
    notes: list[str] = field(default_factory=list)
    calibrated: bool = False
    """The test set the model's service time, so it cannot validate it."""
    held_out_p99_ms: float | None = None
    """The p99 predicted at its rate by the model built without this test."""
    held_out_error: float | None = None
    """(held-out prediction - measured) / measured."""


@dataclass
class ModelBasis(Record):
    """What the capacity model assumed of one replica."""

    service_mean_ms: float
    service_p99_ms: float
    service_scv: float
    concurrency_per_replica: int
    routing: str
    dependency_latency_ms: float
    autoscaler: str
    cold_start_seconds: float
    assumptions: list[str]


@dataclass
class EndpointCapacity(Record):
    endpoint: str
    mode: str | None
    peak_qps: float | None
    multiplier: float
    target_qps: float | None
    min_replicas: int | None
    max_replicas: int | None
    qps_per_replica: float | None = None
    capacity_qps: float | None = None
    headroom: float | None = None
    replicas_needed: int | None = None
    time_to_capacity_seconds: float | None = None
    scenarios: list[LoadLevel] = field(default_factory=list)
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    bottleneck: Bottleneck | None = None
    spike: SpikeOutcome | None = None
    ramp: SpikeOutcome | None = None
    model: ModelBasis | None = None
    load_tests: list[LoadTestCheck] = field(default_factory=list)
    dependencies: list[DependencyLoad] = field(default_factory=list)
    sweep: list[LoadLevel] | None = field(default=None, metadata=OMIT_NONE)
    validation: str | None = None
    """What the load tests say of the model: which calibrated it, which check it."""
    batch: list[BatchLevel] = field(default_factory=list)
    """Batch scoring today and at the growth target."""
    batch_limits: list[BatchLimit] = field(default_factory=list)
    batch_assumptions: list[str] = field(default_factory=list)
    holds_target: bool | None = None
    """The one verdict at the growth target: every constraint takes its rate."""
    limited_by: str | None = None
    assumed: list[Assumed] = field(default_factory=list, metadata=INTERNAL)
    """Figures behind the verdict that rest on a default (the growth target, a service time),
    each with the field that would settle it."""

    @property
    def online(self) -> bool:
        return self.mode != "batch"

    @property
    def ramp_shortfall(self) -> SpikeOutcome | None:
        """The simulated ramp to the target when it reaches enough replicas but only after 1%
        or more of its requests miss the SLO (or any time out or are shed) on the way: a pool
        that holds the target once scaled up, not the ramp to it."""
        ramp = self.ramp
        if not ramp or not ramp.reaches_target or ramp.time_to_capacity_seconds is None:
            return None
        if ramp.over_slo_share < RAMP_MISS_SHARE and not ramp.timed_out and not ramp.shed:
            return None
        return ramp

    @property
    def at_target(self) -> LoadLevel | None:
        """The load level at the growth target, when the endpoint has a capacity model."""
        return self.scenarios[-1] if self.scenarios else None


@dataclass
class ServingAssessment(Record):
    endpoints: list[EndpointCapacity]
    scenarios: list[LoadLevel]
    bottleneck: Bottleneck | None
    time_to_capacity_seconds: float | None
    primary_endpoint: str | None

    def endpoint(self, ident: str) -> EndpointCapacity:
        return next(r for r in self.endpoints if r.endpoint == ident)


def dependency_limit(system: System, d: Dependency) -> float | None:
    if d.max_qps:
        return d.max_qps
    target = system.get(d.target)
    limit = getattr(target, "max_qps", None)
    return float(limit) if limit else None


def _bottlenecks(
    system: System, e: Endpoint, model: capacity.CapacityModel, need: float
) -> list[Bottleneck]:
    """Each limit as the highest request rate it allows, lowest first."""
    out = [
        Bottleneck(
            "replica pool at max replicas", e.id, round(model.ceiling(model.max_replicas), 1)
        )
    ]
    for d in e.dependencies:
        calls = d.calls_per_request or 1.0
        limit = dependency_limit(system, d)
        if limit is not None:
            out.append(Bottleneck("dependency QPS limit", d.target, round(limit / calls, 1)))
        if d.pool_size is not None and d.latency_ms is not None:
            in_flight_per_request = calls * d.latency_ms / 1000.0
            out.append(
                Bottleneck(
                    "connection pool",
                    d.target,
                    round(d.pool_size * model.max_replicas / in_flight_per_request, 1),
                )
            )
    if e.accelerators_per_replica and e.accelerator_quota is not None:
        usable = e.accelerator_quota // e.accelerators_per_replica
        out.append(
            Bottleneck(
                "accelerator quota",
                e.id,
                round(model.ceiling(max(usable, 0)) if usable else 0.0, 1),
            )
        )
    for b in out:
        b.holds = b.capacity_qps >= need
    return sorted(out, key=lambda b: (b.capacity_qps, b.constraint))


def _judge(level: LoadLevel, limits: list[Bottleneck]) -> None:
    """Count every constraint in a load level's verdict: the replica pool's (from the
    queueing model) and each other limit's highest rate."""
    broken = [f"{b.constraint} ({b.component})" for b in limits if b.capacity_qps < level.qps]
    if broken:
        level.meets_slo = False
        level.limited_by = broken[0]
    elif not level.meets_slo:
        level.limited_by = (
            "latency SLO (no number of replicas meets it)"
            if level.replicas_needed is None
            else "replica pool at max replicas"
        )


def _daily_predictions(system: System, e: Endpoint) -> float | None:
    for traffic in (e.traffic, system.manifest.system.traffic):
        if traffic and traffic.daily_predictions:
            return traffic.daily_predictions
    return None


def _batch_row(system: System, e: Endpoint, row: EndpointCapacity) -> EndpointCapacity:
    """A batch endpoint's run today and at the growth target, and what breaks first."""
    model = batch_model.build(e, _daily_predictions(system, e))
    if model is None:
        return row
    mult = row.multiplier
    row.batch = [model.level(1.0), model.level(mult)]
    row.batch_limits = model.limits(e.id, mult)
    for level in row.batch:
        batch_model.judge(level, row.batch_limits)
    row.batch_assumptions = model.assumptions
    target = row.batch[1]
    row.holds_target = target.fits_window
    row.limited_by = target.limited_by
    return row


def _p99_at(model: capacity.CapacityModel, rate: float | None) -> float | None:
    replicas = model.tested_replicas
    if rate is None or not model.station(rate, replicas).stable:
        return None
    return model.latency_ms(rate, replicas, 0.99)


def _validation(tests: list[LoadTestCheck]) -> str | None:
    """Which tests calibrated the model and which, held out, check it."""
    if not tests:
        return None
    checks = [t for t in tests if not t.calibrated and t.held_out_error is not None]
    fitted = [t for t in tests if t.calibrated]
    parts = []
    if fitted:
        names = ", ".join(f"{number(t.throughput_qps)} QPS" for t in fitted)
        parts.append(f"calibrated on the {names} test{'s' if len(fitted) > 1 else ''}")
    if checks:
        shown = "; ".join(
            f"the {number(t.throughput_qps)} QPS test, held out, measured p99 "
            f"{number(t.p99_ms)} ms against {number(t.held_out_p99_ms)} ms predicted "
            f"({signed_share(t.held_out_error)})"
            for t in checks
        )
        parts.append(shown)
    elif fitted:
        parts.append("no other test validates it")
    return "; ".join(parts)


GROWTH_FIELD = "system.traffic.growth_multiplier"
"""Where an undeclared growth target is assumed (the configuration's default applies)."""


def _declares_growth(system: System, e: Endpoint) -> bool:
    return any(t and t.growth_multiplier for t in (e.traffic, system.manifest.system.traffic))


def endpoint_row(
    system: System, e: Endpoint, override: float | None = None, sweep_points: int = 0
) -> EndpointCapacity:
    """One endpoint's capacity figures; with ``sweep_points``, also a ``sweep`` of latency
    against load (for ``mlreview capacity``)."""
    peak, mult, share_note = capacity.target(system, e, override)
    row = EndpointCapacity(
        endpoint=e.id,
        mode=e.mode,
        peak_qps=peak,
        multiplier=mult,
        target_qps=peak * mult if peak else None,
        min_replicas=e.replicas.min if e.replicas else None,
        max_replicas=e.replicas.max if e.replicas else None,
        sweep=[] if sweep_points else None,
    )
    if override is None and not _declares_growth(system, e):
        row.assumed.append(Assumed(f"{mult:g}x growth", GROWTH_FIELD))
    for d in e.dependencies:
        calls = d.calls_per_request or 1.0
        row.dependencies.append(
            DependencyLoad(
                target=d.target,
                qps_at_multiplier=round(peak * mult * calls, 3) if peak else None,
                max_qps=dependency_limit(system, d),
            )
        )
    if e.mode == "batch":
        return _batch_row(system, e, row)
    model = capacity.build(system, e)
    if model is None:
        return row
    row.assumed += model.defaults
    tested_replicas = model.tested_replicas
    for r in model.load_tests:
        rate = r.throughput_qps  # None: the file has no request rate to compare at
        predicted = _p99_at(model, rate)
        others = [o for o in model.load_tests if o is not r]
        without = capacity.build(system, e, others)
        held_out = _p99_at(without, rate) if without is not None else None
        row.load_tests.append(
            LoadTestCheck(
                file=r.file,
                tool=r.tool,
                throughput_qps=rate,
                p50_ms=r.p50_ms,
                p99_ms=r.p99_ms,
                predicted_p99_ms=round(predicted, 2) if predicted is not None else None,
                replicas=tested_replicas,
                error_rate=round(r.error_rate, 4),
                open_loop=r.open_loop,
                concurrency=r.concurrency,
                tokens=r.tokens.to_dict() if r.tokens else None,
                notes=list(r.notes),
                calibrated=r.file in model.calibrated_on,
                held_out_p99_ms=round(held_out, 2) if held_out is not None else None,
                held_out_error=round(held_out / r.p99_ms - 1, 3)
                if held_out is not None and r.p99_ms
                else None,
            )
        )
    row.validation = _validation(row.load_tests)
    row.model = ModelBasis(
        service_mean_ms=round(model.service.mean * 1000, 3),
        service_p99_ms=round(model.service.quantile(0.99) * 1000, 3),
        service_scv=round(model.service.scv, 3),
        concurrency_per_replica=model.concurrency,
        routing=model.routing,
        dependency_latency_ms=round(model.extra_latency_s * 1000, 3),
        autoscaler=model.autoscaler.name,
        cold_start_seconds=model.cold_start_s,
        assumptions=[*model.assumptions, *([share_note] if share_note else [])],
    )
    row.qps_per_replica = round(model.ceiling(1), 3)
    ceiling = row.capacity_qps = round(model.ceiling(model.max_replicas), 3)
    if peak is None:
        return row
    goal = peak * mult
    row.scenarios = [capacity.scenario(model, peak, 1.0), capacity.scenario(model, goal, mult)]
    if sweep_points:
        row.sweep = _sweep(model, goal, mult, sweep_points)
    row.replicas_needed = row.scenarios[1].replicas_needed
    row.headroom = round(ceiling / goal, 3) if goal else None
    row.bottlenecks = _bottlenecks(system, e, model, goal)
    row.bottleneck = row.bottlenecks[0]
    for level in [*row.scenarios, *(row.sweep or [])]:
        _judge(level, row.bottlenecks)
    row.holds_target = row.scenarios[1].meets_slo
    row.limited_by = row.scenarios[1].limited_by
    traffic = e.traffic or system.manifest.system.traffic
    ramp = float(traffic.ramp) if traffic and traffic.ramp is not None else DEFAULT_RAMP_S
    row.spike = capacity.spike(model, peak, goal, 0.0)
    row.ramp = capacity.spike(model, peak, goal, ramp)
    row.time_to_capacity_seconds = row.spike.time_to_capacity_seconds
    return row


def _sweep(model: capacity.CapacityModel, goal: float, mult: float, points: int) -> list[LoadLevel]:
    """Latency against load from 1/points of the target to the target, at the replicas the
    autoscaler would run."""
    return [
        capacity.scenario(model, goal * (i + 1) / points, mult * (i + 1) / points)
        for i in range(points)
    ]


def assess(
    system: System, override: float | None = None, sweep_points: int = 0
) -> ServingAssessment:
    rows = [endpoint_row(system, e, override, sweep_points) for e in system.manifest.endpoints]
    primary = next((r for r in rows if r.online and r.scenarios), None)
    return ServingAssessment(
        endpoints=rows,
        scenarios=primary.scenarios if primary else [],
        bottleneck=primary.bottleneck if primary else None,
        time_to_capacity_seconds=primary.time_to_capacity_seconds if primary else None,
        primary_endpoint=primary.endpoint if primary else None,
    )
