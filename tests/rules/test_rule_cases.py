"""Every rule's YAML cases: a patch on the clean base manifest and whether the rule fires."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlreview.engine.rules import every_rule
from mlreview.engine.runner import run
from mlreview.system.loader import load_text

HERE = Path(__file__).parent
BASE = yaml.safe_load((HERE / "base.yaml").read_text(encoding="utf-8"))
DELETE = "__delete__"


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge ``patch`` into ``base``; lists of mappings merge by ``id``, others replace."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value == DELETE:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = value
        return out
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and patch
        and all(isinstance(p, dict) and "id" in p for p in patch)
    ):
        out_list = list(base)
        for item in patch:
            index = next((i for i, b in enumerate(out_list) if b.get("id") == item["id"]), None)
            if index is None:
                out_list.append(item)
            else:
                out_list[index] = merge(out_list[index], item)
        return out_list
    return patch


def _cases() -> list[Any]:
    params = []
    for path in sorted((HERE / "cases").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            params.append(pytest.param(doc["rule"], case, id=f"{doc['rule']}-{case['name']}"))
    return params


def manifest_text(patch: dict[str, Any]) -> str:
    return yaml.safe_dump(merge(copy.deepcopy(BASE), patch), sort_keys=False)


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    # Named as the case file, so data it links resolves next to it, from any working directory.
    system = load_text(manifest_text(case.get("patch", {})), str(HERE / "cases" / f"{code}.yaml"))
    review = run(system, select=case.get("select", [code]))
    hits = [f for f in review.findings if f.rule == code]
    # Baselines and SARIF fingerprints tell findings apart by identity alone.
    assert len({f.identity for f in hits}) == len(hits), [f.identity for f in hits]
    if case["expect"] == "pass":
        assert hits == [], [f.message for f in hits]
        return
    assert hits, f"{code} did not fire"
    if "severity" in case:
        # The rule's own judgement; evidence settling may cap an assumed finding below it.
        assert {(f.confirmed_severity or f.severity).value for f in hits} == {case["severity"]}
    if "shown_severity" in case:
        assert {f.severity.value for f in hits} == {case["shown_severity"]}
    if "components" in case:
        assert set(case["components"]) <= {c for f in hits for c in f.components}
    if "message" in case:
        assert any(case["message"] in f.message for f in hits), [f.message for f in hits]
    if "assumed" in case:
        assumed = {a.field for f in hits for a in f.assumptions}
        assert case["assumed"] in assumed, assumed
    for f in hits:
        assert f.line >= 1
        assert f.components


def test_base_is_clean() -> None:
    review = run(load_text(manifest_text({}), "base.yaml"))
    assert review.findings == []


def test_every_rule_has_passing_and_failing_cases() -> None:
    seen: dict[str, set[str]] = {}
    for param in _cases():
        code, case = param.values
        seen.setdefault(code, set()).add(case["expect"])
    missing = [r.code for r in every_rule() if seen.get(r.code) != {"pass", "fail"}]
    assert missing == []
