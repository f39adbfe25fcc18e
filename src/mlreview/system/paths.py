"""Manifest paths: the one place that walks from a model or a node along manifest keys.

A path is a tuple of manifest keys and list indices (``("endpoints", 0, "slo", "p99_ms")``); a
dotted path (``"slo.p99_ms"``) names keys below a node. Keys are the manifest's spellings
(aliases such as ``schema``), attributes the Python names."""

from __future__ import annotations

import types
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from mlreview.system.manifest.base import Node

Path = tuple[str | int, ...]


def strip(tp: Any) -> Any:
    """Remove Annotated wrappers and the None member of optional types."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return strip(members[0])
    return tp


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def list_item_model(tp: Any) -> type[BaseModel] | None:
    """The model of a list's items, when ``tp`` is a list of models."""
    tp = strip(tp)
    if get_origin(tp) is list:
        item = strip(get_args(tp)[0])
        if is_model(item):
            return item  # type: ignore[no-any-return]
    return None


@cache
def keys_of(model: type[BaseModel]) -> Mapping[str, str]:
    """Manifest key (alias or name) -> attribute name (built once per class: every probe of a
    rule asks)."""
    return MappingProxyType({(f.alias or name): name for name, f in model.model_fields.items()})


def attribute(model: type[BaseModel], key: str) -> str | None:
    """The attribute a manifest key names on ``model``, or None."""
    return keys_of(model).get(key)


def walk(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Path, Any, Any]:
    """Follow ``loc`` from ``root``; return (manifest path, type there, enclosing model).

    Parts of ``loc`` that name a member of a union (pydantic adds them) are dropped.
    """
    tp: Any = root
    parent: Any = root
    path: list[str | int] = []
    key: Any = None
    for part in loc:
        tp = strip(tp)
        if part == "[key]" and key is not None:
            # pydantic's marker for a mapping's key (not its value) that failed.
            tp, key = key, None
        elif is_model(tp):
            keys = keys_of(tp)
            parent = tp
            path.append(part)
            tp = tp.model_fields[keys[part]].annotation if part in keys else None
        elif get_origin(tp) is list and isinstance(part, int):
            path.append(part)
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict and isinstance(part, str):
            path.append(part)
            key, tp = get_args(tp)
    return tuple(path), tp, parent


def field_at(root: type[BaseModel], dotted: str) -> tuple[type[BaseModel], str] | None:
    """(model holding the last key, its attribute) for a dotted path of keys below ``root``,
    stepping into nested models and list items; None when a key does not exist."""
    cls: Any = root
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        name = attribute(cls, part)
        if name is None:
            return None
        if i == len(parts) - 1:
            return cls, name
        tp = cls.model_fields[name].annotation
        cls = strip(tp) if is_model(strip(tp)) else list_item_model(tp)
        if cls is None:
            return None
    return None


_PARTS: dict[str, tuple[str, ...]] = {}
_NAMES: dict[tuple[type, str], str] = {}


def read(node: Any, dotted: str) -> tuple[Any, Any]:
    """(value at ``dotted`` below ``node`` or None, the last node reached on the way)."""
    # Every probe of every rule reads through here (11,000 reads in a review of 300 features):
    # a dotted path's keys and each class's attribute for a key are looked up once.
    parts = _PARTS.get(dotted)
    if parts is None:
        parts = _PARTS[dotted] = tuple(dotted.split("."))
    current, last = node, node
    for part in parts:
        if not isinstance(current, BaseModel):
            return None, last
        last = current
        cls = type(current)
        name = _NAMES.get((cls, part))
        if name is None:
            found = attribute(cls, part)
            name = _NAMES[cls, part] = found if found is not None else part
        current = getattr(current, name, None)
    return current, last


def with_value(node: Node, rest: Path, value: Any) -> Node:
    """A copy of ``node`` with the value at ``rest`` (keys and indices below it) replaced,
    creating absent nodes on the way with every field unknown; positions stay the original's."""
    key = rest[0]
    assert isinstance(key, str)
    name = keys_of(type(node))[key]
    if len(rest) == 1:
        return node.model_copy(update={name: value})
    child = getattr(node, name)
    if isinstance(rest[1], int):
        items = list(child)
        items[rest[1]] = with_value(items[rest[1]], rest[2:], value)
        return node.model_copy(update={name: items})
    if child is None:
        child_type = strip(type(node).model_fields[name].annotation)
        assert is_model(child_type)
        child = child_type()
        child._path = (*node.path, key)
    return node.model_copy(update={name: with_value(child, rest[1:], value)})


def fields_along(root: Node, path: Path) -> list[tuple[type[Node], Node | None, str]] | None:
    """For each key of a full manifest path (indices included): the model declaring it, that
    model's instance on the way (None where the manifest has nothing yet) and the attribute.
    None when a key is not in the schema or a step is not a model."""
    node: Any = root
    cls: Any = type(root)
    out: list[tuple[type[Node], Node | None, str]] = []
    for i, part in enumerate(path):
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if cls is None:
            return None
        name = attribute(cls, part)
        if name is None:
            return None
        out.append((cls, node, name))
        if i == len(path) - 1:
            break
        tp = cls.model_fields[name].annotation
        node = getattr(node, name) if node is not None else None
        cls = strip(tp) if is_model(strip(tp)) else list_item_model(tp)
    return out if out and isinstance(path[-1], str) else None


@cache
def declared_at(root: type[Node], path: Path) -> tuple[type[Node], str] | None:
    """The model declaring a full manifest path's last key and its attribute: the last step of
    ``fields_along`` for any instance of ``root``, which the schema alone decides (kept per
    path: every assumed finding of every what-if review asks)."""
    cls: Any = root
    last: tuple[type[Node], str] | None = None
    for i, part in enumerate(path):
        if isinstance(part, int):
            continue
        if cls is None:
            return None
        name = attribute(cls, part)
        if name is None:
            return None
        last = (cls, name)
        if i == len(path) - 1:
            break
        tp = cls.model_fields[name].annotation
        cls = strip(tp) if is_model(strip(tp)) else list_item_model(tp)
    return last if last is not None and isinstance(path[-1], str) else None
