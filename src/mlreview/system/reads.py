"""Record which unknown manifest fields a computation reads.

While a ``ReadLog`` watches a manifest, every node temporarily wears a subclass of its own class
whose attribute lookup notes each field that comes back as None. Nothing is copied and the classes
are restored on exit, so the review code runs unchanged and pays nothing when no log is watching.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlreview.system.manifest import Node

Path = tuple[str | int, ...]

_WATCHING: list[ReadLog] = []
_WATCHED_CLASS: dict[type[Node], type[Node]] = {}


def _watched(cls: type[Node]) -> type[Node]:
    sub = _WATCHED_CLASS.get(cls)
    if sub is None:
        keys = {name: (field.alias or name) for name, field in cls.model_fields.items()}

        def __getattribute__(self: Node, name: str) -> Any:  # noqa: N807
            value = object.__getattribute__(self, name)
            if value is None and name in keys and _WATCHING:
                path = object.__getattribute__(self, "__pydantic_private__")["_path"]
                _WATCHING[-1].note((*path, keys[name]))
            return value

        namespace = {
            "__slots__": (),
            "__getattribute__": __getattribute__,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
        }
        metaclass: Any = type(cls)
        sub = metaclass(cls.__name__, (cls,), namespace)
        _WATCHED_CLASS[cls] = sub
    return sub


def nodes(node: Node) -> Iterator[Node]:
    """``node`` and every node below it."""
    yield node
    for name in type(node).model_fields:
        value = getattr(node, name)
        if isinstance(value, Node):
            yield from nodes(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    yield from nodes(item)


class ReadLog:
    """Paths of the unknown (None) fields read, filed under the label of what was running."""

    def __init__(self) -> None:
        self.reads: dict[str, set[Path]] = {}
        self._label = ""

    def note(self, path: Path) -> None:
        self.reads.setdefault(self._label, set()).add(path)

    @contextmanager
    def reading_as(self, label: str) -> Iterator[None]:
        outer, self._label = self._label, label
        try:
            yield
        finally:
            self._label = outer

    @contextmanager
    def watch(self, root: Node) -> Iterator[ReadLog]:
        """Record reads of None fields anywhere below ``root`` until the block ends."""
        watched = list(nodes(root))
        originals = [type(n) for n in watched]
        for node, cls in zip(watched, originals, strict=True):
            object.__setattr__(node, "__class__", _watched(cls))
        _WATCHING.append(self)
        try:
            yield self
        finally:
            _WATCHING.pop()
            for node, cls in zip(watched, originals, strict=True):
                object.__setattr__(node, "__class__", cls)

    def touches(self, label: str, paths: set[Path]) -> bool:
        """True when ``label`` read one of ``paths`` or an unknown node above one of them."""
        read = self.reads.get(label, set())
        return any(p[:n] in read for p in paths for n in range(1, len(p) + 1))
