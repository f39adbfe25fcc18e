"""Run every area over a System, apply selection and suppressions, score, and rank."""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cached_property
from types import FunctionType, MethodType
from typing import Any

from mlreview.areas import pitfalls
from mlreview.areas.area import Area
from mlreview.areas.assumed import brief_form, exact_form
from mlreview.areas.findings import SORT_KEY, Finding, Severity
from mlreview.areas.playbooks.base import Mechanism
from mlreview.areas.playbooks.mechanisms import mechanisms
from mlreview.areas.record import Record
from mlreview.areas.registry import AREA_LIST
from mlreview.areas.rule import Context, Hit, Rule, grade_of, to_finding
from mlreview.engine import suppressions
from mlreview.engine.chain import chain
from mlreview.engine.evidence import settle
from mlreview.engine.plan import Plan, nets_of, plan_for, playbook_of, situation_of
from mlreview.engine.result import AreaResult, Review, RuleResult
from mlreview.engine.risk import STAKE, Stake, changed_inputs, stake_of
from mlreview.engine.rules import every_rule, selected_rules
from mlreview.engine.scenarios import (
    Base,
    Earlier,
    Joins,
    Merging,
    Scenario,
    build,
    merge_alike,
    why_first,
)
from mlreview.engine.scoring import score
from mlreview.engine.sound import credits
from mlreview.engine.whatif.reads import Changed, ReadLog, unwatched
from mlreview.engine.whatif.recall import Noting, Replay
from mlreview.engine.whatif.variants import with_values
from mlreview.system.manifest import Endpoint, FeedbackLoop, Model, Pipeline
from mlreview.system.paths import Path
from mlreview.system.system import System

_RULE = operator.attrgetter("rule")
_AREA = operator.attrgetter("area")


@dataclass(frozen=True)
class Ranked:
    """A review's findings in rank order (``Finding.sort_key``) and the parts of them that
    what-if reviews of it compare theirs with, split once for them all."""

    findings: list[Finding]
    causes: list[Finding]
    """The findings outside the meta area, those scenarios are built from."""
    gaps: list[Finding]
    """The missing controls among ``causes`` (role 'gap')."""
    kept: list[Finding]
    """The causes proper among ``causes`` (role 'cause')."""
    meta: list[Finding]
    """The findings about the review itself."""

    @classmethod
    def of(cls, findings: list[Finding]) -> Ranked:
        causes = [f for f in findings if f.area != "meta"]
        gaps = [f for f in causes if f.role == "gap"]
        kept = [f for f in causes if f.role == "cause"]
        return cls(findings, causes, gaps, kept, [f for f in findings if f.area == "meta"])


@dataclass(frozen=True)
class Prior:
    """The review a what-if review is of: its areas, its findings ranked, and its scenarios
    before (``built``) and after merging alike ones. A what-if whose rules all kept their
    results has its findings; one that reused every built scenario has its merged ones."""

    areas: dict[str, AreaResult]
    ranked: Ranked
    built: list[Scenario]
    scenarios: list[Scenario]
    owners: suppressions.Owners | None = None
    """Its suppressions by owner, when known: a what-if sets only unknown scalar fields, never
    a ``suppress`` list, so its findings are silenced by the same ones (worked out once, not
    once per what-if)."""

    @cached_property
    def by_key(self) -> dict[str, Scenario]:
        return {s.key: s for s in self.built}

    @cached_property
    def joins(self) -> Joins:
        return Joins.of(self.built, self.ranked.kept)

    @cached_property
    def base(self) -> Base:
        return Base(self.ranked.causes, self.built)

    @cached_property
    def merging(self) -> Merging:
        return Merging(self.built, self.scenarios)


WHOLE = "*"
"""Among a rule's assessment reads: it used the assessment otherwise than by its fields."""


class _Fields:
    """An assessment as a rule of a watched review sees it: each field read is noted (in
    ``read``), a method of its class runs on this view so that the fields it reads are noted
    too, and anything else notes the whole."""

    __slots__ = ("_of", "read")

    def __init__(self, assessment: Any) -> None:
        self._of = assessment
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        of = self._of
        if name in _field_names(type(of)):
            self.read.add(name)
            return getattr(of, name)
        member = getattr(type(of), name, None)
        if isinstance(member, FunctionType):
            return MethodType(member, self)
        if isinstance(member, property) and member.fget is not None:
            return member.fget(self)
        self.read.add(WHOLE)
        return getattr(of, name)


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = frozenset(f.name for f in fields(cls)) if is_dataclass(cls) else frozenset()
        _FIELD_NAMES[cls] = names
    return names


class _Noting(Context[Any]):
    """A rule's context that notes which fields of its area's assessment the rule reads: one
    that reads none is a function of the manifest fields it reads alone, and one whose fields
    come out as before in a what-if is too."""

    view: _Fields | None = None

    @property
    def assessment(self) -> Any:
        if self.view is None:
            self.view = _Fields(self._assessment)
            if not is_dataclass(self._assessment):
                self.view.read.add(WHOLE)
        if WHOLE in self.view.read:
            return self._assessment
        return self.view

    @assessment.setter
    def assessment(self, value: Any) -> None:
        self._assessment = value

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(self.view.read) if self.view is not None else frozenset()


Checked = tuple[list[tuple[Hit, tuple[Severity, str | None] | None]], frozenset[str]]
"""A rule's hits with their settled severities (``RuleResult.hits``), and the fields of its
assessment it read (``RuleResult.assessment_reads``)."""


def _checked(rule: Rule, ctx: Context[Any], system: System) -> Checked:
    """What ``rule`` finds, before scoring: its hits (those on learned models alone for a rule
    of learning), each assumed one's severity settled. Reads are noted under the rule's label
    (``run``)."""
    ctx = _Noting(ctx.system, ctx.assessment)
    hits = []
    for hit in rule.check(ctx):
        if rule.learned_only and _only_fixed_rules(hit.components, system):
            continue
        assumed = grade_of(hit) == "assumed"
        severity = hit.severity or rule.severity
        hits.append((hit, settle(severity, hit.assumptions, system.manifest) if assumed else None))
    return hits, ctx.reads


def _scored(
    rule: Rule,
    checked: Checked,
    system: System,
    owners: suppressions.Owners,
    before: list[Finding] | None = None,
) -> RuleResult:
    """The findings of a rule's hits, scored on ``system`` (the FMEA scores read the system's
    criticality, the monitors that detect them and their sources' ownership and availability:
    nothing the hits depend on), with their suppressions. Reads are noted under the rule's
    'score:' label. ``before``, the findings of the same hits one for one (a result with
    nothing suppressed being scored again): a hit that scores as before has its finding."""
    hits, reads = checked
    result = RuleResult(read_assessment=bool(reads), assessment_reads=reads, hits=hits)
    for i, (hit, settled) in enumerate(hits):
        scores, monitors = score(rule, hit.severity or rule.severity, hit.components, system)
        if before is not None:
            was = before[i]
            if was.score == scores and was.detected_by == monitors:
                result.active.append(was)  # made from the same hit alike: the same finding
                continue
        finding = to_finding(
            rule, hit, system.file, score=scores, detected_by=monitors, settled=settled
        )
        sup = suppressions.suppression_for(finding, owners)
        if sup is not None:
            result.used.add(sup.path)
            result.suppressed.append(replace(finding, suppressed=sup.reason))
        else:
            result.active.append(finding)
    return result


def _apply(
    rule: Rule, ctx: Context[Any], system: System, owners: suppressions.Owners
) -> RuleResult:
    return _scored(rule, _checked(rule, ctx, system), system, owners)


def _rerun(
    rule: Rule,
    ctx: Context[Any],
    system: System,
    owners: suppressions.Owners,
    *,
    log: ReadLog,
    earlier: RuleResult | None,
) -> RuleResult:
    """``rule``'s result on ``system``, its reads noted under 'rule:<code>' and its scores'
    under 'score:<code>'; with ``earlier``, a result whose hits still stand, only the scores
    are worked out again."""
    before = None
    if earlier is not None:
        reads = earlier.assessment_reads
        if reads is None:
            reads = frozenset({WHOLE}) if earlier.read_assessment else frozenset()
        checked: Checked = (earlier.hits, reads)
        if not earlier.suppressed and len(earlier.active) == len(earlier.hits):
            before = earlier.active
    else:
        with log.reading_as(f"rule:{rule.code}"):
            checked = _checked(rule, ctx, system)
    with log.reading_as(f"score:{rule.code}"):
        return _scored(rule, checked, system, owners, before)


def _as_earlier(
    code: str,
    got: RuleResult,
    before: dict[str, RuleResult] | None,
    reuse: dict[str, RuleResult],
) -> RuleResult:
    """A re-run rule's result ``got``, given the rule results of the review a what-if is of
    (``before``): the earlier result when they are equal (then kept in ``reuse``, as if the rule
    had not been re-run), else ``got`` with each finding equal to an earlier one the earlier
    object."""
    earlier = before.get(code) if before is not None else None
    if earlier is None:
        return got
    if got == earlier:
        reuse[code] = earlier
        return earlier
    return replace(got, active=_as_before(got.active, earlier.active))


def _as_before(found: list[Finding], before: list[Finding]) -> list[Finding]:
    """``found``, each finding equal to one of ``before`` (a rule's earlier findings) that one:
    the same values, and the earlier object, which a what-if's scenarios know by identity."""
    if not before or not found:
        return found
    by_key: dict[object, list[Finding]] = {}
    for f in before:
        by_key.setdefault(SORT_KEY(f), []).append(f)
    out = []
    for f in found:
        same = by_key.get(SORT_KEY(f), [])
        match = next((g for g in same if g == f), None)
        if match is None:
            out.append(f)
        else:
            same.remove(match)  # each earlier finding stands for one found now
            out.append(match)
    return out


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
    earlier: Earlier | None = None,
    only: str | None = None,
    prior: Prior | None = None,
    before: dict[str, RuleResult] | None = None,
    rescore: dict[str, RuleResult] | None = None,
) -> Review:
    """Review ``system``.

    ``assessments`` replaces an area's computed numbers and ``rule_results`` a rule's findings
    (what-if runs reuse what a change cannot affect); ``log`` records the fields each
    assessment, rule and scenario reads, under 'assess:<area>', 'rule:<code>' and
    'scenario:<key>' (the review watches them itself for its plan's re-runs when no caller
    does); ``earlier`` gives scenarios to reuse; ``only`` builds only the scenario with that
    key (a plan's step alone is measured by one scenario's score); ``prior``, the review this
    one is a what-if of, gives the findings of an area whose rules all kept their results.
    A what-if review is read for its findings, scenarios and assessments alone: with ``prior``
    its areas have no summary or verdict and it lists nothing as already sound. ``before``, the
    rule results of the review it is of: a rule re-run to the same result (equal findings) keeps
    the earlier result object, as if it had been reused, so that what follows finds the same
    findings by identity instead of comparing them again. ``rescore``, rule results whose
    hits stand but whose scores read a changed field: their hits are scored again, the rules
    not re-run. A rule's reads are noted under 'rule:<code>' and its findings' scores' under
    'score:<code>'.
    """
    chosen = {r.code for r in selected_rules(select, ignore)}
    owners = (
        prior.owners
        if prior is not None and prior.owners is not None
        else suppressions.owners(system)
    )
    reuse = dict(rule_results or {})  # joined by the rules re-run to their results ``before``
    results: dict[str, RuleResult] = {}
    areas: dict[str, AreaResult] = {}
    log = log or ReadLog()

    def apply(rule: Rule, ctx: Context[Any]) -> RuleResult:
        code = rule.code
        if code in reuse:
            return results.setdefault(code, reuse[code])
        earlier = rescore.get(code) if rescore is not None else None
        got = _rerun(rule, ctx, system, owners, log=log, earlier=earlier)
        results[code] = _as_earlier(code, got, before, reuse)
        return results[code]

    def review_area(area: Area[Any]) -> AreaResult:
        assessment = (assessments or {}).get(area.key)
        if assessment is None:
            with log.reading_as(f"assess:{area.key}"):
                assessment = area.assess(system)
        ctx = Context(system, assessment)
        codes = [r for r in area.rules.rules if r.code in chosen]
        if prior is not None:
            got = [apply(r, ctx) for r in codes]
            kept = all(r.code in reuse for r in codes)
            before = prior.areas[area.key]
            return _what_if_area(area, assessment, got, before, kept=kept, reuse=reuse, codes=codes)
        found = [f for r in codes for f in apply(r, ctx).active]
        found.sort(key=SORT_KEY)
        summary = exact_form(area.summarise(system, assessment, found))
        said = area.verdict(system, assessment, found)
        verdict, brief = exact_form(said), brief_form(said)
        return AreaResult(
            area.key,
            area.title,
            summary,
            found,
            assessment,
            area.heading,
            verdict,
            "" if brief == verdict else brief,
        )

    # The plan re-runs the review with its changes; the reads recorded here let those runs
    # recompute only what read a changed field.
    watch: AbstractContextManager[object] = nullcontext()
    if plan and not log.watching:
        system.index()  # not read under a label: what-ifs never change ids or references
        watch = log.watch(system.manifest)
    with watch:
        if log.watching:  # what-if reviews of this system will reuse what it keeps
            system.recall = Noting(log)
        for area in AREA_LIST:
            areas[area.key] = review_area(area)
        built, active, meta_results = _scenarios(
            system,
            chosen,
            owners,
            areas,
            results,
            log=log if log.watching else None,
            earlier=earlier,
            only=only,
            prior=prior if prior is not None and _same_areas(areas, prior) else None,
            base=(prior, reuse) if prior is not None else None,
        )
    scenarios = _merged(built, system, prior)
    suppressed = [f for r in [*results.values(), *meta_results] for f in r.suppressed]
    top = scenarios[0] if scenarios else None
    runner = scenarios[1] if len(scenarios) > 1 else None
    select, ignore = list(select), list(ignore)
    the_plan = None
    if plan and top is not None:
        reviewed = Prior(areas, Ranked.of(active), built, scenarios, owners)
        the_plan = _plan(
            system, top, reviewed=reviewed, results=results, log=log, select=select, ignore=ignore
        )
    # A what-if re-run (plan=False) prints nothing, so it cites and sizes nothing.
    cited, sized = _printed(active, system, top) if plan else ({}, [])
    credited = credits(system, areas, scenarios) if prior is None else []
    return Review(
        system_name=system.name,
        file=system.file,
        areas=areas,
        findings=active,
        suppressed=sorted(suppressed, key=SORT_KEY),
        scenarios=scenarios,
        built=built,
        top_risk_reason=why_first(top, runner) if top else "No risk scenario was found.",
        rules_run=sorted(chosen),
        rule_results=results,
        plan=the_plan,
        sound=[c.text for c in credited if not c.quiet],
        credits=credited,
        pitfalls=cited,
        mechanisms=sized,
        chain=_chain(system, top) if plan else [],
    )


def _plan(
    system: System,
    top: Scenario,
    *,
    reviewed: Prior,
    results: dict[str, RuleResult],
    log: ReadLog,
    select: list[str],
    ignore: list[str],
) -> Plan:
    """The top scenario's plan, its steps measured by what-if reviews of ``reviewed``."""
    # A plan whose steps are one manifest change asks for the same re-run twice (the step
    # alone and the residual); each set of changes is reviewed once per review.
    done_for: list[tuple[dict[Path, Any], str | None, list[Scenario]]] = []

    def rerun(changes: dict[Path, Any], only: str | None) -> list[Scenario]:
        for asked, only_built, found in done_for:
            if only_built in (None, only) and _same_changes(asked, changes):
                return found
        done = what_if(
            system,
            changes,
            areas=reviewed.areas,
            rule_results=results,
            log=log,
            built=reviewed.built,
            select=select,
            ignore=ignore,
            only=only,
            prior=reviewed,
        )
        done_for.append((dict(changes), only, done.scenarios))
        return done.scenarios

    with unwatched():
        book = playbook_of(system, top)
        nets = nets_of(system, top, (f for r in results.values() for f in r.active), book)
    return plan_for(top, rerun, book, nets)


def _printed(
    findings: list[Finding], system: System, top: Scenario | None
) -> tuple[dict[str, tuple[str, ...]], list[Mechanism]]:
    """What only the printed review needs: the pitfalls each finding cites, and the
    mechanisms that size the top risk; read unwatched, since no rule reads them."""
    with unwatched():
        cited = _pitfalls(findings, system)
        sized = mechanisms(situation_of(system, top)) if top is not None else []
    return cited, sized


def _chain(system: System, top: Scenario | None) -> list[str]:
    """The top risk's mechanism chain, read unwatched: no rule reads it."""
    if top is None:
        return []
    with unwatched():
        return chain(system, top)


def _pitfalls(findings: list[Finding], system: System) -> dict[str, tuple[str, ...]]:
    """The known pitfalls each finding's text cites: those on its rule's topics whose
    technologies the stack of its subject (its first component) has."""
    topics = {r.code: r.pitfalls for r in every_rule() if r.pitfalls}
    # Many findings share a subject and a rule: each stack is worked out once per subject and
    # each match once per rule and stack (1,287 findings, 300 subjects on 300 features).
    stacks: dict[tuple[str, ...], pitfalls.Stack] = {}
    matched: dict[tuple[str, pitfalls.Stack], tuple[pitfalls.Pitfall, ...]] = {}
    out: dict[str, tuple[str, ...]] = {}
    for f in findings:
        if f.rule in topics:
            subject = f.components[:1]
            stack = stacks.get(subject)
            if stack is None:
                stack = stacks[subject] = pitfalls.stack_of(system, subject)
            found = matched.get((f.rule, stack))
            if found is None:
                found = matched[f.rule, stack] = pitfalls.matching(topics[f.rule], stack)
            if found:
                out[f.fingerprint] = tuple(p.id for p in found)
    return out


def _scenarios(
    system: System,
    chosen: set[str],
    owners: suppressions.Owners,
    areas: dict[str, AreaResult],
    results: dict[str, RuleResult],
    *,
    log: ReadLog | None,
    earlier: Earlier | None,
    only: str | None = None,
    prior: Prior | None = None,
    base: tuple[Prior, dict[str, RuleResult]] | None = None,
) -> tuple[list[Scenario], list[Finding], list[RuleResult]]:
    """The scenarios, the active findings (MLR001's included) and MLR001's results; ``prior``
    is the review this one is a what-if of when every area's findings are its findings,
    ``base`` that review and the rule results kept from it, whatever the areas."""
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
    meta = [f for m in meta_results for f in m.active]
    if prior is not None and meta == prior.ranked.meta:
        active, causes = prior.ranked.findings, prior.ranked.causes
    else:
        ordered = None
        if base is not None:
            before, reuse = base
            fresh = [f for code, r in results.items() if code not in reuse for f in r.active]
            ordered = _placed(before.ranked.findings, reuse, results, [*fresh, *meta])
        if ordered is None:
            ordered = [f for a in areas.values() for f in a.findings] + meta
            ordered.sort(key=SORT_KEY)
        active = ordered
        causes = list(itertools.compress(active, map("meta".__ne__, map(_AREA, active))))
    built = build(causes, system, areas, log=log, earlier=earlier, only=only)
    return built, active, meta_results


def _same_list(a: list[Any], b: list[Any]) -> bool:
    """The same objects in the same order."""
    return len(a) == len(b) and all(map(operator.is_, a, b))


def _what_if_area(
    area: Area[Any],
    assessment: Record,
    rules: list[RuleResult],
    before: AreaResult,
    *,
    kept: bool,
    reuse: dict[str, RuleResult],
    codes: list[Rule],
) -> AreaResult:
    """An area of a what-if review, with no summary or verdict. When every rule ``kept`` its
    result, the prior review's area (``before``) has its findings (already sorted, and shared:
    a what-if review is only read); else they are those of the rules kept from ``reuse``, in
    ``before``'s order, with the re-run rules' put in their places."""
    if kept:
        found = before.findings
    else:
        fresh = [
            f
            for rule, r in zip(codes, rules, strict=True)
            if rule.code not in reuse
            for f in r.active
        ]
        placed = _placed(before.findings, reuse, [r.code for r in codes], fresh)
        found = (
            placed
            if placed is not None
            else sorted((f for r in rules for f in r.active), key=SORT_KEY)
        )
    return AreaResult(area.key, area.title, "", found, assessment, area.heading)


def _placed(
    ordered: list[Finding], reuse: dict[str, RuleResult], codes: Iterable[str], fresh: list[Finding]
) -> list[Finding] | None:
    """``sorted([*kept, *fresh], key=SORT_KEY)``, where ``kept`` are the findings of the rules
    among ``codes`` that kept their results (``reuse``), from ``ordered``, a sorted list that
    holds them all (None when it does not). Findings of different rules never tie (the key
    holds the rule), so each of ``fresh``, in its sorted order, goes right after its equals:
    the stable sort's order, without comparing the whole list again."""
    keep = {c for c in codes if c in reuse}
    out = list(itertools.compress(ordered, map(keep.__contains__, map(_RULE, ordered))))
    if len(out) != sum(len(reuse[c].active) for c in keep):
        return None
    for f in sorted(fresh, key=SORT_KEY):
        bisect.insort_right(out, f, key=SORT_KEY)
    return out


def _same_areas(areas: dict[str, AreaResult], prior: Prior) -> bool:
    """Every area has the prior review's findings (``_what_if_area`` kept them all)."""
    return all(a.findings is prior.areas[key].findings for key, a in areas.items())


def _merged(built: list[Scenario], system: System, prior: Prior | None) -> list[Scenario]:
    """``merge_alike(built)``: the prior review's scenarios when it built the same ones (each
    group is merged once, so its merge is the same object)."""
    if prior is None:
        return merge_alike(built, system)
    if _same_list(built, prior.built):
        return list(prior.scenarios)
    return merge_alike(built, system, prior.merging)


def _same_changes(a: dict[Path, Any], b: dict[Path, Any]) -> bool:
    """The same paths set to the same values of the same types (True == 1, but not here)."""
    return a.keys() == b.keys() and all(type(a[p]) is type(v) and a[p] == v for p, v in b.items())


def _same(a: Record, b: Record) -> bool:
    """Equal assessments (values that cannot be compared count as changed)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _differing(before: Record, after: Record) -> frozenset[str]:
    """The fields of an assessment that differ between two reviews ("*" when it cannot tell)."""
    if type(before) is not type(after) or not is_dataclass(before):
        return frozenset({WHOLE})
    return frozenset(
        f.name for f in fields(before) if not _same(getattr(before, f.name), getattr(after, f.name))
    )


def _reads_none(result: RuleResult, differ: frozenset[str]) -> bool:
    """Whether a rule's result read none of the assessment's fields that ``differ``."""
    if not result.read_assessment:
        return True
    reads = result.assessment_reads
    if reads is None or WHOLE in reads or WHOLE in differ:
        return False
    return reads.isdisjoint(differ)


def what_if(
    system: System,
    values: dict[Path, Any],
    *,
    areas: dict[str, AreaResult],
    rule_results: dict[str, RuleResult],
    log: ReadLog,
    built: list[Scenario],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    only: str | None = None,
    prior: Prior | None = None,
) -> Review:
    """The review of ``system`` with fields set to ``values``, given a review of it (``areas``,
    ``rule_results``, its scenarios before merging, ``built``, to reuse one by one, and the
    rest of it as a ``Prior`` if the caller has one, which saves ranking and splitting its
    findings again) and the fields each of its assessments and rules read (``log``),
    re-running only what read one of their paths; ``only``, a scenario key, builds that
    scenario alone (its review has no other).

    An assessment that read a path is recomputed; the area's rules that never read the paths
    are reused when it comes out as before or when they never read it (a rule is a function of
    the manifest fields it reads and, if it reads it, its area's assessment)."""
    paths = Changed.of(values)
    variant = with_values(system, values)
    if isinstance(system.recall, Noting) and system.recall.log is log:
        variant.recall = Replay(system.recall, paths)
    assessments: dict[str, Record] = {}
    unchanged: set[str] = set()
    differ: dict[str, frozenset[str]] = {}
    """The fields of each changed assessment that come out otherwise."""
    touched = log.touching(paths)
    for a in AREA_LIST:
        before = areas[a.key].assessment
        if f"assess:{a.key}" not in touched:
            assessments[a.key] = before
            unchanged.add(a.key)
            continue
        after = a.assess(variant)
        if _same(after, before):
            assessments[a.key] = before
            unchanged.add(a.key)
        else:
            assessments[a.key] = after
            differ[a.key] = _differing(before, after)
    # A rule whose hits stand (it read no changed field, nor a changed assessment) is kept, or,
    # when its findings' scores read a changed field, its hits are scored again.
    standing = {
        r.code: rule_results[r.code]
        for a in AREA_LIST
        for r in a.rules.rules
        if r.code in rule_results
        and (a.key in unchanged or _reads_none(rule_results[r.code], differ[a.key]))
        and f"rule:{r.code}" not in touched
    }
    rescore = {c: r for c, r in standing.items() if f"score:{c}" in touched}
    kept_rules = {c: r for c, r in standing.items() if c not in rescore}
    # Only a result that holds the hits of all its findings can be scored again; another (made
    # elsewhere) is re-run.
    rescore = {c: r for c, r in rescore.items() if len(r.hits) == len(r.active) + len(r.suppressed)}
    # Scenario scores read parts of some assessments too (each endpoint's serving row, the
    # linked data's skew): a scenario is reused only when those it read are as before.
    # So do the derived values they read (the system's stake, a family in its words): those
    # whose reads changed are worked out again, and count as changed only if they differ.
    moved = log.moved(touched, variant)
    derived = [*changed_inputs({k: a.assessment for k, a in areas.items()}, assessments), *moved]
    if prior is None:
        findings = sorted((f for a in areas.values() for f in a.findings), key=SORT_KEY)
        prior = Prior(
            areas,
            Ranked.of(findings),
            built,
            merge_alike(built, system),
            suppressions.owners(system),
        )
    ranked = prior.ranked
    scored = Changed.of([*values, *derived]) if derived else paths
    # A scenario that read nothing else changed but the stake is scored again from its
    # breakdown: the criticality and automation what-ifs move every score's I alone.
    restake: tuple[Changed, Stake] | None = None
    if STAKE in moved:
        restake = (Changed.of([*values, *(d for d in derived if d != STAKE)]), stake_of(variant))
    earlier = Earlier(
        prior.by_key,
        log,
        scored,
        ranked.gaps,
        ranked.kept,
        built,
        prior.joins,
        prior.base,
        restake,
    )
    return run(
        variant,
        select,
        ignore,
        assessments=assessments,
        rule_results=kept_rules,
        before=rule_results,
        rescore=rescore,
        plan=False,
        earlier=earlier,
        only=only,
        prior=prior,
    )
