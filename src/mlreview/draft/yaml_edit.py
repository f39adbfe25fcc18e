"""Add a value to manifest text in place, keeping every other line and comment as it was."""

from __future__ import annotations

from typing import Any

from mlreview.draft.emit import INDENT, scalar
from mlreview.problems import InputError
from mlreview.system.yaml_source import Document, Path, read_yaml


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


def _last_line(doc: Document, prefix: Path) -> int:
    """The last line (1-based) holding a key or value at or below ``prefix``."""
    lines = [
        pos[0]
        for table in (doc.values, doc.keys)
        for p, pos in table.items()
        if p[: len(prefix)] == prefix
    ]
    return max(lines) if lines else 0


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) for x in lines[: line - 1]) + column - 1


def _closing_brace(text: str, start: int) -> int:
    """Index of the '}' closing the flow mapping that opens at ``start``."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced flow mapping")


def _nested_flow(keys: list[str], value: Any) -> str:
    inner = scalar(value)
    for key in reversed(keys[1:]):
        inner = f"{{{key}: {inner}}}"
    return f"{keys[0]}: {inner}"


def set_value(text: str, file: str, path: Path, value: Any, note: str) -> str:
    """``text`` with ``value`` set at the unknown ``path``; ``note`` is added as a comment."""
    doc = read_yaml(text, file)
    have = _existing(doc.data, path)
    if have == len(path):
        raise InputError.single(file, f"{doc.label(path)} is already set")
    parent, rest = path[:have], [str(p) for p in path[have:]]
    lines = text.splitlines(keepends=True)
    node: Any = doc.data
    for part in parent:
        node = node[part]
    if not isinstance(node, dict):
        line, column = doc.position(parent)
        raise InputError.single(
            file,
            f"{doc.label(parent)} is not a mapping; expected one to add {rest[0]}",
            line,
            column,
        )
    if parent:
        line, column = doc.values[parent]
        start = _offset(lines, line, column)
        if text[start] == "{":
            end = _closing_brace(text, start)
            sep = ", " if node else ""
            return text[:end] + sep + _nested_flow(rest, value) + text[end:]
    children = [doc.keys[(*parent, k)] for k in node if (*parent, k) in doc.keys]
    column = min(c for _, c in children) - 1 if children else len(parent) * len(INDENT)
    after = _last_line(doc, parent) if node else doc.keys.get(parent, (0, 0))[0]
    new = []
    for depth, key in enumerate(rest):
        pad = " " * (column + depth * len(INDENT))
        if depth == len(rest) - 1:
            new.append(f"{pad}{key}: {scalar(value)}  # {note}\n")
        else:
            new.append(f"{pad}{key}:\n")
    if after and not lines[after - 1].endswith("\n"):
        lines[after - 1] += "\n"
    return "".join(lines[:after] + new + lines[after:])
