"""A self-contained HTML report: inline CSS and SVG, no network, every manifest string escaped."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2

from mlreview.areas.findings import Severity
from mlreview.engine.result import AreaResult, Review
from mlreview.report.base import RenderOptions
from mlreview.report.diagram import layout
from mlreview.report.loop_diagram import loop_layout
from mlreview.report.timeseries import chart
from mlreview.report.view import (
    NO_QUESTIONS,
    design_sections,
    diagrams,
    heading,
    meta_findings,
    plan,
    tables,
    where,
)

COLOURS = {
    "critical": "#8b0000",
    "high": "#d9480f",
    "medium": "#e8a317",
    "low": "#1c7ed6",
    "info": "#868e96",
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mlreview.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def severity_bars(review: Review) -> list[dict[str, object]]:
    """Bar geometry for the inline SVG of findings per severity."""
    counts = [(s.value, sum(1 for f in review.findings if f.severity is s)) for s in Severity]
    most = max((n for _, n in counts), default=0) or 1
    return [
        {
            "label": name,
            "count": n,
            "width": round(300 * n / most, 1),
            "y": 22 * i,
            "colour": COLOURS[name],
        }
        for i, (name, n) in enumerate(counts)
    ]


def _drawings(area: AreaResult) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    draw: dict[str, Callable[[Any], dict[str, Any]]] = {
        "lineage": layout,
        "loop": loop_layout,
        "timeseries": chart,
    }
    for d in diagrams(area):
        out.append({"title": d.title, "kind": d.kind, **draw[d.kind](d.data)})
    return out


def render(review: Review, options: RenderOptions) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        review=review,
        areas=[
            (heading(a), a, tables(a), _drawings(a), design_sections(a))
            for a in review.areas.values()
        ],
        plan=plan(review),
        bars=severity_bars(review),
        colours=COLOURS,
        hygiene=meta_findings(review),
        where=where,
        no_questions=NO_QUESTIONS,
    )
