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
    title_any: str = ""

    def heading(self, anchor: str) -> str:
        """The title naming the anchor component, or the general title without one."""
        return self.title.format(anchor=anchor) if anchor else (self.title_any or self.title)


FAMILIES: dict[str, Family] = {
    "skew": Family(
        "Training-serving skew goes unnoticed",
        "serving computes or sees {who} differently from training, so predictions degrade with no "
        "error and no alert",
        {
            "prevent": "Define each feature once for both paths and gate changes on a parity "
            "test over logged rows.",
            "detect": "Log served features with request ids and compare them daily with a "
            "training-code recomputation of the same rows.",
            "limit": "Canary every feature-code change with a guardrail on the prediction "
            "distribution.",
            "recover": "Roll back the feature code with the model version it was trained with, "
            "and retrain on logged serving features.",
        },
    ),
    "offline-online-gap": Family(
        "Offline evaluation overstates production quality",
        "{who} look better offline than they can be in serving, so launches and retrains are "
        "judged on fiction",
        {
            "prevent": "Evaluate on a time split that mirrors serving.",
            "detect": "Compare next-day production metrics with the offline estimate per release.",
            "limit": "Ship through an online A/B test before full rollout.",
            "recover": "Re-evaluate the serving model on the corrected split and roll back if it "
            "loses to the previous one.",
        },
    ),
    "source-outage": Family(
        "Source {anchor} fails and predictions degrade silently",
        "the data behind {who} stops or turns into defaults while serving carries on",
        {
            "prevent": "Declare the source's failure behaviour and test it in a game day.",
            "detect": "Alert on the source's freshness, volume and default rate.",
            "limit": "Fall back to last-known-good values within a stated staleness limit.",
            "recover": "Backfill the gap and exclude the outage window from training.",
        },
        "A source fails and bad inputs reach the model unnoticed",
    ),
    "bad-training-data": Family(
        "Bad data trains and ships a worse model",
        "an upstream data error trains {who} and reaches serving",
        {
            "prevent": "Validate data before training and block the run on failure.",
            "detect": "Compare each candidate with the serving model and a baseline per slice.",
            "limit": "Promote new models through a canary with automatic rollback.",
            "recover": "Roll back to the last blessed model and retrain without the bad partition.",
        },
    ),
    "upstream-change": Family(
        "An upstream change to {anchor} changes what the model sees",
        "another team changes the meaning or schema of {who} and the model keeps scoring with it",
        {
            "prevent": "Agree a data contract and consume a versioned snapshot.",
            "detect": "Alert on schema and distribution changes of the source's columns.",
            "limit": "Pin the consumed version until a change is validated.",
            "recover": "Revert to the previous snapshot and retrain if the change is kept.",
        },
        "An upstream change alters what the model sees",
    ),
    "pipeline-outage": Family(
        "Pipeline {anchor} fails and what it feeds goes stale",
        "a missed run leaves {who} older than their budget while they are still used",
        {
            "prevent": "Retry with backoff and keep slack of at least one run in every budget.",
            "detect": "Alert on job failure and on last-success age.",
            "limit": "Serve last-known-good outputs within a stated staleness limit.",
            "recover": "Re-run idempotently and backfill the missed partitions.",
        },
        "A pipeline fails and what it feeds goes stale",
    ),
    "zone-outage": Family(
        "One zone outage stops predictions",
        "a zone outage in {who} takes every prediction on that path with it",
        {
            "prevent": "Run every synchronous component in at least two zones.",
            "detect": "Alert per zone on error rate and availability.",
            "limit": "Serve from a cache or fallback while the zone is down.",
            "recover": "Rehearse zone failover in a game day.",
        },
    ),
    "stale-model": Family(
        "The model goes stale faster than anyone can see",
        "labels for {who} arrive too late to retrain or to measure quality in time",
        {
            "prevent": "Retrain on mature labels well inside the tolerated model age.",
            "detect": "Alert on model age and on the prediction distribution.",
            "limit": "Fall back to a simpler, fresher model when age limits are breached.",
            "recover": "Retrain on demand from the latest mature window.",
        },
    ),
    "bad-release": Family(
        "A bad model version reaches all traffic",
        "a version of {who} that scores differently in production goes live everywhere at once",
        {
            "prevent": "Score each candidate in the serving image against a golden set.",
            "detect": "Guard releases on errors, latency and the prediction distribution.",
            "limit": "Canary new versions and roll back automatically.",
            "recover": "Keep the previous version deployable and rehearse the rollback.",
        },
    ),
    "capacity": Family(
        "Serving cannot absorb the traffic growth target",
        "at the growth target requests to {who} queue past the latency SLO or are dropped",
        {
            "prevent": "Size max replicas, quotas and dependencies for the growth target from a "
            "load test that reaches it.",
            "detect": "Alert on saturation and p99 latency against the SLO.",
            "limit": "Bound queues and shed low-priority traffic first.",
            "recover": "Serve cached or fallback scores until capacity catches up.",
        },
    ),
    "dependency-outage": Family(
        "Dependency {anchor} takes the endpoint down with it",
        "a slow or failed call in {who} holds requests until the endpoint fails",
        {
            "prevent": "Budget a timeout for the dependency inside the SLO.",
            "detect": "Alert on the dependency's latency and error rate from the caller's side.",
            "limit": "Fall back to defaults, cached values or a heuristic behind a circuit "
            "breaker.",
            "recover": "Close the circuit gradually once the dependency is healthy.",
        },
        "A dependency takes the endpoint down with it",
    ),
    "selective-labels": Family(
        "The model cannot see its own mistakes",
        "outcomes for {who} are seen only where the model's decision allowed them, so errors on "
        "the rest are never measured or learned",
        {
            "prevent": "Let a small randomised share through and log its propensity.",
            "detect": "Track precision on the randomised holdout, not only on labelled traffic.",
            "limit": "Cap the automated action rate and review decisions above the cap.",
            "recover": "Retrain with inverse-propensity weights from the holdout once it has "
            "enough outcomes.",
        },
    ),
    "biased-feedback": Family(
        "The feedback loop biases the next model",
        "the data {who} learn from is shaped by their own past decisions",
        {
            "prevent": "Explore a small share of traffic and log propensities.",
            "detect": "Monitor exposure concentration and catalogue coverage over time.",
            "limit": "Keep a persistent holdout that the model never influences.",
            "recover": "Retrain on debiased (inverse-propensity weighted) data.",
        },
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
    def effect_sentence(self) -> str:
        return self.effect[:1].upper() + self.effect[1:] + "."

    @property
    def rules(self) -> list[str]:
        return sorted({f.rule for f in self.findings})

    def rank_key(self) -> tuple[int, int, int, str]:
        return (-int(self.override), -self.rpn, -self.blast_radius, self.key)


def _names(ids: list[str], limit: int = 6) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _plan(family: Family, findings: list[Finding], components: list[str]) -> dict[str, list[str]]:
    plan: dict[str, list[str]] = {part: [] for part in PLAN_PARTS}
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule in sorted(by_rule):
        group = by_rule[rule]
        comps = sorted({c for f in group for c in f.components})
        plan[group[0].mitigation].append(f"{_names(comps)}: {group[0].fix}")
    for part, text in family.plan.items():
        if not plan[part]:
            plan[part].append(f"{_names(components)}: {text}")
    return plan


def scenario_detectability(group: list[Finding]) -> int:
    """The best declared control among the findings, else the hardest default to notice.

    A finding without a declared monitor is not a control: it must not make the scenario
    look easier to notice than its silent root failure.
    """
    controls = [f.score[2] for f in group if f.detected_by]
    return min(controls) if controls else max(f.score[2] for f in group)


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
                title=family.heading(anchor),
                effect=family.effect.format(who=_names(comps, 4)),
                findings=sorted(group, key=Finding.sort_key),
                severity=max(f.score[0] for f in group),
                likelihood=max(f.score[1] for f in group),
                detectability=scenario_detectability(group),
                blast_radius=len(reach),
                components=comps,
                plan=_plan(family, group, comps),
            )
        )
    return sorted(scenarios, key=Scenario.rank_key)


def why_first(top: Scenario, runner: Scenario | None) -> str:
    """One or two sentences on why ``top`` outranks ``runner``, with the numbers."""
    score = (
        f"risk priority {top.rpn} = severity {top.severity} x likelihood {top.likelihood} x "
        f"detectability {top.detectability} ({top.label})"
    )
    if runner is None:
        return f"It is the only risk scenario found; {score}."
    if top.override and not runner.override:
        return (
            f"It is severe and silent (severity {top.severity} of 10, detectability "
            f"{top.detectability} of 10), which ranks above any score; its {score}. The "
            f"runner-up, '{runner.title}', scores {runner.rpn} but is less severe or would be "
            "noticed sooner."
        )
    if top.rpn > runner.rpn:
        return f"It has the highest {score}; the runner-up, '{runner.title}', scores {runner.rpn}."
    return (
        f"It ties '{runner.title}' at risk priority {top.rpn} and reaches more of the system "
        f"({top.blast_radius} components against {runner.blast_radius})."
    )
