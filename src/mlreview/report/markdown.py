"""The review as GitHub-flavoured Markdown."""

from __future__ import annotations

import re

from mlreview.areas.findings import Finding
from mlreview.engine.result import Review
from mlreview.report.base import RenderOptions
from mlreview.report.diagram import mermaid
from mlreview.report.loop_diagram import loop_mermaid
from mlreview.report.view import (
    NO_QUESTIONS,
    Table,
    design_sections,
    diagrams,
    heading,
    meta_findings,
    plan,
    tables,
    where,
)

_ESCAPES = str.maketrans({c: f"\\{c}" for c in "\\`*[]<>|#"})


def esc(text: str) -> str:
    """Escape Markdown syntax in text that came from the manifest."""
    return text.translate(_ESCAPES).replace("\n", " ")


def code(text: str) -> str:
    """A code span holding text literally: backslash escapes do not work inside code spans, so
    the fence is one backtick longer than any run of backticks in the text."""
    text = text.replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table_lines(t: Table) -> list[str]:
    lines = [f"**{esc(t.title)}**", ""]
    lines.append("| " + " | ".join(esc(h) for h in t.headers) + " |")
    lines.append("|" + "---|" * len(t.headers))
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in t.rows]
    return [*lines, ""]


def _finding(f: Finding) -> list[str]:
    lines = [
        f"- **{f.severity.value.upper()}** `{f.rule}` {esc(f.name)} — {esc(f.message)} "
        f"({code(where(f))})"
    ]
    for e in f.evidence:
        lines.append(f"  - {code(e.field)} = {code(e.value)} (line {e.line})")
    for a in f.assumptions:
        lines.append(f"  - assumed {code(a.field)} = {code(a.assumed)} (not declared)")
    lines.append(f"  - Fix: {esc(f.fix)}")
    return lines


def render(review: Review, options: RenderOptions) -> str:
    out = [f"# mlreview: {esc(review.system_name)}", "", f"Manifest: {code(review.file)}", ""]
    if review.top_risk is not None:
        head = review.top_risk
        out += [
            f"**Top risk:** {esc(head.title)} (risk priority {head.rpn}, {head.label}); "
            f"{len(review.findings)} findings. See part 5.",
            "",
        ]
    for area in review.areas.values():
        out += [f"## {heading(area)}", "", esc(area.summary), ""]
        for t in tables(area):
            out += table_lines(t)
        for d in diagrams(area):
            if d.kind == "timeseries":
                continue  # the spike table carries these numbers in Markdown
            text = mermaid(d.data) if d.kind == "lineage" else loop_mermaid(d.data)
            out += [f"**{esc(d.title)}**", "", "```mermaid", text, "```", ""]
        sections = design_sections(area)
        if sections:
            out += ["**The loop to build**", ""]
            for title, items in sections:
                out.append(f"- {esc(title)}")
                out += [f"  - {esc(item)}" for item in items]
            out.append("")
        for f in area.findings:
            out += _finding(f)
        out.append("")
    out += ["## 5. The biggest risk", ""]
    top = review.top_risk
    if top is None:
        out += ["No risk scenario was found.", ""]
    else:
        out += [
            f"**{esc(top.title)}** — {esc(top.effect)}.",
            "",
            f"Rules: {', '.join(f'`{r}`' for r in top.rules)}. "
            f"Components: {esc(', '.join(top.components))}.",
            "",
            f"Why first: {esc(review.top_risk_reason)}",
            "",
        ]
        if review.runner_up:
            ru = review.runner_up
            out += [f"Runner-up: {esc(ru.title)} (risk priority {ru.rpn}).", ""]
        for title, steps in plan(review):
            out += [f"**{title}**", ""]
            out += [f"- {esc(s)}" for s in steps] or ["- (nothing declared)"]
            out.append("")
    if review.questions_checked:
        out += ["## Questions that would change this review", ""]
        out += [
            f"{i}. {esc(q.question)} ({code(q.field)}, line {q.line}) Assumed meanwhile: "
            f"{code(q.assumed)}. {esc(q.changes)}"
            for i, q in enumerate(review.questions, 1)
        ] or [NO_QUESTIONS]
        out.append("")
    if review.assumptions:
        out += ["## Assumptions", ""]
        out += [
            f"- {code(a.field)} not declared; assumed {code(a.assumed)} (line {a.line})"
            for a in review.assumptions
        ]
        out.append("")
    hygiene = meta_findings(review)
    if hygiene or review.suppressed:
        out += ["## Suppressions", ""]
        for f in review.suppressed:
            out.append(f"- `{f.rule}` on {esc(', '.join(f.components))}: {esc(f.suppressed or '')}")
        for f in hygiene:
            out += _finding(f)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
