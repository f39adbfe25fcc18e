"""Run every area over a System, apply selection and suppressions, score, and rank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from mlreview.areas.area import Area
from mlreview.areas.findings import Finding
from mlreview.areas.record import Record
from mlreview.areas.registry import AREA_LIST
from mlreview.areas.rule import Context, Rule, to_finding
from mlreview.engine import suppressions
from mlreview.engine.evidence import settle
from mlreview.engine.plan import plan_for
from mlreview.engine.result import AreaResult, Review, RuleResult
from mlreview.engine.rules import every_rule, selected_rules
from mlreview.engine.scenarios import build, why_first
from mlreview.engine.scoring import score
from mlreview.engine.sound import already_sound
from mlreview.engine.whatif.reads import ReadLog
from mlreview.system.manifest import Endpoint, FeedbackLoop, Model, Pipeline
from mlreview.system.system import System


def _apply(
    rule: Rule, ctx: Context[Any], system: System, owners: suppressions.Owners
) -> RuleResult:
    result = RuleResult()
    for hit in rule.check(ctx):
        if rule.learned_only and _only_fixed_rules(hit.components, system):
            continue
        finding = settle(score(rule, to_finding(rule, hit, system.file), system), system.manifest)
        sup = suppressions.suppression_for(finding, owners)
        if sup is not None:
            result.used.add(sup.path)
            result.suppressed.append(replace(finding, suppressed=sup.reason))
        else:
            result.active.append(finding)
    return result


def _only_fixed_rules(components: Iterable[str], system: System) -> bool:
    """True when every model a hit is about (every model of the system, for a hit on the
    system as a whole) is declared ``learned: false``: a defect in learning from data cannot be
    in a rule set by hand."""
    models = []
    for ident in components:
        comp = system.get(ident)
        if isinstance(comp, Endpoint):
            comp = system.get(comp.model)
        elif isinstance(comp, (FeedbackLoop, Pipeline)):
            trained = [m for m in system.manifest.models if system.training_pipeline(m) is comp]
            comp = system.get(comp.model) if isinstance(comp, FeedbackLoop) else None
            models.extend(trained)
        if isinstance(comp, Model):
            models.append(comp)
    models = models or list(system.manifest.models)
    return bool(models) and all(m.learned is False for m in models)


def run(
    system: System,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    *,
    assessments: dict[str, Record] | None = None,
    rule_results: dict[str, RuleResult] | None = None,
    log: ReadLog | None = None,
    plan: bool = True,
) -> Review:
    """Review ``system``.

    ``assessments`` replaces an area's computed numbers and ``rule_results`` a rule's findings
    (what-if runs reuse what a change cannot affect); ``log`` records the unknown fields each
    assessment and rule reads, under 'assess:<area>' and 'rule:<code>'.
    """
    chosen = {r.code for r in selected_rules(select, ignore)}
    owners = suppressions.owners(system)
    reuse = rule_results or {}
    results: dict[str, RuleResult] = {}
    areas: dict[str, AreaResult] = {}
    log = log or ReadLog()

    def apply(rule: Rule, ctx: Context[Any]) -> RuleResult:
        if rule.code in reuse:
            results[rule.code] = reuse[rule.code]
        else:
            with log.reading_as(f"rule:{rule.code}"):
                results[rule.code] = _apply(rule, ctx, system, owners)
        return results[rule.code]

    def review_area(area: Area[Any]) -> AreaResult:
        assessment = (assessments or {}).get(area.key)
        if assessment is None:
            with log.reading_as(f"assess:{area.key}"):
                assessment = area.assess(system)
        ctx = Context(system, assessment)
        found = [f for r in area.rules.rules if r.code in chosen for f in apply(r, ctx).active]
        found.sort(key=Finding.sort_key)
        summary = area.summarise(system, assessment, found)
        verdict = area.verdict(system, assessment, found)
        return AreaResult(area.key, area.title, summary, found, assessment, area.heading, verdict)

    for area in AREA_LIST:
        areas[area.key] = review_area(area)

    use = suppressions.SuppressionUse(
        used={path for result in results.values() for path in result.used},
        codes=suppressions.rule_codes(every_rule()),
        ran=chosen,
    )
    meta_ctx = Context(system, use)
    meta_results = [
        _apply(rule, meta_ctx, system, owners)
        for rule in suppressions.RULES.rules
        if rule.code in chosen
    ]

    active = [f for a in areas.values() for f in a.findings]
    active += [f for m in meta_results for f in m.active]
    active.sort(key=Finding.sort_key)
    suppressed = [f for r in [*results.values(), *meta_results] for f in r.suppressed]
    scenarios = build([f for f in active if f.area != "meta"], system, areas)
    top = scenarios[0] if scenarios else None
    runner = scenarios[1] if len(scenarios) > 1 else None
    select, ignore = list(select), list(ignore)
    the_plan = None
    if plan and top is not None:
        the_plan = plan_for(
            top, system, lambda changed: run(changed, select, ignore, plan=False).scenarios
        )
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
        plan=the_plan,
        sound=already_sound(system, areas, scenarios),
    )
