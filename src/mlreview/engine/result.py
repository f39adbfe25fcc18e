"""The outcome of a review: per-area findings and assessments, scenarios and the top risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from mlreview.areas.area import Area
from mlreview.areas.findings import Assumption, Finding
from mlreview.areas.playbooks.base import Mechanism
from mlreview.areas.record import Record

if TYPE_CHECKING:
    from mlreview.areas.findings import Severity
    from mlreview.areas.rule import Hit
    from mlreview.engine.plan import Plan
    from mlreview.engine.scenarios import Scenario

if TYPE_CHECKING:
    from mlreview.engine.baseline import BaselineUse

A = TypeVar("A", bound=Record)


@dataclass
class AreaResult:
    key: str
    title: str
    summary: str
    findings: list[Finding]
    assessment: Record
    heading: str = ""
    verdict: str = ""
    brief_verdict: str = ""
    """The verdict as the opening screen says it: a figure worked from values marked inferred
    said as a condition on them (``areas.assumed.or_briefly``); "" when it is the verdict."""


def assessment_of(areas: dict[str, AreaResult], area: Area[A]) -> A | None:
    """The typed assessment of ``area`` among reviewed areas, if it ran."""
    result = areas.get(area.key)
    return cast(A, result.assessment) if result is not None else None


UNCHANGED = "nothing in this review changes"
"""What a question says of an answer that changes nothing (engine/whatif/questions.py); the
opening screen reads it as no move."""


@dataclass(frozen=True)
class Question:
    """An unknown whose answer changes the review, and what the review assumed meanwhile."""

    field: str
    question: str
    assumed: str
    changes: str
    components: tuple[str, ...]
    line: int
    impact: int
    paths: tuple[tuple[str | int, ...], ...] = ()
    """Manifest paths the answer goes to (one per component); not in the JSON contract."""
    owners: tuple[str, ...] = ()
    """The component of each path, in the same order; not in the JSON contract."""


@dataclass
class RuleResult:
    """One rule's findings on one system, after scoring and suppressions."""

    active: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    used: set[tuple[str | int, ...]] = field(default_factory=set)
    read_assessment: bool = True
    """Whether the rule read its area's assessment (a what-if keeps a rule that did not, and
    read no field it sets, even when the assessment comes out changed)."""
    assessment_reads: frozenset[str] | None = field(default=None, compare=False, repr=False)
    """The fields of its area's assessment the rule read, when known (a what-if keeps a rule
    none of whose fields come out changed); "*" among them when it used the assessment in a
    way that is not told by field."""
    hits: list[tuple[Hit, tuple[Severity, str | None] | None]] = field(
        default_factory=list, compare=False, repr=False
    )
    """The rule's hits that became findings, each with its settled severity and question when
    assumed, before scoring: a what-if that changes only what the scores read (the system's
    criticality, a monitor) scores them again instead of re-running the rule."""


@dataclass(frozen=True)
class Credit:
    """One line of what is already sound, with the part of the review it belongs to."""

    area: str
    """The key of the area it credits (the opening screen prints it under that part)."""
    text: str
    quiet: bool = False
    """The area is not the risk: ``text`` says so with its verdict, which is the reason."""


@dataclass
class Review:
    system_name: str
    file: str
    areas: dict[str, AreaResult]
    findings: list[Finding]
    suppressed: list[Finding]
    scenarios: list[Scenario]
    top_risk_reason: str
    rules_run: list[str]
    questions: list[Question] = field(default_factory=list)
    questions_checked: bool = False
    rule_results: dict[str, RuleResult] = field(default_factory=dict, repr=False)
    baseline: BaselineUse | None = None
    """Set when a baseline took the findings it knows out of ``findings``."""
    plan: Plan | None = None
    sound: list[str] = field(default_factory=list)
    """What is already sound: the declared controls worth keeping (``credits`` but the quiet
    parts)."""
    credits: list[Credit] = field(default_factory=list)
    """The same lines as ``sound``, each with the area it belongs to (the opening screen
    prints each under its part)."""
    built: list[Scenario] = field(default_factory=list, repr=False)
    """The scenarios in rank order before those alike on several roots were merged
    (``scenarios.merge_alike``): what-if reviews reuse them one by one."""
    pitfalls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A finding's fingerprint -> the ids of the known pitfalls (areas/pitfalls.yaml) on its
    rule's topics that its stack has, in catalogue order."""
    mechanisms: list[Mechanism] = field(default_factory=list)
    """What sizes the top risk, worked out with its formula and inputs (adverse selection,
    trend extrapolation: areas/playbooks/mechanisms.py; a dependency's timeout, a surge's
    oscillation, a partner's units, the share read by hand: meeting.py); empty on a what-if
    re-run."""
    chain: list[str] = field(default_factory=list)
    """How the top risk happens, step by step from its root to what is seen and who notices
    (engine/chain.py); empty on a what-if re-run and for a family without a chain."""

    def assessment(self, area: Area[A]) -> A:
        """The typed assessment of ``area``."""
        return cast(A, self.areas[area.key].assessment)

    @property
    def top_risk(self) -> Scenario | None:
        return self.scenarios[0] if self.scenarios else None

    @property
    def runner_up(self) -> Scenario | None:
        return self.scenarios[1] if len(self.scenarios) > 1 else None

    @property
    def assumptions(self) -> list[Assumption]:
        """Every unknown the review had to assume, once each, by field."""
        seen: dict[str, Assumption] = {}
        for f in self.findings:
            for a in f.assumptions:
                seen.setdefault(a.field, a)
        return [seen[k] for k in sorted(seen)]

    @property
    def hygiene(self) -> list[Finding]:
        """Findings about the review itself (suppressions that silence nothing)."""
        return [f for f in self.findings if f.area == "meta"]

    def worst(self) -> Finding | None:
        return self.findings[0] if self.findings else None
