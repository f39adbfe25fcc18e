"""The review as versioned JSON (see docs/json-contract.md)."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from mlreview.engine.contract import to_dict
from mlreview.engine.result import Review
from mlreview.report.base import RenderOptions


def sort_keys(value: Any) -> Any:
    """A copy with every mapping's keys sorted, so the bytes do not depend on build order."""
    if isinstance(value, dict):
        return {k: sort_keys(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [sort_keys(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Indented, key-sorted JSON ending in a newline (pydantic-core's encoder: fast)."""
    return to_json(sort_keys(value), indent=2).decode("utf-8") + "\n"


def render(review: Review, options: RenderOptions) -> str:
    return dumps(to_dict(review))
