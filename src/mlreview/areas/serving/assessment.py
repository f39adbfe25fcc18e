"""Per endpoint: capacity ceiling against today's peak and the growth target."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Assessment
from mlreview.areas.common import multiplier, peak_qps, plural
from mlreview.areas.findings import Finding
from mlreview.quant.capacity import headroom, replicas_needed
from mlreview.system.models import Dependency, Endpoint
from mlreview.system.system import System


def qps_per_replica(e: Endpoint) -> tuple[float | None, str]:
    """Sustainable QPS of one replica and where the figure comes from."""
    if e.capacity and e.capacity.qps_per_replica:
        return e.capacity.qps_per_replica, e.capacity.source or "declared"
    if e.concurrency_per_replica and e.service_time and e.service_time.p50_ms:
        return e.concurrency_per_replica * 1000.0 / e.service_time.p50_ms, "concurrency/p50"
    return None, "unknown"


def dependency_limit(system: System, d: Dependency) -> float | None:
    if d.max_qps:
        return d.max_qps
    target = system.get(d.target)
    limit = getattr(target, "max_qps", None)
    return float(limit) if limit else None


def endpoint_row(system: System, e: Endpoint, override: float | None = None) -> dict[str, Any]:
    peak = peak_qps(system, e)
    mult = multiplier(system, e, override)
    per, basis = qps_per_replica(e)
    max_r = e.replicas.max if e.replicas else None
    min_r = e.replicas.min if e.replicas else None
    row: dict[str, Any] = {
        "endpoint": e.id,
        "mode": e.mode,
        "peak_qps": peak,
        "multiplier": mult,
        "target_qps": peak * mult if peak else None,
        "qps_per_replica": round(per, 3) if per else None,
        "qps_per_replica_basis": basis,
        "min_replicas": min_r,
        "max_replicas": max_r,
        "capacity_qps": round(per * max_r, 3) if per and max_r is not None else None,
        "headroom": None,
        "replicas_needed": None,
        "time_to_capacity_seconds": None,
        "dependencies": [],
    }
    if per and peak:
        row["replicas_needed"] = replicas_needed(peak * mult, per)
        if max_r is not None:
            row["headroom"] = round(headroom(per * max_r, peak * mult), 3)
    scale = [
        float(x)
        for x in (e.cold_start, e.autoscaling.reaction if e.autoscaling else None)
        if x is not None
    ]
    if scale:
        row["time_to_capacity_seconds"] = round(sum(scale), 3)
    for d in e.dependencies:
        limit = dependency_limit(system, d)
        calls = d.calls_per_request or 1.0
        row["dependencies"].append(
            {
                "target": d.target,
                "qps_at_multiplier": round(peak * mult * calls, 3) if peak else None,
                "max_qps": limit,
            }
        )
    return row


def assess(system: System, override: float | None = None) -> Assessment:
    return {"endpoints": [endpoint_row(system, e, override) for e in system.manifest.endpoints]}


def summarise(system: System, a: Assessment, findings: list[Finding]) -> str:
    parts = []
    for row in a["endpoints"]:
        if row["mode"] == "batch":
            parts.append(f"{row['endpoint']} scores in batch")
        elif row["headroom"] is not None:
            verdict = "holds" if row["headroom"] >= 1 else "does not hold"
            parts.append(
                f"{row['endpoint']} {verdict} {row['multiplier']:g}x "
                f"({row['capacity_qps']:g} QPS ceiling vs {row['target_qps']:g} QPS needed)"
            )
        else:
            parts.append(
                f"{row['endpoint']}: capacity unknown (declare peak QPS and per-replica QPS)"
            )
    body = "; ".join(parts) if parts else "no endpoints declared"
    return f"{body}; {plural(len(findings), 'finding')}."
