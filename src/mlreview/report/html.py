"""Any document as one self-contained HTML page: inline CSS and SVG, no network, every string
escaped by Jinja's autoescape."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from mlreview.document.blocks import (
    Bars,
    Block,
    Bullets,
    Callout,
    Chart,
    Document,
    Findings,
    Graph,
    Histogram,
    Loop,
    Numbered,
    Paragraph,
    Section,
    Table,
)
from mlreview.report.diagram import layout
from mlreview.report.formats import RenderOptions
from mlreview.report.histogram import geometry
from mlreview.report.loop_diagram import loop_layout
from mlreview.report.timeseries import chart

COLOURS = {
    "critical": "#8b0000",
    "high": "#d9480f",
    "medium": "#e8a317",
    "low": "#1c7ed6",
    "info": "#868e96",
}


@cache
def _macros() -> Any:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlreview.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("document.html.j2").module


class _Html:
    def __init__(self) -> None:
        self.macros = _macros()
        self.level = 1

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        return Markup("").join(block.accept(self) for block in blocks)

    def paragraph(self, block: Paragraph) -> Markup:
        return Markup(self.macros.paragraph(block))

    def table(self, block: Table) -> Markup:
        return Markup(self.macros.table(block))

    def bullets(self, block: Bullets) -> Markup:
        return Markup(self.macros.bullets(block, self.level + 1))

    def numbered(self, block: Numbered) -> Markup:
        return Markup(self.macros.numbered(block))

    def findings(self, block: Findings) -> Markup:
        return Markup("").join(
            Markup(self.macros.finding(f, COLOURS.get(f.severity, COLOURS["info"])))
            for f in block.items
        )

    def graph(self, block: Graph) -> Markup:
        return Markup(
            self.macros.lineage({"title": block.title, "legend": block.legend, **layout(block)})
        )

    def loop(self, block: Loop) -> Markup:
        return Markup(self.macros.loop_figure({"title": block.title, **loop_layout(block)}))

    def chart(self, block: Chart) -> Markup:
        return Markup(
            self.macros.timeseries({"title": block.title, "legend": block.legend, **chart(block)})
        )

    def bars(self, block: Bars) -> Markup:
        most = max((b.value for b in block.bars), default=0) or 1
        bars = [
            {
                "label": b.label,
                "count": b.value,
                "width": round(300 * b.value / most, 1),
                "y": 22 * i,
                "colour": COLOURS.get(b.label, COLOURS["info"]),
            }
            for i, b in enumerate(block.bars)
        ]
        return Markup(self.macros.bars({"title": block.title, "bars": bars}))

    def histogram(self, block: Histogram) -> Markup:
        return Markup(self.macros.histogram({"title": block.title, **geometry(block)}))

    def callout(self, block: Callout) -> Markup:
        self.level += 2
        try:
            body = self.blocks(block.blocks)
        finally:
            self.level -= 2
        return Markup(self.macros.callout(block, body))

    def section(self, block: Section) -> Markup:
        # A section with no title draws no heading, so what it holds keeps its level.
        step = 1 if block.title else 0
        self.level += step
        try:
            body = self.blocks(block.blocks)
            return Markup(self.macros.section(block, self.level, body))
        finally:
            self.level -= step


def render(document: Document, options: RenderOptions) -> str:
    macros = _macros()
    body = _Html().blocks(document.blocks)
    subtitle = macros.inline(document.subtitle) if document.subtitle else ""
    return str(macros.page(document.title, Markup(subtitle), body)).rstrip() + "\n"
