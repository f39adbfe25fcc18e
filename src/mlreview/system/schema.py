"""JSON Schema for the manifest in draft-07, which yaml-language-server supports."""

from __future__ import annotations

import json
from typing import Any

from mlreview.system.models import Manifest

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID = "https://mlreview.dev/schema/manifest-v1.json"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            else:
                out["definitions" if key == "$defs" else key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def manifest_schema() -> dict[str, Any]:
    """The manifest schema as a draft-07 document: ``$defs`` become ``definitions``."""
    schema = _rewrite(Manifest.model_json_schema(by_alias=True, mode="validation"))
    return {"$schema": DRAFT_07, "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(manifest_schema(), indent=2, sort_keys=True) + "\n"
