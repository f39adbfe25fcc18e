"""Per feedback loop: how outcomes flow back, what biases them, and the loop to build."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Assessment
from mlreview.areas.common import plural
from mlreview.areas.feedback.design import design
from mlreview.areas.findings import Finding
from mlreview.system.manifest import FeedbackLoop, Model
from mlreview.system.system import System
from mlreview.system.units import format_seconds


def loop_type(loop: FeedbackLoop) -> str:
    if loop.model_shapes_own_data:
        return "direct"
    if loop.feeds_back_through:
        return "hidden"
    return "none"


def _days(seconds: float | None) -> float | None:
    return round(seconds / 86400, 3) if seconds is not None else None


def effective_staleness_days(loop: FeedbackLoop, model: Model) -> float | None:
    """Age of the newest mature label when the model is at its oldest: delay + retrain period."""
    delay = loop.label.delay if loop.label else None
    lag = (delay.p95 or delay.p50) if delay else None
    cadence = model.training.cadence if model.training else None
    if lag is None or cadence is None or cadence.continuous:
        return None
    return _days(float(lag) + cadence.period)


def _joinable(system: System, loop: FeedbackLoop, model: Model) -> bool | None:
    key = loop.label.join_key if loop.label else None
    logs = [e.logging for e in system.endpoints_of(model)]
    if key is None or not logs or any(log is None for log in logs):
        return None
    return key == "prediction_id" and all(
        log is not None and log.request_id and log.model_version for log in logs
    )


def _as_is(system: System, loop: FeedbackLoop, model: Model) -> list[dict[str, str]]:
    decision = system.manifest.system.decision
    label = loop.label
    ends = ", ".join(e.id for e in system.endpoints_of(model)) or model.id
    steps = [{"label": f"{ends} scores", "status": "ok"}]
    if decision and decision.action:
        steps.append(
            {"label": decision.action, "status": "risk" if decision.automated_action else "ok"}
        )
    seen = label.observed_only_when if label else None
    steps.append(
        {
            "label": f"outcome seen only when {seen}" if seen else "outcome",
            "status": "risk" if seen else "ok",
        }
    )
    delay = label.delay if label else None
    wait = f" (p95 {delay.p95})" if delay and delay.p95 else ""
    source = label.source if label and label.source else "labels"
    steps.append({"label": f"{source}{wait}", "status": "ok"})
    key = label.join_key if label else None
    steps.append(
        {
            "label": f"joined by {key or 'unknown key'}",
            "status": "ok" if key == "prediction_id" else "risk",
        }
    )
    pipe = system.training_pipeline(model)
    cadence = model.training.cadence.phrase if model.training and model.training.cadence else ""
    steps.append({"label": f"{pipe.id if pipe else 'retrain'} {cadence}".strip(), "status": "ok"})
    for other in loop.feeds_back_through or []:
        steps.append({"label": f"also through {other}", "status": "risk"})
    return steps


def _designed(plan: dict[str, Any]) -> list[dict[str, str]]:
    holdout = plan["holdout"]
    share = f"{holdout['fraction']:.1%} holdout" if holdout["fraction"] else "holdout (size it)"
    maturity = plan["maturity_window_days"]
    return [
        {"label": f"split: {share}, propensity logged", "status": "added"},
        {"label": "score and log prediction_id, features, action", "status": "added"},
        {"label": "outcome", "status": "ok"},
        {"label": "join on prediction_id", "status": "added"},
        {
            "label": f"keep rows older than {format_seconds(maturity * 86400)}"
            if maturity
            else "keep mature rows",
            "status": "added",
        },
        {"label": "retrain on schedule or trigger", "status": "ok"},
        {"label": "gate vs current model and baseline", "status": "added"},
    ]


def _loop_row(system: System, loop: FeedbackLoop) -> dict[str, Any]:
    model = system.get(loop.model)
    assert isinstance(model, Model)
    delay = loop.label.delay if loop.label else None
    cadence = model.training.cadence if model.training else None
    plan = design(system, loop, model)
    return {
        "loop": loop.id,
        "model": model.id,
        "loop_type": loop_type(loop),
        "label_kind": loop.label.kind if loop.label else None,
        "label_delay_p50_days": _days(float(delay.p50)) if delay and delay.p50 else None,
        "label_delay_p95_days": _days(float(delay.p95)) if delay and delay.p95 else None,
        "retrain_period_days": _days(cadence.period) if cadence else None,
        "effective_staleness_days": effective_staleness_days(loop, model),
        "label_coverage": loop.label.coverage if loop.label else None,
        "selective_labels": bool(loop.label and loop.label.observed_only_when),
        "joinable_to_prediction": _joinable(system, loop, model),
        "holdout_fraction": loop.holdout.fraction if loop.holdout else None,
        "exploration_fraction": loop.exploration.fraction if loop.exploration else None,
        "propensity_logged": loop.exploration.propensity_logged if loop.exploration else None,
        "position_bias": loop.position_bias,
        "bot_filter": loop.quality_filters.bots if loop.quality_filters else None,
        "poisoning_checks": loop.quality_filters.poisoning if loop.quality_filters else None,
        "threshold_recalibrated": model.threshold.recalibrated_on_retrain
        if model.threshold
        else None,
        "action_limits": system.manifest.monitoring.action_limits
        if system.manifest.monitoring
        else None,
        "design": plan,
        "diagram": {"as_is": _as_is(system, loop, model), "designed": _designed(plan)},
    }


def assess(system: System) -> Assessment:
    loops = [_loop_row(system, loop) for loop in system.manifest.feedback]
    covered = {r["model"] for r in loops}
    unlooped = sorted(m.id for m in system.manifest.models if m.id not in covered)
    served = [m for m in system.manifest.models if system.endpoints_of(m)]
    primary: dict[str, Any] | None = None
    for row in loops:
        model = system.get(row["model"])
        if primary is None or (model in served and system.get(primary["model"]) not in served):
            primary = row
    if primary is None and served:
        plan = design(system, None, served[0])
        primary = {
            "loop_type": "none",
            "effective_staleness_days": None,
            "label_coverage": None,
            "design": plan,
            "diagram": {"as_is": [], "designed": _designed(plan)},
        }
    return {
        "loop_type": primary["loop_type"] if primary else "none",
        "effective_staleness_days": primary["effective_staleness_days"] if primary else None,
        "label_coverage": primary["label_coverage"] if primary else None,
        "holdout": primary["design"]["holdout"] if primary else None,
        "design": primary["design"] if primary else None,
        "primary_loop": primary.get("loop") if primary else None,
        "diagram": primary["diagram"] if primary else None,
        "loops": [
            {k: v for k, v in r.items() if k not in ("design", "diagram")} | {"design": r["design"]}
            for r in loops
        ],
        "models_without_feedback": unlooped,
    }


def summarise(system: System, a: Assessment, findings: list[Finding]) -> str:
    parts = []
    for r in a["loops"]:
        stale = (
            f", effective staleness {r['effective_staleness_days']:g} d"
            if r["effective_staleness_days"] is not None
            else ""
        )
        kind = f"{r['loop_type']} loop" if r["loop_type"] != "none" else "no model-driven loop"
        parts.append(f"{r['loop']} feeds {r['model']} ({kind}{stale})")
    holdout = a["holdout"]
    if holdout and holdout["fraction"] is not None:
        parts.append(
            f"a {holdout['fraction']:.1%} holdout detects a {holdout['min_detectable_effect']:.0%} "
            f"change in {holdout['days_to_detect']:g} days"
        )
    if a["models_without_feedback"]:
        parts.append(f"no label path for {', '.join(a['models_without_feedback'])}")
    body = "; ".join(parts) if parts else "no feedback declared"
    return f"{body}; {plural(len(findings), 'finding')}."
