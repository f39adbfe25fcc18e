"""`mlreview skew` as a document: which features differ between training and serving, each
difference's engineering cause with its evidence, fix and prevention, and both distributions."""

from __future__ import annotations

from typing import Any

from mlreview.datasets.skew import FeatureResult, SkewReport
from mlreview.document.blocks import (
    Block,
    Bullets,
    Column,
    Document,
    Histogram,
    Item,
    Paragraph,
    Section,
    Span,
    Table,
    inline,
)
from mlreview.document.cells import Share, cell, number
from mlreview.document.cells import share as cells_share
from mlreview.report.formats import Printable


def _distances(d: dict[str, Any]) -> str:
    shown = [f"{k} {v:.3g}" for k, v in d.items() if v is not None and k != "p_value"]
    return ", ".join(shown) or "-"


def _cause(f: FeatureResult) -> str:
    if not f.causes:
        return "-"
    c = f.causes[0]
    more = f" (+{len(f.causes) - 1})" if len(f.causes) > 1 else ""
    return f"{c.kind} {c.confidence:.0%}{more}"


def _rows_line(rows: dict[str, Any]) -> str:
    parts = []
    for side in ("training", "serving"):
        r = rows[side]
        files = len(r["files"])
        parts.append(
            f"{side}: {r['read']:,} rows read from {files} file{'s' if files != 1 else ''}, "
            f"{r['skipped']} skipped"
        )
    return "; ".join(parts)


def _joined_line(joined: dict[str, Any]) -> str:
    r = joined["rows"]
    return (
        f"joined on {', '.join(joined['keys'])}: {r['matched']:,} pairs; "
        f"{r['training_only']:,} training and {r['serving_only']:,} serving rows unmatched; "
        f"{r['training_duplicate_rows']:,} training and {r['serving_duplicate_rows']:,} serving "
        "rows with duplicate keys left out"
    )


def _histogram(f: FeatureResult) -> Histogram | None:
    h = f.histogram
    if h is None:
        return None
    title = f"{f.name}: training and serving"
    if "edges" in h:
        edges = h["edges"]
        if h.get("integer"):
            # Whole-number bins sit on k - 0.5 .. k + 0.5: label them by the numbers they hold.
            held = [str(round(e + 0.5)) for e in edges[:-1]]
            labels = (*held, str(round(edges[-1] - 0.5)))
        else:
            labels = tuple(number(e) for e in edges)
        return Histogram(title, labels, tuple(h["training"]), tuple(h["serving"]), True)
    labels = tuple(str(v) for v in h["values"])
    return Histogram(title, labels, tuple(h["training"]), tuple(h["serving"]), False)


RELATIONS = {
    "exact": "equal",
    "rounding": "serving is training rounded to {decimals} decimals",
    "scale": "serving is {factor} x training",
    "offset": "serving is training {offset}",
    "lag": "serving timestamps trail training by {seconds}s (median)",
    "case_format": "equal after case and format normalisation",
    "unexplained": "no single relation fits",
    "no_pairs": "no pairs to compare",
}


def _relation(relation: dict[str, Any]) -> str:
    kind = relation.get("kind", "")
    shown = {
        k: (f"{v:+g}" if k == "offset" else number(v)) if isinstance(v, float) else v
        for k, v in relation.items()
    }
    text = str(RELATIONS.get(kind, kind)).format(**shown)
    share = relation.get("share")
    if kind in ("exact", "unexplained", "no_pairs") or share is None:
        return text
    return f"{text} ({cells_share(share)} of pairs)"


def _joined_table(report: SkewReport) -> Table | None:
    rows = [f for f in report.features if f.joined is not None]
    if not rows:
        return None
    return Table(
        "Row by row (training and serving values of the same example)",
        (
            Column("feature"),
            Column("pairs"),
            Column("mismatch rate"),
            Column("null on one side"),
            Column("relation"),
        ),
        tuple(
            (
                f.name,
                cell(f.joined["pairs"]),
                cell(
                    None if f.joined["mismatch_rate"] is None else Share(f.joined["mismatch_rate"])
                ),
                cell(f.joined["null_mismatches"]),
                _relation(f.joined["relation"]),
            )
            for f in rows
            if f.joined is not None
        ),
    )


def _raw(value: Any) -> str:
    """A data value as read, unrounded: the pair must show how the two sides differ."""
    return "null" if value is None else str(value)


def _samples(f: FeatureResult) -> Table | None:
    samples = (f.joined or {}).get("samples") or []
    if not samples:
        return None
    keys = list(samples[0]["key"])
    return Table(
        f"{f.name}: pairs that differ (first {len(samples)} by key)",
        (*(Column(k) for k in keys), Column("training"), Column("serving")),
        tuple(
            (*(_raw(s["key"][k]) for k in keys), _raw(s["training"]), _raw(s["serving"]))
            for s in samples
        ),
    )


def _feature_section(f: FeatureResult) -> Section:
    blocks: list[Block] = []
    chart = _histogram(f)
    if chart is not None:
        blocks.append(chart)
    pairs = _samples(f)
    if pairs is not None:
        blocks.append(pairs)
    for c in f.causes:
        blocks.append(
            Paragraph(
                inline(Span(c.kind, "strong"), f" (confidence {c.confidence:.0%}): {c.evidence}")
            )
        )
        blocks.append(
            Bullets("", (Item(inline(f"Fix: {c.fix}")), Item(inline(f"Prevent: {c.prevention}"))))
        )
    return Section(f"{f.name}: {f.status}", tuple(blocks))


def skew_document(report: SkewReport) -> Document:
    data = report.to_dict()
    c = data["counts"]
    headline = (
        f"{len(report.features)} features: {c['schema']} schema, {c['skew']} skew, "
        f"{c['drift']} drift, {c['ok']} ok."
    )
    thresholds = ", ".join(f"{k} {v:g}" for k, v in data["thresholds"].items())
    blocks: list[Block] = [
        Paragraph(inline(Span(headline, "strong"))),
        Paragraph(inline(_rows_line(data["rows"]))),
        Paragraph(inline(f"Thresholds: {thresholds}.")),
    ]
    if "joined" in data:
        blocks.append(Paragraph(inline(_joined_line(data["joined"]))))
    blocks.append(
        Table(
            "Features",
            (Column("feature"), Column("status"), Column("cause"), Column("distances")),
            tuple(
                (f.name, f.status, _cause(f), _distances(f.distances.to_dict()))
                for f in report.features
            ),
        )
    )
    joined = _joined_table(report)
    if joined is not None:
        blocks.append(joined)
    blocks += [
        _feature_section(f) for f in report.features if f.causes or (f.joined or {}).get("samples")
    ]
    return Document("Training-serving skew", (), tuple(blocks))


def skew_printable(report: SkewReport) -> Printable:
    return Printable(lambda: skew_document(report), report.to_dict)
