"""Find the declared type at a path of the manifest, and describe types in plain words."""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mlreview.system.units import Duration, Schedule


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


@cache
def keys_of(model: type[BaseModel]) -> dict[str, str]:
    """Manifest key (alias or name) -> attribute name."""
    return {(f.alias or name): name for name, f in model.model_fields.items()}


def walk(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[tuple[str | int, ...], Any, Any]:
    """Follow ``loc`` from ``root``; return (manifest path, type there, enclosing model).

    Parts of ``loc`` that name a member of a union (pydantic adds them) are dropped.
    """
    tp: Any = root
    parent: Any = root
    path: list[str | int] = []
    for part in loc:
        tp = strip(tp)
        if is_model(tp):
            keys = keys_of(tp)
            parent = tp
            if part in keys:
                path.append(part)
                tp = tp.model_fields[keys[part]].annotation
            else:
                path.append(part)
                tp = None
        elif get_origin(tp) is list and isinstance(part, int):
            path.append(part)
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict and isinstance(part, str):
            path.append(part)
            tp = get_args(tp)[1]
    return tuple(path), tp, parent


_SCALAR_WORDS = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
}


def describe(tp: Any) -> str:
    """Plain words for what a value of type ``tp`` looks like."""
    tp = strip(tp)
    origin = get_origin(tp)
    if tp in _SCALAR_WORDS:
        return _SCALAR_WORDS[tp]
    if tp is Duration:
        return "a duration with a unit, such as '15m', '26h' or '30d'"
    if tp is Schedule:
        return "a schedule such as 'daily', 'every 6h' or a cron expression"
    if is_model(tp):
        return "a mapping"
    if origin is list:
        return f"a list of {describe(get_args(tp)[0]).removeprefix('a ').removeprefix('an ')}s"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        words = [describe(a) for a in get_args(tp) if a is not type(None)]
        return " or ".join(dict.fromkeys(words))
    if tp is None or tp is typing.Any:
        return "a value"
    return str(tp)
