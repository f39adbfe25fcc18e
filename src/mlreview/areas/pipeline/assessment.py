"""Per source: what it feeds. Per feature refresh: how much slack a failed run leaves."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Assessment
from mlreview.areas.common import plural, refresh_pipelines
from mlreview.areas.findings import Finding
from mlreview.areas.pipeline import availability, failure_modes
from mlreview.areas.pipeline.lineage import lineage
from mlreview.system.manifest import Feature, Pipeline
from mlreview.system.system import System


def refresh_slack_seconds(system: System, f: Feature, pipe: Pipeline) -> float | None:
    """Freshness budget (or store TTL) minus the worst age a healthy schedule produces."""
    budget = f.freshness_budget
    if budget is None and f.store:
        store = system.get(f.store)
        budget = getattr(store, "ttl", None)
    if budget is None or pipe.schedule is None or pipe.schedule.continuous:
        return None
    runtime = float(pipe.runtime) if pipe.runtime is not None else 0.0
    return float(budget) - (pipe.schedule.period + runtime)


def assess(system: System) -> Assessment:
    live = {s.id for s in system.serving_sources()}
    sources: list[dict[str, Any]] = []
    for s in system.manifest.sources:
        down = system.downstream(s.id)
        sources.append(
            {
                "source": s.id,
                "kind": s.kind,
                "feeds_serving": s.id in live,
                "feeds_training": bool(system.of_kind(down, "model")),
                "features": system.of_kind(down, "feature"),
                "models": system.of_kind(down, "model"),
                "endpoints": system.of_kind(down, "endpoint"),
                "on_failure": s.on_failure.behaviour if s.on_failure else None,
            }
        )
    refresh: list[dict[str, Any]] = []
    for f in system.manifest.features:
        for pipe in refresh_pipelines(system, f):
            slack = refresh_slack_seconds(system, f, pipe)
            if slack is not None:
                refresh.append(
                    {
                        "feature": f.id,
                        "pipeline": pipe.id,
                        "period_hours": round(pipe.schedule.period / 3600, 3)
                        if pipe.schedule
                        else None,
                        "slack_hours": round(slack / 3600, 3),
                    }
                )
    rows = failure_modes.analyse(system)
    spofs = availability.single_points_of_failure(rows)
    return {
        "sources": sources,
        "refresh": refresh,
        "failure_modes": [r.to_dict() for r in rows],
        "single_points_of_failure": [s["component"] for s in spofs],
        "single_point_details": spofs,
        "availability": availability.assess(system, rows),
        "lineage": lineage(system, spofs),
    }


def summarise(system: System, a: Assessment, findings: list[Finding]) -> str:
    serving = [r for r in a["sources"] if r["feeds_serving"]]
    undeclared = [r["source"] for r in serving if r["on_failure"] in (None, "undefined")]
    tight = sorted(a["refresh"], key=lambda r: r["slack_hours"])
    slack = (
        f"; tightest refresh slack {tight[0]['slack_hours']:g} h ({tight[0]['feature']} via "
        f"{tight[0]['pipeline']})"
        if tight
        else ""
    )
    spofs = a["single_points_of_failure"]
    spof = f"; single points of failure: {', '.join(spofs)}" if spofs else ""
    avail = ""
    for row in a["availability"]:
        bound = "at most " if row["estimate_is_upper_bound"] else ""
        target = f" against an SLO of {row['slo']:.4%}" if row["slo"] is not None else ""
        avail += (
            f"; {row['endpoint']} available {bound}{row['estimate']:.4%}{target}, "
            f"{row['degraded_minutes_per_year']:g} min/year degraded"
        )
    return (
        f"{plural(len(a['sources']), 'source')}, {len(serving)} on the serving path, "
        f"{len(undeclared)} of those with no declared failure behaviour; "
        f"{plural(len(system.manifest.pipelines), 'pipeline')}{slack}{spof}{avail}; "
        f"{plural(len(findings), 'finding')}."
    )
