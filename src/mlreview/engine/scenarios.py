"""Merge findings that share a root cause into risk scenarios and rank them."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlreview.areas.findings import Finding, Mitigation
from mlreview.areas.scenario_families import FAMILIES, Family
from mlreview.system.system import System

PLAN_PARTS: tuple[Mitigation, ...] = ("prevent", "detect", "limit", "recover")
HIGH_RISK_RPN = 400
PRIORITISE_RPN = 200


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
