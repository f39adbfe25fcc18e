"""The review as versioned JSON (see docs/json-contract.md)."""

from __future__ import annotations

from typing import Any

import orjson

from mlreview.engine.contract import to_dict
from mlreview.engine.result import Review
from mlreview.report.base import RenderOptions


def dumps(value: Any) -> str:
    """Indented JSON with every mapping's keys sorted, ending in a newline: the same input
    always gives the same bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"


def render(review: Review, options: RenderOptions) -> str:
    return dumps(to_dict(review))
