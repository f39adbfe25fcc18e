"""The feedback loop the system should have, derived from its manifest, with numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mlreview.areas.common import watched
from mlreview.areas.domain import domain_of
from mlreview.areas.record import Record
from mlreview.document.cells import duration, number, share
from mlreview.quant.power import HoldoutPlan as Sized
from mlreview.quant.power import holdout_at, size_holdout
from mlreview.system.manifest import Endpoint, FeedbackLoop, Model
from mlreview.system.system import System
from mlreview.system.units import format_seconds

DEFAULT_MDE = 0.10
PEAK_TO_MEAN = 0.5
P95_OVER_P50_EXPONENTIAL = math.log(20) / math.log(2)
COLLECTION_TARGET_DAYS = 14.0
BASELINES = {
    "classification": "a logistic regression on the top features",
    "ranking": "popularity order",
    "forecast": "a seasonal naive forecast (same day last week)",
    "regression": "the trailing mean",
    "filtering": "the current rule set",
}
PROXIES = {
    "classification": "manual-review outcomes and customer disputes within days",
    "ranking": "in-session clicks and dwell time",
    "forecast": "error on the next period's outcomes, the first to mature",
    "regression": "error on the fastest-maturing outcomes",
    "filtering": "appeal and override rates",
}


def _proxy(system: System, kind: str | None) -> str:
    """A fast proxy for quality: for a forecast that orders stock, the items that sold the next
    day; otherwise the decision type's."""
    if domain_of(system).name == "forecast and replenish":
        return "error on items with next-day sales"
    return PROXIES.get(kind or "", "a fast proxy")


@dataclass
class HoldoutPlan(Record):
    """A persistent random holdout sized by a power calculation, or why it cannot be sized."""

    fraction: float | None
    days_to_detect: float | None
    min_detectable_effect: float
    min_detectable_effect_basis: str
    outcomes_needed: int | None
    collection_days: float | None
    basis: list[str] = field(default_factory=list)
    declared_fraction: float | None = None
    """The holdout the manifest already declares, which the design starts from."""
    change: str = "new"
    """'keep' the declared share, 'raise' it (it cannot collect in time), or 'new'."""
    tradeoff: str | None = None
    """Traffic held out against days to detect, when the design names another share."""

    @property
    def phrase(self) -> str:
        """'the declared 1% holdout', 'a 0.1% random holdout', or the raise it proposes."""
        if self.fraction is None:
            return "a holdout (size it)"
        if self.change == "keep":
            return f"the declared {share(self.fraction)} holdout"
        if self.change == "raise" and self.declared_fraction is not None:
            return (
                f"a {share(self.fraction)} random holdout (raised from the declared "
                f"{share(self.declared_fraction)})"
            )
        return f"a {share(self.fraction)} random holdout"


@dataclass
class ExplorationPlan(Record):
    fraction: float | None
    how: str
    propensity_logged: bool


@dataclass
class RetrainPlan(Record):
    schedule: str
    train_on: str
    triggers: list[str]


@dataclass
class LoopDesign(Record):
    """The feedback loop a model should have."""

    model: str
    log_at_serving: list[str]
    join_key: str
    maturity_window_days: float | None
    maturity_basis: str
    holdout: HoldoutPlan
    exploration: ExplorationPlan | None
    retrain: RetrainPlan
    promotion_gate: list[str]
    watch_while_immature: list[str]


DEFAULT_EXPLORATION = 0.01
"""The share to act on at random where the loop's design sizes no holdout."""


def exploration_share(loop_design: LoopDesign | None) -> float:
    """The share to act on at random: the designed loop's holdout share (sized by its power
    calculation), else 1%. Every rule and plan step that asks for exploration asks for this."""
    fraction = loop_design.holdout.fraction if loop_design else None
    return fraction if fraction else DEFAULT_EXPLORATION


def _endpoints(system: System, model: Model) -> list[Endpoint]:
    return system.endpoints_of(model)


def daily_predictions(system: System, model: Model) -> tuple[float | None, str]:
    for e in _endpoints(system, model):
        for traffic in (e.traffic, system.manifest.system.traffic):
            if traffic and traffic.daily_predictions:
                return traffic.daily_predictions, "declared daily_predictions"
    for e in _endpoints(system, model):
        for traffic in (e.traffic, system.manifest.system.traffic):
            if traffic and traffic.peak_qps and e.mode != "batch":
                daily = traffic.peak_qps * 86400 * PEAK_TO_MEAN
                return daily, f"assumed mean rate = half the {number(traffic.peak_qps)} QPS peak"
    return None, "no traffic declared"


def maturity_days(loop: FeedbackLoop | None) -> tuple[float | None, str]:
    delay = loop.label.delay if loop and loop.label else None
    if delay and delay.p95 is not None:
        days = delay.p95.days
        rounded = math.ceil(days) if days >= 1 else math.ceil(days * 24) / 24
        return rounded, f"label delay p95 {delay.p95}"
    if delay and delay.p50 is not None:
        days = delay.p50.days * P95_OVER_P50_EXPONENTIAL
        return math.ceil(days * 24) / 24, (
            f"assumed exponential delay: p95 = {P95_OVER_P50_EXPONENTIAL:.1f} x p50 ({delay.p50})"
        )
    return None, "no label delay declared"


def log_record(system: System, loop: FeedbackLoop | None, model: Model) -> list[str]:
    decision = system.manifest.system.decision
    fields = ["prediction_id", "model_version", "scored_at", "entity_id"]
    feats = [f.id for f in system.model_features(model)]
    shown = ", ".join(feats[:8]) + (f" and {len(feats) - 8} more" if len(feats) > 8 else "")
    fields.append(f"feature values ({shown})" if feats else "feature values")
    fields.append("score")
    fixed = model.threshold is not None and model.threshold.kind == "fixed"
    if fixed or (decision is not None and decision.automated_action):
        fields += ["threshold", "action taken"]
    fields += ["holdout or exploration arm", "propensity (probability of the action taken)"]
    if decision and decision.type == "ranking":
        fields.append("position shown")
    return fields


def _holdout(
    system: System, loop: FeedbackLoop | None, model: Model, maturity: float | None
) -> HoldoutPlan:
    mde = loop.min_detectable_effect if loop and loop.min_detectable_effect else None
    mde_basis = "declared" if mde else f"assumed {share(DEFAULT_MDE)} relative change"
    effect = mde or DEFAULT_MDE
    base = loop.label.base_rate if loop and loop.label else None
    coverage = loop.label.coverage if loop and loop.label and loop.label.coverage else 1.0
    daily, daily_basis = daily_predictions(system, model)
    result = HoldoutPlan(None, None, effect, mde_basis, None, None)
    missing = []
    if base is None:
        missing.append("label.base_rate")
    if daily is None:
        missing.append("traffic.daily_predictions or peak_qps")
    if missing:
        result.basis = [f"cannot size without {' and '.join(missing)}"]
        return result
    assert base is not None and daily is not None
    labelled = daily * coverage
    smallest = size_holdout(base, effect, labelled, maturity or 0.0, COLLECTION_TARGET_DAYS)
    declared = _declared_fraction(loop)
    plan = smallest
    if declared is not None:
        result.declared_fraction = declared
        mine = holdout_at(
            base, effect, labelled, maturity or 0.0, declared, target_days=COLLECTION_TARGET_DAYS
        )
        if mine.within_target or smallest.fraction <= declared:
            plan, result.change = mine, "keep"
            if smallest.fraction < declared:
                result.tradeoff = _tradeoff(mine, smallest, raising=False)
        else:
            result.change = "raise"
            result.tradeoff = _tradeoff(mine, smallest, raising=True)
    result.fraction = plan.fraction
    result.days_to_detect = round(plan.days_to_detect, 1)
    result.outcomes_needed = plan.holdout_outcomes_needed
    result.collection_days = round(plan.collection_days, 1)
    result.basis = [
        f"base rate {number(base)}, {number(daily)} predictions/day ({daily_basis})",
        f"{share(coverage)} labelled, two-sided alpha 0.05, power 0.8",
        f"collection {duration(plan.collection_days * 86400)} + maturity "
        f"{format_seconds((maturity or 0) * 86400)}",
    ]
    if not plan.within_target:
        result.basis.append(
            f"even a {share(plan.fraction)} holdout needs more than "
            f"{number(COLLECTION_TARGET_DAYS)} days"
        )
    if result.tradeoff:
        result.basis.append(result.tradeoff)
    return result


def _declared_fraction(loop: FeedbackLoop | None) -> float | None:
    h = loop.holdout if loop else None
    if h is None or not h.enabled or not h.fraction:
        return None
    return float(h.fraction)


def _tradeoff(declared: Sized, other: Sized, *, raising: bool) -> str:
    """The declared share against another: traffic held out against days to detect."""
    if raising:
        return (
            f"raises the declared {share(declared.fraction)} holdout to {share(other.fraction)}: "
            f"{number(other.fraction / declared.fraction)}x the traffic held out, to detect in "
            f"{number(other.days_to_detect)} days instead of {number(declared.days_to_detect)}"
        )
    return (
        f"keeps the declared {share(declared.fraction)}: a {share(other.fraction)} holdout would "
        f"hold out {number(declared.fraction / other.fraction)}x less traffic but detect in "
        f"{number(other.days_to_detect)} days instead of {number(declared.days_to_detect)}"
    )


def design(system: System, loop: FeedbackLoop | None, model: Model) -> LoopDesign:
    """The loop this model should have: what to log, how to join, how to hold out, when to
    retrain, how to promote and what to watch until labels mature."""
    decision = system.manifest.system.decision
    kind = decision.type if decision and decision.type else "classification"
    maturity, maturity_basis = maturity_days(loop)
    holdout = _holdout(system, loop, model, maturity)
    feats = sorted(system.model_features(model), key=lambda f: (f.importance_rank or 10**6, f.id))[
        :5
    ]
    top = ", ".join(f.id for f in feats) or "the top features"
    cadence = model.training.cadence if model.training else None
    slices = (model.validation_gate.slices if model.validation_gate else None) or []
    retrain = RetrainPlan(
        schedule=cadence.phrase if cadence else "daily",
        train_on=f"rows older than the {format_seconds(maturity * 86400)} maturity window"
        if maturity
        else "rows whose labels have arrived",
        triggers=[
            f"population stability index above 0.2 on {top} or on the score distribution",
            f"label metric on mature rows worse than the holdout by more than "
            f"{share(holdout.min_detectable_effect)}",
        ],
    )
    gate = [
        f"beats the serving {model.id} on the latest mature window",
        f"beats {BASELINES.get(kind, 'a simple baseline')}",
        "per slice: " + (", ".join(slices) if slices else "declare slices (region, segment)"),
        "block promotion on failure; keep the previous version deployable",
    ]
    mon = system.manifest.monitoring
    watch = ["score distribution against the last 28 days (daily PSI)"]
    if decision and decision.action:
        watch.append(f"rate of '{decision.action}' against its 28-day range")
    proxy_declared = mon and mon.quality and watched(mon.quality.proxy)
    watch.append(
        "the declared proxy metric" if proxy_declared else f"proxy: {_proxy(system, kind)}"
    )
    shapes = bool(loop and loop.model_shapes_own_data)
    selective = bool(loop and loop.label and loop.label.observed_only_when)
    exploration = None
    if shapes or selective:
        exploration = ExplorationPlan(
            fraction=holdout.fraction,
            how=domain_of(system).try_at_random
            if selective
            else "epsilon-greedy over candidates the model would not pick",
            propensity_logged=True,
        )
    return LoopDesign(
        model=model.id,
        log_at_serving=log_record(system, loop, model),
        join_key="prediction_id",
        maturity_window_days=maturity,
        maturity_basis=maturity_basis,
        holdout=holdout,
        exploration=exploration,
        retrain=retrain,
        promotion_gate=gate,
        watch_while_immature=watch,
    )
