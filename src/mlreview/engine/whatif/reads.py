"""Record which manifest fields a computation reads, the unknown ones apart.

While a ``ReadLog`` watches a manifest, every node temporarily wears a subclass of its own class
whose fields note each read (apart, those that come back as None), in the log
that is watching
(a context variable, so nested or concurrent watches stay apart). Nothing is copied and the
classes are restored on exit, so the review code runs unchanged and pays nothing when no log is
watching: a proxy or a copied tree would cost every plain review, and `isinstance` and
``model_copy`` keep working on the real nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from mlreview.system.manifest import Node
from mlreview.system.paths import Path

_ACTIVE: ContextVar[ReadLog | None] = ContextVar("mlreview_read_log", default=None)
_EPOCH = [0]
"""Counts ``unwatched`` blocks beginning and ending: after one, a watching log's reads may
grow again (``ReadLog.version`` counts the rest)."""
T = TypeVar("T")
S = TypeVar("S")

INDEX_AFTER = 2000
"""``ReadLog.touches`` questions asked while nothing changes before the log indexes its reads
by path, at the least (the questions' what-ifs ask hundreds of thousands; the plan's re-runs a
few thousand, fewer than building the index would be worth)."""


class _Noted:
    """A field of a watched node: reading it notes the read in the active log. A data
    descriptor on the noting subclass takes precedence over the instance's ``__dict__``, so
    only field reads run Python code (overriding ``__getattribute__`` ran it for every method
    and attribute lookup too, about a million calls on a 2,000-feature manifest)."""

    __slots__ = ("key", "name")

    def __init__(self, name: str, key: str) -> None:
        self.name = name
        self.key = key

    def __get__(self, node: Node | None, owner: type | None = None) -> Any:
        if node is None:
            raise AttributeError(self.name)
        value = node.__dict__[self.name]
        log = _ACTIVE.get()
        if log is not None:
            log.sinks[value is None].add((*node.__pydantic_private__["_path"], self.key))  # type: ignore[index]
        return value

    def __set__(self, node: Node, value: Any) -> None:
        node.__dict__[self.name] = value


class _Watched:
    """The noting subclass of each node class, built once per class (pydantic classes are
    costly to create)."""

    made: ClassVar[dict[type[Node], type[Node]]] = {}

    @classmethod
    def of(cls, model: type[Node]) -> type[Node]:
        sub = cls.made.get(model)
        if sub is None:
            namespace = {
                "__slots__": (),
                "__module__": model.__module__,
                "__qualname__": model.__qualname__,
            }
            metaclass: Any = type(model)
            sub = metaclass(model.__name__, (model,), namespace)
            # Set after the class is built: in its namespace pydantic would take them for fields.
            for name, field in model.model_fields.items():
                type.__setattr__(sub, name, _Noted(name, field.alias or name))
            cls.made[model] = sub
        return sub


@contextmanager
def unwatched() -> Iterator[None]:
    """Reads in this block are not noted, for lookups whose result changes no finding, score or
    question (the known pitfalls a finding's text cites)."""
    token = _ACTIVE.set(None)
    _EPOCH[0] += 1
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        _EPOCH[0] += 1


def note_derived(path: Path) -> None:
    """Note a read of something computed from the manifest (an assessment's row), named by a
    path no manifest field has ('@serving', an endpoint id), so that a what-if that changes it
    can say so as if it were a field."""
    log = _ACTIVE.get()
    if log is not None:
        log.sinks[0].add(path)


def derived_label(path: Path) -> str:
    """The label a derived value's own reads are filed under (``derived``)."""
    return "derived:" + "/".join(map(str, path))


def derived(path: Path, compute: Callable[[S], T], system: S) -> T:
    """``compute(system)``, a value worked out from a few manifest fields that many labels use
    (the system's stake, a scenario family in its words), its reads filed apart under
    ``derived_label(path)`` and only ``path`` (as ``note_derived``) under the current label. A
    what-if whose changes touch those reads works the value out again (``ReadLog.moved``) and
    counts ``path`` as changed only when the value differs: a decision's type that leaves its
    kind as it was moves nothing that read the kind, where every reader of an absent
    ``system.decision`` would otherwise be touched by any field set below it."""
    log = _ACTIVE.get()
    if log is None:
        return compute(system)
    with log.reading_as(derived_label(path)):
        value = compute(system)
    log.derived.setdefault(path, (compute, value))
    log.sinks[0].add(path)
    return value


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
    """Paths of the fields read, filed under the label of what was running: the unknown (None)
    ones, which questions are asked about, and apart from them the declared values (a node's
    field that holds a node is not noted: reading through it notes the field read below)."""

    def __init__(self) -> None:
        self.reads: dict[str, set[Path]] = {}
        self.known: dict[str, set[Path]] = {}
        self.derived: dict[Path, tuple[Callable[[Any], object], object]] = {}
        """Each derived value's path, with how it is worked out from a system and its value on
        the watched one (``derived``)."""
        self.sinks: tuple[set[Path], set[Path]] = (set(), set())
        """Where the current label's reads go: (declared values, unknowns), indexed by
        whether the value read is None (the watching lookup runs on every field read)."""
        self._label = ""
        self._changes = 0
        self._by_path: tuple[object, dict[Path, list[str]], dict[Path, list[str]]] | None = None
        self._asked: tuple[object, int] = ((), 0)
        self._counted: tuple[object, int] = ((), 0)
        """(``version``, ``touches`` questions asked since it was that)."""
        self._to("")

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever the reads may have grown since: the reads grow only while the log
        watches, and each label switch, watch and ``unwatched`` block counts."""
        return self._changes, _EPOCH[0]

    def _to(self, label: str) -> None:
        self._changes += 1
        self._label = label
        self.sinks = (self.known.setdefault(label, set()), self.reads.setdefault(label, set()))

    @contextmanager
    def reading_as(self, label: str) -> Iterator[None]:
        outer = self._label
        self._to(label)
        try:
            yield
        finally:
            self._to(outer)

    @contextmanager
    def watch(self, root: Node) -> Iterator[ReadLog]:
        """Record reads of None fields anywhere below ``root`` until the block ends."""
        watched = list(nodes(root))
        originals = [type(n) for n in watched]
        for node, cls in zip(watched, originals, strict=True):
            object.__setattr__(node, "__class__", _Watched.of(cls))
        token = _ACTIVE.set(self)
        self._changes += 1
        try:
            yield self
        finally:
            _ACTIVE.reset(token)
            self._changes += 1
            for node, cls in zip(watched, originals, strict=True):
                object.__setattr__(node, "__class__", cls)

    @contextmanager
    def within(self, label: str) -> Iterator[None]:
        """Note reads under ``label`` and, when the block ends, under the enclosing label too."""
        outer = self._label
        self._to(label)
        inner = self.sinks
        try:
            yield
        finally:
            self._to(outer)
            self.sinks[0].update(inner[0])
            self.sinks[1].update(inner[1])

    @property
    def watching(self) -> bool:
        """True while this log records reads (inside its ``watch``)."""
        return _ACTIVE.get() is self

    def moved(self, touched: Container[str], system: object) -> list[Path]:
        """The derived values (``derived``) that differ on ``system``, a what-if of the watched
        one: of those whose reads are among the ``touched`` labels, the ones that come out
        otherwise (values that cannot be compared count as changed)."""
        out = []
        for path, (compute, value) in self.derived.items():
            if derived_label(path) in touched and not _equal(compute(system), value):
                out.append(path)
        return out

    def labels_touching(self, changed: Changed) -> frozenset[str]:
        """Every label ``touches`` is True for, from the reads indexed by path (the index is
        rebuilt when the reads may have changed since)."""
        index = self._by_path
        if index is None or index[0] != self.version:
            known: dict[Path, list[str]] = {}
            unknown: dict[Path, list[str]] = {}
            for label, paths in self.known.items():
                for path in paths:
                    known.setdefault(path, []).append(label)
            for label, paths in self.reads.items():
                for path in paths:
                    unknown.setdefault(path, []).append(label)
            index = self._by_path = (self.version, known, unknown)
        _, known, unknown = index
        out: set[str] = set()
        for path in changed.paths:
            out.update(known.get(path, ()))
        for path in changed.above:
            out.update(unknown.get(path, ()))
        return frozenset(out)

    def _indexed(self, questions: int) -> bool:
        """Whether to answer from the index: the reads are not growing (the log is not
        watching) and, with these ``questions``, enough have been asked since they last may
        have grown."""
        if _ACTIVE.get() is self:
            return False
        version, asked = self._asked
        now = self.version
        asked = asked + questions if version == now else questions
        self._asked = (now, asked)
        return asked > INDEX_AFTER and asked > self._entries(now)

    def _entries(self, version: object) -> int:
        """How many reads the index would hold: it is built only once more questions than
        that have been asked (its cost grows with them; on 5,000 features the plan's few
        thousand questions would pay 0.5 s to index 660,000 reads)."""
        if self._counted[0] != version:
            total = sum(map(len, self.known.values())) + sum(map(len, self.reads.values()))
            self._counted = (version, total)
        return self._counted[1]

    def touches(self, label: str, paths: set[Path] | Changed) -> bool:
        """True when ``label`` read one of ``paths`` or an unknown node above one of them."""
        changed = paths if isinstance(paths, Changed) else Changed.of(paths)
        if self._indexed(1):
            return label in changed.touched(self)
        return self._reads_one(label, changed)

    def _reads_one(self, label: str, changed: Changed) -> bool:
        read = self.reads.get(label)
        known = self.known.get(label)
        return (known is not None and not known.isdisjoint(changed.paths)) or (
            read is not None and not read.isdisjoint(changed.above)
        )

    def touching(self, paths: Changed, questions: int = 100) -> Container[str]:
        """The labels ``touches`` is True for, as a container to ask with ``in``, for a caller
        about to ask about ``questions`` labels (a what-if's rules or scenarios): the index's
        set when it is used, else each label tested as ``touches`` would."""
        if self._indexed(questions):
            return paths.touched(self)
        return _Asking(self, paths)


def _equal(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class _Asking:
    """``label in`` it tests the label directly (``ReadLog.touching`` without the index)."""

    __slots__ = ("changed", "log")

    def __init__(self, log: ReadLog, changed: Changed) -> None:
        self.log = log
        self.changed = changed

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and self.log._reads_one(label, self.changed)


class Changed:
    """The paths a what-if sets and every path above them, worked out once for the many labels
    a what-if asks ``ReadLog.touches`` about (one per assessment, rule and scenario)."""

    __slots__ = ("_touched", "above", "paths")

    def __init__(self, paths: frozenset[Path], above: frozenset[Path]) -> None:
        self.paths = paths
        self.above = above
        self._touched: tuple[ReadLog, object, frozenset[str]] | None = None

    def touched(self, log: ReadLog) -> frozenset[str]:
        """``log.labels_touching(self)``, kept while the log's reads stay as they are."""
        known = self._touched
        if known is None or known[0] is not log or known[1] != log.version:
            known = self._touched = (log, log.version, log.labels_touching(self))
        return known[2]

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Changed:
        given = frozenset(paths)
        return cls(given, frozenset(p[:n] for p in given for n in range(1, len(p) + 1)))
