"""Any document as GitHub-flavoured Markdown. Text from the input is escaped for where it lands:
a paragraph or table cell, a code span, a Mermaid label."""

from __future__ import annotations

import html

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
    PitfallsAbove,
    Section,
    Table,
)
from mlreview.report._escape import markdown_code, markdown_link, markdown_text
from mlreview.report.diagram import mermaid
from mlreview.report.formats import RenderOptions
from mlreview.report.loop_diagram import loop_mermaid

Lines = list[str]


def inline(content: Inline) -> str:
    out = []
    for span in content:
        if span.style == "code":
            out.append(markdown_code(span.text))
        elif span.style == "strong":
            out.append(f"**{markdown_text(span.text)}**")
        elif span.style == "em":
            out.append(f"*{markdown_text(span.text)}*")
        else:
            out.append(markdown_text(span.text))
    return "".join(out)


def _pitfall(p: PitfallNote) -> str:
    sources = ", ".join(markdown_link(s.title, s.url) for s in p.sources)
    return (
        f"Known pitfall, **{markdown_text(p.title)}**: {markdown_text(p.mechanism)} "
        f"Check: {markdown_text(p.check)} Sources: {sources}."
    )


def _pitfalls_above(group: PitfallsAbove) -> str:
    under = markdown_text(group.printed_under)
    if not group.named:
        return f"Known pitfalls: the {len(group.pitfalls)} under {under}."
    titles = "; ".join(markdown_text(title) for _, title in group.pitfalls)
    return f"Known {group.noun}, {titles}: see under {under}."


class _Markdown:
    def __init__(self, full: bool) -> None:
        self.depth = 1
        self.full = full

    def blocks(self, blocks: tuple[Block, ...]) -> Lines:
        return [line for block in blocks for line in block.accept(self)]

    def paragraph(self, block: Paragraph) -> Lines:
        return [inline(block.content), ""]

    def table(self, block: Table) -> Lines:
        lines = [f"**{markdown_text(block.title)}**", ""]
        lines.append("| " + " | ".join(markdown_text(h) for h in block.headers) + " |")
        lines.append("|" + "---|" * len(block.headers))
        lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in block.rows]
        return [*lines, ""]

    def bullets(self, block: Bullets) -> Lines:
        lines = [f"**{markdown_text(block.title)}**", ""] if block.title else []
        for item in block.items:
            lines += self._item(item, "")
        return [*lines, ""]

    def _item(self, item: Item, indent: str) -> Lines:
        lines = [f"{indent}- {inline(item.content)}"]
        for child in item.children:
            lines += self._item(child, indent + "  ")
        return lines

    def numbered(self, block: Numbered) -> Lines:
        lines = [
            f"{i}. {inline(item.head)}" + (f" {inline(item.body)}" if item.body else "")
            for i, item in enumerate(block.items, block.start)
        ]
        return [*lines, ""]

    def findings(self, block: Findings) -> Lines:
        lines = []
        for f in block.items:
            lines.append(
                f"- **{markdown_text(f.severity.upper())}** {markdown_code(f.rule)} "
                f"{markdown_text(f.name)} — {markdown_text(f.message)} ({markdown_code(f.where)})"
            )
            for e in f.evidence:
                lines.append(
                    f"  - {markdown_code(e.field)} = {markdown_code(e.value)} (line {e.line})"
                )
            for a in f.assumptions:
                lines.append(
                    f"  - assumed {markdown_code(a.field)} = {markdown_code(a.value)} "
                    "(not declared)"
                )
            lines.append(f"  - Fix: {markdown_text(f.fix)}")
            lines += [f"  - {_pitfall(p)}" for p in f.pitfalls]
            lines += [f"  - {_pitfalls_above(g)}" for g in f.pitfalls_above]
        return [*lines, ""]

    @staticmethod
    def _fenced(title: str, body: str) -> Lines:
        return [f"**{markdown_text(title)}**", "", "```mermaid", body, "```", ""]

    def graph(self, block: Graph) -> Lines:
        return self._fenced(block.title, mermaid(block))

    def loop(self, block: Loop) -> Lines:
        return self._fenced(block.title, loop_mermaid(block))

    def chart(self, block: Chart) -> Lines:
        return []  # a table in the same document carries these numbers

    def bars(self, block: Bars) -> Lines:
        return []

    def histogram(self, block: Histogram) -> Lines:
        return []

    def callout(self, block: Callout) -> Lines:
        return [f"**{markdown_text(block.title)}**", "", *self.blocks(block.blocks)]

    def section(self, block: Section) -> Lines:
        if block.detail and not self.full:
            # Folded as on GitHub: the opening screen stays short, the detail stays in the file.
            self.depth += 1
            try:
                body = self.blocks(block.blocks)
            finally:
                self.depth -= 1
            summary = html.escape(block.title, quote=False)
            return ["<details>", f"<summary>{summary}</summary>", "", *body, "</details>", ""]
        shown = block.blocks if self.full or block.brief is None else block.brief
        if not block.title:
            return self.blocks(shown)
        self.depth += 1
        try:
            head = f"{'#' * self.depth} {markdown_text(block.title)}"
            return [head, "", *self.blocks(shown)]
        finally:
            self.depth -= 1


def render(document: Document, options: RenderOptions) -> str:
    out = [f"# {markdown_text(document.title)}", ""]
    subtitle = document.shown_subtitle(options.full)
    if subtitle:
        out += [inline(subtitle), ""]
    out += _Markdown(options.full).blocks(document.blocks)
    return "\n".join(out).rstrip() + "\n"
