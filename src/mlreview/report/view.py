"""What every human-readable renderer shows, computed once: tables, labels, the plan."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlreview.areas.findings import Finding
from mlreview.datasets.loadtest import TOKENS_NOT_MODELLED
from mlreview.engine.result import AreaResult, Review
from mlreview.engine.scenarios import PLAN_PARTS

PLAN_TITLES = {
    "prevent": "Prevent",
    "detect": "Detect",
    "limit": "Limit the blast radius",
    "recover": "Recover",
}
NO_QUESTIONS = (
    "No unknown field would change the top risk, a finding's severity or the traffic verdict."
)
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
        if not math.isfinite(value):
            return f"{value:g}"
        if value.is_integer():
            return f"{int(value):,}"
        # :g alone turns 2,675,635.5 into 2.67564e+06.
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value) or "-"
    return str(value)


def _table(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> Table:
    return Table(
        title,
        tuple(h for h, _ in columns),
        tuple(tuple(cell(r.get(k)) for _, k in columns) for r in rows),
    )


def _load_test_extras(tests: list[dict[str, Any]]) -> list[Table]:
    """LLM token timings and what a results file could not say, where there are any (the JSON
    carries both on every load test)."""
    out = []
    llm = [{**t, **t["tokens"]} for t in tests if t.get("tokens")]
    if llm:
        out.append(
            _table(
                f"LLM serving load tests ({TOKENS_NOT_MODELLED})",
                [
                    ("endpoint", "endpoint"),
                    ("file", "file"),
                    ("concurrency", "concurrency"),
                    ("TTFT p50 ms", "ttft_p50_ms"),
                    ("TTFT p99 ms", "ttft_p99_ms"),
                    ("inter-token p50 ms", "inter_token_p50_ms"),
                    ("inter-token p99 ms", "inter_token_p99_ms"),
                    ("tokens/s per request p50", "request_tokens_per_s_p50"),
                    ("tokens/s in all", "output_tokens_per_s"),
                ],
                llm,
            )
        )
    notes = [{**t, "note": n} for t in tests for n in t.get("notes", [])]
    if notes:
        out.append(
            _table(
                "What the load-test files do not say",
                [("endpoint", "endpoint"), ("file", "file"), ("note", "note")],
                notes,
            )
        )
    return out


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
        return serving_tables(a["endpoints"])
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


@dataclass(frozen=True)
class Diagram:
    title: str
    kind: str
    """'lineage' (a graph of components) or 'loop' (steps that feed back into the first)."""
    data: Any


def diagrams(area: AreaResult) -> list[Diagram]:
    """The pictures an area's section shows, in order."""
    a = area.assessment
    if area.key == "pipeline" and a.get("lineage"):
        title = "Lineage: single points of failure and the paths they break"
        return [Diagram(title, "lineage", a["lineage"])]
    if area.key == "serving":
        return [
            Diagram(
                f"{r['endpoint']}: a step to {r['multiplier']:g}x (p99 latency and ready replicas)",
                "timeseries",
                r["spike"]["series"],
            )
            for r in a["endpoints"]
            if r.get("spike") and r["spike"]["series"]
        ]
    if area.key == "feedback" and a.get("diagram"):
        out = []
        if a["diagram"]["as_is"]:
            out.append(
                Diagram(
                    "The loop as declared (orange: biased or at risk)",
                    "loop",
                    a["diagram"]["as_is"],
                )
            )
        out.append(Diagram("The loop to build (green: added)", "loop", a["diagram"]["designed"]))
        return out
    return []


def overloaded(point: dict[str, Any]) -> dict[str, str]:
    """Latency cells of a load level whose queue grows without bound, which has no quantiles."""
    return {k: "overloaded" for k in ("p50_ms", "p99_ms") if point.get(k) is None}


LOAD_COLUMNS = (
    ("QPS", "qps"),
    ("replicas", "replicas"),
    ("utilisation", "utilization"),
    ("p50 ms", "p50_ms"),
    ("p99 ms", "p99_ms"),
    ("replicas needed", "replicas_needed"),
    ("meets SLO", "meets_slo"),
)
"""Columns of one load level of an endpoint, shared by the review and `mlreview capacity`."""


def serving_tables(rows: list[dict[str, Any]]) -> list[Table]:
    """Latency today and at the growth target, what breaks first, and the spike outcome."""
    scenarios = [
        {"endpoint": r["endpoint"], **s, **overloaded(s)} for r in rows for s in r["scenarios"]
    ]
    out = [
        _table(
            "Steady state today and at the growth target",
            [
                ("endpoint", "endpoint"),
                ("x", "multiplier"),
                *LOAD_COLUMNS,
                ("replica-hours/day", "replica_hours_per_day"),
            ],
            scenarios,
        )
    ]
    limits = [{"endpoint": r["endpoint"], **b} for r in rows for b in r["bottlenecks"]]
    if limits:
        out.append(
            _table(
                "What breaks first (highest QPS each limit allows, lowest first)",
                [
                    ("endpoint", "endpoint"),
                    ("limit", "constraint"),
                    ("component", "component"),
                    ("max QPS", "capacity_qps"),
                    ("holds at target", "holds"),
                ],
                limits,
            )
        )
    tests = [{"endpoint": r["endpoint"], **t} for r in rows for t in r.get("load_tests", [])]
    if tests:
        out.append(
            _table(
                "Load tests against the model (p99 predicted at each test's rate and replicas)",
                [
                    ("endpoint", "endpoint"),
                    ("file", "file"),
                    ("tool", "tool"),
                    ("QPS", "throughput_qps"),
                    ("replicas", "replicas"),
                    ("p99 ms measured", "p99_ms"),
                    ("p99 ms predicted", "predicted_p99_ms"),
                    ("open loop", "open_loop"),
                ],
                tests,
            )
        )
    out += _load_test_extras(tests)
    spikes = [
        {
            "endpoint": r["endpoint"],
            "shape": shape,
            **r[key],
            "over_slo_share": f"{r[key]['over_slo_share']:.1%}",
            "time_to_capacity_seconds": "never"
            if r[key]["time_to_capacity_seconds"] is None
            else r[key]["time_to_capacity_seconds"],
        }
        for r in rows
        for shape, key in (("step", "spike"), ("ramp", "ramp"))
        if r.get(key)
    ]
    if spikes:
        out.append(
            _table(
                "A spike from today's peak to the growth target (simulated)",
                [
                    ("endpoint", "endpoint"),
                    ("shape", "shape"),
                    ("ramp s", "ramp_seconds"),
                    ("scale-up done after s", "time_to_capacity_seconds"),
                    ("enough replicas", "reaches_target"),
                    ("over SLO", "over_slo_share"),
                    ("timed out", "timed_out"),
                    ("shed", "shed"),
                ],
                spikes,
            )
        )
    return out


def design_sections(area: AreaResult) -> list[tuple[str, list[str]]]:
    """The designed feedback loop as headed lists, for the feedback area."""
    d = area.assessment.get("design") if area.key == "feedback" else None
    if not d:
        return []
    h = d["holdout"]
    if h["fraction"] is not None:
        holdout = [
            f"hold out {h['fraction']:.1%} of traffic at random, persistently; it detects a "
            f"{h['min_detectable_effect']:.0%} change ({h['min_detectable_effect_basis']}) in "
            f"{h['days_to_detect']:g} days from {h['outcomes_needed']:,} labelled outcomes",
            *h["basis"],
        ]
    else:
        holdout = [f"hold out 1-5% of traffic; {'; '.join(h['basis'])}"]
    out = [
        ("Log at serving", list(d["log_at_serving"])),
        (
            "Join and maturity",
            [
                f"join labels on {d['join_key']}",
                f"train only on rows older than {cell(d['maturity_window_days'])} days "
                f"({d['maturity_basis']})",
            ],
        ),
        ("Holdout", holdout),
    ]
    if d["exploration"]:
        e = d["exploration"]
        share = f"{e['fraction']:.1%}" if e["fraction"] is not None else "a small share"
        out.append(("Exploration", [f"{share}: {e['how']}; log the propensity of every action"]))
    r = d["retrain"]
    out += [
        (
            "Retrain",
            [
                f"schedule: {r['schedule']}",
                f"train on {r['train_on']}",
                *[f"trigger: {t}" for t in r["triggers"]],
            ],
        ),
        ("Promotion gate", list(d["promotion_gate"])),
        ("Watch while labels mature", list(d["watch_while_immature"])),
    ]
    return out


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
