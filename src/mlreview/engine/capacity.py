"""The serving part alone, with what-if overrides: `mlreview capacity`."""

from __future__ import annotations

from typing import Any

from mlreview.areas.serving import assessment
from mlreview.system.manifest import Replicas
from mlreview.system.system import System


def with_replicas(system: System, replicas: int | None, max_replicas: int | None) -> System:
    """A copy of the system whose online endpoints run the given replica bounds."""
    if replicas is None and max_replicas is None:
        return system
    endpoints = []
    for e in system.manifest.endpoints:
        if e.mode == "batch":
            endpoints.append(e)
            continue
        lo = replicas if replicas is not None else (e.replicas.min if e.replicas else None)
        hi = max_replicas if max_replicas is not None else (e.replicas.max if e.replicas else None)
        if lo is not None and hi is not None and hi < lo:
            hi = lo
        new = Replicas(min=lo, max=hi)
        endpoints.append(e.model_copy(update={"replicas": new}))
    manifest = system.manifest.model_copy(update={"endpoints": endpoints})
    return System(manifest, system.doc)


SWEEP_POINTS = 10


def report(
    system: System,
    multiplier: float | None = None,
    replicas: int | None = None,
    max_replicas: int | None = None,
) -> dict[str, Any]:
    """Per online endpoint: the capacity model's figures and latency against load."""
    what_if = with_replicas(system, replicas, max_replicas)
    rows = assessment.assess(what_if, multiplier, SWEEP_POINTS)["endpoints"]
    return {
        "system": system.name,
        "file": system.file,
        "overrides": {"multiplier": multiplier, "replicas": replicas, "max_replicas": max_replicas},
        "endpoints": rows,
    }
