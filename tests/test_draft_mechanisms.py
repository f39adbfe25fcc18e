"""Each reading mechanism on a short text of its own (tests/from_text/mechanisms.yaml): what the
text states is drafted, what it rules out is never drafted, what it does not say stays unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mlreview.draft.emit import to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.system.loader import load_text

CASES = yaml.safe_load(
    (Path(__file__).parent / "from_text" / "mechanisms.yaml").read_text(encoding="utf-8")
)["cases"]
MISSING = object()


def _at(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path; a list of mappings is entered by item id (or target)."""
    node: Any = data
    for part in path.split("."):
        if isinstance(node, list):
            node = next((i for i in node if part in (i.get("id"), i.get("target"))), MISSING)
        elif isinstance(node, dict):
            node = node.get(part, MISSING)
        if node is MISSING:
            return MISSING
    return node


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, int | float) and isinstance(got, int | float):
        return abs(want - got) < 1e-9
    return bool(str(want) == str(got))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_a_mechanism_drafts_what_is_stated_never_what_is_ruled_out(case: dict[str, Any]) -> None:
    text = to_yaml(draft_from_text(case["text"]), [], [])
    load_text(text, case["name"])
    data = yaml.safe_load(text)
    for path, value in (case.get("set") or {}).items():
        got = _at(data, path)
        assert _same(value, got), f"{path}: drafted {got!r}, stated {value!r}\n{text}"
    for path, value in (case.get("not") or {}).items():
        got = _at(data, path)
        assert got is MISSING or not _same(value, got), f"{path}: inverted to {got!r}\n{text}"
    for path in case.get("unset") or []:
        assert _at(data, path) is MISSING, f"{path} should stay unknown\n{text}"


def test_the_negation_corpus_is_large_and_varied() -> None:
    negated = [c for c in CASES if c.get("not")]
    assert len(negated) >= 12
