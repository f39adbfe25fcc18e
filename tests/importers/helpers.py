"""Shared by the importer tests: real files under data/ (see data/SOURCES.md) and ways to read
what an import made of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlreview.draft.imports import FileReport, Imported, draft_text, import_paths
from mlreview.system.loader import load_text

DATA = Path(__file__).parent / "data"


def imported(*names: str) -> Imported:
    """Import files of data/ (or paths written inline by a test)."""
    return import_paths([n if Path(n).is_absolute() else str(DATA / n) for n in names])


def value(done: Imported, *key: str) -> Any:
    return done.collector.draft.get(key)


def report(done: Imported, name: str) -> FileReport:
    (found,) = [f for f in done.files if f.file.display.endswith(name)]
    return found


def origin(done: Imported, *key: str) -> str:
    return done.collector.origins[key].text()


def loads(done: Imported) -> None:
    """The standalone draft of an import is a valid manifest."""
    load_text(draft_text(done), "draft.yaml")
