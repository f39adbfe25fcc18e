"""The review for a terminal, drawn with rich."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from mlreview.areas.findings import Finding, Severity
from mlreview.engine.result import Review
from mlreview.report.base import RenderOptions
from mlreview.report.view import (
    NO_QUESTIONS,
    Table,
    design_sections,
    heading,
    meta_findings,
    plan,
    tables,
    where,
)

STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
MAX_TABLE_ROWS = 20


def _table(t: Table) -> RichTable:
    table = RichTable(title=t.title, title_justify="left", show_edge=False, pad_edge=False)
    for i, h in enumerate(t.headers):
        table.add_column(h, no_wrap=i == 0, overflow="fold")
    for row in t.rows[:MAX_TABLE_ROWS]:
        table.add_row(*row)
    if len(t.rows) > MAX_TABLE_ROWS:
        rest = len(t.rows) - MAX_TABLE_ROWS
        table.caption = f"{rest} more rows in --format json, markdown or html"
    return table


def _findings(findings: list[Finding]) -> RichTable:
    """Severity, rule and text in columns, so wrapped lines stay under their text."""
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for f in findings:
        text = Text(f"{f.message} ")
        text.append(where(f), style="dim")
        for a in f.assumptions:
            text.append(f"\nassumed {a.field} = {a.assumed}", style="dim italic")
        text.append(f"\nfix: {f.fix}", style="green")
        badge = Text(f" {f.severity.value.upper():8} ", style=STYLE[f.severity])
        grid.add_row(badge, Text(f.rule, style="bold"), text)
    return grid


def render(review: Review, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
    )
    console.print(
        Text(f"mlreview: {review.system_name}", style="bold"), Text(f"({review.file})", style="dim")
    )
    for area in review.areas.values():
        console.rule(Text(heading(area), style="bold"), align="left")
        console.print(Text(area.summary))
        for t in tables(area):
            console.print(_table(t))
        sections = design_sections(area)
        if sections:
            console.print(Text("The loop to build", style="bold"))
            for title, items in sections:
                console.print(Text(f"  {title}", style="bold"))
                for item in items:
                    console.print(Text(f"    - {item}"))
        if area.findings:
            console.print(_findings(area.findings))
    console.rule(Text("5. The biggest risk", style="bold"), align="left")
    top = review.top_risk
    if top is None:
        console.print("No risk scenario was found.")
    else:
        body = [
            Text(top.effect_sentence),
            Text(
                f"Rules: {', '.join(top.rules)}   Components: {', '.join(top.components)}",
                style="dim",
            ),
            Text(f"Why first: {review.top_risk_reason}"),
        ]
        if review.runner_up:
            body.append(
                Text(f"Runner-up: {review.runner_up.title} (risk priority {review.runner_up.rpn})")
            )
        for title, steps in plan(review):
            body.append(Text(title, style="bold"))
            body += [Text(f"  - {s}") for s in steps]
        console.print(Panel(Group(*body), title=escape(top.title), title_align="left"))
    if review.questions_checked:
        console.rule(Text("Questions that would change this review", style="bold"), align="left")
        for i, q in enumerate(review.questions, 1):
            console.print(Text(f"{i}. {q.question} ({q.field}, line {q.line})", style="bold"))
            console.print(Text(f"   Assumed meanwhile: {q.assumed}. {q.changes}"))
        if not review.questions:
            console.print(Text(NO_QUESTIONS))
    if review.assumptions:
        console.rule(Text("Assumptions", style="bold"), align="left")
        for a in review.assumptions:
            console.print(Text(f"{a.field} not declared; assumed {a.assumed} (line {a.line})"))
    hygiene = meta_findings(review)
    if hygiene or review.suppressed:
        console.rule(Text("Suppressions", style="bold"), align="left")
        for f in review.suppressed:
            console.print(Text(f"{f.rule} on {', '.join(f.components)}: {f.suppressed}"))
        if hygiene:
            console.print(_findings(hygiene))
    totals = {s: sum(1 for f in review.findings if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in totals.items() if n)
    console.print(Text(f"\n{len(review.findings)} findings ({summary or 'none'}).", style="bold"))
    return buffer.getvalue()
