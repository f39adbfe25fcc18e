"""A saved profile as a document: per column, what was read and its range."""

from __future__ import annotations

from mlreview.datasets.profile import ColumnProfile, Profile
from mlreview.document.blocks import Column, Document, Paragraph, Table, inline
from mlreview.document.cells import cell


def _range(col: ColumnProfile) -> tuple[str, str, str]:
    if col.kind not in ("numeric", "datetime") or col.min is None or col.max is None:
        return ("-", "-", "-")
    median = col.sketch.quantile(0.5)
    return (f"{col.min:.6g}", "-" if median is None else f"{median:.6g}", f"{col.max:.6g}")


def profile_document(profile: Profile) -> Document:
    files = len(profile.files)
    head = (
        f"{profile.rows:,} rows from {files} file{'s' if files != 1 else ''}, "
        f"{len(profile.columns)} columns, 0 rows skipped."
    )
    rows = tuple(
        (
            name,
            col.kind,
            col.dtype,
            cell(col.nulls),
            cell(col.distinct.estimate()),
            *_range(col),
        )
        for name, col in profile.columns.items()
    )
    table = Table(
        "Columns",
        (
            Column("column"),
            Column("kind"),
            Column("type"),
            Column("nulls"),
            Column("distinct (approx.)"),
            Column("min"),
            Column("median"),
            Column("max"),
        ),
        rows,
    )
    return Document("Profile", (), (Paragraph(inline(head)), table))
