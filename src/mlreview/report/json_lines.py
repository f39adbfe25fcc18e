"""JSON lines: one finding per line, in the JSON contract's finding shape with the system it
belongs to, for log shippers and line tools (jq, grep). Findings a baseline knows are left out."""

from __future__ import annotations

import orjson

from mlreview.engine.contract import finding_dict
from mlreview.engine.result import Review
from mlreview.report.formats import RenderOptions


def render(review: Review, options: RenderOptions) -> str:
    system = {"name": review.system_name, "file": review.file}
    lines = (
        orjson.dumps(
            {**finding_dict(f, review.pitfalls), "system": system}, option=orjson.OPT_SORT_KEYS
        ).decode()
        for f in review.findings
    )
    return "".join(f"{line}\n" for line in lines)
