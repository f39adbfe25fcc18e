"""Per feedback loop: its type, label delay against retraining, and label coverage."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Assessment
from mlreview.areas.common import plural
from mlreview.areas.findings import Finding
from mlreview.system.models import FeedbackLoop, Model
from mlreview.system.system import System


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


def assess(system: System) -> Assessment:
    loops: list[dict[str, Any]] = []
    for loop in system.manifest.feedback:
        model = system.get(loop.model)
        assert isinstance(model, Model)
        delay = loop.label.delay if loop.label else None
        cadence = model.training.cadence if model.training else None
        loops.append(
            {
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
                "holdout_fraction": loop.holdout.fraction if loop.holdout else None,
                "exploration_fraction": loop.exploration.fraction if loop.exploration else None,
            }
        )
    covered = {r["model"] for r in loops}
    unlooped = sorted(m.id for m in system.manifest.models if m.id not in covered)
    return {"loops": loops, "models_without_feedback": unlooped}


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
    if a["models_without_feedback"]:
        parts.append(f"no label path for {', '.join(a['models_without_feedback'])}")
    body = "; ".join(parts) if parts else "no feedback declared"
    return f"{body}; {plural(len(findings), 'finding')}."
