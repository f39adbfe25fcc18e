from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from mlreview.api import Review, review
from mlreview.engine.result import Review as RunResult
from mlreview.engine.runner import run
from mlreview.report import formats
from mlreview.report.formats import RenderOptions
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load, load_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/system.yaml"))


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write text to a file in a temporary folder and return its path."""

    def _write(text: str, name: str = "system.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@cache
def reviewed(path: Path) -> Review:
    """The full review (questions included) of a manifest file, computed once per session."""
    return review(load(path))


def render(done: Review, fmt: str, options: RenderOptions | None = None) -> str:
    """A review in one output format, as the CLI writes it."""
    return formats.render(review_printable(done), fmt, options)


def run_renamed(base: str, renames: dict[str, str]) -> RunResult:
    """The review (without questions) of manifest text with its ids renamed, so that a test of
    a mechanism rests on no incident's own names; each id renamed must be in the text."""
    text = base
    for old, new in renames.items():
        assert re.search(re.escape(old), text), old
        text = text.replace(old, new)
    return run(load_text(text, "system.yaml"))
