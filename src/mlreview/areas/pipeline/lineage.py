"""The lineage graph as data for diagrams: nodes marked by how their failure hurts, and the
edges along which a single point of failure reaches an endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mlreview.areas.pipeline.availability import SinglePoint
from mlreview.areas.record import Record, key
from mlreview.system.system import System

Mark = Literal["stops", "corrupts", "hurt", ""]


@dataclass
class LineageNode(Record):
    id: str
    kind: str
    mark: Mark


@dataclass
class LineageEdge(Record):
    source: str = field(metadata=key("from"))
    target: str = field(metadata=key("to"))
    failure_path: bool = False
    loop: bool = False


@dataclass
class Lineage(Record):
    nodes: list[LineageNode]
    edges: list[LineageEdge]


def lineage(system: System, spofs: list[SinglePoint]) -> Lineage:
    marks: dict[str, Mark] = {}
    for s in spofs:
        marks[s.component] = "stops" if s.stops else "corrupts"
    hurt = {e for s in spofs for e in (*s.stops, *s.corrupts)}
    on_path: set[str] = set(marks) | hurt
    for s in spofs:
        reach = system.downstream(s.component)
        for e in (*s.stops, *s.corrupts):
            on_path |= reach & system.upstream(e)
            if e in reach:
                on_path.add(e)
    nodes = [
        LineageNode(ident, comp.KIND, marks.get(ident, "hurt" if ident in hurt else ""))
        for ident, comp in system.components.items()
        if comp.KIND != "feedback"
    ]
    edges = []
    seen: set[tuple[str, str]] = set()
    for edge in system.edges():
        if (edge.source, edge.target) in seen:
            continue
        seen.add((edge.source, edge.target))
        hot = not edge.loop and edge.source in on_path and edge.target in on_path
        edges.append(LineageEdge(edge.source, edge.target, hot, edge.loop))
    return Lineage(
        nodes=sorted(nodes, key=lambda n: n.id),
        edges=sorted(edges, key=lambda d: (d.source, d.target)),
    )
