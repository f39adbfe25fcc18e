"""The same system with a few unknown manifest fields given values (for what-if reviews)."""

from __future__ import annotations

from typing import Any

from mlreview.system.manifest import Manifest, Node
from mlreview.system.reads import Path
from mlreview.system.system import System
from mlreview.system.type_walk import is_model, keys_of, strip


def buildable(model: type[Node]) -> bool:
    """True when an absent node of this type can be created with every field unknown."""
    return all(not f.is_required() for f in model.model_fields.values())


def _set(node: Node, rest: Path, value: Any) -> Node:
    key = rest[0]
    assert isinstance(key, str)
    name = keys_of(type(node))[key]
    if len(rest) == 1:
        return node.model_copy(update={name: value})
    child = getattr(node, name)
    if isinstance(rest[1], int):
        items = list(child)
        items[rest[1]] = _set(items[rest[1]], rest[2:], value)
        return node.model_copy(update={name: items})
    if child is None:
        child_type = strip(type(node).model_fields[name].annotation)
        assert is_model(child_type)
        child = child_type()
        child._path = (*node.path, key)
    return node.model_copy(update={name: _set(child, rest[1:], value)})


def with_values(system: System, values: dict[Path, Any]) -> System:
    """``system`` with each manifest path set to its value; line positions stay the original's."""
    manifest: Node = system.manifest
    for path, value in values.items():
        manifest = _set(manifest, path, value)
    assert isinstance(manifest, Manifest)
    return system.with_manifest(manifest)
