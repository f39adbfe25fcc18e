"""`mlreview capacity` output: latency against load per endpoint, as text, Markdown or JSON."""

from __future__ import annotations

from typing import Any

from mlreview.report.json_format import dumps
from mlreview.report.markdown import esc, table_lines
from mlreview.report.view import LOAD_COLUMNS, Table, cell, overloaded, serving_tables

SWEEP_COLUMNS = (("load", "multiplier"), *LOAD_COLUMNS)


def _tables(data: dict[str, Any]) -> list[Table]:
    out = []
    for row in data["endpoints"]:
        if not row["sweep"]:
            continue
        out.append(
            Table(
                f"{row['endpoint']}: latency against load",
                tuple(h for h, _ in SWEEP_COLUMNS),
                tuple(
                    tuple(
                        cell({**s, **overloaded(s), "multiplier": f"{s['multiplier']:g}x"}[k])
                        for _, k in SWEEP_COLUMNS
                    )
                    for s in row["sweep"]
                ),
            )
        )
    modelled = [r for r in data["endpoints"] if r["scenarios"]]
    return out + (serving_tables(modelled) if modelled else [])


def _assumptions(data: dict[str, Any]) -> list[str]:
    return [
        f"{r['endpoint']}: {a}"
        for r in data["endpoints"]
        if r["model"]
        for a in r["model"]["assumptions"]
    ]


def _notes(data: dict[str, Any]) -> list[str]:
    """What the tables leave out: endpoints without a model, batch endpoints."""
    rows = data["endpoints"]
    unknown = [r["endpoint"] for r in rows if r["mode"] != "batch" and not r["scenarios"]]
    batch = [r["endpoint"] for r in rows if r["mode"] == "batch"]
    notes = []
    if unknown:
        notes.append(
            f"No capacity model for {', '.join(unknown)}: declare peak QPS and a service time."
        )
    if batch:
        notes.append(
            f"Batch endpoints ({', '.join(batch)}) have no request queue; mlreview check "
            "reviews their run time against the batch window."
        )
    return notes


def render_text(data: dict[str, Any]) -> str:
    lines = [f"mlreview capacity: {data['system']} ({data['file']})", ""]
    for t in _tables(data):
        widths = [max([len(h), *(len(r[i]) for r in t.rows)]) for i, h in enumerate(t.headers)]
        lines.append(t.title)
        lines.append("  ".join(h.ljust(w) for h, w in zip(t.headers, widths, strict=True)))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in t.rows]
        lines.append("")
    lines += _notes(data)
    lines += [f"assumed: {a}" for a in _assumptions(data)]
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(data: dict[str, Any]) -> str:
    out = [f"# mlreview capacity: {esc(data['system'])}", ""]
    for t in _tables(data):
        out += table_lines(t)
    out += [f"- {esc(n)}" for n in _notes(data)]
    out += [f"- assumed: {esc(a)}" for a in _assumptions(data)]
    return "\n".join(out).rstrip() + "\n"


def render(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return dumps(data)
    if fmt == "markdown":
        return render_markdown(data)
    return render_text(data)
