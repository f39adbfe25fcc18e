"""An area of the review: its rules, the assessment they read, and how it presents itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from mlreview.areas.findings import Finding
from mlreview.areas.record import Record
from mlreview.areas.rule import RuleSet
from mlreview.document.blocks import Block
from mlreview.system.system import System

A = TypeVar("A", bound=Record)


@dataclass(frozen=True)
class Area(Generic[A]):
    key: str
    number: int
    """Its part of the review (1 skew, 2 pipeline, 3 serving, 4 feedback)."""
    title: str
    rules: RuleSet[A]
    assess: Callable[[System], A]
    summarise: Callable[[System, A, list[Finding]], str]
    present: Callable[[A], list[Block]]
    """Format-neutral tables, diagrams and lists, shown after the summary."""
    verdict: Callable[[System, A, list[Finding]], str]
    """The part's bottom line in one sentence, for the review's opening screen."""

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"
