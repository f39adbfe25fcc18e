"""Any document for a terminal, drawn with rich. Text from the input is shown with its control
characters made visible, so it cannot move the cursor, retitle the window or add links.

On a terminal (colour on) sections open with a rule and the top risk is boxed. Without colour
(output piped or written to a file, where it is read as text) the same structure is drawn in
plain text: a blank line and the title for a section, the title and an indented body for the
box, since rule and box characters read as clutter in a text file. No line ends in spaces."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment, Segments
from rich.table import Table as RichTable
from rich.text import Text

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
    Inline,
    Item,
    Loop,
    Numbered,
    Paragraph,
    PitfallNote,
    Section,
    Table,
)
from mlreview.report._escape import visible
from mlreview.report.formats import RenderOptions

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
SPAN_STYLE = {"": "", "strong": "bold", "code": "", "muted": "dim", "em": "italic", "fix": "green"}
MAX_TABLE_ROWS = 20

Drawn = list[RenderableType]


def text(content: Inline, style: str = "") -> Text:
    out = Text(style=style)
    for span in content:
        out.append(visible(span.text), style=SPAN_STYLE[span.style])
    return out


def _column_widths(
    headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], width: int
) -> list[int] | None:
    """Each column at least its longest word (the first column its longest cell, as it never
    wraps) and at most its longest cell; the room left goes to the columns in proportion to
    what they lack. None when even the shortest widths do not fit. rich's own sizing squeezes
    the widest columns below their longest word, splitting words across lines."""
    columns = [(h, *(r[i] for r in rows)) for i, h in enumerate(headers)]
    widest = [max(len(cell) for cell in column) for column in columns]
    least = [widest[0]] + [
        max((len(word) for cell in column for word in cell.split()), default=1)
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


def _pitfall_body(p: PitfallNote) -> str:
    urls = " ".join(visible(s.url) for s in p.sources)
    return f"{visible(p.mechanism)} Check: {visible(p.check)} Sources: {urls}"


def _hanging(lead: str, body: Text) -> RichTable:
    """``lead`` then ``body``, its wrapped lines indented under its first (a list item)."""
    grid = RichTable.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(lead, body)
    return grid


INDENT = 2
"""Columns the box's body is indented by when drawn without a box."""
PANEL_TITLE_MARGIN = 6
"""Columns a panel's border keeps beside its title: two corners, two rules, two spaces."""


class _Terminal:
    """Each block as rich renderables, at the console's width."""

    def __init__(self, width: int, full: bool, boxed: bool = True) -> None:
        self.width = width
        self.full = full
        self.boxed = boxed
        """Rules and boxes (a terminal); otherwise plain headings and indents (a text file)."""
        self.depth = 0
        """Sections open around the block being drawn."""

    def blocks(self, blocks: tuple[Block, ...]) -> Drawn:
        out: Drawn = []
        for block in blocks:
            out += block.accept(self)
        return out

    def paragraph(self, block: Paragraph) -> Drawn:
        return [text(block.content)]

    def table(self, block: Table) -> Drawn:
        """Columns when every word fits in its column at this width; otherwise one block per
        row, rather than folding words into slivers."""
        rows = tuple(tuple(visible(c) for c in row) for row in block.rows)
        shown = rows if block.whole or self.full else rows[:MAX_TABLE_ROWS]
        headers = block.headers
        more = len(rows) - len(shown)
        caption = f"{more} more rows in --format json, markdown or html" if more > 0 else None
        widths = _column_widths(headers, shown, self.width)
        if widths is None:
            return [self._records(visible(block.title), headers, shown, caption)]
        table = RichTable(
            title=visible(block.title), title_justify="left", show_edge=False, pad_edge=False
        )
        for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
            table.add_column(h, no_wrap=i == 0, overflow="fold", width=w)
        for row in shown:
            table.add_row(*row)
        table.caption = caption
        return [table]

    @staticmethod
    def _records(
        title: str,
        headers: tuple[str, ...],
        shown: tuple[tuple[str, ...], ...],
        caption: str | None,
    ) -> Group:
        """A table too wide for the terminal: each row's first cell as a heading, then its
        other cells one per line under their column names."""
        parts: Drawn = [Text(title, style="italic")]
        # When the first cell repeats (an endpoint at two loads), the second names the block too.
        keyed = 2 if len({row[0] for row in shown}) < len(shown) and len(headers) > 2 else 1
        for row in shown:
            heading = row[0] if keyed == 1 else f"{row[0]} ({headers[1]} {row[1]})"
            parts.append(Text(heading, style="bold", overflow="fold"))
            grid = RichTable.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style="dim")
            grid.add_column(overflow="fold")
            for header, value in zip(headers[keyed:], row[keyed:], strict=True):
                grid.add_row(f"  {header}", value)
            parts.append(grid)
        if caption:
            parts.append(Text(caption, style="dim italic"))
        return Group(*parts)

    def bullets(self, block: Bullets) -> Drawn:
        out: Drawn = []
        indent = ""
        if block.title:
            out.append(Text(visible(block.title), style="bold"))
            indent = "  "
        for item in block.items:
            out += self._item(item, indent)
        return out

    def _item(self, item: Item, indent: str) -> Drawn:
        # As Markdown draws it: the item's own line, then its children indented under it.
        out: Drawn = [_hanging(f"{indent}- ", text(item.content))]
        for child in item.children:
            out += self._item(child, indent + "  ")
        return out

    def numbered(self, block: Numbered) -> Drawn:
        out: Drawn = []
        for i, item in enumerate(block.items, block.start):
            lead = f"{i}. "
            out.append(_hanging(lead, text(item.head, style="bold")))
            if item.body:
                out.append(_hanging(" " * len(lead), text(item.body)))
        return out

    def findings(self, block: Findings) -> Drawn:
        """Severity, rule and text in columns, so wrapped lines stay under their text."""
        grid = RichTable.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for f in block.items:
            body = Text(f"{visible(f.message)} ")
            body.append(visible(f.where), style="dim")
            for a in f.assumptions:
                body.append(
                    f"\nassumed {visible(a.field)} = {visible(a.value)}", style="dim italic"
                )
            body.append(f"\nfix: {visible(f.fix)}", style="green")
            for p in f.pitfalls:
                body.append(f"\nknown pitfall, {visible(p.title)}: ", style="magenta")
                body.append(_pitfall_body(p))
            for g in f.pitfalls_above:
                under = visible(g.printed_under)
                if not g.named:
                    body.append("\nknown pitfalls: ", style="magenta")
                    body.append(f"the {len(g.pitfalls)} under {under}.")
                    continue
                titles = "; ".join(visible(title) for _, title in g.pitfalls)
                body.append(f"\nknown {g.noun}, {titles}: ", style="magenta")
                body.append(f"see under {under}.")
            badge = Text(f" {f.severity.upper():8} ", style=SEVERITY_STYLE.get(f.severity, ""))
            grid.add_row(badge, Text(visible(f.rule), style="bold"), body)
        return [grid]

    def graph(self, block: Graph) -> Drawn:
        return []  # a picture has no terminal form; its facts are in the tables beside it

    def loop(self, block: Loop) -> Drawn:
        return []

    def chart(self, block: Chart) -> Drawn:
        return []

    def bars(self, block: Bars) -> Drawn:
        return []

    def histogram(self, block: Histogram) -> Drawn:
        return []

    def callout(self, block: Callout) -> Drawn:
        title = visible(block.title)
        if not self.boxed:
            body = Group(*self.blocks(block.blocks))
            return [Text(""), Text(title, style="bold"), Padding(body, (0, 0, 0, INDENT))]
        if cell_len(title) <= self.width - PANEL_TITLE_MARGIN:
            body = Group(*self.blocks(block.blocks))
            return [Panel(body, title=escape(title), title_align="left")]
        # rich cuts a border title that does not fit without a mark: the title opens the box
        body = Group(Text(title, style="bold"), *self.blocks(block.blocks))
        return [Panel(body)]

    def section(self, block: Section) -> Drawn:
        if block.detail and not self.full:
            return []
        shown = block.blocks if self.full or block.brief is None else block.brief
        if not block.title:
            return self.blocks(shown)
        title = Text(visible(block.title), style="bold")
        # Plain: a top-level section after a blank line, one inside it on its title line alone.
        head: Drawn = [Rule(title, align="left")] if self.boxed else [title]
        if not self.boxed and self.depth == 0:
            head.insert(0, Text(""))
        self.depth += 1
        try:
            return [*head, *self.blocks(shown)]
        finally:
            self.depth -= 1


def render(document: Document, options: RenderOptions) -> str:
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
    head = Text(visible(document.title), style="bold")
    subtitle = document.shown_subtitle(options.full)
    if subtitle:
        # Dim sets the subtitle apart on a terminal; piped, the dot does.
        head.append(" · ")
        head.append_text(text(subtitle, style="dim"))
    console.print(_unpadded(console, head))
    for drawn in _Terminal(console.width, options.full, boxed=options.color).blocks(
        document.blocks
    ):
        console.print(_unpadded(console, drawn))
    return buffer.getvalue()


def _unpadded(console: Console, drawn: RenderableType) -> Segments:
    """``drawn`` as rich lays it out, without the spaces rich pads each line to the width with
    (rich has no option for it: a table's cells and a wrapped text are padded to their
    width). Only blank space goes: a trailing segment with a background colour is kept."""
    out: list[Segment] = []
    for line in console.render_lines(drawn, console.options, pad=False):
        while line and not line[-1].control and _blank(line[-1]):
            line.pop()
        if line and not line[-1].control and not _coloured(line[-1]):
            last = line.pop()
            line.append(Segment(last.text.rstrip(" "), last.style))
        out += line
        out.append(Segment.line())
    return Segments(out)


def _coloured(segment: Segment) -> bool:
    return segment.style is not None and segment.style.bgcolor is not None


def _blank(segment: Segment) -> bool:
    return not segment.text.strip(" ") and not _coloured(segment)
