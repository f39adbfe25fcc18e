"""A launch measured against a fixed ceiling: how far the forecast sits under the most the fleet
can serve, what twice the forecast does (the share refused, how fast a bounded queue fills),
and how much demand arrives while the autoscaler is still bringing replicas up. A launch's
demand is a forecast, and a forecast is wrong by a factor, not a percentage: twice the forecast
is the test (docs/plans.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlreview.areas.serving.assessment import EndpointCapacity
from mlreview.document.cells import duration, number, share
from mlreview.system.manifest import Endpoint, Launch
from mlreview.system.system import System

MISS_FACTOR = 2.0
"""The launch demand the review tests: twice the forecast."""


def launch_of(system: System, e: Endpoint) -> Launch | None:
    """The endpoint's declared launch, or the system's."""
    for traffic in (e.traffic, system.manifest.system.traffic):
        if traffic and traffic.launch and traffic.launch.peak_qps:
            return traffic.launch
    return None


@dataclass(frozen=True)
class LaunchCheck:
    endpoint: str
    forecast_qps: float
    ceiling_qps: float
    constraint: str
    """What sets the ceiling (the lowest limit: accelerator quota, replica pool, ...)."""
    signups_capped: bool | None
    per_user_limit: bool | None
    load_shedding: bool
    queue_requests: float | None
    """What a bounded queue holds: the ceiling's rate x the request timeout."""
    scale_up_seconds: float | None
    """Autoscaler reaction plus cold start."""
    floor_qps: float | None
    """What the minimum replicas serve when the launch starts."""

    @property
    def headroom(self) -> float:
        return self.ceiling_qps / self.forecast_qps

    @property
    def missed_qps(self) -> float:
        return MISS_FACTOR * self.forecast_qps

    @property
    def excess_qps(self) -> float:
        return max(0.0, self.missed_qps - self.ceiling_qps)

    @property
    def refused_share(self) -> float:
        return self.excess_qps / self.missed_qps

    @property
    def bounded(self) -> bool:
        """Demand has a cap: sign-ups paced and each user's use capped, or excess shed."""
        return bool(self.signups_capped and self.per_user_limit) or self.load_shedding

    @property
    def fill_seconds(self) -> float | None:
        if self.queue_requests is None or self.excess_qps <= 0:
            return None
        return self.queue_requests / self.excess_qps

    @property
    def gap_requests(self) -> float | None:
        if self.scale_up_seconds is None or self.floor_qps is None:
            return None
        return max(0.0, self.forecast_qps - self.floor_qps) * self.scale_up_seconds

    def unbounded_words(self) -> str:
        """Why nothing caps demand, in the manifest's terms."""
        if self.per_user_limit and not self.signups_capped:
            return "sign-ups are not capped, so a per-user limit does not cap the total"
        if self.signups_capped and not self.per_user_limit:
            return "there is no per-user limit, so capped sign-ups do not cap the total"
        return "neither sign-ups nor each user's use are capped"

    def working(self) -> str:
        """The arithmetic: headroom, twice the forecast, the queue, the scale-up gap."""
        c, f = self.ceiling_qps, self.forecast_qps
        out = (
            f"headroom {number(c)} / {number(f)} = {self.headroom:.2f}x; at {MISS_FACTOR:g}x the "
            f"forecast ({number(self.missed_qps)} QPS) {number(self.excess_qps)} QPS are over the "
            f"ceiling, {share(self.refused_share)} of requests refused or timed out "
            f"({number(self.excess_qps)} / {number(self.missed_qps)})"
        )
        fill = self.fill_seconds
        if fill is not None and self.queue_requests is not None:
            out += (
                f"; the bounded queue holds {number(self.queue_requests)} requests (the ceiling's "
                f"rate x the request timeout) and fills in {duration(fill)} "
                f"({number(self.queue_requests)} / {number(self.excess_qps)})"
            )
        gap = self.gap_requests
        if gap and self.scale_up_seconds is not None and self.floor_qps is not None:
            out += (
                f"; scaling up takes {duration(self.scale_up_seconds)} (reaction + cold start), "
                f"while the minimum replicas serve {number(self.floor_qps)} QPS: "
                f"{number(f - self.floor_qps)} QPS x {self.scale_up_seconds:g} s = "
                f"{number(gap)} requests arrive before the new replicas serve"
            )
        return out


def check_launch(system: System, e: Endpoint, row: EndpointCapacity) -> LaunchCheck | None:
    """The launch check for an online endpoint with a declared launch and a capacity model."""
    launch = launch_of(system, e)
    if launch is None or launch.peak_qps is None or not row.bottlenecks:
        return None
    first = row.bottlenecks[0]
    if first.capacity_qps <= 0:
        return None  # nothing is served at all: the capacity rules say so, not a launch check
    admission = e.admission
    queue = None
    if admission and admission.bounded_queue and e.request_timeout is not None:
        queue = first.capacity_qps * float(e.request_timeout)
    scale_up = None
    if e.cold_start is not None:
        reaction = e.autoscaling.reaction if e.autoscaling else None
        scale_up = float(e.cold_start) + (float(reaction) if reaction is not None else 0.0)
    floor = None
    if row.qps_per_replica and row.min_replicas:
        floor = row.qps_per_replica * row.min_replicas
    return LaunchCheck(
        endpoint=e.id,
        forecast_qps=float(launch.peak_qps),
        ceiling_qps=first.capacity_qps,
        constraint=first.constraint,
        signups_capped=launch.signups_capped,
        per_user_limit=launch.per_user_limit,
        load_shedding=bool(admission and admission.load_shedding),
        queue_requests=queue,
        scale_up_seconds=scale_up,
        floor_qps=floor,
    )


def replicas_for_miss(check: LaunchCheck, qps_per_replica: float) -> tuple[int, str]:
    """The replicas that serve the tested launch demand (MISS_FACTOR x the forecast) at the
    per-replica rate the ceiling uses, and the arithmetic in words, recomputable by hand:
    '12,000 QPS (2 x 6,000 forecast) / 2.5 QPS a replica = 4800 replicas'."""
    need = math.ceil(round(check.missed_qps / qps_per_replica, 6))
    return need, (
        f"{number(check.missed_qps)} QPS ({MISS_FACTOR:g} x the {number(check.forecast_qps)} "
        f"forecast) / {number(qps_per_replica)} QPS a replica = {number(need)} replicas"
    )


def launch_at_risk(check: LaunchCheck | None) -> bool:
    """Twice the forecast passes the ceiling and nothing caps demand."""
    return check is not None and check.excess_qps > 0 and not check.bounded


__all__ = [
    "MISS_FACTOR",
    "LaunchCheck",
    "check_launch",
    "launch_at_risk",
    "launch_of",
    "replicas_for_miss",
]
