"""In-place manifest edits (`mlreview init` answers, `mlreview import --merge`): every new key
lands where the parser says its parent ends, and nothing else in the text changes."""

from __future__ import annotations

from typing import Any

import pytest

from mlreview.draft.yaml_edit import Change, apply, set_value
from mlreview.system.loader import load_text
from mlreview.system.yaml_source import read_yaml

QUOTED_BRACE = """\
version: 1
system:
  name: s
sources:
  - id: a
    kind: stream
    on_failure: {behaviour: default_value, default_value: "x\\"}y"}
"""

FOLDED_LAST = """\
version: 1
system:
  name: s
  description: >
    a folded description
    over two lines
models:
  - id: m
"""


def _added_only(before: str, after: str) -> list[str]:
    """The lines of ``after`` that are not in ``before``, checking nothing was removed."""
    old, new = before.splitlines(), after.splitlines()
    assert [line for line in new if line in old] == old
    return [line for line in new if line not in old]


def test_a_quoted_brace_in_a_flow_mapping_does_not_end_it() -> None:
    text = set_value(QUOTED_BRACE, "m.yaml", ("sources", 0, "on_failure", "alert"), True, "n")
    data = read_yaml(text, "m.yaml").data
    assert data["sources"][0]["on_failure"] == {
        "behaviour": "default_value",
        "default_value": 'x"}y',
        "alert": True,
    }


def test_a_key_after_a_folded_scalar_goes_after_the_scalar() -> None:
    text = set_value(FOLDED_LAST, "m.yaml", ("system", "owner"), "ml-team", "n")
    data = read_yaml(text, "m.yaml").data
    assert data["system"]["owner"] == "ml-team"
    assert data["system"]["description"] == "a folded description over two lines\n"
    assert _added_only(FOLDED_LAST, text) == ["  owner: ml-team  # n"]


KEEP = """\
version: 1   # first line comment
system:
  name: s
  notes: |+
    kept trailing lines

sources:
- id: a          # a comment
  kind: stream
stores: []
monitoring:
"""


def test_many_changes_in_one_pass_keep_every_line() -> None:
    changes = [
        Change(("system", "owner"), "team", {(): "from x"}),
        Change(("system", "decision", "type"), "ranking", {(): "from y"}),
        Change(("sources", 0, "owner"), "data", {(): "from z"}),
        Change(("sources", 1), {"id": "b", "kind": "files"}, {("kind",): "from w"}),
        Change(("stores", 0), {"id": "cache", "kind": "cache", "ttl": "1h"}, {("ttl",): "v"}),
        Change(("monitoring", "system", "latency"), "alert", {(): "from p"}),
    ]
    text = apply(KEEP, "m.yaml", changes)
    data = read_yaml(text, "m.yaml").data
    assert data["system"]["notes"] == "kept trailing lines\n\n"
    assert data["system"]["decision"] == {"type": "ranking"}
    assert data["sources"] == [
        {"id": "a", "kind": "stream", "owner": "data"},
        {"id": "b", "kind": "files"},
    ]
    assert data["stores"] == [{"id": "cache", "kind": "cache", "ttl": "1h"}]
    assert data["monitoring"] == {"system": {"latency": "alert"}}
    assert "- id: a          # a comment" in text
    assert "  kind: files  # from w" in text
    assert "    ttl: 1h  # v" in text
    load_text(text.replace("  notes: |+\n    kept trailing lines\n\n", ""), "m.yaml")


@pytest.mark.parametrize(
    ("text", "path", "value", "expect"),
    [
        ("version: 1\nsystem: {name: s}\n", ("system", "owner"), "t", {"name": "s", "owner": "t"}),
        ("a:\n  b: [1, 2]\n", ("a", "c"), [3], {"b": [1, 2], "c": [3]}),
        ("a: {}\n", ("a", "b", "c"), 1, {"b": {"c": 1}}),
        ("a:\n", ("a", "b"), "x", {"b": "x"}),
        ("a: [{b: 1}]\n", ("a", 1), {"b": 2}, [{"b": 1}, {"b": 2}]),
        ("a: {b: {}}\n", ("a", "b", "c"), 1, {"b": {"c": 1}}),
        ("a: 1", ("b",), 2, 2),
    ],
)
def test_edits_in_every_style(
    text: str, path: tuple[str | int, ...], value: Any, expect: Any
) -> None:
    out = set_value(text, "m.yaml", path, value, "n")
    data = read_yaml(out, "m.yaml").data
    assert data[str(path[0])] == expect
    assert "# n" in out
