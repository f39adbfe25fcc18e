"""How a capacity verdict's figures are worked out, with where each input comes from, so a
reader can recompute them by hand: '20 replicas (inferred) x 22.5 QPS = 450 QPS against
10 x 30 QPS (inferred) = 300 QPS'. An input the manifest marks inferred says
'(inferred)'; a growth target nothing declares says '(assumed)': neither reads as stated."""

from __future__ import annotations

import math

from mlreview.areas.common import marked_inferred, possessive
from mlreview.areas.serving.assessment import Bottleneck, EndpointCapacity
from mlreview.document.cells import number
from mlreview.system.manifest import Endpoint, Node
from mlreview.system.system import System

INFERRED = " (inferred)"


def tag(system: System, node: Node | None, field: str) -> str:
    """' (inferred)' after a value the manifest states on a line it marks inferred."""
    return INFERRED if node is not None and marked_inferred(system, node, field) else ""


def inferred_inputs(system: System, e: Endpoint) -> list[str]:
    """The inputs of the endpoint's capacity working that the manifest marks inferred, in
    words ('its growth target', 'its replica count'), in the order the working reads them."""
    traffic = [t for t in (e.traffic, system.manifest.system.traffic) if t is not None]
    peak = next((t for t in traffic if t.peak_qps), None)
    growth = next((t for t in traffic if t.growth_multiplier), None)
    daily = next((t for t in traffic if t.daily_predictions), None)
    inputs: list[tuple[Node | None, str, str]] = [
        (growth, "growth_multiplier", "its growth target"),
        (peak, "peak_qps", "its peak QPS"),
        (daily, "daily_predictions", "its daily volume"),
        (e.replicas, "max", "its replica count"),
        (e.capacity, "qps_per_replica", "its QPS a replica"),
        (e.service_time, "p50_ms", "its service time"),
        (e, "accelerator_quota", "its accelerator quota"),
        (e, "accelerators_per_replica", "its accelerators a replica"),
    ]
    return [words for node, field, words in inputs if tag(system, node, field)]


def peak_tag(system: System, e: Endpoint) -> str:
    """Where the endpoint's peak comes from: its own traffic, else the system's."""
    for traffic in (e.traffic, system.manifest.system.traffic):
        if traffic and traffic.peak_qps:
            return tag(system, traffic, "peak_qps")
    return ""


def growth_tag(system: System, e: Endpoint, row: EndpointCapacity, where: bool = True) -> str:
    """' (inferred)' for a growth target marked inferred, ' (assumed: set <field>)' for the
    default (' (assumed)' without ``where``, for a line that never names fields)."""
    for traffic in (e.traffic, system.manifest.system.traffic):
        if traffic and traffic.growth_multiplier:
            return tag(system, traffic, "growth_multiplier")
    field = next((a.field for a in row.assumed if a.what.endswith("x growth")), None)
    # The opening screen drops the ': set' part (report.review_document); --full keeps it.
    if field is None:
        return ""
    return f" (assumed: set {field})" if where else " (assumed)"


def rate(qps: float) -> str:
    """One replica's rate to five significant figures, so that replicas times it gives the
    pool's rate as printed: '204.56', '22.52', '0.27'."""
    return f"{qps:,.5g}"


def per_replica(system: System, e: Endpoint, row: EndpointCapacity) -> str:
    """'22.5 QPS', with where the declared per-replica figure behind it comes from: '(inferred)'
    when the model serves what was declared, '(from 20 declared, inferred)' when the model's
    limit is worked from it (the verdict's assumptions say how)."""
    per = rate(row.qps_per_replica or 0.0)
    declared = e.capacity.qps_per_replica if e.capacity else None
    if declared is None or not tag(system, e.capacity, "qps_per_replica"):
        return f"{per} QPS"
    if rate(declared) == per:
        return f"{per} QPS{INFERRED}"
    return f"{per} QPS (from {number(declared)} declared, inferred)"


def linear(row: EndpointCapacity) -> bool:
    """A pool whose limit is its replicas times one replica's: replicas not sharing one queue."""
    return bool(
        row.model and row.model.routing != "shared" and row.qps_per_replica and row.max_replicas
    )


def pool(system: System, e: Endpoint, row: EndpointCapacity) -> str:
    """'20 replicas (inferred) x 22.5 QPS = 450 QPS', or '450 QPS at 20 replicas' where the
    replicas share one queue and the limit is not a product."""
    cap = number(row.capacity_qps or 0.0)
    if not linear(row):
        return f"{cap} QPS at {row.max_replicas} replicas"
    replicas = tag(system, e.replicas, "max")
    return f"{row.max_replicas} replicas{replicas} x {per_replica(system, e, row)} = {cap} QPS"


def derivation(system: System, e: Endpoint, row: EndpointCapacity, b: Bottleneck) -> str | None:
    """The inputs one modelled limit's rate is worked from: '20 replicas x 22.5 QPS', '8000
    accelerators / 8 a replica = 1000 replicas x 0.27 QPS'; None for a declared rate (a
    dependency's QPS limit) or a pool whose replicas share one queue."""
    if not linear(row):
        return None
    each = per_replica(system, e, row)
    if b.constraint == "replica pool at max replicas":
        return f"{row.max_replicas} replicas{tag(system, e.replicas, 'max')} x {each}"
    quota, per = e.accelerator_quota, e.accelerators_per_replica
    if b.constraint == "accelerator quota" and quota is not None and per:
        return (
            f"{quota} accelerators{tag(system, e, 'accelerator_quota')} / {per} a replica"
            f"{tag(system, e, 'accelerators_per_replica')} = {quota // per} replicas x {each}"
        )
    return None


def limit(system: System, e: Endpoint, row: EndpointCapacity, b: Bottleneck) -> str:
    """How one limit's rate is worked out, '1000 replicas x 0.27 QPS = 270 QPS', else the
    declared rate itself."""
    how = derivation(system, e, row, b)
    qps = f"{number(b.capacity_qps)} QPS"
    return f"{how} = {qps}" if how else qps


def target(system: System, e: Endpoint, row: EndpointCapacity, share: bool = False) -> str:
    """'10 x 30 QPS (inferred) = 300 QPS' (the growth target's origin is said where the verdict
    names it); with ``share``, the peak's origin is said beside it already, so only the
    product."""
    goal = number(row.target_qps or 0.0)
    peak = number(row.peak_qps or 0.0)
    origin = "" if share else peak_tag(system, e)
    return f"{row.multiplier:g} x {peak} QPS{origin} = {goal} QPS"


def needed(row: EndpointCapacity) -> str:
    """The replicas the target needs, said against the most the manifest allows: a count past
    the maximum is what the model asks for, not a pool that can run."""
    if not row.replicas_needed:
        return "no replica count meets the SLO"
    if row.max_replicas and row.replicas_needed > row.max_replicas:
        return f"{row.replicas_needed} replicas needed, more than the {row.max_replicas} allowed"
    return f"{row.replicas_needed} replicas needed"


def _replicas_for(rate_qps: float, each: float) -> int:
    """Replicas at ``each`` QPS that serve ``rate_qps``: the division rounded up."""
    return max(1, math.ceil(rate_qps / each - 1e-9))


def today_division(system: System, e: Endpoint, row: EndpointCapacity) -> str | None:
    """'20,000 QPS / 400 replicas (max) = 50 QPS a replica at today's peak; 10x needs 200,000 /
    50 = 4,000 replicas at that rate, 10 times max_replicas': what each replica serves today
    when all run, so at least what one can. With no per-replica figure declared it is the only
    bound there is, and the count at the target is the most needed at that rate."""
    peak, hi, goal = row.peak_qps, row.max_replicas, row.target_qps
    if not peak or not hi or not goal:
        return None
    each = peak / hi
    need = _replicas_for(goal, each)
    declared = e.capacity.qps_per_replica if e.capacity else None
    bound = "" if declared else ", a lower bound on what one serves"
    most = "" if declared else "at most "
    return (
        f"{number(peak)} QPS{peak_tag(system, e)} / {hi:,} replicas (max"
        f"{', inferred' if tag(system, e.replicas, 'max') else ''}) = {rate(each)} QPS a replica "
        f"at today's peak{bound}; {row.multiplier:g}x needs {most}{number(goal)} / {rate(each)} "
        f"= {need:,} replicas at that rate, {number(need / hi)} times max_replicas"
    )


def declared_division(
    system: System, e: Endpoint, row: EndpointCapacity, share: bool = False
) -> tuple[bool, str] | None:
    """(whether the pool holds, '400 replicas x 120 QPS (load test, inferred) = 48,000 QPS
    against 10 x 20,000 QPS = 200,000 QPS; 200,000 / 120 = 1,667 replicas needed, 4.17 times
    max_replicas') from the declared QPS a replica alone, without the queueing model."""
    declared = e.capacity.qps_per_replica if e.capacity else None
    hi, goal = row.max_replicas, row.target_qps
    if not declared or not hi or not goal:
        return None
    source = e.capacity.source.replace("_", " ") if e.capacity and e.capacity.source else ""
    origin = ", ".join(
        w for w in (source, "inferred" if tag(system, e.capacity, "qps_per_replica") else "") if w
    )
    pool_qps = hi * declared
    need = _replicas_for(goal, declared)
    holds = pool_qps >= goal
    replicas = f"{hi:,} replicas{tag(system, e.replicas, 'max')}"
    text = (
        f"{replicas} x {number(declared)} QPS{f' ({origin})' if origin else ''} = "
        f"{number(pool_qps)} QPS against {target(system, e, row, share)}; {number(goal)} / "
        f"{number(declared)} = {need:,} replicas needed"
    )
    if not holds:
        text += f", {number(need / hi)} times max_replicas"
    return holds, text


UNKNOWN_SPEED = {
    "service_time.p50_ms": "service time",
    "concurrency_per_replica": "requests in flight per replica",
}
"""The fields whose default leaves a replica's capacity a guess, and their names in a verdict."""


def unknown_speed(row: EndpointCapacity) -> list[str]:
    """What of a replica's speed rests on a default: a service time taken from the declared
    QPS per replica, the requests in flight where none is declared (one, or a count implied
    from the declared QPS per replica: a model built on it only says that QPS back)."""
    out = []
    for a in row.assumed:
        for name, words in UNKNOWN_SPEED.items():
            if a.field.endswith(name):
                out.append(words)
    return list(dict.fromkeys(out))


def littles_law(system: System, e: Endpoint, row: EndpointCapacity) -> str | None:
    """'by Little's law 20,000 QPS x 4 s (the median service time) = 80,000 requests in flight
    at the target, 80,000 / 1,500 replicas = 53.3 a replica': what the replicas must hold at
    once, from a declared service time (its median: the mean is longer, so a floor)."""
    st = e.service_time
    hi, goal = row.max_replicas, row.target_qps
    if st is None or st.p50_ms is None or not hi or not goal:
        return None
    seconds = st.p50_ms / 1000.0
    flight = goal * seconds
    return (
        f"by Little's law {number(goal)} QPS x {number(seconds)} s (the median service time"
        f"{', inferred' if tag(system, st, 'p50_ms') else ''}) = {number(flight)} requests in "
        f"flight at the target, {number(flight)} / {hi:,} replicas = {number(flight / hi)} a "
        "replica at least"
    )


SECONDS_A_DAY = 86_400


def small_load(
    system: System, e: Endpoint, row: EndpointCapacity, where: bool = True
) -> str | None:
    """'{id}'s load is small: 10x is 3,000 x 10 = 30,000 requests a day, 30,000 / 86,400 s =
    0.347 QPS on average, within one replica's 10 QPS; its peak, 10 x 5 QPS = 50 QPS, within
    6 replicas x 10 QPS = 60 QPS', when a day's requests at the target, spread over the day,
    are within what one replica serves and the pool takes the target's peak: a queueing model's
    figures say nothing a reader needs. None otherwise (or without declared daily volume)."""
    traffic = next(
        (t for t in (e.traffic, system.manifest.system.traffic) if t and t.daily_predictions),
        None,
    )
    declared = e.capacity.qps_per_replica if e.capacity else None
    each = declared or row.qps_per_replica
    hi, goal, peak = row.max_replicas, row.target_qps, row.peak_qps
    if not traffic or not each or not hi or not goal or not peak or not row.holds_target:
        return None
    daily = traffic.daily_predictions or 0.0
    grown = daily * row.multiplier
    mean = grown / SECONDS_A_DAY
    if mean > each or hi * each < goal:
        return None
    per = (
        f"{number(each)} QPS{tag(system, e.capacity, 'qps_per_replica')}"
        if declared
        else f"{rate(each)} QPS (modelled)"
    )
    volume = f"{number(daily)}{tag(system, traffic, 'daily_predictions')}"
    pool_qps = f"{hi:,} replicas{tag(system, e.replicas, 'max')} x {number(each)} QPS"
    return (
        f"{possessive(row.endpoint)} load is small: {row.multiplier:g}x"
        f"{growth_tag(system, e, row, where)} is {volume} x {row.multiplier:g} = {number(grown)} "
        f"requests a day, {number(grown)} / {SECONDS_A_DAY:,} s = {number(mean)} QPS on average, "
        f"within one replica's {per}; its peak, {target(system, e, row)}, is within {pool_qps} = "
        f"{number(hi * each)} QPS"
    )
