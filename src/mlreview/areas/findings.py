"""What rules produce: findings with evidence, assumptions and a location."""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

AREAS: tuple[str, ...] = ("skew", "pipeline", "serving", "feedback")
AREA_TITLES = {
    "skew": "Training-serving skew",
    "pipeline": "Data-pipeline reliability",
    "serving": "Serving scalability",
    "feedback": "Feedback-loop design",
    "meta": "Review hygiene",
}
Mitigation = Literal["prevent", "detect", "limit", "recover"]
Grade = Literal["observed", "declared", "assumed"]
"""What a finding rests on: data or load tests, what the manifest states, or unknown fields the
rule had to assume."""
Role = Literal["cause", "gap"]


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info."""
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


@dataclass(frozen=True, order=True)
class Evidence:
    """A manifest value a rule read: where it is and what it says."""

    field: str
    value: str
    line: int
    marked: bool = dataclass_field(default=False, compare=False)
    """The manifest's comment on its line marks it inferred, assumed or a guess."""


@dataclass(frozen=True, order=True)
class Assumption:
    """A value the manifest leaves unknown and the value the rule assumed for it."""

    field: str
    assumed: str
    line: int
    path: tuple[str | int, ...] = dataclass_field(default=(), compare=False)
    """The manifest path, to ask about it; not in the JSON contract."""


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    area: str
    severity: Severity
    components: tuple[str, ...]
    message: str
    fix: str
    file: str
    line: int
    mitigation: Mitigation
    scenario: str
    evidence: tuple[Evidence, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    suppressed: str | None = None
    score: tuple[int, int, int] = (0, 0, 0)
    detected_by: tuple[str, ...] = ()
    path: str = ""
    """The manifest path of what triggered it, list items named by id (``features[x].serving``)."""
    grade: Grade = "declared"
    role: Role = "cause"
    trigger: str = "event"
    rows: float = 1.0
    duty: tuple[float, str] | None = None
    enact: tuple[tuple[tuple[str | int, ...], object], ...] = ()
    """Manifest changes that carry out the fix."""
    cost: str | None = None
    question: str | None = None
    """For a finding resting on unknown fields: the question whose answer settles it."""
    confirmed_severity: Severity | None = None
    """For an assumed finding: the severity it has if the answer confirms it."""

    @property
    def identity(self) -> tuple[str, tuple[str, ...], str]:
        """What makes two findings the same across edits: rule, components (sorted: their order
        can follow the order of blocks in the file), manifest path. Never the message or the
        line, so rewording a message or moving a block keeps it."""
        return (self.rule, tuple(sorted(set(self.components))), self.path)

    @cached_property  # asked for by each report of the finding and of each scenario it is in
    def fingerprint(self) -> str:
        """The identity as 32 hex digits (SARIF partialFingerprints, JSON, baselines)."""
        rule, components, path = self.identity
        text = "\x1f".join((rule, ",".join(components), path))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @cached_property  # asked about a million times by the questions' what-if reviews
    def family(self) -> str:
        return self.scenario.partition(":")[0]

    @property
    def anchor(self) -> str:
        return self.scenario.partition(":")[2]

    @property
    def rpn(self) -> int:
        s, o, d = self.score
        return s * o * d

    @cached_property
    def _sort_key(self) -> tuple[int, int, str, int, tuple[str, ...], str]:
        return (-self.severity.rank, -self.rpn, self.rule, self.line, self.components, self.message)

    def sort_key(self) -> tuple[int, int, str, int, tuple[str, ...], str]:
        return self._sort_key


SORT_KEY: Callable[[Finding], Any] = operator.attrgetter("_sort_key")
"""``Finding.sort_key`` for sorting, read from each finding's cache without a Python call per
finding (the questions' what-if reviews sort their ~1,500 findings hundreds of times)."""
