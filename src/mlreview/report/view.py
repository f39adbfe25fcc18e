"""What every human-readable renderer shows, computed once: tables, labels, the plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlreview.areas.findings import Finding
from mlreview.engine.result import AreaResult, Review
from mlreview.engine.scenarios import PLAN_PARTS

PLAN_TITLES = {
    "prevent": "Prevent",
    "detect": "Detect",
    "limit": "Limit the blast radius",
    "recover": "Recover",
}
PART_NUMBERS = {"skew": 1, "pipeline": 2, "serving": 3, "feedback": 4}


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def cell(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value) or "-"
    return str(value)


def _table(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> Table:
    return Table(
        title,
        tuple(h for h, _ in columns),
        tuple(tuple(cell(r.get(k)) for _, k in columns) for r in rows),
    )


def tables(area: AreaResult) -> list[Table]:
    a = area.assessment
    if area.key == "skew":
        return [
            _table(
                "Features",
                [
                    ("feature", "feature"),
                    ("code paths", "code_paths"),
                    ("training", "training_language"),
                    ("serving", "serving_language"),
                    ("point-in-time", "point_in_time_join"),
                    ("logged", "logged_at_serving"),
                    ("online", "served_online"),
                    ("refresh h", "refresh_hours"),
                ],
                a["features"],
            )
        ]
    if area.key == "pipeline":
        out = [
            _table(
                "Sources",
                [
                    ("source", "source"),
                    ("kind", "kind"),
                    ("serving path", "feeds_serving"),
                    ("trains", "feeds_training"),
                    ("on failure", "on_failure"),
                    ("features", "features"),
                ],
                a["sources"],
            )
        ]
        out.append(
            _table(
                "Failure modes (one row per component)",
                [
                    ("component", "component"),
                    ("failure", "failure"),
                    ("reaches via", "reach"),
                    ("impact after min", "time_to_impact_minutes"),
                    ("serving effect", "serving_effect"),
                    ("training effect", "training_effect"),
                    ("noticed by", "detected_by"),
                    ("how soon", "noticed"),
                    ("recovery", "recovery"),
                    ("severity", "severity"),
                ],
                [{**r, "detected_by": r["detected_by"] or ["nobody"]} for r in a["failure_modes"]],
            )
        )
        if a["availability"]:
            out.append(
                _table(
                    "Availability of each prediction path (seeded Monte-Carlo)",
                    [
                        ("endpoint", "endpoint"),
                        ("estimate", "estimate_text"),
                        ("SLO", "slo"),
                        ("meets SLO", "meets_slo"),
                        ("down min/yr", "down_minutes_per_year"),
                        ("degraded min/yr", "degraded_minutes_per_year"),
                        ("no figure for", "unknown_availability"),
                    ],
                    [
                        {
                            **r,
                            "estimate_text": ("<= " if r["estimate_is_upper_bound"] else "")
                            + f"{r['estimate']:.4%}",
                        }
                        for r in a["availability"]
                    ],
                )
            )
        if a["refresh"]:
            out.append(
                _table(
                    "Refresh slack (budget minus interval and run time)",
                    [
                        ("feature", "feature"),
                        ("pipeline", "pipeline"),
                        ("interval h", "period_hours"),
                        ("slack h", "slack_hours"),
                    ],
                    a["refresh"],
                )
            )
        return out
    if area.key == "serving":
        return [
            _table(
                "Capacity at the growth target",
                [
                    ("endpoint", "endpoint"),
                    ("mode", "mode"),
                    ("peak QPS", "peak_qps"),
                    ("x", "multiplier"),
                    ("target QPS", "target_qps"),
                    ("QPS/replica", "qps_per_replica"),
                    ("max replicas", "max_replicas"),
                    ("ceiling QPS", "capacity_qps"),
                    ("headroom", "headroom"),
                    ("replicas needed", "replicas_needed"),
                    ("scale-up s", "time_to_capacity_seconds"),
                ],
                a["endpoints"],
            )
        ]
    return [
        _table(
            "Feedback loops",
            [
                ("loop", "loop"),
                ("model", "model"),
                ("type", "loop_type"),
                ("label p50 d", "label_delay_p50_days"),
                ("label p95 d", "label_delay_p95_days"),
                ("retrain d", "retrain_period_days"),
                ("staleness d", "effective_staleness_days"),
                ("selective", "selective_labels"),
                ("holdout", "holdout_fraction"),
            ],
            a["loops"],
        )
    ]


def diagram(area: AreaResult) -> tuple[str, dict[str, Any]] | None:
    """(title, graph) of the area's diagram, if it has one."""
    graph = area.assessment.get("lineage")
    if area.key == "pipeline" and graph:
        return (
            "Lineage: single points of failure and the paths they break",
            graph,
        )
    return None


def where(f: Finding) -> str:
    return f"{f.file}:{f.line}"


def plan(review: Review) -> list[tuple[str, list[str]]]:
    top = review.top_risk
    if top is None:
        return []
    return [(PLAN_TITLES[p], top.plan.get(p, [])) for p in PLAN_PARTS]


def heading(area: AreaResult) -> str:
    return f"{PART_NUMBERS[area.key]}. {area.title}"


def meta_findings(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.area == "meta"]


def counts(review: Review) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in review.findings:
        out[f.severity.value] = out.get(f.severity.value, 0) + 1
    return out
