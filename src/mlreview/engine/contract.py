"""The versioned JSON contract. Keys named here are public: add, never rename."""

from __future__ import annotations

from typing import Any

from mlreview.areas.findings import Finding
from mlreview.engine.result import Review
from mlreview.engine.scenarios import Scenario

JSON_VERSION = "1.0"


def finding_dict(f: Finding) -> dict[str, Any]:
    s, o, d = f.score
    return {
        "rule": f.rule,
        "name": f.name,
        "area": f.area,
        "severity": f.severity.value,
        "components": list(f.components),
        "message": f.message,
        "fix": f.fix,
        "location": {"file": f.file, "line": f.line, "path": f.path},
        "fingerprint": f.fingerprint,
        "evidence": [{"field": e.field, "value": e.value, "line": e.line} for e in f.evidence],
        "assumptions": [
            {"field": a.field, "assumed": a.assumed, "line": a.line} for a in f.assumptions
        ],
        "score": {"severity": s, "likelihood": o, "detectability": d, "rpn": s * o * d},
        "detected_by": list(f.detected_by),
        "suppressed": f.suppressed,
    }


def scenario_dict(s: Scenario) -> dict[str, Any]:
    return {
        "key": s.key,
        "title": s.title,
        "effect": s.effect,
        "findings": s.rules,
        "components": s.components,
        "score": s.rpn,
        "severity": s.severity,
        "likelihood": s.likelihood,
        "detectability": s.detectability,
        "blast_radius": s.blast_radius,
        "label": s.label,
        "fix": s.plan,
    }


def to_dict(review: Review) -> dict[str, Any]:
    top = review.top_risk
    runner = review.runner_up
    top_risk: dict[str, Any] | None = None
    if top is not None:
        top_risk = {
            **scenario_dict(top),
            "why": review.top_risk_reason,
            "runner_up": scenario_dict(runner) if runner else None,
        }
    return {
        "version": JSON_VERSION,
        "tool": {"name": "mlreview"},
        "system": {"name": review.system_name, "file": review.file},
        "areas": {
            key: {
                "title": area.title,
                "summary": area.summary,
                "findings": [finding_dict(f) for f in area.findings],
                "assessment": area.assessment.to_dict(),
            }
            for key, area in review.areas.items()
        },
        "top_risk": top_risk,
        "scenarios": [scenario_dict(s) for s in review.scenarios],
        "questions": [
            {
                "field": q.field,
                "question": q.question,
                "assumed": q.assumed,
                "changes": q.changes,
                "components": list(q.components),
                "line": q.line,
                "impact": q.impact,
            }
            for q in review.questions
        ],
        "questions_checked": review.questions_checked,
        "assumptions": [
            {"field": a.field, "assumed": a.assumed, "line": a.line} for a in review.assumptions
        ],
        "findings": [finding_dict(f) for f in review.findings],
        "suppressed": [finding_dict(f) for f in review.suppressed],
        "rules_run": review.rules_run,
        "baseline": review.baseline.to_dict() if review.baseline is not None else None,
    }
