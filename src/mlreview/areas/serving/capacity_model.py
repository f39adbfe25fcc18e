"""A capacity model of one endpoint built from its manifest and load-test evidence.

Per-replica service time comes from, in order: a declared service time (p50 and p99), the
lowest-rate load test, or the declared per-replica QPS (taken as 80% of saturation); it is then
stretched until no load test is slower than the model predicts. Replicas queue their own share
of requests under random routing (a Kubernetes Service) or share one queue (Ray Serve,
least-loaded balancers); each replica has ``concurrency`` slots. Dependencies called per
request add their latency to every response.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from mlreview.areas.assumed import Assumed, field_of
from mlreview.areas.common import marked_inferred, multiplier, peak_qps
from mlreview.areas.record import Record
from mlreview.datasets.loadtest import LoadTestRun, read
from mlreview.document.cells import duration, number, share
from mlreview.quant.autoscaler import Autoscaler, for_platform
from mlreview.quant.queueing import ServiceTime, Station, max_rate, scale_to_match
from mlreview.quant.spike import SpikeSpec, simulate
from mlreview.system.manifest import Capacity, Endpoint
from mlreview.system.system import System

CLAIM_UTILISATION = 0.8
UTILISATION_TOLERANCE = 1e-9
"""How far past the 90% limit a float product may land and still be at it."""
NO_SLO_UTILISATION = 0.9
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_COLD_START_S = 60.0
SPIKE_SEED = 20261126


@dataclass
class CapacityModel:
    endpoint: Endpoint
    service: ServiceTime
    concurrency: int
    routing: str
    extra_latency_s: float
    slo_s: float | None
    min_replicas: int
    max_replicas: int
    autoscaled: bool
    autoscaler: Autoscaler
    cold_start_s: float
    timeout_s: float
    bounded_queue: bool
    assumptions: list[str]
    load_tests: list[LoadTestRun]
    defaults: list[Assumed] = field(default_factory=list)
    """The figures behind its ceilings that rest on a default, with the field to declare."""
    calibrated_on: list[str] = field(default_factory=list)
    """Files of the load tests that set the service time (the lowest-rate test when nothing
    is declared, the slowest test when it stretched it): they cannot validate the model."""

    @property
    def per_replica_saturation(self) -> float:
        return self.concurrency / self.service.mean

    def station(self, rate: float, replicas: int) -> Station:
        if self.routing == "shared":
            return Station(replicas * self.concurrency, rate, self.service)
        return Station(self.concurrency, rate / replicas, self.service)

    def latency_ms(self, rate: float, replicas: int, p: float) -> float:
        st = self.station(rate, replicas)
        return (st.response_quantile(p) + self.extra_latency_s) * 1000.0

    def meets(self, rate: float, replicas: int) -> bool:
        st = self.station(rate, replicas)
        if not st.stable:
            return False
        if self.slo_s is None:
            # Within rounding: 10,000 replicas at 30 QPS each are 300,000 QPS at 90%, not short.
            return st.utilisation <= NO_SLO_UTILISATION + UTILISATION_TOLERANCE
        return st.response_quantile(0.99) + self.extra_latency_s <= self.slo_s

    def replicas_needed(self, rate: float, limit: int = 100_000) -> int | None:
        """Fewest replicas that serve ``rate`` within the SLO (None if no number can, e.g.
        when the service time alone exceeds it)."""
        lo = max(1, math.ceil(rate / self.per_replica_saturation - 1e-9))
        hi = lo
        while not self.meets(rate, hi):
            if hi >= limit or (hi > lo + 64 and hi > 4 * lo):
                return None
            hi = min(limit, hi * 2)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.meets(rate, mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def ceiling(self, replicas: int) -> float:
        """Highest rate ``replicas`` replicas serve within the SLO (or at 90% utilisation)."""
        budget = None if self.slo_s is None else self.slo_s - self.extra_latency_s
        if budget is None:
            return replicas * self.per_replica_saturation * NO_SLO_UTILISATION
        if budget <= 0:
            return 0.0
        if self.routing == "shared":
            return max_rate(replicas * self.concurrency, self.service, 0.99, budget)
        return replicas * max_rate(self.concurrency, self.service, 0.99, budget)

    @property
    def tested_replicas(self) -> int:
        """Replicas serving during the load tests (the maximum when not declared)."""
        lt = self.endpoint.capacity.load_test if self.endpoint.capacity else None
        return lt.replicas if lt and lt.replicas else self.max_replicas

    def running_replicas(self, rate: float) -> int:
        """Replicas the autoscaler settles on for a sustained rate, within min and max."""
        if not self.autoscaled:
            return self.max_replicas
        want = math.ceil(rate / (self.autoscaler.target * self.per_replica_saturation) - 1e-9)
        return max(self.min_replicas, min(self.max_replicas, max(want, 1)))


def _service(
    system: System, e: Endpoint, runs: list[LoadTestRun], concurrency: int
) -> tuple[ServiceTime, list[str]]:
    notes: list[str] = []
    st = e.service_time
    if e.batching is not None:
        b = e.batching
        per_request = b.latency_ms_max_batch / b.max_batch_size / 1000.0
        notes.append(
            f"dynamic batching: {b.max_batch_size} per batch in "
            f"{number(b.latency_ms_max_batch)} ms, {number(per_request * 1000)} ms per request "
            "at full batches"
        )
        return ServiceTime.deterministic(per_request, "batching"), notes
    if st is not None and st.p50_ms is not None:
        p99 = st.p99_ms if st.p99_ms is not None else None
        if p99 is None:
            notes.append("service-time p99 not declared; assumed exponential service")
            return ServiceTime.exponential(st.p50_ms / 1000.0 / math.log(2), "p50 only"), notes
        return ServiceTime.lognormal(st.p50_ms / 1000.0, p99 / 1000.0, "declared"), notes
    low = _lowest_rate_test(runs)
    if low is not None:
        notes.append(
            f"service time from the lowest-rate load test ({low.file}: p50 "
            f"{number(low.p50_ms)} ms, p99 {number(low.p99_ms)} ms at "
            f"{number(low.throughput_qps)} QPS)"
        )
        return ServiceTime.lognormal(
            low.p50_ms / 1000.0, (low.p99_ms or low.p50_ms) / 1000.0, "load test"
        ), notes
    claim = e.capacity.qps_per_replica if e.capacity else None
    if claim:
        mean = concurrency * CLAIM_UTILISATION / claim
        notes.append(
            f"service time not declared; derived from {number(claim)} QPS per replica taken as "
            f"{share(CLAIM_UTILISATION)} of saturation, exponential"
        )
        return ServiceTime.exponential(mean, "claim"), notes
    raise LookupError("no service time, load test or per-replica QPS")


def _implied_concurrency(e: Endpoint, service: ServiceTime) -> tuple[int, str]:
    """Slots per replica when none is declared: the declared per-replica QPS taken as
    ``CLAIM_UTILISATION`` of saturation needs ``QPS x mean service time / 0.8`` requests in
    flight (Little's law), else 1. A replica that serves 8 QPS of 4-second generations holds
    dozens at once; taking 1 would put its capacity at a fortieth of what it declares."""
    claim = e.capacity.qps_per_replica if e.capacity else None
    if not claim or service.basis in ("claim", "batching"):
        return 1, "concurrency per replica not declared; assumed 1"
    slots = max(1, math.ceil(claim * service.mean / CLAIM_UTILISATION - 1e-9))
    return slots, (
        f"concurrency per replica not declared; {number(claim)} QPS per replica x "
        f"{number(service.mean * 1000)} ms mean service time / {share(CLAIM_UTILISATION)} "
        f"(the declared QPS taken as {share(CLAIM_UTILISATION)} of saturation) = {slots}"
    )


def _lowest_rate_test(runs: list[LoadTestRun]) -> LoadTestRun | None:
    """The run at the lowest request rate among those that state both a rate and a p99."""
    tested = [r for r in runs if r.p99_ms is not None and r.throughput_qps is not None]
    return min(tested, key=lambda r: r.throughput_qps or 0.0) if tested else None


def _load_tests(system: System, e: Endpoint) -> list[LoadTestRun]:
    lt = e.capacity.load_test if e.capacity else None
    if lt is None or not lt.results:
        return []
    base = Path(system.file).parent if system.file != "<manifest>" else Path.cwd()
    return [read(base / rel, str(base / rel)) for rel in lt.results]


def build(
    system: System, e: Endpoint, runs: list[LoadTestRun] | None = None
) -> CapacityModel | None:
    """The endpoint's capacity model, or None when nothing says how fast a replica is;
    ``runs`` replaces the linked load tests (to hold one out)."""
    runs = _load_tests(system, e) if runs is None else runs
    concurrency = e.concurrency_per_replica or 1
    assumptions: list[str] = []
    defaults: list[Assumed] = []
    timing: list[Assumed] = []
    """Defaults a load test that calibrates the service time takes the place of."""
    try:
        service, notes = _service(system, e, runs, concurrency)
    except LookupError:
        return None
    if service.basis == "claim":
        timing.append(
            Assumed(
                f"{number(service.mean * 1000)} ms service time (the declared QPS per replica "
                f"taken as {share(CLAIM_UTILISATION)} of saturation)",
                field_of(system, e, "service_time.p50_ms"),
                brief="a replica's service time, worked back from its declared QPS",
            )
        )
    if e.concurrency_per_replica is None:
        concurrency, note = _implied_concurrency(e, service)
        assumptions.append(note)
        defaults.append(
            Assumed(
                f"{concurrency} request{'s' if concurrency != 1 else ''} in flight per replica",
                field_of(system, e, "concurrency_per_replica"),
            )
        )
    assumptions += notes
    lowest = _lowest_rate_test(runs)
    calibrated = [lowest.file] if service.basis == "load test" and lowest else []
    routing = e.routing or (
        "shared" if (e.platform or "").lower() in ("ray_serve", "ray") else "random"
    )
    if e.routing is None:
        assumptions.append(f"routing not declared; assumed {routing}")
    extra = 0.0
    for d in e.dependencies:
        if d.latency_ms is not None:
            extra += d.latency_ms * (d.calls_per_request or 1.0) / 1000.0
        else:
            assumptions.append(f"latency of {d.target} not declared; none added per request")
            timing.append(
                Assumed(
                    f"no time for calls to {d.target} (a best case)",
                    field_of(system, d, "latency_ms"),
                )
            )
    replicas = e.replicas
    lo = replicas.min if replicas and replicas.min is not None else 1
    hi = replicas.max if replicas and replicas.max is not None else lo
    autoscaled = bool(e.autoscaling and e.autoscaling.enabled) and hi > lo
    scaler, basis = for_platform(
        e.platform,
        e.autoscaling.metric if e.autoscaling else None,
        e.autoscaling.target if e.autoscaling else None,
        float(e.autoscaling.reaction) if e.autoscaling and e.autoscaling.reaction else None,
    )
    assumptions.append(f"autoscaler: {scaler.name} ({basis})")
    cold = float(e.cold_start) if e.cold_start is not None else DEFAULT_COLD_START_S
    if e.cold_start is None:
        assumptions.append(f"cold start not declared; assumed {duration(DEFAULT_COLD_START_S)}")
    timeout = float(e.request_timeout) if e.request_timeout is not None else DEFAULT_TIMEOUT_S
    slo_s = e.slo.p99_ms / 1000.0 if e.slo and e.slo.p99_ms else None
    if slo_s is None:
        defaults.append(
            Assumed(
                f"a replica's limit at {share(NO_SLO_UTILISATION)} utilisation (no latency SLO)",
                field_of(system, e, "slo.p99_ms"),
            )
        )
    model = CapacityModel(
        endpoint=e,
        service=service,
        concurrency=concurrency,
        routing=routing,
        extra_latency_s=extra,
        slo_s=slo_s,
        min_replicas=max(lo, 0),
        max_replicas=max(hi, 1),
        autoscaled=autoscaled,
        autoscaler=scaler,
        cold_start_s=cold,
        timeout_s=timeout,
        bounded_queue=bool(
            e.admission and (e.admission.bounded_queue or e.admission.load_shedding)
        ),
        assumptions=assumptions,
        load_tests=runs,
        defaults=defaults,
        calibrated_on=calibrated,
    )
    model = _against_claim(system, _slowed_to_load_tests(model))
    if not model.calibrated_on:
        model.defaults[:0] = timing
    return model


SLOWER_THAN_ASSUMED = 1.1


def _against_claim(system: System, model: CapacityModel) -> CapacityModel:
    """A declared per-replica QPS above what the declared slots and service time allow even at
    saturation. A load-tested one, with no linked results to calibrate on, calibrates the
    service time (``_sped_to_tested_claim``); an estimate, or a test that would need the service
    time more than halved, contradicts the manifest's own latencies, so the ceilings rest on the
    service time and the review says so rather than overrule the declared figure in silence.
    Linked results outrank the declared figure: they are measured latencies at known rates, and
    the declared QPS is one number about them."""
    capacity = model.endpoint.capacity
    claim = capacity.qps_per_replica if capacity else None
    if not claim or model.service.basis == "claim":
        return model
    measured = capacity is not None and capacity.source == "load_test"
    if measured and not model.load_tests and claim > _evidence_limit(model, capacity):
        # Latencies that would not serve today's peak at the replicas the system has are
        # contradicted by the system serving it, however far the test's figure is from them.
        peak, _ = peak_qps(system, model.endpoint)
        today = peak is not None and model.ceiling(model.max_replicas) < peak
        return _sped_to_tested_claim(system, model, claim, today)
    return _figures_disagree(model, claim)


def _evidence_limit(model: CapacityModel, capacity: Capacity | None) -> float:
    """The per-replica rate above which a load-tested QPS a replica calibrates the service
    time: saturation, since a test's highest rate need not have met the SLO; but the limit
    within the SLO when a production-like test reached that rate on the whole pool
    (max_qps_tested >= QPS a replica x max replicas), the pool the system serves on."""
    lt = capacity.load_test if capacity else None
    claim = capacity.qps_per_replica if capacity else None
    whole_pool = bool(
        lt
        and lt.prod_like
        and lt.max_qps_tested
        and claim
        and lt.max_qps_tested >= claim * model.max_replicas
    )
    return model.ceiling(1) if whole_pool else model.per_replica_saturation


def _figures_disagree(model: CapacityModel, claim: float) -> CapacityModel:
    capacity = model.endpoint.capacity
    saturation = model.per_replica_saturation
    if claim <= saturation:
        return model
    source = f" ({capacity.source.replace('_', ' ')})" if capacity and capacity.source else ""
    model.assumptions.append(
        f"the declared {number(claim)} QPS per replica{source} is more than a replica serves "
        f"with {model.concurrency} requests in flight at the model's mean service time of "
        f"{number(model.service.mean * 1000)} ms ({model.service.basis}), even at saturation "
        f"({model.concurrency} / {number(model.service.mean)} s = {number(saturation)} QPS): "
        "the declared figures do not fit together; the ceilings here follow the service time, "
        f"at most {number(saturation / claim * 100)}% of what the declared QPS implies"
    )
    return model


FASTEST_WHEN_SERVING_TODAY = 0.01
"""How far a load-tested QPS may shorten latencies that would not serve today's peak."""
FASTEST_CALIBRATION = 0.5
"""A load-tested QPS that needs the service time more than halved is not a calibration of the
declared latencies but a contradiction of them: the review says so instead, unless the declared
latencies would not even serve today's peak, which the system does serve."""


def _sped_to_tested_claim(
    system: System, model: CapacityModel, claim: float, serves_today: bool
) -> CapacityModel:
    """A per-replica QPS a load test measured, above the limit the declared service time
    allows: the measurement is the evidence (as a linked load test's latencies are in
    ``_slowed_to_load_tests``), so every service time is shortened by one factor until a
    replica's limit is the measured figure, and the review names the factor as assumed."""
    limit = model.ceiling(1)
    if claim <= limit or limit <= 0:
        return model
    base = model.service
    floor = FASTEST_WHEN_SERVING_TODAY if serves_today else FASTEST_CALIBRATION
    factor = _speed_factor(model, claim, limit, floor)
    model.service = base
    if factor is None:
        return _figures_disagree(model, claim)
    model.service = base.scaled(factor, f"{base.basis}, sped to the load-tested QPS")
    model.assumptions.append(
        f"the declared {number(claim)} QPS per replica (load test) is more than the "
        f"{number(limit)} QPS a replica serves with {model.concurrency} "
        f"request{'s' if model.concurrency != 1 else ''} in flight at "
        f"the declared service time's mean of {number(base.mean * 1000)} ms: the measurement "
        f"wins, so every service time is taken as {factor:.2f}x the declared one (mean "
        f"{number(model.service.mean * 1000)} ms)"
        + (
            "; the declared latencies would not serve even today's peak at the maximum replicas, "
            "which the system serves"
            if serves_today
            else ""
        )
    )
    e = model.endpoint
    # Figures the manifest marks inferred say so, here as where the verdict multiplies them.
    marked = e.service_time is not None and marked_inferred(system, e.service_time, "p50_ms")
    claimed = e.capacity is not None and marked_inferred(system, e.capacity, "qps_per_replica")
    mean = f"{number(model.service.mean * 1000)} ms"
    if model.slo_s is None:
        # With no SLO a replica's limit is slots x 90% / the mean: the mean solves for it.
        mean = (
            f"{model.concurrency} in flight x {share(NO_SLO_UTILISATION)} / {number(claim)} QPS "
            f"= {mean}"
        )
    model.defaults.append(
        Assumed(
            f"a mean service time of {mean} (the declared latencies"
            f"{', marked inferred,' if marked else ''} give "
            f"{number(base.mean * 1000)} ms), so that a replica serves the load-tested "
            f"{number(claim)} QPS{' (inferred)' if claimed else ''}",
            field_of(system, model.endpoint, "capacity.load_test.results"),
            brief="a replica's service time, fitted so that it serves its load-tested QPS",
        )
    )
    return model


def _speed_factor(model: CapacityModel, claim: float, limit: float, floor: float) -> float | None:
    """The factor, at least ``floor``, on every service time that makes a replica's limit
    ``claim``; None when even ``floor`` is not enough. Leaves ``model.service`` changed."""
    base = model.service
    if model.slo_s is None:  # the limit is linear in 1 / the service time
        factor = limit / claim
        return factor if factor >= floor else None
    # Within a latency SLO the limit grows faster than 1 / the service time: bisect.
    model.service = base.scaled(floor)
    if model.ceiling(1) < claim:
        return None
    low, high = floor, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        model.service = base.scaled(mid)
        low, high = (mid, high) if model.ceiling(1) >= claim else (low, mid)
    return low


def _slowed_to_load_tests(model: CapacityModel) -> CapacityModel:
    """Stretch the service time until no load test is slower than the model says: a replica
    can serve slower at high load than at low (contention, garbage collection, a colder cache)
    or than its declared figure, and the evidence wins. The slowest test sets the factor."""
    worst, factor = None, 1.0
    for run in model.load_tests:
        if run.p99_ms is None or not run.throughput_qps:
            continue
        target = run.p99_ms / 1000.0 - model.extra_latency_s
        if target <= 0:
            continue
        st = model.station(run.throughput_qps, model.tested_replicas)
        k = scale_to_match(st.servers, st.rate, model.service, 0.99, target)
        if k > factor:
            worst, factor = run, k
    if worst is None or factor < SLOWER_THAN_ASSUMED:
        return model
    basis = model.service.basis
    model.service = model.service.scaled(factor, f"{basis}, slowed to load test")
    if worst.file not in model.calibrated_on:
        model.calibrated_on.append(worst.file)
    model.assumptions.append(
        f"the load test {worst.file} ({number(worst.throughput_qps)} QPS on "
        f"{model.tested_replicas} replicas, p99 {number(worst.p99_ms)} ms) is only explained by "
        "a service time "
        f"{factor:.2f}x the one assumed ({basis}): replicas are slower at that load, so the "
        "model uses the slower service time"
    )
    return model


@dataclass
class LoadLevel(Record):
    """The endpoint at one sustained rate, with the replicas its autoscaler would run."""

    multiplier: float
    qps: float
    replicas: int
    utilization: float
    p50_ms: float | None
    p99_ms: float | None
    replicas_needed: int | None
    meets_slo: bool
    replica_hours_per_day: int
    limited_by: str | None = None
    """The first constraint this rate breaks (the replica pool, a dependency's limit, a
    connection pool, the accelerator quota); ``meets_slo`` is false whenever one does."""


@dataclass
class SpikeOutcome(Record):
    """A simulated step (ramp_seconds 0) or ramp from today's peak to the growth target.

    Every request either met the latency SLO, was answered late (``over_slo``), timed out or
    was shed; ``met_slo`` counts the first, so timed-out and shed requests are misses."""

    ramp_seconds: float
    time_to_capacity_seconds: float | None
    reaches_target: bool
    requests: int
    over_slo: int
    over_slo_share: float
    timed_out: int
    shed: int
    peak_wait_seconds: float
    series: list[dict[str, float]] = field(default_factory=list)
    met_slo: int = 0
    met_slo_share: float = 0.0

    def share(self, count: int) -> float:
        return count / self.requests if self.requests else 0.0


def scenario(model: CapacityModel, rate: float, mult: float) -> LoadLevel:
    running = model.running_replicas(rate)
    st = model.station(rate, max(running, 1))
    needed = model.replicas_needed(rate)
    stable = st.stable
    p50 = model.latency_ms(rate, max(running, 1), 0.5) if stable else None
    p99 = model.latency_ms(rate, max(running, 1), 0.99) if stable else None
    meets = bool(needed is not None and needed <= model.max_replicas)
    return LoadLevel(
        multiplier=mult,
        qps=round(rate, 3),
        replicas=running,
        utilization=round(st.utilisation, 4),
        p50_ms=round(p50, 2) if p50 is not None else None,
        p99_ms=round(p99, 2) if p99 is not None else None,
        replicas_needed=needed,
        meets_slo=meets,
        replica_hours_per_day=(needed if meets and needed is not None else model.max_replicas) * 24,
    )


def spike(model: CapacityModel, base: float, peak: float, ramp_s: float) -> SpikeOutcome:
    start = model.running_replicas(base)
    spec = SpikeSpec(
        base_qps=base,
        peak_qps=peak,
        ramp_s=ramp_s,
        duration_s=max(900.0, ramp_s + 600.0),
        per_replica_qps=model.per_replica_saturation,
        initial_replicas=max(start, 1),
        max_replicas=model.max_replicas if model.autoscaled else max(start, 1),
        cold_start_s=model.cold_start_s,
        autoscaler=model.autoscaler,
        service=model.service,
        slo_s=model.slo_s,
        timeout_s=model.timeout_s,
        queue_limit_s=(model.slo_s or model.timeout_s) if model.bounded_queue else None,
        extra_latency_s=model.extra_latency_s,
    )
    result = simulate(spec, seed=SPIKE_SEED)
    late = round(result.over_slo)
    met = max(0, result.requests - late - result.timed_out - result.shed)
    return SpikeOutcome(
        ramp_seconds=ramp_s,
        time_to_capacity_seconds=result.time_to_capacity_s,
        reaches_target=result.reaches_target,
        requests=result.requests,
        over_slo=late,
        over_slo_share=round(result.over_slo_share, 4),
        timed_out=result.timed_out,
        shed=result.shed,
        peak_wait_seconds=round(result.peak_wait_s, 2),
        series=result.series,
        met_slo=met,
        met_slo_share=round(met / result.requests, 4) if result.requests else 0.0,
    )


def target(
    system: System, e: Endpoint, override: float | None
) -> tuple[float | None, float, str | None]:
    """(peak QPS, growth multiplier, a note when the peak is a share of the system's)."""
    peak, note = peak_qps(system, e)
    return peak, multiplier(system, e, override), note
