"""Renderers: one module per format behind one small interface, loaded on demand."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from mlreview.engine.result import Review


@dataclass(frozen=True)
class RenderOptions:
    width: int = 100
    color: bool = False


class Renderer(Protocol):
    def __call__(self, review: Review, options: RenderOptions) -> str: ...


FORMATS: dict[str, str] = {
    "terminal": "mlreview.report.terminal",
    "markdown": "mlreview.report.markdown",
    "json": "mlreview.report.json_format",
    "sarif": "mlreview.report.sarif",
    "html": "mlreview.report.html",
}
SUFFIXES = {".md": "markdown", ".json": "json", ".sarif": "sarif", ".html": "html", ".htm": "html"}


def renderer(name: str) -> Renderer:
    """The ``render`` function of a format; imported only when asked for."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render(review: Review, fmt: str, options: RenderOptions | None = None) -> str:
    return renderer(fmt)(review, options or RenderOptions())
