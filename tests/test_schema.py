"""The JSON Schema editors use: draft-07, current, and accepting every example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mlreview.api import loads, review
from mlreview.system.schema import reference_markdown, schema_text
from tests.conftest import EXAMPLES, ROOT

SCHEMA_FILE = ROOT / "schema" / "mlreview.schema.json"


def test_shipped_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "schema/mlreview.schema.json is stale: run `mlreview schema -o schema/mlreview.schema.json`"
    )


def test_manifest_reference_is_current() -> None:
    text = (ROOT / "docs" / "manifest.md").read_text(encoding="utf-8")
    assert text.endswith(reference_markdown()), "docs/manifest.md is stale: run `make docs`"


def test_schema_is_valid_draft_07_without_newer_keywords() -> None:
    schema = json.loads(schema_text())
    jsonschema.Draft7Validator.check_schema(schema)
    text = json.dumps(schema)
    for newer in ("$defs", "prefixItems", "unevaluatedProperties", "dependentSchemas"):
        assert newer not in text


@pytest.mark.parametrize(
    "example", [*EXAMPLES, ROOT / "tests" / "rules" / "base.yaml"], ids=lambda p: p.parent.name
)
def test_examples_validate_against_schema(example: Path) -> None:
    schema = json.loads(schema_text())
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)


def test_schema_rejects_unknown_keys() -> None:
    schema = json.loads(schema_text())
    bad = {"version": 1, "system": {"name": "x"}, "sorces": []}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad))


def test_examples_point_editors_at_the_schema() -> None:
    for example in EXAMPLES:
        first = example.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/mlreview.schema.json"


def test_manifest_guide_example_loads_and_reviews() -> None:
    text = (ROOT / "docs" / "manifest.md").read_text(encoding="utf-8")
    snippet = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    done = review(loads(snippet, "guide.yaml"))
    assert done.top_risk is not None
