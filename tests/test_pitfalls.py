from __future__ import annotations

import pytest

from mlreview.api import load, review
from mlreview.areas.pitfalls import PitfallError, Stack, catalogue, matching
from mlreview.areas.pitfalls import load as load_pitfalls
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
    ("old", "new", "says"),
    [
        ("    check: Compute the value for a Monday on both paths and compare.\n", "", "check"),
        ("[[[python], [java]]]", "[[[python], [jaav]]]", "'jaav' is neither a language"),
        ("topics: [code_paths]", "topics: [nowhere]", "unknown topic 'nowhere'"),
        ("    pairs:", "    technologies: [redis]\n    pairs:", "exactly one of"),
        ('sources: [{url: "https://example.org/page", title: a page}]', "sources: []", "sources"),
    ],
)
def test_a_bad_entry_fails_with_its_file_index_and_field(old: str, new: str, says: str) -> None:
    with pytest.raises(PitfallError) as err:
        load_pitfalls(GOOD.replace(old, new), "pitfalls.yaml")
    assert str(err.value).startswith("pitfalls.yaml: pitfalls[0] (example): ")
    assert says in str(err.value)


def test_a_duplicate_id_fails() -> None:
    body = GOOD.split("pitfalls:\n", 1)[1]
    with pytest.raises(PitfallError, match="used twice"):
        load_pitfalls(GOOD + body, "pitfalls.yaml")


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
