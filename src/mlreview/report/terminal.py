"""The review for a terminal, drawn with rich."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
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


def _table(t: Table, width: int) -> RenderableType:
    """Columns when every word fits in its column at this width; otherwise one block per row
    (see _records), rather than folding words into slivers."""
    shown = t.rows[:MAX_TABLE_ROWS]
    widths = _column_widths(t.headers, shown, width)
    caption = _more_rows(t)
    if widths is None:
        return _records(t, caption)
    table = RichTable(title=t.title, title_justify="left", show_edge=False, pad_edge=False)
    for i, (h, w) in enumerate(zip(t.headers, widths, strict=True)):
        table.add_column(h, no_wrap=i == 0, overflow="fold", width=w)
    for row in shown:
        table.add_row(*row)
    table.caption = caption
    return table


def _column_widths(
    headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], width: int
) -> list[int] | None:
    """Each column at least its longest word (the first column its longest cell, as it never
    wraps) and at most its longest cell; the room left goes to the columns in proportion to
    what they lack. None when even the shortest widths do not fit. rich's own sizing squeezes
    the widest columns below their longest word, splitting words across lines."""
    columns = [(h, *(r[i] for r in rows)) for i, h in enumerate(headers)]
    widest = [max(len(text) for text in column) for column in columns]
    least = [widest[0]] + [
        max((len(word) for text in column for word in text.split()), default=1)
        for column in columns[1:]
    ]
    room = width - 3 * (len(headers) - 1)  # a rule and a space either side between columns
    if sum(least) > room:
        return None
    if sum(widest) <= room:
        return widest
    lack = [w - m for w, m in zip(widest, least, strict=True)]
    spare = room - sum(least)
    given = [m + spare * need // sum(lack) for m, need in zip(least, lack, strict=True)]
    short = [i for i, (g, w) in enumerate(zip(given, widest, strict=True)) if g < w]
    for k in range(room - sum(given)):
        given[short[k % len(short)]] += 1
    return given


def _more_rows(t: Table) -> str | None:
    if len(t.rows) <= MAX_TABLE_ROWS:
        return None
    return f"{len(t.rows) - MAX_TABLE_ROWS} more rows in --format json, markdown or html"


def _records(t: Table, caption: str | None) -> Group:
    """A table too wide for the terminal: each row's first cell as a heading, then its other
    cells one per line under their column names."""
    parts: list[RenderableType] = [Text(t.title, style="italic")]
    shown = t.rows[:MAX_TABLE_ROWS]
    # When the first cell repeats (an endpoint at two loads), the second names the block too.
    keyed = 2 if len({row[0] for row in shown}) < len(shown) and len(t.headers) > 2 else 1
    for row in shown:
        heading = row[0] if keyed == 1 else f"{row[0]} ({t.headers[1]} {row[1]})"
        parts.append(Text(heading, style="bold", overflow="fold"))
        grid = RichTable.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(overflow="fold")
        for header, value in zip(t.headers[keyed:], row[keyed:], strict=True):
            grid.add_row(f"  {header}", value)
        parts.append(grid)
    if caption:
        parts.append(Text(caption, style="dim italic"))
    return Group(*parts)


def _hanging(lead: str, text: str, style: str = "") -> RichTable:
    """``lead`` then ``text``, its wrapped lines indented under its first (a list item)."""
    grid = RichTable.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(lead, Text(text, style=style))
    return grid


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
            console.print(_table(t, console.width))
        sections = design_sections(area)
        if sections:
            console.print(Text("The loop to build", style="bold"))
            for title, items in sections:
                console.print(Text(f"  {title}", style="bold"))
                for item in items:
                    console.print(_hanging("    - ", item))
        if area.findings:
            console.print(_findings(area.findings))
    console.rule(Text("5. The biggest risk", style="bold"), align="left")
    top = review.top_risk
    if top is None:
        console.print("No risk scenario was found.")
    else:
        body: list[RenderableType] = [
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
            body += [_hanging("  - ", s) for s in steps]
        console.print(Panel(Group(*body), title=escape(top.title), title_align="left"))
    if review.questions_checked:
        console.rule(Text("Questions that would change this review", style="bold"), align="left")
        for i, q in enumerate(review.questions, 1):
            lead = f"{i}. "
            console.print(_hanging(lead, f"{q.question} ({q.field}, line {q.line})", "bold"))
            console.print(_hanging(" " * len(lead), f"Assumed meanwhile: {q.assumed}. {q.changes}"))
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
