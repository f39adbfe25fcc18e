"""Figures that rest on a documented default rather than on the manifest, each with the field
that would settle it, so the opening screen can mark them where it prints them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlreview.system.manifest.base import Node
from mlreview.system.system import System


@dataclass(frozen=True)
class Assumed:
    """``what`` was assumed (a value and what it is of); ``field`` is where to declare it,
    with ``also`` when it takes more than one field (a rate worked out from two figures)."""

    what: str
    field: str
    also: tuple[str, ...] = ()
    rate: bool = False
    """An event rate taken from the rule's default: nearly every event scenario rests on one,
    so a list of scenarios need not say it under each (the risk working does)."""

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field, *self.also)

    @property
    def text(self) -> str:
        return f"assumed {self.what}: set {' and '.join(self.fields)}"


def field_of(system: System, node: Node | None, dotted: str) -> str:
    """The manifest path of ``dotted`` below ``node``, as the review names fields elsewhere."""
    if node is None or not node.path:
        return dotted
    return system.label((*node.path, *dotted.split(".")))


def component_field(system: System, ident: str, dotted: str) -> str | None:
    """The field ``dotted`` of the component ``ident``, or None for a name that is not one."""
    comp = system.components.get(ident)
    return field_of(system, comp, dotted) if isinstance(comp, Node) else None


def note(assumed: Iterable[Assumed]) -> str:
    """' (assumed ...: set ...; ...)' for the distinct figures, or '' when there are none."""
    texts = list(dict.fromkeys(a.text for a in assumed))
    return f" ({'; '.join(texts)})" if texts else ""


def sentence(assumed: Iterable[Assumed]) -> str:
    """' Rests on defaults: assumed ...: set ....' for the distinct figures, or ''."""
    texts = list(dict.fromkeys(a.text for a in assumed))
    return f" Rests on defaults: {'; '.join(texts)}." if texts else ""
