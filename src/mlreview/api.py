"""The public Python API, re-exported from ``mlreview``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from mlreview.engine import result
from mlreview.engine.contract import to_dict
from mlreview.engine.runner import run
from mlreview.engine.whatif.questions import review_with_questions
from mlreview.report import formats
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load as _load
from mlreview.system.loader import load_text
from mlreview.system.system import System


class Review(result.Review):
    """A finished review; renders as HTML in Jupyter and to any supported format."""

    def render(self, fmt: str = "terminal", *, width: int = 100) -> str:
        """The review in ``fmt``: terminal, markdown, json, sarif or html."""
        return formats.render(review_printable(self), fmt, formats.RenderOptions(width=width))

    def to_dict(self) -> dict[str, Any]:
        """The review as the versioned JSON contract (docs/json-contract.md)."""
        return to_dict(self)

    def _repr_html_(self) -> str:
        return self.render("html")


def load(path: str | Path) -> System:
    """Load and check a manifest file; raises InputError naming file:line:column."""
    return _load(path)


def loads(text: str, name: str = "<manifest>") -> System:
    """Load and check manifest text; ``name`` is used as the file name in messages."""
    return load_text(text, name)


def review(
    system: System,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    questions: bool = True,
) -> Review:
    """Run the five-part review; ``select``/``ignore`` take rule codes, prefixes or names.

    With ``questions`` (the default) the review also re-runs itself with each unknown field set
    to its optimistic and pessimistic values, and lists up to seven whose answer would change
    the top risk, a finding's severity or the traffic verdict."""
    done = (review_with_questions if questions else run)(system, select=select, ignore=ignore)
    return Review(**{f.name: getattr(done, f.name) for f in fields(done)})
