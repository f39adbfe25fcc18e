"""A review as a document: each area's summary, its own tables and pictures and its findings,
then the top risk with its plan, the questions, the assumptions and the suppressions."""

from __future__ import annotations

from mlreview.areas.findings import Finding, Severity
from mlreview.areas.registry import AREA_LIST
from mlreview.document.blocks import (
    Bar,
    Bars,
    Block,
    Bullets,
    Callout,
    Document,
    Evidence,
    FindingItem,
    Findings,
    Item,
    Numbered,
    NumberedItem,
    Paragraph,
    Section,
    Span,
    inline,
)
from mlreview.engine.contract import to_dict
from mlreview.engine.result import Review
from mlreview.engine.scenarios import PLAN_PARTS, Scenario
from mlreview.report.formats import Printable

PLAN_TITLES = {
    "prevent": "Prevent",
    "detect": "Detect",
    "limit": "Limit the blast radius",
    "recover": "Recover",
}
NO_QUESTIONS = (
    "No unknown field would change the top risk, a finding's severity or the traffic verdict."
)
NOTHING_DECLARED = "(nothing declared)"


def finding_item(f: Finding) -> FindingItem:
    return FindingItem(
        severity=f.severity.value,
        rule=f.rule,
        name=f.name,
        message=f.message,
        where=f"{f.file}:{f.line}",
        fix=f.fix,
        evidence=tuple(Evidence(e.field, e.value, e.line) for e in f.evidence),
        assumptions=tuple(Evidence(a.field, a.assumed, a.line) for a in f.assumptions),
    )


def _findings(findings: list[Finding]) -> list[Block]:
    return [Findings(tuple(finding_item(f) for f in findings))] if findings else []


def _areas(review: Review) -> list[Block]:
    out: list[Block] = []
    for area in AREA_LIST:
        result = review.areas[area.key]
        blocks: list[Block] = [Paragraph(inline(result.summary))]
        blocks += area.present(result.assessment)
        blocks += _findings(result.findings)
        out.append(Section(area.heading, tuple(blocks)))
    return out


def _plan(top: Scenario) -> list[Block]:
    return [
        Bullets(
            PLAN_TITLES[part],
            tuple(Item(inline(s)) for s in top.plan.get(part, []))
            or (Item(inline(NOTHING_DECLARED)),),
        )
        for part in PLAN_PARTS
    ]


def _top_risk(review: Review) -> Section:
    top = review.top_risk
    title = "5. The biggest risk"
    if top is None:
        return Section(title, (Paragraph(inline("No risk scenario was found.")),), "top-risk")
    body: list[Block] = [
        Paragraph(inline(top.effect_sentence)),
        Paragraph(
            inline(
                Span(
                    f"Rules: {', '.join(top.rules)} · Components: {', '.join(top.components)} · "
                    f"risk priority {top.rpn} ({top.label})",
                    "muted",
                )
            )
        ),
        Paragraph(inline(Span("Why first:", "strong"), f" {review.top_risk_reason}")),
    ]
    if review.runner_up:
        runner = review.runner_up
        body.append(
            Paragraph(
                inline(
                    Span("Runner-up:", "strong"), f" {runner.title} (risk priority {runner.rpn})"
                )
            )
        )
    body += _plan(top)
    return Section(title, (Callout(top.title, tuple(body)),), "top-risk")


def _questions(review: Review) -> list[Block]:
    if not review.questions_checked:
        return []
    title = "Questions that would change this review"
    if not review.questions:
        return [Section(title, (Paragraph(inline(NO_QUESTIONS)),))]
    items = tuple(
        NumberedItem(
            inline(Span(q.question, "strong"), " (", Span(q.field, "code"), f", line {q.line})"),
            inline("Assumed meanwhile: ", Span(q.assumed, "code"), f". {q.changes}".rstrip()),
        )
        for q in review.questions
    )
    return [Section(title, (Numbered(items),))]


def _assumptions(review: Review) -> list[Block]:
    if not review.assumptions:
        return []
    items = tuple(
        Item(
            inline(
                Span(a.field, "code"),
                " not declared; assumed ",
                Span(a.assumed, "code"),
                f" (line {a.line})",
            )
        )
        for a in review.assumptions
    )
    return [Section("Assumptions", (Bullets("", items),))]


def _suppressions(review: Review) -> list[Block]:
    hygiene = review.hygiene
    if not hygiene and not review.suppressed:
        return []
    blocks: list[Block] = []
    if review.suppressed:
        items = tuple(
            Item(
                inline(Span(f.rule, "code"), f" on {', '.join(f.components)}: {f.suppressed or ''}")
            )
            for f in review.suppressed
        )
        blocks.append(Bullets("", items))
    blocks += _findings(hygiene)
    return [Section("Suppressions", tuple(blocks))]


def _totals(review: Review) -> Paragraph:
    totals = {s: sum(1 for f in review.findings if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in totals.items() if n)
    return Paragraph(
        inline(Span(f"{len(review.findings)} findings ({summary or 'none'}).", "strong"))
    )


def review_document(review: Review) -> Document:
    head: list[Block] = []
    top = review.top_risk
    if top is not None:
        head.append(
            Paragraph(
                inline(
                    Span("Top risk:", "strong"),
                    " ",
                    Span(top.title, href="#top-risk"),
                    f" (risk priority {top.rpn}, {top.label}); {len(review.findings)} findings.",
                )
            )
        )
    counts = [Bar(s.value, sum(1 for f in review.findings if f.severity is s)) for s in Severity]
    head.append(Bars("Findings per severity", tuple(counts)))
    return Document(
        title=f"mlreview: {review.system_name}",
        subtitle=inline(
            "Manifest ",
            Span(review.file, "code"),
            f" · {len(review.findings)} findings · {len(review.rules_run)} rules run",
        ),
        blocks=(
            *head,
            *_areas(review),
            _top_risk(review),
            *_questions(review),
            *_assumptions(review),
            *_suppressions(review),
            _totals(review),
        ),
    )


def review_printable(review: Review) -> Printable:
    return Printable(lambda: review_document(review), lambda: to_dict(review), lambda: review)
