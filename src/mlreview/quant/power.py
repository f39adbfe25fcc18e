"""Sample sizes for detecting a change in a rate between a holdout and the rest of traffic.

Two-sided two-proportion z-test with unequal allocation (Fleiss, Statistical Methods for Rates
and Proportions): the holdout gets share ``h`` of traffic, the rest ``1 - h``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

ALPHA = 0.05
POWER = 0.8


def holdout_sample_size(
    base_rate: float,
    relative_effect: float,
    holdout_share: float,
    alpha: float = ALPHA,
    power: float = POWER,
) -> int:
    """Labelled outcomes needed in the holdout to detect ``base_rate`` moving by
    ``relative_effect`` (0.1 = 10%) between the holdout and the rest."""
    if not 0.0 < base_rate < 1.0:
        raise ValueError("base_rate must be in (0, 1)")
    if not 0.0 < holdout_share < 1.0:
        raise ValueError("holdout_share must be in (0, 1)")
    p1 = base_rate
    p2 = min(max(base_rate * (1.0 + relative_effect), 1e-12), 1.0 - 1e-12)
    if p1 == p2:
        raise ValueError("relative_effect must be non-zero")
    k = (1.0 - holdout_share) / holdout_share  # rest per holdout unit
    z_a = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    z_b = NormalDist().inv_cdf(power)
    pooled = (p1 + k * p2) / (1.0 + k)
    first = z_a * math.sqrt(pooled * (1.0 - pooled) * (1.0 + 1.0 / k))
    second = z_b * math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2) / k)
    return math.ceil((first + second) ** 2 / (p1 - p2) ** 2)


@dataclass(frozen=True)
class HoldoutPlan:
    fraction: float
    holdout_outcomes_needed: int
    collection_days: float
    days_to_detect: float
    within_target: bool


FRACTIONS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


def holdout_at(
    base_rate: float,
    relative_effect: float,
    labelled_per_day: float,
    maturity_days: float,
    fraction: float,
    *,
    target_days: float = 14.0,
) -> HoldoutPlan:
    """What a holdout of a given share detects: outcomes needed, collection and detection."""
    if labelled_per_day <= 0:
        raise ValueError("labelled_per_day must be positive")
    need = holdout_sample_size(base_rate, relative_effect, fraction)
    collect = need / (labelled_per_day * fraction)
    return HoldoutPlan(fraction, need, collect, collect + maturity_days, collect <= target_days)


def size_holdout(
    base_rate: float,
    relative_effect: float,
    labelled_per_day: float,
    maturity_days: float,
    target_days: float = 14.0,
) -> HoldoutPlan:
    """The smallest standard holdout share that collects enough labelled outcomes within
    ``target_days`` (the largest share if none does). Detection takes that collection time
    plus ``maturity_days`` for the last outcomes' labels to arrive: the share cannot shorten
    the maturity, so it is not part of the target."""
    if labelled_per_day <= 0:
        raise ValueError("labelled_per_day must be positive")
    plan: HoldoutPlan | None = None
    for fraction in FRACTIONS:
        plan = holdout_at(
            base_rate,
            relative_effect,
            labelled_per_day,
            maturity_days,
            fraction,
            target_days=target_days,
        )
        if plan.within_target:
            return plan
    assert plan is not None
    return plan
