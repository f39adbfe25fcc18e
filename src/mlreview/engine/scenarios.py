"""Merge findings that share a root cause into risk scenarios and rank them."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlreview.areas.findings import Finding, Mitigation
from mlreview.system.system import System

PLAN_PARTS: tuple[Mitigation, ...] = ("prevent", "detect", "limit", "recover")
HIGH_RISK_RPN = 400
PRIORITISE_RPN = 200


@dataclass(frozen=True)
class Family:
    title: str
    effect: str
    plan: dict[str, str]


FAMILIES: dict[str, Family] = {
    "skew": Family(
        "Training-serving skew goes unnoticed",
        "serving computes or sees features differently from training, so predictions degrade "
        "with no error and no alert",
        {
            "detect": "Log served features with request ids and compare them daily with a "
            "training-code recomputation of the same rows.",
            "limit": "Canary every feature-code change with a guardrail on the prediction "
            "distribution.",
            "recover": "Roll back the feature code with the model version it was trained with.",
        },
    ),
    "offline-online-gap": Family(
        "Offline evaluation overstates production quality",
        "the model looks better offline than it can be in serving, so launches and retrains "
        "are judged on fiction",
        {"detect": "Compare next-day production metrics with the offline estimate per release."},
    ),
    "source-outage": Family(
        "Source {anchor} fails and predictions degrade silently",
        "the data behind live features stops or turns into defaults while serving carries on",
        {
            "detect": "Alert on the source's freshness, volume and default rate.",
            "limit": "Fall back to last-known-good values within a stated staleness limit.",
            "recover": "Backfill the gap and exclude the outage window from training.",
        },
    ),
    "bad-training-data": Family(
        "Bad data trains and ships a worse model",
        "an upstream data error becomes a trained model and reaches serving",
        {
            "limit": "Promote new models through a canary with automatic rollback.",
            "recover": "Roll back to the last blessed model and retrain without the bad partition.",
        },
    ),
    "upstream-change": Family(
        "An upstream change to {anchor} changes what the model sees",
        "another team changes a signal's meaning or schema and the model keeps scoring with it",
        {"detect": "Alert on schema and distribution changes of the source's columns."},
    ),
    "pipeline-outage": Family(
        "Pipeline {anchor} fails and its features go stale",
        "a missed run leaves features older than their budget while serving reads them",
        {"recover": "Re-run idempotently and backfill the missed partitions."},
    ),
    "zone-outage": Family(
        "One zone outage stops predictions",
        "a single-zone component on the synchronous path takes every prediction with it",
        {"recover": "Rehearse zone failover in a game day."},
    ),
    "stale-model": Family(
        "The model goes stale faster than anyone can see",
        "labels arrive too late to retrain or to measure quality in time",
        {"detect": "Alert on model age and on the prediction distribution."},
    ),
    "bad-release": Family(
        "A bad model version reaches all traffic",
        "a model that scores differently in production goes live everywhere at once",
        {"recover": "Keep the previous version deployable and rehearse the rollback."},
    ),
    "capacity": Family(
        "Serving cannot absorb the traffic growth target",
        "at the growth target requests queue past the latency SLO or are dropped",
        {
            "detect": "Alert on saturation and p99 latency against the SLO.",
            "recover": "Shed low-priority traffic and serve cached or fallback scores.",
        },
    ),
    "dependency-outage": Family(
        "Dependency {anchor} takes the endpoint down with it",
        "a slow or failed synchronous dependency holds requests until the endpoint fails",
        {"detect": "Alert on the dependency's latency and error rate from the caller's side."},
    ),
    "selective-labels": Family(
        "The model cannot see its own mistakes",
        "outcomes arrive only for cases the model let through, so errors on the rest are "
        "never measured or learned",
        {
            "detect": "Track precision on the randomised holdout, not only on labelled traffic.",
            "limit": "Cap the automated action rate and review decisions above the cap.",
        },
    ),
    "biased-feedback": Family(
        "The feedback loop biases the next model",
        "the data the model learns from is shaped by its own past decisions",
        {"detect": "Monitor exposure concentration and catalogue coverage over time."},
    ),
    "review-hygiene": Family("Review hygiene", "suppressions no longer match findings", {}),
}


@dataclass
class Scenario:
    key: str
    title: str
    effect: str
    findings: list[Finding]
    severity: int
    likelihood: int
    detectability: int
    blast_radius: int
    components: list[str]
    plan: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rpn(self) -> int:
        return self.severity * self.likelihood * self.detectability

    @property
    def override(self) -> bool:
        """Severe and silent: ranks above any score (FMEA severity override)."""
        return self.severity >= 9 and self.detectability >= 7

    @property
    def label(self) -> str:
        if self.override or self.rpn > HIGH_RISK_RPN:
            return "high risk"
        return "prioritise" if self.rpn > PRIORITISE_RPN else "medium risk"

    @property
    def rules(self) -> list[str]:
        return sorted({f.rule for f in self.findings})

    def rank_key(self) -> tuple[int, int, int, str]:
        return (-int(self.override), -self.rpn, -self.blast_radius, self.key)


def _plan(family: Family, findings: list[Finding]) -> dict[str, list[str]]:
    plan: dict[str, list[str]] = {part: [] for part in PLAN_PARTS}
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule in sorted(by_rule):
        group = by_rule[rule]
        comps = sorted({c for f in group for c in f.components})
        shown = ", ".join(comps[:6]) + (f" and {len(comps) - 6} more" if len(comps) > 6 else "")
        plan[group[0].mitigation].append(f"{shown}: {group[0].fix}")
    for part, text in family.plan.items():
        if not plan[part]:
            plan[part].append(text)
    return plan


def build(findings: list[Finding], system: System) -> list[Scenario]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.scenario, []).append(f)
    scenarios = []
    for key, group in groups.items():
        family_key, _, anchor = key.partition(":")
        family = FAMILIES[family_key]
        comps = sorted({c for f in group for c in f.components})
        reach: set[str] = set(comps)
        for c in comps:
            reach |= system.downstream(c)
        scenarios.append(
            Scenario(
                key=key,
                title=family.title.format(anchor=anchor),
                effect=family.effect,
                findings=sorted(group, key=Finding.sort_key),
                severity=max(f.score[0] for f in group),
                likelihood=max(f.score[1] for f in group),
                detectability=min(f.score[2] for f in group),
                blast_radius=len(reach),
                components=comps,
                plan=_plan(family, group),
            )
        )
    return sorted(scenarios, key=Scenario.rank_key)


def why_first(top: Scenario, runner: Scenario | None) -> str:
    s, o, d = top.severity, top.likelihood, top.detectability
    base = f"severity {s}, likelihood {o}, detectability {d}: risk priority {top.rpn} ({top.label})"
    if runner is None:
        return f"It is the only risk scenario found; {base}."
    if top.override and not runner.override:
        return (
            f"It is severe and silent ({base}), which ranks above any score; the runner-up "
            f"'{runner.title}' scores {runner.rpn} but would be noticed sooner or hurts less."
        )
    if top.rpn > runner.rpn:
        return (
            f"It has the highest risk priority: {base}, against {runner.rpn} for '{runner.title}'."
        )
    return (
        f"It ties '{runner.title}' at {top.rpn} and reaches more of the system "
        f"({top.blast_radius} components against {runner.blast_radius})."
    )
