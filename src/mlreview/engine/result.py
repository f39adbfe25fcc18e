"""The outcome of a review: per-area findings and assessments, scenarios and the top risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlreview.areas.findings import Assumption, Finding
from mlreview.engine.scenarios import Scenario


@dataclass
class AreaResult:
    key: str
    title: str
    summary: str
    findings: list[Finding]
    assessment: dict[str, Any]


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


@dataclass
class RuleResult:
    """One rule's findings on one system, after scoring and suppressions."""

    active: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    used: set[tuple[str | int, ...]] = field(default_factory=set)


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

    def worst(self) -> Finding | None:
        return self.findings[0] if self.findings else None
