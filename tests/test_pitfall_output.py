"""The known-pitfall catalogue in the review's output: each relevant entry printed once, under
the first finding it explains, later findings referring back; escaped for each format; in
JSON and SARIF by id."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from mlreview.areas.pitfalls import TOPICS, catalogue, entry
from mlreview.document.blocks import (
    Document,
    FindingItem,
    Findings,
    Link,
    PitfallNote,
    PitfallsAbove,
    Section,
)
from mlreview.engine.result import Review
from mlreview.engine.rules import every_rule
from mlreview.engine.runner import run
from mlreview.report import html, markdown, terminal
from mlreview.report._escape import markdown_text
from mlreview.report.formats import RenderOptions
from mlreview.report.review_document import review_document
from mlreview.system.loader import load_text
from tests.conftest import ROOT, render, reviewed
from tests.rules.test_rule_cases import BASE, HERE, merge

KAFKA = {"sources": [{"id": "events", "technology": "kafka"}]}
REDIS = {"stores": [{"id": "online", "technology": "redis"}]}
JAVA = {"features": [{"id": "f1", "serving": {"language": "java"}}]}
FLINK = {"pipelines": [{"id": "stream_job", "engine": "flink"}]}
BATCH = {"id": "batch_job", "kind": "feature_batch", "schedule": "daily", "runtime": "2h"}

# Each wired rule: one of its failing cases (tests/rules/cases), the stack added to it, and
# the pitfall its finding must print.
WIRED: list[tuple[str, str, dict[str, Any], str]] = [
    ("SKEW001", "different-code-refs-without-shared-flag", JAVA, "day-of-week-numbering"),
    ("SKEW002", "python-vs-java", {}, "integer-division"),
    ("SKEW007", "one-hour-vs-one-day", FLINK, "flink-window-epoch-alignment"),
    ("SKEW008", "drop-vs-zero", JAVA, "jackson-missing-primitive-zero"),
    ("SKEW009", "ttl-below-the-period", REDIS, "redis-set-clears-ttl"),
    ("SKEW013", "no-compat-test", {}, "xgboost-float32-thresholds"),
    (
        "SKEW014",
        "ten-minute-budget-daily-refresh",
        {"stores": [{"id": "online", "technology": "dynamodb"}]},
        "dynamodb-ttl-lag",
    ),
    ("SKEW015", "joined-rows", JAVA, "python-hash-salted"),
    ("DATA006", "no-backfill", KAFKA, "kafka-at-least-once-duplicates"),
    (
        "DATA006",
        "no-retries-and-not-idempotent",
        {"pipelines": [{"id": "train_job", "engine": "airflow"}]},
        "airflow-retry-insert",
    ),
    (
        "DATA009",
        "budget-below-interval-plus-runtime",
        {"pipelines": [{**BATCH, "engine": "airflow"}]},
        "airflow-schedule-utc",
    ),
    ("DATA010", "single-zone-online-store", REDIS, "redis-async-replication"),
    (
        "DATA015",
        "retries-without-jitter",
        {"pipelines": [{"id": "train_job", "engine": "spark"}]},
        "spark-task-reexecution",
    ),
    ("DATA016", "stream-without-lag-alert", KAFKA, "kafka-offset-reset-latest"),
    ("DATA018", "ttl-below-two-intervals", REDIS, "redis-eviction"),
    ("DATA020", "store-without-fallback-stops-predictions", REDIS, "redis-async-replication"),
    (
        "DATA021",
        "training-starts-before-its-features-are-written",
        {"pipelines": [{"id": "train_job", "engine": "airflow"}]},
        "airflow-schedule-utc",
    ),
    ("SCALE006", "no-timeout", REDIS, "redis-eviction"),
    (
        "SCALE007",
        "no-backoff-no-budget",
        {"stores": [{"id": "online", "technology": "dynamodb"}]},
        "aws-sdk-retries",
    ),
]
WIDE = RenderOptions(width=4000, full=True)
"""Wide enough that no printed line wraps, so a sentence can be found whole."""


def _case_patch(code: str, name: str) -> dict[str, Any]:
    doc = yaml.safe_load((HERE / "cases" / f"{code}.yaml").read_text(encoding="utf-8"))
    return next(c for c in doc["cases"] if c["name"] == name).get("patch", {})


def _reviewed_case(code: str, name: str, stack: dict[str, Any]) -> Review:
    manifest = merge(merge(copy.deepcopy(BASE), _case_patch(code, name)), stack)
    text = yaml.safe_dump(manifest, sort_keys=False)
    return run(load_text(text, str(HERE / "cases" / f"{code}.yaml")), select=[code])


def _items(blocks: tuple[Any, ...]) -> Iterator[FindingItem]:
    for block in blocks:
        if isinstance(block, Findings):
            yield from block.items
        elif isinstance(block, Section):
            yield from _items(block.blocks)


def _finding_items(document: Document) -> list[FindingItem]:
    return list(_items(document.blocks))


def test_every_wired_rule_has_a_case_here() -> None:
    wired = {r.code for r in every_rule() if r.pitfalls}
    assert len(wired) == 18
    assert {code for code, *_ in WIRED} == wired


@pytest.mark.parametrize(("code", "case", "stack", "pitfall"), WIRED, ids=lambda v: str(v)[:40])
def test_a_wired_rule_prints_its_pitfall_once(
    code: str, case: str, stack: dict[str, Any], pitfall: str
) -> None:
    done = _reviewed_case(code, case, stack)
    hits = [f for f in done.findings if f.rule == code]
    assert hits, f"{code} did not fire"
    assert pitfall in done.pitfalls.get(hits[0].fingerprint, ())
    # In the document: in full under the rule's first finding, by reference under later ones.
    items = [i for i in _finding_items(review_document(done)) if i.rule == code]
    assert pitfall in {p.id for p in items[0].pitfalls}
    full = [p for i in _finding_items(review_document(done)) for p in i.pitfalls]
    assert [p.id for p in full].count(pitfall) == 1
    # And printed: its mechanism exactly once in each format.
    mechanism = entry(pitfall).mechanism
    assert render(done, "terminal", WIDE).count(mechanism) == 1
    assert render(done, "markdown").count(markdown_text(mechanism)) == 1
    page = render(done, "html")
    assert page.count(f'id="pitfall-{pitfall}"') == 1
    data = json.loads(render(done, "json"))
    assert pitfall in next(f for f in data["findings"] if f["rule"] == code)["pitfalls"]
    assert pitfall in {p["id"] for p in data["pitfalls"]}


def test_a_pitfall_on_two_findings_is_printed_once_and_referred_back_to() -> None:
    # card-fraud: SKEW001 and SKEW002 on txn_count_1h share its python -> java code paths.
    done = reviewed(ROOT / "examples" / "card-fraud" / "system.yaml")
    items = _finding_items(review_document(done))
    full = [p.id for i in items for p in i.pitfalls]
    assert len(full) == len(set(full)) and "day-of-week-numbering" in full
    first = next(i for i in items if "day-of-week-numbering" in {p.id for p in i.pitfalls})
    later = [
        (i, g)
        for i in items
        for g in i.pitfalls_above
        if "day-of-week-numbering" in {ident for ident, _ in g.pitfalls}
    ]
    assert later, "no later finding refers back"
    assert {g.printed_under for _, g in later} == {f"{first.rule} on txn_count_1h"}
    mechanism = entry("day-of-week-numbering").mechanism
    for fmt, text, options in (
        ("terminal", mechanism, WIDE),
        ("markdown", markdown_text(mechanism), None),
        ("html", "Monday 0 to Sunday 6", None),
    ):
        assert render(done, fmt, options).count(text) == 1, fmt
    assert "see under SKEW001 on txn_count_1h" in render(done, "markdown")


def test_the_opening_screen_prints_no_pitfall() -> None:
    done = reviewed(ROOT / "examples" / "card-fraud" / "system.yaml")
    assert done.pitfalls
    opening = render(done, "terminal")
    assert "known pitfall" not in opening
    assert "known pitfall" in render(done, "terminal", RenderOptions(full=True))


HOSTILE_ID = "comp\x1b]0;x\x07|[a](http://evil.example)<b>"
HOSTILE_URL = "https://example.org/a(b)c<d>\"e' f\\g"


def _hostile_document() -> Document:
    note = PitfallNote(
        id="x",
        title="t*itle_ <script>",
        mechanism="m `tick` [link](http://evil.example) <img src=x> \x1b[2J",
        check="c # heading",
        sources=(Link("src [x]", HOSTILE_URL), Link("js", "javascript:alert(1)")),
    )
    above = PitfallsAbove(f"SKEW001 on {HOSTILE_ID}", (("x", "t*itle_ <script>"),), 1)
    item = FindingItem("high", "SKEW001", "name", "message", "f.yaml:1", "fix", pitfalls=(note,))
    later = FindingItem(
        "high", "SKEW002", "name", "message", "f.yaml:2", "fix", pitfalls_above=(above,)
    )
    return Document("t", blocks=(Section("s", (Findings((item, later)),)),))


def _links(tokens: list[Any]) -> list[str]:
    out = []
    for token in tokens:
        if token.type == "link_open":
            out.append(str(token.attrs["href"]))
        out += _links(token.children or [])
    return out


def test_markdown_pitfalls_forge_no_structure() -> None:
    text = markdown.render(_hostile_document(), RenderOptions(full=True))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert not [t for t in tokens if t.type in ("html_block", "fence")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["t", "s"]  # the document's own
    assert not any(c.type in ("html_inline", "image") for t in tokens for c in (t.children or []))
    # One link per https source, its address whole; the javascript: one is not a link.
    assert _links(tokens) == ["https://example.org/a%28b%29c%3Cd%3E%22e%27%20f%5Cg"]
    assert "\x1b" not in text and "\\x1b" in text


def test_html_pitfalls_are_escaped() -> None:
    page = html.render(_hostile_document(), RenderOptions())
    assert "<script>" not in page and "<img" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page
    assert 'href="https://example.org/a(b)c&lt;d&gt;&#34;e&#39; f\\g"' in page


def test_terminal_pitfalls_show_controls_instead_of_acting_on_them() -> None:
    text = terminal.render(_hostile_document(), RenderOptions(width=4000, full=True))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;x\\x07" in text and "\\x1b[2J" in text


def test_every_citation_is_present_and_well_formed() -> None:
    url = re.compile(r"^https://[A-Za-z0-9.-]+\.[a-z]{2,}(/[^\s<>\"'`]*)?$")
    for p in catalogue():
        assert p.sources, p.id
        for s in p.sources:
            assert url.match(s.url), (p.id, s.url)
            assert s.title.strip() == s.title and len(s.title) >= 3, (p.id, s.title)
        assert p.mechanism.endswith(".") and p.check.endswith("."), p.id
    # Every catalogue entry is reachable: some rule carries one of its topics.
    topics = {t for r in every_rule() for t in r.pitfalls}
    assert all(p.topics & topics for p in catalogue())


def test_docs_name_every_entry_and_topic() -> None:
    text = (ROOT / "docs" / "pitfalls.md").read_text(encoding="utf-8")
    how, entries = text.split("## The entries and their sources", 1)
    row = re.compile(r"^\| `([a-z0-9_+.-]+)` \|", flags=re.MULTILINE)
    assert row.findall(entries) == [p.id for p in catalogue()]
    assert row.findall(how) == list(TOPICS)


def test_json_lists_only_the_entries_its_findings_cite() -> None:
    done = reviewed(ROOT / "examples" / "card-fraud" / "system.yaml")
    data = json.loads(render(done, "json"))
    cited = {i for f in data["findings"] for i in f["pitfalls"]}
    assert [p["id"] for p in data["pitfalls"]] == [p.id for p in catalogue() if p.id in cited]
    # Findings a baseline left out take their entries with them.
    fewer = replace(done, findings=[f for f in done.findings if f.area != "skew"])
    left = json.loads(render(fewer, "json"))
    assert "day-of-week-numbering" not in {p["id"] for p in left["pitfalls"]}
