"""Per feedback loop: how outcomes flow back, what biases them, and the loop to build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mlreview.areas.feedback.design import HoldoutPlan, LoopDesign, design
from mlreview.areas.record import INTERNAL, Record
from mlreview.document import cells
from mlreview.system.manifest import FeedbackLoop, Model
from mlreview.system.system import System
from mlreview.system.units import format_seconds

LoopType = Literal["direct", "hidden", "none"]


@dataclass
class Step(Record):
    label: str
    status: Literal["ok", "risk", "added"]


@dataclass
class LoopDiagrams(Record):
    as_is: list[Step]
    designed: list[Step]


@dataclass
class LoopRow(Record):
    loop: str
    model: str
    loop_type: LoopType
    label_kind: str | None
    label_delay_p50_days: float | None
    label_delay_p95_days: float | None
    retrain_period_days: float | None
    effective_staleness_days: float | None
    label_coverage: float | None
    selective_labels: bool
    joinable_to_prediction: bool | None
    holdout_fraction: float | None
    exploration_fraction: float | None
    propensity_logged: bool | None
    position_bias: str | None
    bot_filter: bool | None
    poisoning_checks: bool | None
    threshold_recalibrated: bool | None
    action_limits: bool | None
    design: LoopDesign
    diagram: LoopDiagrams | None = field(default=None, metadata=INTERNAL)


@dataclass
class FeedbackAssessment(Record):
    loop_type: LoopType
    effective_staleness_days: float | None
    label_coverage: float | None
    holdout: HoldoutPlan | None
    design: LoopDesign | None
    primary_loop: str | None
    diagram: LoopDiagrams | None
    loops: list[LoopRow]
    models_without_feedback: list[str]

    def design_for(self, loop_id: str) -> LoopDesign | None:
        return next((r.design for r in self.loops if r.loop == loop_id), None)


def loop_type(loop: FeedbackLoop) -> LoopType:
    if loop.model_shapes_own_data:
        return "direct"
    if loop.feeds_back_through:
        return "hidden"
    return "none"


def _days(seconds: float | None) -> float | None:
    # Six places keep a delay of minutes to the second (three made 5 min read 4.32 min).
    return round(seconds / 86400, 6) if seconds is not None else None


def effective_staleness_days(loop: FeedbackLoop, model: Model) -> float | None:
    """Age of the newest mature label when the model is at its oldest: delay + the longest gap
    between retrains."""
    delay = loop.label.delay if loop.label else None
    lag = (delay.p95 or delay.p50) if delay else None
    cadence = model.training.cadence if model.training else None
    if lag is None or cadence is None or cadence.continuous:
        return None
    return _days(float(lag) + cadence.longest_gap)


def _joinable(system: System, loop: FeedbackLoop, model: Model) -> bool | None:
    key = loop.label.join_key if loop.label else None
    logs = [e.logging for e in system.endpoints_of(model)]
    if key is None or not logs or any(log is None for log in logs):
        return None
    return key == "prediction_id" and all(
        log is not None and log.request_id and log.model_version for log in logs
    )


def _as_is(system: System, loop: FeedbackLoop, model: Model) -> list[Step]:
    decision = system.manifest.system.decision
    label = loop.label
    ends = ", ".join(e.id for e in system.endpoints_of(model)) or model.id
    steps = [Step(f"{ends} scores", "ok")]
    if decision and decision.action:
        steps.append(Step(decision.action, "risk" if decision.automated_action else "ok"))
    seen = label.observed_only_when if label else None
    steps.append(
        Step(f"outcome seen only when {seen}" if seen else "outcome", "risk" if seen else "ok")
    )
    delay = label.delay if label else None
    wait = f" (p95 {delay.p95})" if delay and delay.p95 else ""
    source = label.source if label and label.source else "labels"
    steps.append(Step(f"{source}{wait}", "ok"))
    key = label.join_key if label else None
    steps.append(
        Step(f"joined by {key or 'unknown key'}", "ok" if key == "prediction_id" else "risk")
    )
    pipe = system.training_pipeline(model)
    cadence = model.training.cadence.phrase if model.training and model.training.cadence else ""
    steps.append(Step(f"{pipe.id if pipe else 'retrain'} {cadence}".strip(), "ok"))
    for other in loop.feeds_back_through or []:
        steps.append(Step(f"also through {other}", "risk"))
    return steps


def _designed(plan: LoopDesign) -> list[Step]:
    holdout = plan.holdout
    share = f"{cells.share(holdout.fraction)} holdout" if holdout.fraction else "holdout (size it)"
    maturity = plan.maturity_window_days
    return [
        Step(f"split: {share}, propensity logged", "added"),
        Step("score and log prediction_id, features, action", "added"),
        Step("outcome", "ok"),
        Step("join on prediction_id", "added"),
        Step(
            f"keep rows older than {format_seconds(maturity * 86400)}"
            if maturity
            else "keep mature rows",
            "added",
        ),
        Step("retrain on schedule or trigger", "ok"),
        Step("gate vs current model and baseline", "added"),
    ]


def _loop_row(system: System, loop: FeedbackLoop) -> LoopRow:
    model = system.get(loop.model)
    assert isinstance(model, Model)
    delay = loop.label.delay if loop.label else None
    cadence = model.training.cadence if model.training else None
    plan = design(system, loop, model)
    mon = system.manifest.monitoring
    return LoopRow(
        loop=loop.id,
        model=model.id,
        loop_type=loop_type(loop),
        label_kind=loop.label.kind if loop.label else None,
        label_delay_p50_days=_days(float(delay.p50)) if delay and delay.p50 else None,
        label_delay_p95_days=_days(float(delay.p95)) if delay and delay.p95 else None,
        retrain_period_days=_days(cadence.period) if cadence else None,
        effective_staleness_days=effective_staleness_days(loop, model),
        label_coverage=loop.label.coverage if loop.label else None,
        selective_labels=bool(loop.label and loop.label.observed_only_when),
        joinable_to_prediction=_joinable(system, loop, model),
        holdout_fraction=loop.holdout.fraction if loop.holdout else None,
        exploration_fraction=loop.exploration.fraction if loop.exploration else None,
        propensity_logged=loop.exploration.propensity_logged if loop.exploration else None,
        position_bias=loop.position_bias,
        bot_filter=loop.quality_filters.bots if loop.quality_filters else None,
        poisoning_checks=loop.quality_filters.poisoning if loop.quality_filters else None,
        threshold_recalibrated=model.threshold.recalibrated_on_retrain if model.threshold else None,
        action_limits=mon.action_limits if mon else None,
        design=plan,
        diagram=LoopDiagrams(_as_is(system, loop, model), _designed(plan)),
    )


def assess(system: System) -> FeedbackAssessment:
    loops = [_loop_row(system, loop) for loop in system.manifest.feedback]
    covered = {r.model for r in loops}
    unlooped = sorted(m.id for m in system.manifest.models if m.id not in covered)
    served = [m for m in system.manifest.models if system.endpoints_of(m)]
    primary: LoopRow | None = None
    for row in loops:
        model = system.get(row.model)
        if primary is None or (model in served and system.get(primary.model) not in served):
            primary = row
    out = FeedbackAssessment(
        loop_type=primary.loop_type if primary else "none",
        effective_staleness_days=primary.effective_staleness_days if primary else None,
        label_coverage=primary.label_coverage if primary else None,
        holdout=primary.design.holdout if primary else None,
        design=primary.design if primary else None,
        primary_loop=primary.loop if primary else None,
        diagram=primary.diagram if primary else None,
        loops=loops,
        models_without_feedback=unlooped,
    )
    if primary is None and served:
        plan = design(system, None, served[0])
        out.holdout, out.design = plan.holdout, plan
        out.diagram = LoopDiagrams([], _designed(plan))
    model = system.get(primary.model) if primary else None
    if isinstance(model, Model) and model.learned is False:
        # A rule or formula set by hand is not retrained, gated or held out: the loop to build
        # (maturity window, retrain triggers, promotion gate) is a learned model's.
        out.holdout = out.design = None
        out.diagram = LoopDiagrams(out.diagram.as_is, []) if out.diagram else None
    return out
