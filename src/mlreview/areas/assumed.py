"""Figures that rest on a documented default rather than on the manifest, each with the field
that would settle it, so the opening screen can mark them where it prints them."""

from __future__ import annotations

import re
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
    brief: str | None = None
    """How the opening screen names it when ``what`` holds a figure worked out from other
    values: the assumption in words without the figure ("a replica's service time, fitted to
    its load-tested QPS"), or "" for one that only sizes a score the screen does not print (a
    reach). None: as ``what``. --full and JSON keep ``what``."""

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field, *self.also)

    @property
    def said(self) -> str:
        """What the opening screen says was assumed ("" for nothing)."""
        return self.what if self.brief is None else self.brief

    @property
    def text(self) -> str:
        return f"assumed {self.what}: set {' and '.join(self.fields)}"


_OPEN, _OR, _CLOSE = "\x02", "\x1f", "\x03"
"""Around a figure's two forms in a text (``or_briefly``); never in what a review prints."""
_FORMS = re.compile(f"{_OPEN}([^{_OPEN}{_OR}{_CLOSE}]*){_OR}([^{_OPEN}{_OR}{_CLOSE}]*){_CLOSE}")


def or_briefly(exact: str, brief: str) -> str:
    """``exact`` (a figure and its working) with the words the opening screen says instead,
    where the figure rests on values the manifest marks inferred: the verdict as a condition
    on them, naming them, with no figure worked from them. The engine keeps each form of a
    text that holds some (``exact_form``, ``brief_form``)."""
    return f"{_OPEN}{exact}{_OR}{brief}{_CLOSE}"


def exact_form(text: str) -> str:
    """``text`` as --full, HTML and JSON print it: every figure in its exact form."""
    return _FORMS.sub(lambda m: m.group(1), text)


def brief_form(text: str) -> str:
    """``text`` as the opening screen prints it: the brief form where one is given."""
    return _FORMS.sub(lambda m: m.group(2), text)


def field_of(system: System, node: Node | None, dotted: str) -> str:
    """The manifest path of ``dotted`` below ``node``, as the review names fields elsewhere."""
    if node is None or not node.path:
        return dotted
    return system.label((*node.path, *dotted.split(".")))


def component_field(system: System, ident: str, dotted: str) -> str | None:
    """The field ``dotted`` of the component ``ident``, or None for a name that is not one."""
    comp = system.components.get(ident)
    return field_of(system, comp, dotted) if isinstance(comp, Node) else None


def note(assumed: Iterable[Assumed], *, brief: bool = False) -> str:
    """' (assumed ...: set ...; ...)' for the distinct figures, or '' when there are none;
    ``brief``, as the opening screen names them (``Assumed.said``)."""
    chosen = [a for a in assumed if a.said] if brief else list(assumed)
    texts = [f"assumed {a.said}: set {' and '.join(a.fields)}" if brief else a.text for a in chosen]
    texts = list(dict.fromkeys(texts))
    return f" ({'; '.join(texts)})" if texts else ""


def sentence(assumed: Iterable[Assumed]) -> str:
    """' Rests on defaults: assumed ...: set ....' for the distinct figures, or ''."""
    texts = list(dict.fromkeys(a.text for a in assumed))
    return f" Rests on defaults: {'; '.join(texts)}." if texts else ""
