"""`mlreview skew` output: which features differ between training and serving, and why."""

from __future__ import annotations

import io
from html import escape as html_escape
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlreview.report.markdown import code, esc

FORMATS = ("terminal", "markdown", "json", "html")
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
            # A grid, so wrapped lines stay under their text rather than at the margin.
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for label, key in (("evidence", "evidence"), ("fix", "fix"), ("prevent", "prevention")):
                grid.add_row(f"  {label}:", c[key])
            console.print(grid)
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
    if fmt == "html":
        return html(data)
    return terminal(data, width)


TRAINING_COLOUR, SERVING_COLOUR = "#1f77b4", "#d62728"
SVG_W, SVG_H = 360, 110


def _svg_numeric(h: dict[str, Any]) -> str:
    top = max([*h["training"], *h["serving"], 1e-12])
    n = len(h["training"])
    step = SVG_W / n
    paths = []
    for series, colour in ((h["training"], TRAINING_COLOUR), (h["serving"], SERVING_COLOUR)):
        points = [f"0,{SVG_H - 12}"]
        for i, share in enumerate(series):
            y = SVG_H - 12 - (SVG_H - 24) * share / top
            points += [f"{i * step:.1f},{y:.1f}", f"{(i + 1) * step:.1f},{y:.1f}"]
        points.append(f"{SVG_W},{SVG_H - 12}")
        paths.append(
            f'<polyline fill="{colour}" fill-opacity="0.18" stroke="{colour}" '
            f'stroke-width="1.5" points="{" ".join(points)}"/>'
        )
    low, high = h["edges"][0], h["edges"][-1]
    labels = (
        f'<text x="0" y="{SVG_H - 1}" font-size="10">{html_escape(f"{low:.4g}")}</text>'
        f'<text x="{SVG_W}" y="{SVG_H - 1}" font-size="10" text-anchor="end">'
        f"{html_escape(f'{high:.4g}')}</text>"
    )
    return _svg("".join(paths) + labels)


def _svg_categories(h: dict[str, Any]) -> str:
    top = max([*h["training"], *h["serving"], 1e-12])
    n = len(h["values"])
    width = SVG_W / max(n, 1)
    bars = []
    for i, value in enumerate(h["values"]):
        for j, (series, colour) in enumerate(
            ((h["training"], TRAINING_COLOUR), (h["serving"], SERVING_COLOUR))
        ):
            height = (SVG_H - 24) * series[i] / top
            x = i * width + j * width * 0.4 + width * 0.1
            bars.append(
                f'<rect x="{x:.1f}" y="{SVG_H - 12 - height:.1f}" width="{width * 0.4:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>'
            )
        bars.append(
            f'<text x="{i * width + width / 2:.1f}" y="{SVG_H - 1}" font-size="9" '
            f'text-anchor="middle">{html_escape(str(value)[:10])}</text>'
        )
    return _svg("".join(bars))


def _svg(body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{SVG_H}" '
        f'viewBox="0 0 {SVG_W} {SVG_H}" role="img">{body}</svg>'
    )


def html(data: dict[str, Any]) -> str:
    e = html_escape
    rows = "".join(
        f"<tr><td><code>{e(f['name'])}</code></td><td class='{e(f['status'])}'>"
        f"{e(f['status'])}</td><td>{e(_cause(f))}</td><td>{e(_distances(f['distances']))}</td>"
        "</tr>"
        for f in data["features"]
    )
    sections = []
    for f in data["features"]:
        if not f["causes"]:
            continue
        h = f.get("histogram")
        chart = ""
        if h is not None:
            chart = _svg_numeric(h) if "edges" in h else _svg_categories(h)
        causes = "".join(
            f"<p><strong>{e(c['kind'])}</strong> ({c['confidence']:.0%}): {e(c['evidence'])}</p>"
            f"<ul><li>Fix: {e(c['fix'])}</li><li>Prevent: {e(c['prevention'])}</li></ul>"
            for c in f["causes"]
        )
        sections.append(
            f"<section><h2><code>{e(f['name'])}</code>: {e(f['status'])}</h2>{chart}{causes}"
            "</section>"
        )
    joined = f"<p>{e(_joined_line(data['joined']))}</p>" if "joined" in data else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>Training-serving skew</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;"
        "text-align:left}.schema,.skew{color:#b00020;font-weight:600}.drift{color:#a36200}"
        ".ok{color:#137333}svg{display:block;margin:.5rem 0}"
        f".key span{{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem}}</style>"
        "</head><body><h1>Training-serving skew</h1>"
        f"<p>{e(_headline(data))}</p><p>{e(_rows_line(data['rows']))}</p>"
        f"<p>Thresholds: {e(_thresholds(data['thresholds']))}.</p>{joined}"
        f"<p class='key'><span style='background:{TRAINING_COLOUR}'></span>training"
        f"<span style='background:{SERVING_COLOUR}'></span>serving</p>"
        "<table><thead><tr><th>feature</th><th>status</th><th>cause</th><th>distances</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>{''.join(sections)}</body></html>\n"
    )
