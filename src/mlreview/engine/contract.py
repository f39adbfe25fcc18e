"""The versioned JSON contract. Keys named here are public: add, never rename."""

from __future__ import annotations

from typing import Any

from mlreview.areas import pitfalls
from mlreview.areas.findings import Finding
from mlreview.engine.result import Review
from mlreview.engine.scenarios import Scenario

JSON_VERSION = "2.5"


def finding_dict(f: Finding, cited: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """``cited``: the review's known pitfalls per finding (``Review.pitfalls``)."""
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
        "evidence": [
            {
                "field": e.field,
                "value": e.value,
                "line": e.line,
                **({"marked": True} if e.marked else {}),
            }
            for e in f.evidence
        ],
        "assumptions": [
            {"field": a.field, "assumed": a.assumed, "line": a.line} for a in f.assumptions
        ],
        "score": {"severity": s, "likelihood": o, "detectability": d, "rpn": s * o * d},
        "detected_by": list(f.detected_by),
        "suppressed": f.suppressed,
        "evidence_grade": f.grade,
        "pitfalls": list((cited or {}).get(f.fingerprint, ())),
        **(
            {"question": f.question, "confirmed_severity": f.confirmed_severity.value}
            if f.confirmed_severity is not None
            else {}
        ),
    }


def scenario_dict(s: Scenario) -> dict[str, Any]:
    r = s.risk
    return {
        "key": s.key,
        "title": s.title,
        "effect": s.effect,
        "findings": s.rules,
        "gaps": sorted({f.rule for f in s.gaps}),
        "components": s.components,
        "alike": list(s.alike),
        "score": s.score,
        "evidence": s.evidence,
        "trigger": r.trigger,
        "likelihood": round(r.likelihood, 4),
        "exposure_reach": round(r.exposure_reach, 6),
        "parts": [
            {
                "trigger": p.trigger,
                "rules": list(p.rules),
                "likelihood": round(p.likelihood, 4),
                "exposure": round(p.exposure, 6),
                "reach": round(p.reach, 4),
            }
            for p in r.parts
        ],
        "harm": r.effect,
        "impact": round(r.impact, 4),
        "working": r.working,
        "assumed": r.assumed,
        "severity": s.severity,
        "detectability": s.detectability,
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
            "chain": list(review.chain),
            "mechanisms": [
                {"key": m.key, "components": list(m.components), "text": m.text, "step": m.step}
                for m in review.mechanisms
            ],
            "plan": review.plan.to_dict() if review.plan else None,
            "runner_up": scenario_dict(runner) if runner else None,
        }
    cited = review.pitfalls
    # Only the findings printed: a baseline takes the ones it knows out after the run.
    shown = (*review.findings, *review.suppressed)
    used = {i for f in shown for i in cited.get(f.fingerprint, ())}
    return {
        "version": JSON_VERSION,
        "tool": {"name": "mlreview"},
        "system": {"name": review.system_name, "file": review.file},
        "areas": {
            key: {
                "title": area.title,
                "summary": area.summary,
                "findings": [finding_dict(f, cited) for f in area.findings],
                "assessment": area.assessment.to_dict(),
            }
            for key, area in review.areas.items()
        },
        "top_risk": top_risk,
        "already_sound": review.sound,
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
        "findings": [finding_dict(f, cited) for f in review.findings],
        "suppressed": [finding_dict(f, cited) for f in review.suppressed],
        "pitfalls": [p.to_dict() for p in pitfalls.catalogue() if p.id in used],
        "rules_run": review.rules_run,
        "baseline": review.baseline.to_dict() if review.baseline is not None else None,
    }
