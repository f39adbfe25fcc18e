"""What a baseline did to a review, as a section after it: the known findings left out and the
entries that no longer occur, so the file can shrink."""

from __future__ import annotations

from dataclasses import replace

from mlreview.areas.common import plural
from mlreview.document.blocks import Bullets, Document, Item, Paragraph, Section, Span, inline
from mlreview.engine.baseline import BaselineUse
from mlreview.engine.result import Review
from mlreview.report.formats import Printable
from mlreview.report.review_document import review_printable

STALE = "No longer found; rewrite the baseline with --write-baseline to drop them"


def baseline_section(use: BaselineUse, new: int) -> Section:
    counts = (
        f"{plural(len(use.known), 'known finding')} not shown; "
        f"{plural(new, 'new finding')} shown above."
    )
    blocks: list[Paragraph | Bullets] = [
        Paragraph(inline("Baseline ", Span(use.file, "code"), f": {counts}"))
    ]
    if use.absent:
        items = tuple(
            Item(
                inline(
                    Span(e.rule, "code"),
                    f" on {', '.join(e.components)} at ",
                    Span(e.path, "code"),
                )
            )
            for e in use.absent
        )
        blocks.append(Bullets(STALE, items))
    return Section("Baseline", tuple(blocks), "baseline")


def printable(review: Review) -> Printable:
    """The review to print; after a baseline, its document ends with the baseline section."""
    plain = review_printable(review)
    use = review.baseline
    if use is None:
        return plain
    section = baseline_section(use, len(review.findings))

    def document() -> Document:
        doc = plain.document()
        return replace(doc, blocks=(*doc.blocks, section))

    return replace(plain, document=document)
