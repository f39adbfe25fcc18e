"""Draw the lineage graph: Mermaid for Markdown, geometry for the inline SVG in HTML.

Columns follow the data flow (sources, pipelines, stores, features, models, endpoints); within a
column, nodes sit near the mean row of what feeds them. Large feature sets collapse into one
node per store or source so the picture stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mlreview.document.blocks import Graph
from mlreview.report._escape import mermaid_label

MAX_FEATURES = 16
NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 156, 26, 40, 12, 10
MARK_STYLE = {
    "stops": ("#fde2e2", "#c92a2a", 2.5),
    "corrupts": ("#fff0db", "#d9480f", 2.5),
    "hurt": ("#f8f0fc", "#862e9c", 1.5),
    "": ("#f8f9fa", "#868e96", 1.0),
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    mark: str


Edge = tuple[str, str, Literal["hot", "loop", "plain"]]
"""(from, to, style): style is 'hot' (a failure path), 'loop' (feedback) or 'plain'."""


def _collapse(graph: Graph) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges, with features grouped by what they are read from when there are many."""
    nodes = {n.id: Node(n.id, n.label, n.kind, n.mark) for n in graph.nodes}
    edges = [
        (e.source, e.target, e.style)
        for e in graph.edges
        if e.source in nodes and e.target in nodes
    ]
    features = [n for n in nodes.values() if n.kind == "feature"]
    if len(features) <= MAX_FEATURES:
        return list(nodes.values()), edges
    feeding: dict[str, list[str]] = {}
    for a, b, _ in edges:
        if nodes[a].kind in ("store", "source"):
            feeding.setdefault(b, []).append(a)
    group_of: dict[str, str] = {}
    for f in features:
        feeders = sorted(feeding.get(f.id, ()))
        group_of[f.id] = f"features:{feeders[0] if feeders else 'other'}"
    counts: dict[str, int] = {}
    for g in group_of.values():
        counts[g] = counts.get(g, 0) + 1
    kept = {k: v for k, v in nodes.items() if v.kind != "feature"}
    for g, n in counts.items():
        kept[g] = Node(g, f"{n} features from {g.split(':', 1)[1]}", "feature", "")
    rank = {"plain": 0, "loop": 1, "hot": 2}
    merged: dict[tuple[str, str], Literal["hot", "loop", "plain"]] = {}
    for a, b, style in edges:
        key = (group_of.get(a, a), group_of.get(b, b))
        if key not in merged or rank[style] > rank[merged[key]]:
            merged[key] = style
    return list(kept.values()), [(a, b, style) for (a, b), style in sorted(merged.items())]


def layout(graph: Graph) -> dict[str, Any]:
    """Positions for every node and a cubic path for every edge."""
    nodes, edges = _collapse(graph)
    preds: dict[str, list[str]] = {}
    for a, b, _ in edges:
        preds.setdefault(b, []).append(a)
    row: dict[str, float] = {}
    placed: list[dict[str, Any]] = []
    used_columns = [c for c in graph.columns if any(n.kind == c for n in nodes)]
    height = 0.0
    for col, kind in enumerate(used_columns):
        members = sorted((n for n in nodes if n.kind == kind), key=lambda n: n.id)

        def weight(n: Node) -> tuple[float, str]:
            known = [row[p] for p in preds.get(n.id, []) if p in row]
            return (sum(known) / len(known) if known else 0.0, n.id)

        members.sort(key=weight)
        for i, n in enumerate(members):
            row[n.id] = float(i)
            fill, stroke, width = MARK_STYLE[n.mark]
            x = PAD + col * (NODE_W + COL_GAP)
            y = PAD + 24 + i * (NODE_H + ROW_GAP)
            height = max(height, y + NODE_H + PAD)
            placed.append(
                {
                    "id": n.id,
                    "label": n.label,
                    "kind": n.kind,
                    "x": x,
                    "y": y,
                    "fill": fill,
                    "stroke": stroke,
                    "stroke_width": width,
                }
            )
    at = {p["id"]: p for p in placed}
    paths = []
    for a, b, style in edges:
        if a not in at or b not in at:
            continue
        x1, y1 = at[a]["x"] + NODE_W, at[a]["y"] + NODE_H / 2
        x2, y2 = at[b]["x"], at[b]["y"] + NODE_H / 2
        if x2 <= x1:
            x1, x2 = at[a]["x"] + NODE_W / 2, at[b]["x"] + NODE_W / 2
        mid = (x1 + x2) / 2
        paths.append(
            {
                "d": f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}",
                "stroke": "#c92a2a" if style == "hot" else "#adb5bd",
                "width": 2.0 if style == "hot" else 1.0,
                "dash": "5,4" if style == "loop" else "",
            }
        )
    headers = [
        {"x": PAD + i * (NODE_W + COL_GAP), "label": f"{kind}s"}
        for i, kind in enumerate(used_columns)
    ]
    return {
        "width": PAD * 2 + len(used_columns) * (NODE_W + COL_GAP) - COL_GAP,
        "height": max(height, 60.0),
        "node_w": NODE_W,
        "node_h": NODE_H,
        "nodes": placed,
        "edges": paths,
        "headers": headers,
    }


def mermaid(graph: Graph) -> str:
    """A Mermaid flowchart; single points of failure and failure paths in red."""
    nodes, edges = _collapse(graph)
    column = {kind: i for i, kind in enumerate(graph.columns)}
    ordered = sorted(nodes, key=lambda n: (column.get(n.kind, len(column)), n.id))
    ids = {n.id: f"n{i:03d}" for i, n in enumerate(ordered)}
    lines = ["flowchart LR"]
    for n in ordered:
        label, kind = mermaid_label(n.label), mermaid_label(n.kind)
        lines.append(f'    {ids[n.id]}["{label}<br/><small>{kind}</small>"]')
    hot = []
    for i, (a, b, style) in enumerate(edges):
        arrow = "-.->" if style == "loop" else "-->"
        lines.append(f"    {ids[a]} {arrow} {ids[b]}")
        if style == "hot":
            hot.append(str(i))
    lines += [
        "    classDef stops fill:#fde2e2,stroke:#c92a2a,stroke-width:3px",
        "    classDef corrupts fill:#fff0db,stroke:#d9480f,stroke-width:3px",
        "    classDef hurt fill:#f8f0fc,stroke:#862e9c",
    ]
    for mark in ("stops", "corrupts", "hurt"):
        marked = [ids[n.id] for n in nodes if n.mark == mark]
        if marked:
            lines.append(f"    class {','.join(sorted(marked))} {mark}")
    if hot:
        lines.append(f"    linkStyle {','.join(hot)} stroke:#c92a2a,stroke-width:2px")
    return "\n".join(lines)
