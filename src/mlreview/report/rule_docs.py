"""Rule documentation from rule metadata: `mlreview rules`, `mlreview rule`, docs/rules.md and
the JSON list, all from the rules themselves."""

from __future__ import annotations

from typing import Any

from mlreview.areas.findings import AREA_TITLES
from mlreview.areas.rule import Rule
from mlreview.document.blocks import (
    Block,
    Bullets,
    Column,
    Document,
    Item,
    Paragraph,
    Section,
    Span,
    Table,
    inline,
)
from mlreview.engine.rules import every_rule

PLAN_WORDS = {
    "prevent": "prevent",
    "detect": "detect",
    "limit": "limit the blast radius",
    "recover": "recover",
}


def _details(rule: Rule) -> tuple[Block, ...]:
    return (
        Paragraph(inline(Span(rule.name, "code"), f" — {rule.summary}")),
        Bullets(
            "",
            (
                Item(
                    inline(
                        f"Area: {AREA_TITLES[rule.area]}; default severity: "
                        f"{rule.severity.value}; mitigation: {PLAN_WORDS[rule.mitigation]}; "
                        "scenario: ",
                        Span(rule.scenario, "code"),
                        (
                            "; learned models only (not a model declared "
                            if rule.learned_only
                            else ""
                        ),
                        Span("learned: false", "code") if rule.learned_only else "",
                        ")" if rule.learned_only else "",
                    )
                ),
                Item(inline(f"Why: {rule.rationale}")),
                Item(inline(f"Fix: {rule.fix}")),
                Item(inline(f"Sources: {'; '.join(rule.sources)}")),
            ),
        ),
    )


def rule_document(rule: Rule) -> Document:
    """One rule, for `mlreview rule CODE`."""
    usage = Paragraph(
        inline(
            "Select or ignore with --select ",
            Span(rule.code, "code"),
            " or --select ",
            Span(rule.name, "code"),
            "; suppress on a component with ",
            Span(f'suppress: [{{rule: {rule.code}, reason: "..."}}]', "code"),
        )
    )
    return Document(f"{rule.code} {rule.name}", (), (*_details(rule), usage))


def rules_document(full: bool = False) -> Document:
    """Every rule by area: a table, and with ``full`` each rule's rationale, fix and sources."""
    rules = every_rule()
    blocks: list[Block] = [
        Paragraph(
            inline(
                f"{len(rules)} rules. Select or ignore them by code, code prefix (",
                Span("SKEW", "code"),
                ", ",
                Span("DATA0", "code"),
                ") or name; suppress one on a component with ",
                Span('suppress: [{rule: CODE, reason: "..."}]', "code"),
                "; ",
                Span("mlreview rule CODE", "code"),
                " explains one.",
            )
        )
    ]
    if full:
        blocks.insert(
            0,
            Paragraph(
                inline(
                    "Generated from the rule metadata by ",
                    Span("mlreview rules --full", "code"),
                    ".",
                )
            ),
        )
    for area, title in AREA_TITLES.items():
        group = [r for r in rules if r.area == area]
        if not group:
            continue
        table = Table(
            f"{len(group)} rules",
            (Column("code"), Column("name"), Column("severity"), Column("summary")),
            tuple((r.code, r.name, r.severity.value, r.summary) for r in group),
            whole=True,
        )
        details = [Section(r.code, _details(r)) for r in group] if full else []
        blocks.append(Section(title, (table, *details)))
    return Document("Rules", (), tuple(blocks))


def rules_data() -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name": r.name,
            "area": r.area,
            "severity": r.severity.value,
            "summary": r.summary,
            "rationale": r.rationale,
            "fix": r.fix,
            "sources": list(r.sources),
            "mitigation": r.mitigation,
            "scenario": r.scenario,
            "learned_only": r.learned_only,
        }
        for r in every_rule()
    ]
