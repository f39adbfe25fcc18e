"""Per endpoint: latency at today's peak and at the growth target, what breaks first, and how a
spike plays out under the declared autoscaler."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Assessment
from mlreview.areas.common import plural
from mlreview.areas.findings import Finding
from mlreview.areas.serving import capacity
from mlreview.system.manifest import Dependency, Endpoint
from mlreview.system.system import System

DEFAULT_RAMP_S = 60.0


def dependency_limit(system: System, d: Dependency) -> float | None:
    if d.max_qps:
        return d.max_qps
    target = system.get(d.target)
    limit = getattr(target, "max_qps", None)
    return float(limit) if limit else None


def _bottlenecks(
    system: System, e: Endpoint, model: capacity.CapacityModel, need: float
) -> list[dict[str, Any]]:
    """Each limit as the highest request rate it allows, lowest first."""
    out: list[dict[str, Any]] = [
        {
            "constraint": "replica pool at max replicas",
            "component": e.id,
            "capacity_qps": round(model.ceiling(model.max_replicas), 1),
        }
    ]
    for d in e.dependencies:
        calls = d.calls_per_request or 1.0
        limit = dependency_limit(system, d)
        if limit is not None:
            out.append(
                {
                    "constraint": "dependency QPS limit",
                    "component": d.target,
                    "capacity_qps": round(limit / calls, 1),
                }
            )
        if d.pool_size is not None and d.latency_ms is not None:
            in_flight_per_request = calls * d.latency_ms / 1000.0
            out.append(
                {
                    "constraint": "connection pool",
                    "component": d.target,
                    "capacity_qps": round(
                        d.pool_size * model.max_replicas / in_flight_per_request, 1
                    ),
                }
            )
    if e.accelerators_per_replica and e.accelerator_quota is not None:
        usable = e.accelerator_quota // e.accelerators_per_replica
        out.append(
            {
                "constraint": "accelerator quota",
                "component": e.id,
                "capacity_qps": round(model.ceiling(max(usable, 0)) if usable else 0.0, 1),
            }
        )
    for b in out:
        b["holds"] = b["capacity_qps"] >= need
    return sorted(out, key=lambda b: (b["capacity_qps"], b["constraint"]))


def endpoint_row(
    system: System, e: Endpoint, override: float | None = None, sweep_points: int = 0
) -> dict[str, Any]:
    """One endpoint's capacity figures; with ``sweep_points``, also a ``sweep`` of latency
    against load (for ``mlreview capacity``)."""
    peak, mult = capacity.target(system, e, override)
    row: dict[str, Any] = {
        "endpoint": e.id,
        "mode": e.mode,
        "peak_qps": peak,
        "multiplier": mult,
        "target_qps": peak * mult if peak else None,
        "min_replicas": e.replicas.min if e.replicas else None,
        "max_replicas": e.replicas.max if e.replicas else None,
        "qps_per_replica": None,
        "capacity_qps": None,
        "headroom": None,
        "replicas_needed": None,
        "time_to_capacity_seconds": None,
        "scenarios": [],
        "bottlenecks": [],
        "bottleneck": None,
        "spike": None,
        "ramp": None,
        "model": None,
        "load_tests": [],
        "dependencies": [],
    }
    if sweep_points:
        row["sweep"] = []
    for d in e.dependencies:
        calls = d.calls_per_request or 1.0
        row["dependencies"].append(
            {
                "target": d.target,
                "qps_at_multiplier": round(peak * mult * calls, 3) if peak else None,
                "max_qps": dependency_limit(system, d),
            }
        )
    if e.mode == "batch":
        return row
    model = capacity.build(system, e)
    if model is None:
        return row
    tested_replicas = model.tested_replicas
    row["load_tests"] = []
    for r in model.load_tests:
        rate = r.throughput_qps  # None: the file has no request rate to compare at
        stable = rate is not None and model.station(rate, tested_replicas).stable
        predicted = model.latency_ms(rate, tested_replicas, 0.99) if rate and stable else None
        row["load_tests"].append(
            {
                **r.to_dict(),
                "predicted_p99_ms": round(predicted, 2) if predicted is not None else None,
                "replicas": tested_replicas,
            }
        )
    row["model"] = {
        "service_mean_ms": round(model.service.mean * 1000, 3),
        "service_p99_ms": round(model.service.quantile(0.99) * 1000, 3),
        "service_scv": round(model.service.scv, 3),
        "concurrency_per_replica": model.concurrency,
        "routing": model.routing,
        "dependency_latency_ms": round(model.extra_latency_s * 1000, 3),
        "autoscaler": model.autoscaler.name,
        "cold_start_seconds": model.cold_start_s,
        "assumptions": model.assumptions,
    }
    row["qps_per_replica"] = round(model.ceiling(1), 3)
    row["capacity_qps"] = round(model.ceiling(model.max_replicas), 3)
    if peak is None:
        return row
    goal = peak * mult
    row["scenarios"] = [capacity.scenario(model, peak, 1.0), capacity.scenario(model, goal, mult)]
    if sweep_points:
        row["sweep"] = _sweep(model, goal, mult, sweep_points)
    row["replicas_needed"] = row["scenarios"][1]["replicas_needed"]
    row["headroom"] = round(row["capacity_qps"] / goal, 3) if goal else None
    row["bottlenecks"] = _bottlenecks(system, e, model, goal)
    row["bottleneck"] = row["bottlenecks"][0]
    traffic = e.traffic or system.manifest.system.traffic
    ramp = float(traffic.ramp) if traffic and traffic.ramp is not None else DEFAULT_RAMP_S
    row["spike"] = capacity.spike(model, peak, goal, 0.0)
    row["ramp"] = capacity.spike(model, peak, goal, ramp)
    row["time_to_capacity_seconds"] = row["spike"]["time_to_capacity_seconds"]
    return row


def _sweep(model: capacity.CapacityModel, goal: float, mult: float, points: int) -> list[Any]:
    """Latency against load from 1/points of the target to the target, at the replicas the
    autoscaler would run."""
    return [
        capacity.scenario(model, goal * (i + 1) / points, mult * (i + 1) / points)
        for i in range(points)
    ]


def assess(system: System, override: float | None = None, sweep_points: int = 0) -> Assessment:
    rows = [endpoint_row(system, e, override, sweep_points) for e in system.manifest.endpoints]
    primary = next((r for r in rows if r["mode"] != "batch" and r["scenarios"]), None)
    return {
        "endpoints": rows,
        "scenarios": primary["scenarios"] if primary else [],
        "bottleneck": primary["bottleneck"] if primary else None,
        "time_to_capacity_seconds": primary["time_to_capacity_seconds"] if primary else None,
        "primary_endpoint": primary["endpoint"] if primary else None,
    }


def _p99(ms: float | None) -> str:
    return f"p99 {ms:g} ms" if ms is not None else "queue grows without bound"


def summarise(system: System, a: Assessment, findings: list[Finding]) -> str:
    parts = []
    for row in a["endpoints"]:
        if row["mode"] == "batch":
            parts.append(f"{row['endpoint']} scores in batch")
            continue
        if not row["scenarios"]:
            parts.append(f"{row['endpoint']}: capacity unknown (declare peak QPS and service time)")
            continue
        now, grown = row["scenarios"]
        verdict = "holds" if grown["meets_slo"] else "does not hold"
        p99 = _p99(grown["p99_ms"])
        b = row["bottleneck"]
        first = f"; first limit: {b['constraint']} ({b['component']}, {b['capacity_qps']:g} QPS)"
        step = row["spike"]
        ttc = step["time_to_capacity_seconds"]
        if step["reaches_target"] and ttc is not None:
            spike = f"; a step to {row['multiplier']:g}x has enough replicas after {ttc:g}s"
        elif ttc is not None:
            spike = (
                f"; a step to {row['multiplier']:g}x reaches the {row['max_replicas']}-replica "
                f"maximum after {ttc:g}s, still short"
            )
        else:
            spike = f"; a step to {row['multiplier']:g}x never gets enough replicas"
        parts.append(
            f"{row['endpoint']} {verdict} {row['multiplier']:g}x ({grown['qps']:g} QPS: {p99} at "
            f"{grown['replicas']} replicas, {grown['replicas_needed'] or 'no number of'} needed; "
            f"{_p99(now['p99_ms'])} today){first}{spike}"
        )
    body = "; ".join(parts) if parts else "no endpoints declared"
    return f"{body}; {plural(len(findings), 'finding')}."
