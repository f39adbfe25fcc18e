"""Autoscaler control laws with their documented defaults.

Sources (see docs/architecture.md): Kubernetes HPA (pkg/apis/autoscaling/v2/defaults.go and
the HPA docs: 15 s sync, tolerance 0.1, scale-up by max(2x, +4) per 15 s, 80% CPU default);
Knative KPA (pkg/autoscaler/config: 2 s tick, 6 s panic window, 70% target utilisation,
max scale-up rate 1000); SageMaker target tracking (per-minute InvocationsPerInstance, alarm of
3 one-minute datapoints; a larger scale-out may proceed during the 300 s cooldown, so the
cooldown never delays a spike); Ray Serve (10 s metrics interval, 30 s
look-back and 30 s upscale delay, target 2 ongoing requests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Autoscaler:
    """How a controller turns observed load into a replica count.

    ``saturating``: the metric is a utilisation that cannot exceed 100% (CPU), so one step can
    grow the pool by at most 1/target; otherwise it counts offered load (requests, concurrency
    including queued) and can ask for the full need at once.
    """

    name: str
    detection_delay_s: float
    step_s: float
    target: float
    saturating: bool
    max_factor: float
    min_add: int

    def desired(
        self, ready: int, offered_per_replica_rate: float, capacity_per_replica: float
    ) -> int:
        """Replicas the controller asks for, given the load it observed."""
        if ready <= 0:
            return 1
        load = offered_per_replica_rate / capacity_per_replica  # 1.0 = replicas fully busy
        observed = min(load, 1.0) if self.saturating else load
        want = math.ceil(ready * observed / self.target - 1e-9)
        cap = max(math.ceil(ready * self.max_factor), ready + self.min_add)
        return max(ready, min(want, cap))


HPA = Autoscaler("kubernetes-hpa (cpu 80%)", 30.0, 15.0, 0.8, True, 2.0, 4)
KNATIVE = Autoscaler("knative-kpa", 6.0, 2.0, 0.7, False, 1000.0, 0)
SAGEMAKER = Autoscaler("sagemaker-target-tracking", 180.0, 60.0, 0.5, False, 1e9, 0)
RAY = Autoscaler("ray-serve", 40.0, 10.0, 0.7, False, 1e9, 0)
DEFAULTS = {
    "kubernetes": HPA,
    "hpa": HPA,
    "kserve": KNATIVE,
    "knative": KNATIVE,
    "sagemaker": SAGEMAKER,
    "ray_serve": RAY,
    "ray": RAY,
}


def for_platform(
    platform: str | None,
    metric: str | None = None,
    target: float | None = None,
    reaction_s: float | None = None,
) -> tuple[Autoscaler, str]:
    """The platform's default autoscaler, adjusted by what the manifest declares."""
    key = (platform or "").strip().lower()
    base = DEFAULTS.get(key)
    basis = f"{key} defaults" if base else "assumed Kubernetes HPA defaults (platform unknown)"
    scaler = base or HPA
    if metric:
        saturating = metric.lower() in (
            "cpu",
            "gpu",
            "cpu_utilization",
            "gpu_utilization",
            "memory",
        )
        scaler = replace(
            scaler, saturating=saturating, name=f"{scaler.name.split(' ')[0]} ({metric})"
        )
    if target is not None and 0 < target <= 1:
        scaler = replace(scaler, target=target)
    if reaction_s is not None:
        scaler = replace(scaler, detection_delay_s=reaction_s)
        basis += "; declared reaction time"
    return scaler, basis
