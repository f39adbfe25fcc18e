"""An area of the review: its rules, the assessment they read, and its one-paragraph summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlreview.areas.findings import Finding
from mlreview.areas.rule import RuleSet
from mlreview.system.system import System

Assessment = dict[str, Any]


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    rules: RuleSet
    assess: Callable[[System], Assessment]
    summarise: Callable[[System, Assessment, list[Finding]], str]
