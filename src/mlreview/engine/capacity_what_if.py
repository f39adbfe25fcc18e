"""The serving part alone, with what-if traffic and replica bounds: `mlreview capacity`."""

from __future__ import annotations

from dataclasses import dataclass

from mlreview.areas.record import Record
from mlreview.areas.serving import assessment
from mlreview.areas.serving.assessment import EndpointCapacity
from mlreview.system.manifest import Replicas
from mlreview.system.system import System

SWEEP_POINTS = 10


@dataclass
class Overrides(Record):
    multiplier: float | None
    replicas: int | None
    max_replicas: int | None


@dataclass
class CapacityWhatIf(Record):
    system: str
    file: str
    overrides: Overrides
    endpoints: list[EndpointCapacity]


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
    return System(manifest, system.doc, system.defaults)


def what_if(
    system: System,
    multiplier: float | None = None,
    replicas: int | None = None,
    max_replicas: int | None = None,
) -> CapacityWhatIf:
    """Per online endpoint: the capacity model's figures and latency against load."""
    changed = with_replicas(system, replicas, max_replicas)
    return CapacityWhatIf(
        system=system.name,
        file=system.file,
        overrides=Overrides(multiplier, replicas, max_replicas),
        endpoints=assessment.assess(changed, multiplier, SWEEP_POINTS).endpoints,
    )
