"""Run every area over a System, apply selection and suppressions, score, and rank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from mlreview.areas import meta
from mlreview.areas.area import Assessment
from mlreview.areas.findings import Finding
from mlreview.areas.registry import AREA_LIST, all_rules
from mlreview.areas.rule import Context, Rule, to_finding
from mlreview.engine.result import AreaResult, Review, RuleResult
from mlreview.engine.scenarios import build, why_first
from mlreview.engine.scoring import score
from mlreview.system.manifest import Suppression
from mlreview.system.reads import ReadLog
from mlreview.system.system import System


class SelectionError(ValueError):
    """A --select or --ignore entry that matches no rule."""


def every_rule() -> list[Rule]:
    return [*all_rules(), *meta.RULES.rules]


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    rules = every_rule()
    select, ignore = list(select), list(ignore)
    for sel in [*select, *ignore]:
        if not any(r.matches(sel) for r in rules):
            raise SelectionError(f"{sel!r} matches no rule code, code prefix or name")
    chosen = [r for r in rules if not select or any(r.matches(s) for s in select)]
    return [r for r in chosen if not any(r.matches(i) for i in ignore)]


def _suppression_for(
    finding: Finding, system: System, owners: dict[str, list[Suppression]]
) -> Suppression | None:
    for ident in (*finding.components, "*"):
        for sup in owners.get(ident, []):
            if sup.rule.upper() == finding.rule or sup.rule.lower() == finding.name:
                return sup
    return None


def _owners(system: System) -> dict[str, list[Suppression]]:
    owners: dict[str, list[Suppression]] = {"*": list(system.manifest.system.suppress)}
    for comp in system.components.values():
        owners[comp.id] = list(comp.suppress)
    if system.manifest.monitoring:
        owners["monitoring"] = list(system.manifest.monitoring.suppress)
    return owners


def _apply(
    rule: Rule, ctx: Context, system: System, owners: dict[str, list[Suppression]]
) -> RuleResult:
    result = RuleResult()
    for hit in rule.check(ctx):
        finding = score(rule, to_finding(rule, hit, system.file), system)
        sup = _suppression_for(finding, system, owners)
        if sup is not None:
            result.used.add(sup.path)
            result.suppressed.append(replace(finding, suppressed=sup.reason))
        else:
            result.active.append(finding)
    return result


def run(
    system: System,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    *,
    assessments: dict[str, Assessment] | None = None,
    rule_results: dict[str, RuleResult] | None = None,
    log: ReadLog | None = None,
) -> Review:
    """Review ``system``.

    ``assessments`` replaces an area's computed numbers and ``rule_results`` a rule's findings
    (what-if runs reuse what a change cannot affect); ``log`` records the unknown fields each
    assessment and rule reads, under 'assess:<area>' and 'rule:<code>'.
    """
    chosen = {r.code for r in selected_rules(select, ignore)}
    owners = _owners(system)
    reuse = rule_results or {}
    results: dict[str, RuleResult] = {}
    areas: dict[str, AreaResult] = {}
    log = log or ReadLog()

    def apply(rule: Rule, ctx: Context) -> RuleResult:
        if rule.code in reuse:
            results[rule.code] = reuse[rule.code]
        else:
            with log.reading_as(f"rule:{rule.code}"):
                results[rule.code] = _apply(rule, ctx, system, owners)
        return results[rule.code]

    for area in AREA_LIST:
        assessment = (assessments or {}).get(area.key)
        if not assessment:
            with log.reading_as(f"assess:{area.key}"):
                assessment = area.assess(system)
        ctx = Context(system, assessment)
        found = [f for r in area.rules.rules if r.code in chosen for f in apply(r, ctx).active]
        found.sort(key=Finding.sort_key)
        areas[area.key] = AreaResult(
            area.key, area.title, area.summarise(system, assessment, found), found, assessment
        )

    used = {path for result in results.values() for path in result.used}
    codes = {r.code: r.code for r in every_rule()} | {r.name: r.code for r in every_rule()}
    meta_ctx = Context(system, {"used": used, "codes": codes, "ran": chosen})
    meta_results = [
        _apply(rule, meta_ctx, system, owners) for rule in meta.RULES.rules if rule.code in chosen
    ]

    active = [f for a in areas.values() for f in a.findings]
    active += [f for m in meta_results for f in m.active]
    active.sort(key=Finding.sort_key)
    suppressed = [f for r in [*results.values(), *meta_results] for f in r.suppressed]
    scenarios = build([f for f in active if f.area != "meta"], system)
    top = scenarios[0] if scenarios else None
    runner = scenarios[1] if len(scenarios) > 1 else None
    return Review(
        system_name=system.name,
        file=system.file,
        areas=areas,
        findings=active,
        suppressed=sorted(suppressed, key=Finding.sort_key),
        scenarios=scenarios,
        top_risk_reason=why_first(top, runner) if top else "No risk scenario was found.",
        rules_run=sorted(chosen),
        rule_results=results,
    )
