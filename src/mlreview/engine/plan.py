"""The plan for the top risk: one step per fix of its findings, naming the component, the change,
the findings it closes and its cost where the manifest allows; the manifest change that carries
each step out; a step that proves the fix; and the risk left once the plan is applied (the
review re-run on the changed manifest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from mlreview.areas.common import either, worded
from mlreview.areas.findings import Finding
from mlreview.areas.playbooks import Playbook, Situation, playbook
from mlreview.areas.playbooks.mechanisms import mechanism_moves
from mlreview.engine.scenarios import PLAN_PARTS, Scenario
from mlreview.system.paths import Path
from mlreview.system.system import System
from mlreview.system.units import Duration

WHEN = {
    "detect": "this week",
    "limit": "this week",
    "recover": "within two weeks",
    "prevent": "within a month",
}
"""A step's slot: alerts and limits first, because they shorten harm at once; design changes
next; the proving step last. A step that removes the mechanism of a risk the data shows acting
now is due this week whatever its kind (``_due``): the harm is already happening."""
SLOT_DAYS = {"this week": 0, "within two weeks": 7, "within a month": 21}
"""Days after the first Friday on or after the plan's start by which each slot is due."""
ORDER = ("detect", "limit", "recover", "prevent")


def due(when: str, start: date) -> date:
    """The Friday a slot is due by, counting from ``start``."""
    friday = start + timedelta(days=(4 - start.weekday()) % 7)
    return friday + timedelta(days=SLOT_DAYS[when])


def deadline(when: str, start: date | None) -> str:
    """'By Fri 4 Dec 2026' with a start date, else the slot in words."""
    if start is None:
        return when[:1].upper() + when[1:]
    d = due(when, start)
    return f"By {d:%a} {d.day} {d:%b %Y}"


MEASURED = 8
"""Steps whose risk reduction is measured one by one (a re-run each) to order the plan."""


@dataclass(frozen=True)
class Step:
    when: str
    components: tuple[str, ...]
    change: str
    closes: tuple[str, ...]
    cost: str | None = None
    enact: tuple[tuple[Path, Any], ...] = ()
    part: str = "prevent"
    """Its slot in ``ORDER``: what kind of change it is, which sets when it is due."""
    move: bool = False
    """A step of the mechanism's playbook rather than one rule's fix."""

    @property
    def text(self) -> str:
        who = ", ".join(self.components)
        cost = f" Cost: {self.cost}." if self.cost else ""
        closes = f" (closes {', '.join(self.closes)})" if self.closes else ""
        return f"{who}: {self.change}{closes}.{cost}"


@dataclass
class Plan:
    scenario: str
    steps: list[Step] = field(default_factory=list)
    verify: str = ""
    residual: int | None = None
    """The scenario's risk once every step's manifest change is applied (0: it is gone)."""
    next_up: str | None = None
    next_score: int | None = None
    unenacted: list[str] = field(default_factory=list)
    """Steps no manifest field can express; the residual assumes they are not done."""
    start: date | None = None
    """The day the plan starts (``check --plan-start``): steps then carry dates."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "steps": [
                {
                    "when": s.when,
                    "part": s.part,
                    "playbook": s.move,
                    "components": list(s.components),
                    "change": s.change,
                    "closes": list(s.closes),
                    "cost": s.cost,
                    **({"due": due(s.when, self.start).isoformat()} if self.start else {}),
                    "manifest_changes": {
                        ".".join(str(p) for p in path): _plain(value) for path, value in s.enact
                    },
                }
                for s in self.steps
            ],
            "verify": self.verify,
            "residual_risk": self.residual,
            "next_risk": self.next_up,
            "next_risk_score": self.next_score,
        }


def _plain(value: Any) -> Any:
    """A manifest value for JSON: a duration as written ('26h'), as the manifest takes it."""
    return value.text if isinstance(value, Duration) else value


def _removes_mechanism(finding: Finding, top: Scenario) -> bool:
    """A cause of the top risk's own mechanism, or one the data shows: fixing it removes the
    risk rather than watching for it."""
    return finding.role == "cause" and (finding.scenario in top.keys or finding.grade == "observed")


def _due(part: str, group: list[Finding], top: Scenario) -> str:
    if top.evidence == "observed" and any(_removes_mechanism(f, top) for f in group):
        return WHEN["detect"]
    return WHEN[part]


def _steps(findings: list[Finding], top: Scenario, book: Playbook | None) -> list[Step]:
    """A step per playbook move, carrying out the fixes of the findings it covers, then one
    per remaining fix text. With most playbooks the missing controls are left to the findings:
    the playbook's own steps detect and contain the mechanism."""
    moves = book.moves if book else ()
    covered = {rule for move in moves for rule in move.replaces}
    steps = []
    for move in moves:
        group = [f for f in findings if f.rule in move.replaces]
        if not move.change and not group:
            continue
        change = move.change or group[0].fix.rstrip(".")
        step = _step(move.part, group, top, move.components, change)
        enact = step.enact if move.enact is None else move.enact
        steps.append(replace(step, move=True, cost=move.cost or step.cost, enact=enact))
    by_fix: dict[str, list[Finding]] = {}
    for f in findings if book is None or book.keeps_gaps else top.findings:
        if f.rule not in covered:
            by_fix.setdefault(f.fix, []).append(f)
    for fix, group in by_fix.items():
        components = tuple(sorted({c for f in group for c in f.components[:1]}))
        steps.append(_step(group[0].mitigation, group, top, components, fix.rstrip(".")))
    rank = {part: i for i, part in enumerate(ORDER)}
    return _without_gaps(sorted(steps, key=lambda s: (rank[s.part], s.closes)))


def _step(
    part: str, group: list[Finding], top: Scenario, components: tuple[str, ...], change: str
) -> Step:
    return Step(
        when=_due(part, group, top),
        components=components,
        change=change,
        closes=tuple(dict.fromkeys(f.rule for f in group)),
        cost=next((f.cost for f in group if f.cost), None),
        enact=tuple(dict(p for f in group for p in f.enact).items()),
        part=part,
    )


def _mechanism_steps(steps: list[Step], findings: list[Finding], top: Scenario) -> set[int]:
    return {
        i
        for i, s in enumerate(steps)
        if (s.move and s.part != "detect")
        or any(f.rule in s.closes and _removes_mechanism(f, top) for f in findings)
    }


def _without_gaps(steps: list[Step]) -> list[Step]:
    """The slots the steps use, moved up to the earliest ones: a plan whose first step is a
    prevention starts this week, not a month out, since nothing comes before it."""
    slots = list(SLOT_DAYS)
    used = sorted({slots.index(s.when) for s in steps})
    moved = {slots[old]: slots[new] for new, old in enumerate(used)}
    return [replace(s, when=moved[s.when]) for s in steps]


def playbook_of(system: System, top: Scenario) -> Playbook | None:
    """The steps the top scenario's mechanism needs on ``system`` (areas/playbooks/)."""
    situation = situation_of(system, top)
    book = playbook(situation)
    extra = mechanism_moves(situation)
    if not extra:
        return book
    if book is None:
        # Without a playbook the plan is the findings' fixes; the mechanisms' steps join them.
        return Playbook(extra, keeps_gaps=True)
    return replace(book, moves=(*book.moves, *extra))


def situation_of(system: System, top: Scenario) -> Situation:
    """The top scenario as a playbook sees it."""
    rules = frozenset(f.rule for f in [*top.findings, *top.gaps])
    return Situation(system, top.family, tuple(top.anchors), tuple(top.components), rules)


def plan_for(
    top: Scenario,
    rerun: Callable[[dict[Path, Any], str | None], list[Scenario]],
    book: Playbook | None = None,
) -> Plan:
    """The top scenario's plan, and the risk left when its manifest changes are applied
    (``rerun(changes, only)`` gives the scenarios of the review with those manifest values set;
    with ``only``, at least the scenario with that key, if the review has it); ``book`` holds
    the steps its mechanism needs on this system (areas/playbooks/)."""
    findings = [*top.findings, *top.gaps]
    steps = _steps(findings, top, book)
    mechanism = _mechanism_steps(steps, findings, top)
    # A step alone is measured by the top scenario's score, so its re-run builds that scenario
    # only; unless it is the plan's one enacted step, whose re-run is also the residual's.
    only = top.key if sum(1 for s in steps if s.enact) > 1 else None

    def after(changes: dict[Path, Any], only: str | None = None) -> list[Scenario] | None:
        try:
            return rerun(changes, only)
        except (ValueError, KeyError, IndexError, TypeError):
            return None

    def left(scenarios: list[Scenario] | None) -> int:
        same = next((s for s in scenarios or [] if s.key == top.key), None)
        return top.score if scenarios is None else (same.score if same else 0)

    # By deadline; within one, a step that removes the mechanism before one that watches for it,
    # the mechanism's playbook before a rule's generic fix, then the step that removes most of
    # the risk first (the AWS FMEA advice: largest reduction first).
    alone = {i: left(after(dict(s.enact), only)) for i, s in enumerate(steps[:MEASURED]) if s.enact}
    slot = list(SLOT_DAYS)
    order = sorted(
        range(len(steps)),
        key=lambda i: (
            slot.index(steps[i].when),
            i not in mechanism,
            not steps[i].move,
            alone.get(i, top.score + 1),
            i,
        ),
    )
    plan = Plan(top.key, [steps[i] for i in order])
    proof = book.verify if book and book.verify else None
    plan.verify = (
        "Prove it: " + (proof or worded(top.verify, anchor=either(top.anchors, "and"))) + "."
    )
    plan.unenacted = [s.text for s in plan.steps if not s.enact]
    changes: dict[Path, Any] = {p: v for s in plan.steps for p, v in s.enact}
    if not changes:
        return plan
    scenarios = after(changes)
    if scenarios is None:
        return plan
    plan.residual = left(scenarios)
    others = [s for s in scenarios if s.key != top.key]
    if others:
        plan.next_up, plan.next_score = others[0].title, others[0].score
    return plan


__all__ = ["PLAN_PARTS", "Plan", "Step", "deadline", "due", "plan_for", "playbook_of"]
