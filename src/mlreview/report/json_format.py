"""The review as versioned JSON (see docs/json-contract.md)."""

from __future__ import annotations

import json

from mlreview.engine.contract import to_dict
from mlreview.engine.result import Review
from mlreview.report.base import RenderOptions


def render(review: Review, options: RenderOptions) -> str:
    return json.dumps(to_dict(review), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
