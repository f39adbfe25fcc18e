"""Run every area over a System, apply selection and suppressions, score, and rank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from mlreview.areas import meta
from mlreview.areas.area import Assessment
from mlreview.areas.findings import Finding
from mlreview.areas.registry import AREA_LIST, all_rules
from mlreview.areas.rule import Context, Rule, to_finding
from mlreview.engine.result import AreaResult, Review
from mlreview.engine.scenarios import build, why_first
from mlreview.engine.scoring import score
from mlreview.system.models import Suppression
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


def run(
    system: System,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    assessments: dict[str, Assessment] | None = None,
) -> Review:
    """Review ``system``; ``assessments`` replaces an area's computed numbers (what-if runs)."""
    chosen = {r.code for r in selected_rules(select, ignore)}
    owners = _owners(system)
    used: set[tuple[str | int, ...]] = set()
    areas: dict[str, AreaResult] = {}
    active: list[Finding] = []
    suppressed: list[Finding] = []

    def collect(rule: Rule, ctx: Context) -> list[Finding]:
        out = []
        for hit in rule.check(ctx):
            finding = to_finding(rule, hit, system.file)
            finding = score(rule, finding, system)
            sup = _suppression_for(finding, system, owners)
            if sup is not None:
                used.add(sup.path)
                suppressed.append(replace(finding, suppressed=sup.reason))
            else:
                out.append(finding)
        return out

    for area in AREA_LIST:
        assessment = (assessments or {}).get(area.key) or area.assess(system)
        ctx = Context(system, assessment)
        found: list[Finding] = []
        for rule in area.rules.rules:
            if rule.code in chosen:
                found.extend(collect(rule, ctx))
        found.sort(key=Finding.sort_key)
        areas[area.key] = AreaResult(
            area.key, area.title, area.summarise(system, assessment, found), found, assessment
        )
        active.extend(found)

    codes = {r.code: r.code for r in every_rule()} | {r.name: r.code for r in every_rule()}
    meta_ctx = Context(system, {"used": used, "codes": codes, "ran": chosen})
    for rule in meta.RULES.rules:
        if rule.code in chosen:
            active.extend(collect(rule, meta_ctx))

    active.sort(key=Finding.sort_key)
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
    )
