"""Safe YAML reading that remembers where every key and value came from.

Only plain data is built: mappings, sequences, strings, numbers, booleans and null. Explicit
tags, duplicate keys and alias expansion beyond a fixed budget are errors, so a hostile file
cannot run code or exhaust memory. Booleans follow YAML 1.2 (``true``/``false`` only), so ``NO``
stays a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlreview.system.problems import InputError, Problem

Path = tuple[str | int, ...]

MAX_EXPANDED_NODES = 200_000
_STANDARD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and timestamps left as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in {f"{_STANDARD}bool", f"{_STANDARD}timestamp"}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    f"{_STANDARD}bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Document:
    """Plain data from one YAML file plus the 1-based (line, column) of each path."""

    file: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

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
        out = ""
        node: Any = self.data
        for part in path:
            child = None
            if isinstance(node, dict):
                child = node.get(part) if isinstance(part, str) else None
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                child = node[part]
            if isinstance(part, int):
                ident = child.get("id") if isinstance(child, dict) else None
                out += f"[{ident}]" if isinstance(ident, str) else f"[{part}]"
            else:
                out += f".{part}" if out else str(part)
            node = child
        return out or "top level"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, file: str, loader: _Loader) -> None:
        self.file = file
        self.loader = loader
        self.doc = Document(file, None)
        self.expanded = 0
        self.problems: list[Problem] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.file, line, col, message))

    def build(self, node: yaml.Node, path: Path, active: frozenset[int]) -> Any:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            line, col = _mark(node)
            raise InputError.single(
                self.file,
                f"aliases expand to more than {MAX_EXPANDED_NODES} nodes; "
                "expected a manifest without alias bombs",
                line,
                col,
            )
        self.doc.values.setdefault(path, _mark(node))
        if node.tag not in _ALLOWED_TAGS:
            self.fail(node, f"tag {node.tag!r} is not allowed; expected plain YAML data")
            return None
        if id(node) in active:
            self.fail(node, "recursive alias; expected a tree, not a cycle")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, active | {id(node)})
        if isinstance(node, yaml.SequenceNode):
            inner = active | {id(node)}
            return [self.build(item, (*path, i), inner) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(
        self, node: yaml.MappingNode, path: Path, active: frozenset[int]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_STANDARD}merge":
                self.fail(key_node, "merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                self.fail(key_node, "mapping key must be a plain scalar")
                continue
            key = str(self.loader.construct_object(key_node))
            if key in out:
                first = self.doc.keys[(*path, key)]
                self.fail(key_node, f"duplicate key {key!r} (first at line {first[0]})")
                continue
            self.doc.keys[(*path, key)] = _mark(key_node)
            out[key] = self.build(value_node, (*path, key), active)
        return out


def read_yaml(text: str, file: str) -> Document:
    """Parse one YAML document into plain data with positions; raise InputError on any problem."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "malformed YAML"
        raise InputError.single(file, f"malformed YAML: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError.single(file, f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()
    if root is None:
        raise InputError.single(file, "file is empty; expected a YAML mapping")
    builder = _Builder(file, loader)
    builder.doc.data = builder.build(root, (), frozenset())
    if builder.problems:
        raise InputError(builder.problems)
    return builder.doc
