"""`mlreview skew` output: which features differ between training and serving, and why."""

from __future__ import annotations

import io
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlreview.report.markdown import code, esc

FORMATS = ("terminal", "markdown", "json")
STATUS_STYLE = {"schema": "bold red", "skew": "bold red", "drift": "yellow", "ok": "green"}


def _distances(d: dict[str, Any]) -> str:
    shown = [f"{k} {v:.3g}" for k, v in d.items() if v is not None and k != "p_value"]
    return ", ".join(shown) or "-"


def _cause(f: dict[str, Any]) -> str:
    if not f["causes"]:
        return "-"
    c = f["causes"][0]
    more = f" (+{len(f['causes']) - 1})" if len(f["causes"]) > 1 else ""
    return f"{c['kind']} {c['confidence']:.0%}{more}"


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


def _thresholds(t: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in t.items())


def _headline(data: dict[str, Any]) -> str:
    c = data["counts"]
    return (
        f"{len(data['features'])} features: {c['schema']} schema, {c['skew']} skew, "
        f"{c['drift']} drift, {c['ok']} ok."
    )


def terminal(data: dict[str, Any], width: int = 100) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False)
    console.print(Text(_headline(data), style="bold"))
    console.print(Text(_rows_line(data["rows"])))
    console.print(Text(f"thresholds: {_thresholds(data['thresholds'])}"))
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for header in ("feature", "status", "cause", "distances"):
        table.add_column(header, overflow="fold")
    for f in data["features"]:
        table.add_row(
            f["name"],
            Text(f["status"], style=STATUS_STYLE[f["status"]]),
            _cause(f),
            _distances(f["distances"]),
        )
    console.print(table)
    if "joined" in data:
        console.print(Text(_joined_line(data["joined"])))
    for f in data["features"]:
        for c in f["causes"]:
            console.print(Text(f"{f['name']}: {c['kind']} ({c['confidence']:.0%})", style="bold"))
            console.print(Text(f"  evidence: {c['evidence']}"))
            console.print(Text(f"  fix: {c['fix']}"))
            console.print(Text(f"  prevent: {c['prevention']}"))
    return out.getvalue()


def markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Training-serving skew",
        "",
        esc(_headline(data)),
        "",
        esc(_rows_line(data["rows"])),
        "",
        f"Thresholds: {esc(_thresholds(data['thresholds']))}.",
        "",
        *([esc(_joined_line(data["joined"])), ""] if "joined" in data else []),
        "| feature | status | cause | distances |",
        "|---|---|---|---|",
    ]
    for f in data["features"]:
        lines.append(
            f"| {code(f['name'])} | {f['status']} | {esc(_cause(f))} | "
            f"{esc(_distances(f['distances']))} |"
        )
    lines.append("")
    for f in data["features"]:
        if not f["causes"]:
            continue
        lines += [f"## {esc(f['name'])}: {f['status']}", ""]
        for c in f["causes"]:
            lines += [
                f"**{c['kind']}** (confidence {c['confidence']:.0%}): {esc(c['evidence'])}",
                "",
                f"- Fix: {esc(c['fix'])}",
                f"- Prevent: {esc(c['prevention'])}",
                "",
            ]
    return "\n".join(lines)


def render(data: dict[str, Any], fmt: str, width: int = 100) -> str:
    if fmt == "json":
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "markdown":
        return markdown(data)
    return terminal(data, width)
