"""Plain words for what a value of a manifest type looks like, for error messages and docs."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from mlreview.system.paths import is_model, strip
from mlreview.system.units import Duration, Schedule

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
    if origin is dict:
        key, value = get_args(tp)
        return f"a mapping from {describe(key)} to {describe(value)}"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        words = [describe(a) for a in get_args(tp) if a is not type(None)]
        return " or ".join(dict.fromkeys(words))
    if tp is None or tp is typing.Any:
        return "a value"
    return str(tp)
