"""Suppressions: which accepted findings each one silences, and MLR001, the rule that reports
suppressions silencing nothing (stale ones hide the next real finding)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mlreview.areas.findings import Finding, Severity
from mlreview.areas.rule import Context, Hit, Rule, RuleSet
from mlreview.system.manifest import Suppression
from mlreview.system.system import System

Owners = dict[str, list[Suppression]]


@dataclass
class SuppressionUse:
    """What MLR001 reads: suppressions that silenced something, rule codes by code and name,
    and the rules that ran (a suppression of a rule that did not run is not stale)."""

    used: set[tuple[str | int, ...]] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)
    ran: set[str] = field(default_factory=set)


RULES: RuleSet[SuppressionUse] = RuleSet(area="meta", prefix="MLR")


def owners(system: System) -> Owners:
    """Each component's suppressions by id; '*' holds the system-wide ones."""
    out: Owners = {"*": list(system.manifest.system.suppress)}
    for comp in system.components.values():
        out[comp.id] = list(comp.suppress)
    if system.manifest.monitoring:
        out["monitoring"] = list(system.manifest.monitoring.suppress)
    return out


def suppression_for(finding: Finding, by_owner: Owners) -> Suppression | None:
    """The suppression on one of the finding's components (or system-wide) naming its rule."""
    for ident in (*finding.components, "*"):
        for sup in by_owner.get(ident, []):
            if sup.rule.upper() == finding.rule or sup.rule.lower() == finding.name:
                return sup
    return None


def rule_codes(rules: list[Rule]) -> dict[str, str]:
    return {r.code: r.code for r in rules} | {r.name: r.code for r in rules}


@RULES.rule(
    1,
    "unused-suppression",
    severity=Severity.LOW,
    summary="A suppression silences no finding.",
    rationale="Stale suppressions hide the next real finding of that rule on that component "
    "and mislead readers about what was accepted.",
    sources=("ruff RUF100 (unused noqa)", "checkov suppression comments"),
    fix="Delete the suppression, or correct its rule code.",
    mitigation="prevent",
    scenario="review-hygiene",
    likelihood=1,
)
def unused_suppression(ctx: Context[SuppressionUse]) -> Iterator[Hit]:
    use = ctx.assessment
    for owner, sup in ctx.system.suppressions:
        code = use.codes.get(sup.rule.upper()) or use.codes.get(sup.rule.lower())
        if sup.path in use.used or (code is not None and code not in use.ran):
            continue
        p = ctx.probe()
        p.get(sup, "rule")
        ident = getattr(owner, "id", None) or ctx.system.label(owner.path)
        why = "matches no rule" if code is None else "silenced nothing"
        yield p.hit([str(ident)], f"Suppression of {sup.rule} on {ident} {why}.", sup, "rule")
