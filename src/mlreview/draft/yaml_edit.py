"""Add values to manifest text in place, keeping every other line and comment as it was.

Where each new key goes comes from the YAML parser's own node marks: the end of a parent's last
entry, the closing bracket of a flow collection. The text is never scanned by hand, so a quoted
'}' or a folded scalar cannot mislead an edit. Each added value ends with a comment (``# note``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlreview.draft.emit import INDENT, scalar
from mlreview.problems import InputError
from mlreview.system.yaml_source import Document, Path, read_yaml

Notes = Mapping[Path, str]
"""Comments for an added value, by path relative to it (``()`` for a scalar value itself)."""


@dataclass(frozen=True)
class Change:
    """Set ``value`` at ``path``, whose last parts do not exist yet.

    A path that reaches into a list with an index past its end appends ``value`` as an item."""

    path: Path
    value: Any
    notes: Notes = field(default_factory=dict)


def set_value(text: str, file: str, path: Path, value: Any, note: str) -> str:
    """``text`` with ``value`` set at the unknown ``path``; ``note`` is added as a comment."""
    return apply(text, file, [Change(path, value, {(): note})])


def apply(text: str, file: str, changes: Sequence[Change]) -> str:
    """``text`` with every change made, in one pass over one parse of the text."""
    if not changes:
        return text
    doc = read_yaml(text, file)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None  # read_yaml refuses an empty document
    groups: dict[Path, _Group] = {}
    for change in changes:
        have = _existing(doc.data, change.path)
        if have == len(change.path):
            raise InputError.single(file, f"{doc.label(change.path)} is already set")
        parent = change.path[:have]
        node, in_flow = _node_at(root, parent)
        group = groups.setdefault(parent, _Group(parent, node, in_flow))
        group.add(change.path[have:], change, doc, file)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = [edit for group in groups.values() for edit in group.edits(text, lines, newline)]
    # From the end of the text back, so earlier offsets stay valid. At one offset the shallower
    # parent's lines go in first, so a deeper parent's, inserted after, land above them.
    edits.sort(key=lambda e: (-e.start, e.depth))
    out = text
    for edit in edits:
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out


@dataclass(frozen=True)
class _Edit:
    """Replace text[start:end] with ``text``; ``depth`` orders insertions at one offset."""

    start: int
    end: int
    text: str
    depth: int


def _existing(data: Any, path: Path) -> int:
    """How many leading parts of ``path`` already exist in ``data``."""
    node: Any = data
    for depth, part in enumerate(path):
        if isinstance(node, dict):
            found = isinstance(part, str) and part in node
        else:
            found = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not found:
            return depth
        node = node[part]
    return len(path)


def _node_at(root: yaml.Node, path: Path) -> tuple[yaml.Node, bool]:
    """The node at ``path`` and whether it sits inside a flow collection."""
    node, in_flow = root, False
    for part in path:
        in_flow = in_flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == part)
        else:
            assert isinstance(node, yaml.SequenceNode) and isinstance(part, int)
            node = node.value[part]
    return node, in_flow


def _last_line(node: yaml.Node) -> int:
    """0-based index of the last line holding ``node``'s text."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        items = node.value
        if items:
            last = items[-1]
            return _last_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:
        return int(end.line) - 1  # a block scalar ends at the start of the next line
    return int(end.line)


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) for x in lines[:line]) + column


def _line_start(lines: list[str], line: int) -> int:
    return sum(len(x) for x in lines[:line])


def _is_empty(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag.endswith(":null")
    return not node.value


@dataclass
class _Group:
    """All changes under one existing parent: a tree of new keys, or new list items."""

    parent: Path
    node: yaml.Node
    in_flow: bool
    tree: dict[str, Any] = field(default_factory=dict)
    items: list[tuple[int, Change]] = field(default_factory=list)

    def add(self, rest: Path, change: Change, doc: Document, file: str) -> None:
        wants_list = isinstance(rest[0], int)
        if isinstance(self.node, yaml.MappingNode) or (_is_empty(self.node) and not wants_list):
            if wants_list or not all(isinstance(p, str) for p in rest):
                raise _not_a(doc, file, self.parent, "list")
            nested = self.tree
            for part in rest[:-1]:
                nested = nested.setdefault(str(part), {})
            nested[str(rest[-1])] = change
            return
        if isinstance(self.node, yaml.SequenceNode) or _is_empty(self.node):
            if not wants_list or len(rest) != 1:
                raise _not_a(doc, file, self.parent, "mapping")
            self.items.append((int(rest[0]), change))
            return
        raise _not_a(doc, file, self.parent, "mapping")

    def edits(self, text: str, lines: list[str], newline: str) -> list[_Edit]:
        node = self.node
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and (
            self.in_flow or (node.flow_style and node.value)
        ):
            return self._flow_edits(lines)
        if _is_empty(node):
            return self._fill_empty(text, lines, newline)
        assert isinstance(node, yaml.MappingNode | yaml.SequenceNode)
        after = _last_line(node) + 1
        if isinstance(node, yaml.MappingNode):
            block = _block_mapping(self.tree, int(node.value[0][0].start_mark.column))
        else:
            block = _block_items(self._ordered(), int(node.start_mark.column))
        return [self._insert(lines, after, block, newline)]

    def _insert(self, lines: list[str], at: int, block: list[str], newline: str) -> _Edit:
        """Put ``block`` before line ``at`` (0-based), ending the line above if it has no end."""
        offset = _line_start(lines, at)
        inserted = "".join(line + newline for line in block)
        if at > 0 and at == len(lines) and not lines[-1].endswith(("\n", "\r")):
            inserted = newline + inserted
        return _Edit(offset, offset, inserted, len(self.parent))

    def _ordered(self) -> list[Change]:
        return [change for _, change in sorted(self.items, key=lambda item: item[0])]

    def _fill_empty(self, text: str, lines: list[str], newline: str) -> list[_Edit]:
        """A parent written as null, ``{}`` or ``[]``: its children go on lines of their own."""
        node = self.node
        key_line = int(node.start_mark.line)
        if self.parent:
            column = len(lines[key_line]) - len(lines[key_line].lstrip(" ")) + len(INDENT)
        else:
            column = 0
        block = (
            _block_mapping(self.tree, column)
            if self.tree
            else _block_items(self._ordered(), column)
        )
        start = _offset(lines, key_line, int(node.start_mark.column))
        end = _offset(lines, int(node.end_mark.line), int(node.end_mark.column))
        while start > 0 and text[start - 1] == " ":
            start -= 1  # the '{}', '[]' or 'null' goes with the spaces before it
        cut = _Edit(start, end, "", len(self.parent))
        return [cut, self._insert(lines, int(node.end_mark.line) + 1, block, newline)]

    def _flow_edits(self, lines: list[str]) -> list[_Edit]:
        node = self.node
        close = _offset(lines, int(node.end_mark.line), int(node.end_mark.column)) - 1
        inner = (
            [f"{key}: {_flow(value)}" for key, value in self.tree.items()]
            if isinstance(node, yaml.MappingNode)
            else [_flow(change) for change in self._ordered()]
        )
        depth = len(self.parent)
        sep = ", " if node.value else ""
        edits = [_Edit(close, close, sep + ", ".join(inner), depth)]
        notes = [note for change in self._changes() for note in change.notes.values()]
        line = int(node.end_mark.line)
        rest = lines[line][int(node.end_mark.column) :].rstrip("\r\n")
        if notes and "#" not in rest:
            end_of_line = _offset(lines, line, len(lines[line].rstrip("\r\n")))
            comment = "  # " + "; ".join(dict.fromkeys(_one_line(n) for n in notes))
            edits.append(_Edit(end_of_line, end_of_line, comment, depth))
        return edits

    def _changes(self) -> list[Change]:
        found: list[Change] = [change for _, change in self.items]

        def visit(tree: dict[str, Any]) -> None:
            for value in tree.values():
                if isinstance(value, Change):
                    found.append(value)
                else:
                    visit(value)

        visit(self.tree)
        return found


def _not_a(doc: Document, file: str, path: Path, kind: str) -> InputError:
    line, column = doc.position(path)
    return InputError.single(
        file, f"{doc.label(path)} is not a {kind}; expected one to add to", line, column
    )


def _one_line(note: str) -> str:
    return " ".join(note.split())


def _comment(notes: Notes, rel: Path) -> str:
    note = notes.get(rel)
    return f"  # {_one_line(note)}" if note else ""


def _flow(value: Any) -> str:
    if isinstance(value, Change):
        return _flow(value.value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _block_mapping(tree: dict[str, Any], column: int) -> list[str]:
    """Lines for new keys (a tree whose leaves are changes) at ``column``."""
    out: list[str] = []
    for key, value in tree.items():
        if isinstance(value, Change):
            out.extend(_value_lines(key, value.value, value.notes, (), column))
        else:
            out.append(f"{' ' * column}{key}:")
            out.extend(_block_mapping(value, column + len(INDENT)))
    return out


def _value_lines(key: str, value: Any, notes: Notes, rel: Path, column: int) -> list[str]:
    pad = " " * column
    if isinstance(value, dict) and value:
        out = [f"{pad}{key}:{_comment(notes, rel)}"]
        for name, child in value.items():
            out.extend(_value_lines(name, child, notes, (*rel, name), column + len(INDENT)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = [f"{pad}{key}:{_comment(notes, rel)}"]
        for i, item in enumerate(value):
            out.extend(_item_lines(item, notes, (*rel, i), column + len(INDENT)))
        return out
    return [f"{pad}{key}: {_flow(value)}{_comment(notes, rel)}"]


def _item_lines(item: Any, notes: Notes, rel: Path, dash: int) -> list[str]:
    """One list item: its first key on the dash line, the rest indented under it."""
    if not isinstance(item, dict) or not item:
        return [f"{' ' * dash}- {_flow(item)}{_comment(notes, rel)}"]
    lines: list[str] = []
    for name, child in item.items():
        lines.extend(_value_lines(name, child, notes, (*rel, name), dash + len(INDENT)))
    first = lines[0][dash + len(INDENT) :]
    return [f"{' ' * dash}- {first}", *lines[1:]]


def _block_items(changes: list[Change], dash: int) -> list[str]:
    return [
        line for change in changes for line in _item_lines(change.value, change.notes, (), dash)
    ]
