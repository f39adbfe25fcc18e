"""Per-feature facts about how training and serving compute each feature."""

from __future__ import annotations

import importlib

from mlreview.areas.area import Assessment
from mlreview.areas.common import plural, refresh_pipelines, served_online, watched
from mlreview.areas.findings import Finding
from mlreview.system.manifest import Feature
from mlreview.system.system import System


def _paths(f: Feature) -> str:
    if f.shared_definition:
        return "shared"
    if f.shared_definition is False:
        return "separate"
    t = f.training.code if f.training else None
    s = f.serving.code if f.serving else None
    if t and s:
        return "shared" if t == s else "separate"
    return "unknown"


def assess(system: System) -> Assessment:
    rows = []
    for f in system.manifest.features:
        pipes = refresh_pipelines(system, f)
        periods = [p.schedule.period for p in pipes if p.schedule is not None]
        rows.append(
            {
                "feature": f.id,
                "code_paths": _paths(f),
                "training_language": f.training.language if f.training else None,
                "serving_language": f.serving.language if f.serving else None,
                "point_in_time_join": f.point_in_time_join,
                "logged_at_serving": f.logged_at_serving,
                "served_online": served_online(system, f),
                "refresh_hours": round(max(periods) / 3600, 3) if periods else None,
                "importance_rank": f.importance_rank,
            }
        )
    mon = system.manifest.monitoring
    data = []
    if any(m.data is not None for m in system.manifest.models):
        # polars is heavy to import (0.15 s); only manifests that link data need it.
        checker = importlib.import_module("mlreview.areas.skew.data_check")
        data = [d for m in system.manifest.models if (d := checker.check_model(system, m))]
    return {
        "features": rows,
        "data": data,
        "separate_code_paths": sorted(r["feature"] for r in rows if r["code_paths"] == "separate"),
        "skew_monitor": bool(mon and mon.skew and watched(mon.skew.training_serving)),
    }


def summarise(system: System, a: Assessment, findings: list[Finding]) -> str:
    rows = a["features"]
    online = sum(1 for r in rows if r["served_online"])
    logged = sum(1 for r in rows if r["logged_at_serving"])
    separate = len(a["separate_code_paths"])
    monitor = "a" if a["skew_monitor"] else "no"
    return (
        f"{plural(len(rows), 'feature')}, {online} served online; {separate} computed by separate "
        f"training and serving code; {logged} logged at serving; {monitor} training-serving skew "
        f"monitor declared; {plural(len(findings), 'finding')}."
    )
