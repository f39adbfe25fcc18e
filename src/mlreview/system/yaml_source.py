"""Safe YAML reading that remembers where every key and value came from.

Only plain data is built: mappings, sequences, strings, numbers, booleans and null. Explicit
tags, duplicate keys and alias expansion beyond a fixed budget are errors, so a hostile file
cannot run code or exhaust memory. Booleans follow YAML 1.2 (``true``/``false`` only), so ``NO``
stays a string.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlreview.problems import InputError, Problem
from mlreview.system.marks import marks_guess

Path = tuple[str | int, ...]

MAX_EXPANDED_NODES = 200_000
"""Nodes that aliases may add by expansion, so an alias bomb costs neither memory nor CPU."""
MAX_NODES = 1_000_000
"""Scalars, mappings and sequences written in the file (measured: benchmarks/yaml_memory.py)."""
MAX_INT_DIGITS = 4300  # Python's own limit for reading an int from text
_STANDARD = "tag:yaml.org,2002:"
_STR = f"{_STANDARD}str"
_ALLOWED_TAGS = {f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}


_INT, _FLOAT = f"{_STANDARD}int", f"{_STANDARD}float"
_BOOL, _NULL = f"{_STANDARD}bool", f"{_STANDARD}null"
_DROPPED = {f"{_STANDARD}{t}" for t in ("bool", "int", "float", "timestamp")}
_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.2 core schema: no sexagesimal 1:30, no 1_000, '1e5' is a float, '017' is decimal.
_YAML12 = [
    ("tTfF", f"{_STANDARD}bool", r"true|True|TRUE|false|False|FALSE"),
    ("-+0123456789", _INT, r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    (
        "-+.0123456789",
        _FLOAT,
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    ),
]
for _firsts, _tag, _pattern in _YAML12:
    for _first in _firsts:
        _RESOLVERS.setdefault(_first, []).append((_tag, re.compile(f"^(?:{_pattern})$")))
_NON_FINITE = re.compile(r"^[-+]?\.(?:inf|nan)$", re.IGNORECASE)


def _number(tag: str, text: str) -> int | float:
    """An int or float in YAML 1.2 core syntax; ValueError saying what is wrong otherwise."""
    if tag == _INT:
        body = text.lstrip("+-")
        if len(body) > MAX_INT_DIGITS:
            raise ValueError(
                f"an integer of {len(body)} digits; expected at most {MAX_INT_DIGITS} digits"
            )
        sign = -1 if text.startswith("-") else 1
        try:
            if body[:2] in ("0o", "0x"):
                return sign * int(body[2:], 8 if body[1] == "o" else 16)
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not an integer; expected digits") from None
    if _NON_FINITE.match(text):
        return float(text.replace(".", "", 1))
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number; expected digits") from None
    if math.isinf(number):
        raise ValueError(f"{text} is beyond the largest number a float holds (about 1.8e308)")
    return number


class _PureLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and numbers, and timestamps left as strings."""

    yaml_implicit_resolvers = _RESOLVERS


SAFE_LOADER: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
"""PyYAML's safe loader, libyaml's when PyYAML was built with it: it parses the same event stream
several times faster, with byte offsets in its marks and its own error messages."""

_Loader: Any = _PureLoader
if SAFE_LOADER is not yaml.SafeLoader:

    class _CLoader(SAFE_LOADER):  # type: ignore[misc]
        yaml_implicit_resolvers = _RESOLVERS

    _Loader = _CLoader


_SHOWN_ID = re.compile(r"^[\w.:-]{1,120}$", re.ASCII)
"""An id a label can show as it is: one line, no brackets or control characters."""


def plain_scalar(text: str) -> Any:
    """What ``text`` written as a plain scalar reads back as: str, int, float, bool or None
    (None too when it cannot be read)."""
    try:
        return read_yaml(f"- {text}\n", "<scalar>").data[0]
    except InputError:
        return None


@dataclass
class Document:
    """Plain data from one YAML file plus the 1-based (line, column) of each path."""

    file: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    """The comment after the last value on a line, by 1-based line, without its '#'."""
    marked_lines: frozenset[int] = frozenset()
    """Lines whose comment marks their values as a guess (``system.marks``)."""
    _labels: dict[Path, str] = field(default_factory=dict, repr=False)

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        probe = path
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def label(self, path: Path) -> str:
        """'features[txn_count].serving' for a path, naming list items by id where they have one."""
        if path not in self._labels:
            self._labels[path] = self._label(path)
        return self._labels[path]

    def _label(self, path: Path) -> str:
        out = ""
        node: Any = self.data
        for part in path:
            child = None
            if isinstance(node, dict):
                child = node.get(part) if isinstance(part, str) else None
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                child = node[part]
            if isinstance(part, int):
                ident = None
                if isinstance(child, dict):
                    ident = child.get("id") or child.get("target") or child.get("rule")
                shown = isinstance(ident, str) and _SHOWN_ID.match(ident)
                out += f"[{ident}]" if shown else f"[{part}]"
            else:
                out += f".{part}" if out else str(part)
            node = child
        return out or "top level"


Position = tuple[int, int]


def _pos(mark: Any) -> Position:
    """1-based (line, column) of a PyYAML mark."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


@dataclass
class _Open:
    """A mapping or sequence being built, with what the stream still owes it."""

    value: dict[str, Any] | list[Any]
    path: Path
    size: int = 1
    anchor: str | None = None
    key: str | None = None
    key_pos: tuple[int, int] | None = None
    skip_value: bool = False
    skipped: bool = False
    """Inside a value already refused (a duplicate key's): built, never recorded or checked."""


class _Builder:
    """Builds plain data from parser events with an explicit stack: no recursion, bounded."""

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.doc = Document(file, None)
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.expanded = 0
        self.stack: list[_Open] = []
        self.ends: dict[int, int] = {}
        """0-based line -> 0-based column where the last scalar on it ends."""
        self.resolved: dict[tuple[str, Any], str] = {}
        """The tag the loader resolves each plain scalar's text to (a pure function of it:
        safe loaders have no path resolvers), looked up once per distinct text."""
        self.constants: dict[str, bool | None] = {}
        """What the loader makes of each text resolved as a boolean or null."""

    def fail(self, at: Position, message: str) -> None:
        self.problems.append(Problem(self.file, at[0], at[1], message))

    def _tag_ok(self, tag: str | None, at: Position) -> bool:
        if tag is None or tag == "!" or tag in _ALLOWED_TAGS:
            return True
        self.fail(at, f"tag {tag!r} is not allowed; expected plain YAML data")
        return False

    def _count(self, at: Position) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError.single(
                self.file,
                f"more than {MAX_NODES:,} values; expected a manifest (see docs/bad-input.md)",
                *at,
            )

    def _expand(self, size: int, at: Position) -> None:
        self.expanded += size
        if self.expanded > MAX_EXPANDED_NODES:
            raise InputError.single(
                self.file,
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes; "
                "expected a manifest without alias bombs",
                *at,
            )

    def _record(self, path: Path | None, at: Position) -> None:
        """Remember where the value at ``path`` starts (not inside a refused value)."""
        if path is not None and not (self.stack and self._refused()):
            self.doc.values.setdefault(path, at)

    def _refused(self) -> bool:
        top = self.stack[-1]
        return top.skipped or (isinstance(top.value, dict) and top.skip_value)

    def _child_path(self, at: Position) -> Path | None:
        """Path of the next value, or None when it is a key (or must be skipped)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        if top.key is None:
            return None
        return (*top.path, top.key)

    def _attach(self, value: Any, size: int, at: Position) -> None:
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key is None:
            self._take_key(value, at)
            return
        if not top.skip_value:
            top.value[top.key] = value
        top.key, top.key_pos, top.skip_value = None, None, False

    def _take_key(self, value: Any, at: Position) -> None:
        top = self.stack[-1]
        assert isinstance(top.value, dict)
        if isinstance(value, (dict, list)):
            self.fail(at, "mapping key must be a plain scalar")
            top.key, top.skip_value = "", True
            return
        key = str(value)
        top.key, top.key_pos = key, at
        if top.skipped:
            return
        path = (*top.path, key)
        if key in top.value or path in self.doc.keys:
            first = self.doc.keys[path]
            self.fail(at, f"duplicate key {key!r} (first at line {first[0]})")
            top.skip_value = True
            return
        self.doc.keys[path] = at

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        resolver: Any = self.loader
        if tag is None or tag == "!":
            tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag in (_INT, _FLOAT):
            return _number(tag, event.value)
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        return self.loader.construct_object(node, deep=True)

    def _note_end(self, end: Any) -> None:
        if end is not None and end.column > self.ends.get(end.line, -1):
            self.ends[end.line] = end.column

    def _plain_scalar(self, event: yaml.ScalarEvent) -> bool:
        """``feed`` for the commonest event: an untagged scalar that is not a merge key, inside
        a mapping or sequence that is not refused, read with the same steps as the general
        path but without its repeated lookups (a manifest is mostly such events: one Python
        call each is most of the time the reading takes). False, having done nothing, for
        every other case."""
        stack = self.stack
        if not stack or event.tag is not None or event.anchor is not None:
            return False
        top = stack[-1]
        if top.skipped or top.skip_value:
            return False
        text = event.value
        container = top.value
        is_map = type(container) is dict
        if is_map and top.key is None and text == "<<":
            return False
        implicit = event.implicit
        tag = self.resolved.get((text, implicit))
        if tag is None:
            tag = self.loader.resolve(yaml.ScalarNode, text, implicit)
            self.resolved[text, implicit] = tag
        if tag == _STR:
            value: Any = text
        elif tag in (_INT, _FLOAT):
            try:
                value = _number(tag, text)
            except ValueError:
                return False
        elif tag in (_BOOL, _NULL):
            if text not in self.constants:
                node = yaml.ScalarNode(tag, text, style=event.style)
                self.constants[text] = self.loader.construct_object(node, deep=True)
            value = self.constants[text]
        else:
            return False
        mark = event.start_mark
        if mark is None:
            return False
        at = (mark.line + 1, mark.column + 1)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.nodes -= 1
            return False
        end = event.end_mark
        ends = self.ends
        if end is not None and end.column > ends.get(end.line, -1):
            ends[end.line] = end.column
        top.size += 1
        if isinstance(container, list):
            self.doc.values.setdefault((*top.path, len(container)), at)
            container.append(value)
        elif top.key is None:
            self._take_key(value, at)
        else:
            self.doc.values.setdefault((*top.path, top.key), at)
            container[top.key] = value
            top.key, top.key_pos, top.skip_value = None, None, False
        return True

    def feed(self, event: yaml.Event) -> None:
        at = _pos(event.start_mark)
        is_key = bool(self.stack) and isinstance(self.stack[-1].value, dict)
        is_key = is_key and self.stack[-1].key is None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                opened = any(o.anchor == event.anchor for o in self.stack)
                why = (
                    "recursive alias; expected a tree, not a cycle"
                    if opened
                    else (f"unknown alias {event.anchor!r}")
                )
                self.fail(at, why)
                self._attach(None, 1, at)
                return
            value, size = self.anchors[event.anchor]
            self._expand(size, at)
            self._record(self._child_path(at), at)
            self._attach(value, size, at)
        elif isinstance(event, yaml.ScalarEvent):
            self._count(at)
            self._note_end(event.end_mark)
            ok = self._tag_ok(event.tag, at)
            if is_key and event.tag is None and event.value == "<<" and event.implicit[0]:
                self.fail(at, "merge keys ('<<') are not supported; write the keys out")
                self._attach("<<", 1, at)
                self.stack[-1].skip_value = True
                return
            value = None
            if ok:
                try:
                    value = self._scalar(event)
                except ValueError as exc:
                    owner = None if is_key else self._child_path(at)
                    self.fail(at, f"{self.doc._label(owner)}: {exc}" if owner else str(exc))
            self._record(None if is_key else self._child_path(at), at)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._attach(value, 1, at)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._count(at)
            if len(self.stack) >= MAX_DEPTH:
                raise InputError.single(
                    self.file,
                    f"nesting deeper than {MAX_DEPTH} levels; expected a manifest",
                    *at,
                )
            self._tag_ok(event.tag, at)
            refused = bool(self.stack) and self._refused()
            if is_key:
                where: Path = (*self.stack[-1].path, "<key>")
            else:
                where = self._child_path(at) or ()
                self._record(where, at)
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            self.stack.append(_Open(container, where, anchor=event.anchor, skipped=refused))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = self.stack.pop()
            if done.anchor:
                self.anchors[done.anchor] = (done.value, done.size)
            self._attach(done.value, done.size, at)


MAX_DEPTH = 64


def _reader_problem(
    exc: yaml.reader.ReaderError, text: str, file: str, *, bytes_offset: bool
) -> InputError:
    offset = exc.position
    if bytes_offset:
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return InputError.single(
        file,
        f"character #x{exc.character:04x} is not allowed in YAML; expected printable text",
        line,
        column,
    )


def read_yaml(text: str, file: str, *, pure: bool = False) -> Document:
    """Parse one YAML document into plain data with positions; raise InputError on any problem.

    ``pure`` forces the pure-Python parser (tests compare it with libyaml's).
    """
    cls: Any = _PureLoader if pure else _Loader
    in_bytes = cls is not _PureLoader
    try:
        loader = cls(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(exc, text, file, bytes_offset=in_bytes) from None
    builder = _Builder(file, loader)
    documents = 0
    try:
        events: Any = loader
        plain, scalar = builder._plain_scalar, yaml.ScalarEvent
        while events.check_event():
            event = events.get_event()
            if type(event) is scalar and plain(event):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InputError.single(
                        file,
                        "a second YAML document; expected one manifest per file",
                        *_pos(event.start_mark),
                    )
            builder.feed(event)
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(exc, text, file, bytes_offset=in_bytes) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark)
        what = exc.problem or exc.context or "malformed YAML"
        raise InputError.single(file, f"malformed YAML: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError.single(file, f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()
    if builder.problems:
        raise InputError(builder.problems)
    if documents == 0:
        raise InputError.single(file, "file is empty; expected a YAML mapping")
    builder.doc.values.setdefault((), (1, 1))
    builder.doc.comments = _trailing_comments(text, builder.ends)
    builder.doc.marked_lines = frozenset(
        line for line, comment in builder.doc.comments.items() if marks_guess(comment)
    )
    return builder.doc


_AFTER_VALUE = re.compile(r"[\s:,\]}]*#(.*)")
"""What may follow a line's last scalar before its comment: flow closers, commas, a key's colon."""


def _trailing_comments(text: str, ends: dict[int, int]) -> dict[int, str]:
    """The comment after the last scalar of each line that has one, by 1-based line."""
    lines = text.splitlines()
    out: dict[int, str] = {}
    for line, column in ends.items():
        if line < len(lines):
            found = _AFTER_VALUE.match(lines[line], column)
            if found:
                out[line + 1] = found.group(1).strip()
    return dict(sorted(out.items()))
