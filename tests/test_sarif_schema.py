"""Issue 17, item 12: SARIF output is valid against the official OASIS SARIF 2.1.0 schema
(tests/schemas, SOURCES.md there), and its artifact URIs do not depend on where mlreview runs."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlreview.cli import main
from tests.conftest import EXAMPLES, ROOT, render, reviewed

SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _errors(doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(doc)]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_sarif_is_valid_against_the_official_schema(example: Path) -> None:
    assert _errors(json.loads(render(reviewed(example), "sarif"))) == []


def test_the_official_schema_refuses_what_the_spec_forbids() -> None:
    doc = json.loads(render(reviewed(EXAMPLES[0]), "sarif"))
    result = doc["runs"][0]["results"][0]
    result["level"] = "fatal"
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    result["severity"] = "high"  # not a SARIF property: objects are closed
    assert len(_errors(doc)) == 3


def _uris(sarif: Path) -> set[tuple[str, str | None]]:
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    assert _errors(doc) == []
    return {
        (loc["uri"], loc.get("uriBaseId"))
        for result in doc["runs"][0]["results"]
        for loc in [result["locations"][0]["physicalLocation"]["artifactLocation"]]
    }


@pytest.mark.parametrize("repository", [True, False], ids=["in-a-repository", "no-repository"])
def test_artifact_uris_are_the_same_from_every_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repository: bool
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "card-fraud", repo / "ml" / "fraud")
    if repository:
        (repo / ".git").mkdir()
    manifest = repo / "ml" / "fraud" / "system.yaml"
    seen = []
    for where in (tmp_path, repo, manifest.parent, Path("/")):
        monkeypatch.chdir(where)
        out = tmp_path / f"out{len(seen)}.sarif"
        assert main(["check", str(manifest), "-f", "sarif", "-o", str(out), "--no-questions"]) == 0
        seen.append(_uris(out))
    expected = "ml/fraud/system.yaml" if repository else "system.yaml"
    assert seen == [{(expected, "%SRCROOT%")}] * 4
