"""Steady-state capacity arithmetic for a pool of identical replicas."""

from __future__ import annotations

import math


def replicas_needed(target_qps: float, qps_per_replica: float) -> int:
    """Fewest replicas whose combined sustainable rate covers ``target_qps``."""
    if qps_per_replica <= 0:
        raise ValueError("qps_per_replica must be positive")
    return max(1, math.ceil(target_qps / qps_per_replica - 1e-9))


def headroom(capacity_qps: float, target_qps: float) -> float:
    """Capacity as a multiple of the target rate: 1.0 means exactly enough."""
    if target_qps <= 0:
        return math.inf
    return capacity_qps / target_qps


def utilisation(offered_qps: float, replicas: int, qps_per_replica: float) -> float:
    """Share of the pool's sustainable rate that the offered load uses."""
    if replicas <= 0 or qps_per_replica <= 0:
        return math.inf
    return offered_qps / (replicas * qps_per_replica)


def littles_law_concurrency(qps: float, latency_seconds: float) -> float:
    """Requests in flight at a rate and mean time in system (Little's law, L = lambda W)."""
    return qps * latency_seconds
