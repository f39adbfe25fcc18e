"""JSON as every data format writes it: sorted keys, two-space indent, a final newline."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> str:
    """The same input always gives the same bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"
