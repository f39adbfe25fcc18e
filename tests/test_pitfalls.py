from __future__ import annotations

import pytest
import yaml

from mlreview.api import load, review
from mlreview.areas import pitfalls
from mlreview.areas.pitfalls import PitfallError, Stack, catalogue, matching
from mlreview.areas.pitfalls import load as load_pitfalls
from mlreview.cli import main
from tests.conftest import ROOT

GOOD = """
version: 1
pitfalls:
  - id: example
    title: an example
    topics: [code_paths]
    pairs: [[[python], [java]]]
    mechanism: Python numbers Monday 0 and Java numbers Monday 1 here.
    check: Compute the value for a Monday on both paths and compare.
    sources: [{url: "https://example.org/page", title: a page}]
"""


def test_the_shipped_catalogue_loads_and_every_entry_cites_a_public_page() -> None:
    entries = catalogue()
    assert len(entries) >= 20
    assert len({p.id for p in entries}) == len(entries)
    for p in entries:
        assert p.sources and all(s.url.startswith("https://") for s in p.sources), p.id


@pytest.mark.parametrize(
    ("old", "new", "line", "says"),
    [
        ("    check: Compute the value for a Monday on both paths and compare.\n", "", 4, "check"),
        ("[[[python], [java]]]", "[[[python], [jaav]]]", 7, "'jaav' is neither a language"),
        ("topics: [code_paths]", "topics: [nowhere]", 6, "unknown topic 'nowhere'"),
        ("    pairs:", "    technologies: [redis]\n    pairs:", 4, "exactly one of"),
        (
            'sources: [{url: "https://example.org/page", title: a page}]',
            "sources: []",
            10,
            "sources",
        ),
        ('"https://example.org/page"', '"https://example.org/<page>"', 10, "sources[0].url"),
    ],
)
def test_a_bad_entry_fails_on_one_line_with_its_file_line_index_and_field(
    old: str, new: str, line: int, says: str
) -> None:
    with pytest.raises(PitfallError) as err:
        load_pitfalls(GOOD.replace(old, new), "pitfalls.yaml")
    assert str(err.value).startswith(f"pitfalls.yaml:{line}:1: pitfalls[0] (example): ")
    assert says in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\npitfalls:\n  - id: [x\n", "pitfalls.yaml:4:1: not valid YAML: expected ','"),
        ("- a list\n", "pitfalls.yaml:1:1: expected a mapping with 'version' and 'pitfalls'"),
        ("version: 1\npitfalls:\n  - 3\n", "pitfalls.yaml:3:1: pitfalls[0]: expected a mapping"),
    ],
)
def test_a_broken_file_fails_on_one_line(text: str, expected: str) -> None:
    with pytest.raises(PitfallError) as err:
        load_pitfalls(text, "pitfalls.yaml")
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)


def test_a_duplicate_id_fails() -> None:
    body = GOOD.split("pitfalls:\n", 1)[1]
    with pytest.raises(PitfallError, match="used twice"):
        load_pitfalls(GOOD + body, "pitfalls.yaml")


def test_the_cli_reports_a_broken_catalogue_in_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = GOOD.replace("topics: [code_paths]", "topics: [nowhere]")
    monkeypatch.setattr(
        pitfalls, "catalogue", lambda: load_pitfalls(broken, "mlreview/areas/pitfalls.yaml")
    )
    assert main(["check", str(ROOT / "examples/card-fraud/system.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "mlreview/areas/pitfalls.yaml:6:1: pitfalls[0] (example): unknown topic 'nowhere'; "
        f"expected one of {', '.join(pitfalls.TOPICS)}"
    ]


def test_a_pair_needs_one_member_on_each_path() -> None:
    day = [p for p in catalogue() if p.id == "day-of-week-numbering"]
    across = Stack(training=frozenset({"python"}), serving=frozenset({"java"}))
    same = Stack(training=frozenset({"python"}), serving=frozenset({"python"}))
    assert matching(["code_paths"], across)[:1] == tuple(day)
    assert not any(p.id == "day-of-week-numbering" for p in matching(["code_paths"], same))
    assert not matching(["expiry"], across)


def test_card_fraud_cites_its_stack_and_not_others() -> None:
    done = review(load(ROOT / "examples/card-fraud/system.yaml"), questions=False)
    by_rule = {
        (f.rule, f.components[0]): done.pitfalls.get(f.fingerprint, ()) for f in done.findings
    }
    assert "day-of-week-numbering" in by_rule[("SKEW002", "txn_count_1h")]
    assert "redis-async-replication" in by_rule[("DATA010", "redis_features")]
    cited = {i for ids in done.pitfalls.values() for i in ids}
    assert "dynamodb-ttl-lag" not in cited and "go-json-zero-value" not in cited


def _entries() -> list[dict[str, object]]:
    text = (ROOT / "src" / "mlreview" / "areas" / "pitfalls.yaml").read_text("utf-8")
    entries: list[dict[str, object]] = yaml.safe_load(text)["pitfalls"]
    return entries


def test_the_shipped_entries_are_checked_without_the_models() -> None:
    for entry in _entries():
        assert pitfalls._plainly_valid(entry)
        pitfalls._Entry.model_validate(entry)  # and the model agrees


@pytest.mark.parametrize(
    "change",
    [
        {"id": "Upper"},
        {"id": "trailing\n"},
        {"title": "ab"},
        {"topics": []},
        {"topics": "code_paths"},
        {"topics": ("code_paths",)},
        {"mechanism": "too short"},
        {"check": 42},
        {"technologies": ["spark"], "extra": 1},
        {"pairs": [[["python"]]]},
        {"pairs": [[["python"], ["java"], ["go"]]]},
        {"sources": []},
        {"sources": [{"url": "http://example.org", "title": "a page"}]},
        {"sources": [{"url": "https://example.org/a b", "title": "a page"}]},
        {"sources": [{"url": "https://example.org/\u00e9", "title": "a page"}]},
        {"sources": [{"url": "https://example.org/", "title": "a page", "note": "x"}]},
        {"sources": [{"url": "https://example.org/", "title": "ab"}]},
    ],
)
def test_the_quick_check_leaves_doubtful_entries_to_the_model(change: dict[str, object]) -> None:
    # Each is refused by the model, or (the accented URL) outside what the quick check is
    # sure of; either way the model decides, with its own message.
    assert not pitfalls._plainly_valid({**_entries()[0], **change})
