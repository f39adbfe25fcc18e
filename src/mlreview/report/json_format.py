"""Any command's JSON contract (docs/json-contract.md for the review's)."""

from __future__ import annotations

from typing import Any

from mlreview.report._json import dumps
from mlreview.report.formats import RenderOptions


def render(data: Any, options: RenderOptions) -> str:
    return dumps(data)
