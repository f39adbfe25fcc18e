"""The lineage graph as data for diagrams: nodes marked by how their failure hurts, and the
edges along which a single point of failure reaches an endpoint."""

from __future__ import annotations

from typing import Any

from mlreview.system.system import System


def lineage(system: System, spofs: list[dict[str, Any]]) -> dict[str, Any]:
    marks: dict[str, str] = {}
    for s in spofs:
        marks[s["component"]] = "stops" if s["stops"] else "corrupts"
    hurt = {e for s in spofs for e in (*s["stops"], *s["corrupts"])}
    on_path: set[str] = set(marks) | hurt
    for s in spofs:
        reach = system.downstream(s["component"])
        for e in (*s["stops"], *s["corrupts"]):
            on_path |= reach & (system.upstream(e) | {e})
    nodes = [
        {"id": ident, "kind": comp.KIND, "mark": marks.get(ident, "hurt" if ident in hurt else "")}
        for ident, comp in system.components.items()
        if comp.KIND != "feedback"
    ]
    edges = []
    seen: set[tuple[str, str]] = set()
    for e in system.edges():
        if (e.source, e.target) in seen:
            continue
        seen.add((e.source, e.target))
        failure_path = not e.loop and e.source in on_path and e.target in on_path
        edges.append(
            {"from": e.source, "to": e.target, "failure_path": failure_path, "loop": e.loop}
        )
    return {
        "nodes": sorted(nodes, key=lambda n: n["id"]),
        "edges": sorted(edges, key=lambda d: (d["from"], d["to"])),
    }
