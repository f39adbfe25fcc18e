"""How a capacity verdict's figures are worked out, with where each input comes from, so a
reader can recompute them by hand: '20 replicas (inferred) x 22.5 QPS = 450 QPS against
10 x 30 QPS (inferred) = 300 QPS'. An input the manifest marks inferred says
'(inferred)'; a growth target nothing declares says '(assumed)': neither reads as stated."""

from __future__ import annotations

from mlreview.areas.common import marked_inferred
from mlreview.areas.serving.assessment import Bottleneck, EndpointCapacity
from mlreview.document.cells import number
from mlreview.system.manifest import Endpoint, Node
from mlreview.system.system import System

INFERRED = " (inferred)"


def tag(system: System, node: Node | None, field: str) -> str:
    """' (inferred)' after a value the manifest states on a line it marks inferred."""
    return INFERRED if node is not None and marked_inferred(system, node, field) else ""


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
