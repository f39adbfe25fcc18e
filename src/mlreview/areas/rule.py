"""Rules: small predicates over the System that yield findings, with their documentation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, get_args

from mlreview.areas.findings import (
    Assumption,
    Evidence,
    Finding,
    Grade,
    Mitigation,
    Role,
    Severity,
)
from mlreview.areas.pitfalls import TOPICS
from mlreview.areas.scenario_families import FAMILIES, Trigger
from mlreview.system.manifest import Manifest, Node, Signal, Source
from mlreview.system.paths import field_at, read
from mlreview.system.system import System
from mlreview.system.units import show_value


@dataclass(frozen=True)
class Monitor:
    """A declared monitor that would notice a rule's failure: a dotted manifest path from the
    top (``monitoring.system.latency``), or, with ``per_source``, below each source the finding
    names (``monitors.freshness``). Checked against the schema when the rule registers."""

    path: str
    per_source: bool = False

    def __post_init__(self) -> None:
        root = Source if self.per_source else Manifest
        found = field_at(root, self.path)
        if found is None:
            raise ValueError(f"monitor {self.path!r} is not a field of {root.__name__}")
        cls, name = found
        members = set(get_args(cls.model_fields[name].annotation))
        if not set(get_args(Signal)) <= members:
            raise ValueError(f"monitor {self.path!r} is not a monitor signal")


def SourceMonitor(path: str) -> Monitor:  # noqa: N802 - reads as the kind of monitor it makes
    return Monitor(path, per_source=True)


@dataclass(frozen=True)
class Rule:
    """A check with its documentation; the docs, ``mlreview rule`` and SARIF all read this."""

    code: str
    name: str
    area: str
    severity: Severity
    summary: str
    rationale: str
    sources: tuple[str, ...]
    fix: str
    mitigation: Mitigation
    scenario: str
    likelihood: int
    silent: bool
    detectors: tuple[Monitor, ...]
    trigger: Trigger | None
    """How this rule's defect starts harm, when not its mechanism's usual way."""
    rows: float
    """Share of a feature's rows the defect touches when it acts (a divergence in edge-case
    handling touches some rows, a window mismatch all of them)."""
    role: Role
    """'cause' for a defect; 'gap' for a missing control (a monitor, a log, a load test) that
    makes other defects last longer but harms nothing by itself."""
    learned_only: bool
    """The defect is in learning from data (training data, retraining, labels as training
    input), so it does not apply to a model declared ``learned: false`` (a fixed rule)."""
    pitfalls: tuple[str, ...]
    """Topics of the known-pitfall catalogue (areas/pitfalls.yaml) this rule's findings rest
    on: the review cites the catalogue's pitfalls on them that the finding's stack has."""
    check: Callable[[Context[Any]], Iterable[Hit]] = field(compare=False, repr=False)

    def matches(self, selector: str) -> bool:
        """True when ``selector`` is this rule's code, a code prefix, or its name."""
        sel = selector.strip()
        return self.code.upper().startswith(sel.upper()) or self.name == sel.lower()


@dataclass(frozen=True)
class Hit:
    components: tuple[str, ...]
    message: str
    line: int
    path: str
    """The manifest path of what triggered it, list items named by id (``features[x].serving``)."""
    evidence: tuple[Evidence, ...]
    assumptions: tuple[Assumption, ...]
    severity: Severity | None = None
    anchor: str | None = None
    fix: str | None = None
    scenario: str | None = None
    """This hit's mechanism, when it is not the rule's (a single point of failure that corrupts
    rather than stops predictions is a silent default)."""
    observed: bool = False
    """The hit rests on data or load tests, not only on what the manifest says."""
    trigger: Trigger | None = None
    """How this hit's defect starts harm, when not as the rule's usually does."""
    duty: tuple[float, str] | None = None
    """For a defect acting now: the share of the time it acts, and the arithmetic (a feature
    past its budget 30 min of every 24 h)."""
    enact: tuple[tuple[tuple[str | int, ...], Any], ...] = ()
    """Manifest changes that carry out the fix: (path, value) pairs."""
    role: Role | None = None
    """This hit's role, when not the rule's (a missing freshness monitor is itself the cause
    of a stale source going unnoticed)."""
    cost: str | None = None
    """What the fix costs, where the manifest lets it be computed."""


class Probe:
    """Reads manifest values for one candidate finding and remembers what it read or assumed."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._evidence: list[Evidence] = []
        self._assumed: list[Assumption] = []
        self._pending: list[tuple[bool, Node | None, str, Any, Any]] = []
        """Values read and not yet put in words, as (assumed, node, dotted, value, last node
        reached): most probes find nothing, and then their evidence is never shown."""

    @property
    def evidence(self) -> list[Evidence]:
        """What the probe read, in reading order."""
        self._settle()
        return self._evidence

    @property
    def assumed(self) -> list[Assumption]:
        """What it assumed for unknown values, in reading order."""
        self._settle()
        return self._assumed

    def _settle(self) -> None:
        for assumed, node, dotted, value, last in self._pending:
            parts = dotted.split(".")
            where = self.system.label((*node.path, *parts)) if node else dotted
            if assumed:
                line = self.system.line(last) if last is not None else 1
                path = (*node.path, *parts) if node else ()
                self._assumed.append(Assumption(where, show_value(value), line, path))
            else:
                line = self.system.line(last, parts[-1]) if last is not None else 1
                self._evidence.append(self._quoted(where, value, line))
        self._pending.clear()

    def get(self, node: Node | None, dotted: str, assume: Any = None) -> Any:
        """The value at ``dotted`` (manifest keys) below ``node``; ``assume`` when unknown."""
        current, last = read(node, dotted)
        if current is None:
            if assume is not None:
                self._pending.append((True, node, dotted, assume, last))
            return assume
        self._pending.append((False, node, dotted, current, last))
        return current

    def _quoted(self, where: str, value: Any, line: int) -> Evidence:
        return Evidence(where, show_value(value), line, line in self.system.marked_lines)

    def note(self, node: Node, dotted: str, value: Any) -> None:
        """Record a derived or already-read value as evidence."""
        parts = dotted.split(".")
        where = self.system.label((*node.path, *parts))
        self.evidence.append(self._quoted(where, value, self.system.line(node, parts[-1])))

    def hit(
        self,
        components: Iterable[str],
        message: str,
        at: Node,
        field: str | None = None,
        *,
        severity: Severity | None = None,
        anchor: str | None = None,
        fix: str | None = None,
        scenario: str | None = None,
        observed: bool = False,
        trigger: Trigger | None = None,
        duty: tuple[float, str] | None = None,
        enact: dict[tuple[str | int, ...], Any] | None = None,
        cost: str | None = None,
        role: Role | None = None,
    ) -> Hit:
        return Hit(
            components=tuple(components),
            message=message,
            line=self.system.line(at, field),
            path=self.system.label((*at.path, field) if field else at.path),
            evidence=tuple(dict.fromkeys(self.evidence)),
            assumptions=tuple(dict.fromkeys(self.assumed)),
            severity=severity,
            anchor=anchor,
            fix=fix,
            scenario=scenario,
            observed=observed,
            trigger=trigger,
            duty=duty,
            enact=tuple((enact or {}).items()),
            cost=cost,
            role=role,
        )


A = TypeVar("A")


@dataclass
class Context(Generic[A]):
    """What a rule sees: the system and the numbers its area's assessment computed."""

    system: System
    assessment: A

    def probe(self) -> Probe:
        return Probe(self.system)


@dataclass
class RuleSet(Generic[A]):
    """The rules of one area, registered explicitly by decorator in definition order."""

    area: str
    prefix: str
    rules: list[Rule] = field(default_factory=list)

    def named(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

    def rule(
        self,
        number: int,
        name: str,
        *,
        severity: Severity,
        summary: str,
        rationale: str,
        sources: tuple[str, ...],
        fix: str,
        mitigation: Mitigation,
        scenario: str,
        likelihood: int = 5,
        silent: bool = False,
        detectors: tuple[Monitor, ...] = (),
        trigger: Trigger | None = None,
        role: Role = "cause",
        rows: float = 1.0,
        learned_only: bool = False,
        pitfalls: tuple[str, ...] = (),
    ) -> Callable[[Callable[[Context[A]], Iterator[Hit]]], Callable[[Context[A]], Iterator[Hit]]]:
        code = f"{self.prefix}{number:03d}"
        taken = {r.code for r in self.rules} | {r.name for r in self.rules}
        if code in taken or name in taken:
            raise ValueError(f"rule {code} {name!r}: code or name already registered")
        if scenario not in FAMILIES:
            raise ValueError(f"rule {code}: unknown scenario family {scenario!r}")
        unknown = [t for t in pitfalls if t not in TOPICS]
        if unknown:
            raise ValueError(f"rule {code}: unknown pitfall topic {unknown[0]!r}")

        def register(
            check: Callable[[Context[A]], Iterator[Hit]],
        ) -> Callable[[Context[A]], Iterator[Hit]]:
            self.rules.append(
                Rule(
                    code=code,
                    name=name,
                    area=self.area,
                    severity=severity,
                    summary=summary,
                    rationale=rationale,
                    sources=sources,
                    fix=fix,
                    mitigation=mitigation,
                    scenario=scenario,
                    likelihood=likelihood,
                    silent=silent,
                    detectors=detectors,
                    trigger=trigger,
                    role=role,
                    rows=rows,
                    learned_only=learned_only,
                    pitfalls=pitfalls,
                    check=check,
                )
            )
            return check

        return register


def grade_of(hit: Hit) -> Grade:
    if hit.observed:
        return "observed"
    return "assumed" if hit.assumptions else "declared"


def to_finding(
    rule: Rule,
    hit: Hit,
    file: str,
    *,
    score: tuple[int, int, int] = (0, 0, 0),
    detected_by: tuple[str, ...] = (),
    settled: tuple[Severity, str | None] | None = None,
) -> Finding:
    """The finding of ``hit``, with its scores and the monitors that detect it; ``settled``,
    for an assumed hit, is its capped severity and the question that would settle it (built
    in one go: a review builds tens of thousands of findings)."""
    family = hit.scenario or rule.scenario
    anchor = hit.anchor or (hit.components[0] if hit.components else "")
    severity = hit.severity or rule.severity
    return Finding(
        rule=rule.code,
        name=rule.name,
        area=rule.area,
        severity=settled[0] if settled else severity,
        components=hit.components,
        message=hit.message,
        fix=hit.fix or rule.fix,
        file=file,
        line=hit.line,
        path=hit.path,
        mitigation=rule.mitigation,
        scenario=f"{family}:{anchor}",
        evidence=hit.evidence,
        assumptions=hit.assumptions,
        grade=grade_of(hit),
        role=hit.role or rule.role,
        trigger=hit.trigger or rule.trigger or FAMILIES[family].trigger,
        rows=rule.rows,
        duty=hit.duty,
        enact=hit.enact,
        cost=hit.cost,
        score=score,
        detected_by=detected_by,
        confirmed_severity=severity if settled else None,
        question=settled[1] if settled else None,
    )
