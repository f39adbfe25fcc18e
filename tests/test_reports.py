"""Renderers: hostile manifest strings stay inert, SARIF meets GitHub's subset, JSON contract."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlreview.api import loads, review
from mlreview.document import cells
from mlreview.document.blocks import Callout, Document, Paragraph, Section, inline
from mlreview.engine.contract import JSON_VERSION
from mlreview.report import html as html_format
from mlreview.report import markdown as markdown_format
from mlreview.report import terminal
from mlreview.report._escape import markdown_code as code
from mlreview.report.formats import RenderOptions
from mlreview.report.terminal import _column_widths
from tests.conftest import EXAMPLES, ROOT, render, reviewed

HOSTILE = """version: 1
system:
  name: "<script>alert(1)</script>"
  decision: {automated_action: true, action: "<img src=x onerror=alert(2)>"}
sources:
  - id: evil
    kind: stream
    owner: "</td><script>alert(3)</script>"
    owned_by_model_team: false
    on_failure: {behaviour: default_value, default_value: "<b>0</b>"}
models:
  - id: m
endpoints:
  - {id: e, model: m, mode: online}
"""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]


def test_html_escapes_every_manifest_string() -> None:
    html = render(review(loads(HOSTILE, "evil.yaml")), "html")
    parser = _Collector()
    parser.feed(html)
    assert "script" not in parser.tags
    assert "img" not in parser.tags
    assert "b" not in parser.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_forbids_scripts_and_fetches_by_policy() -> None:
    html = render(review(loads(HOSTILE, "evil.yaml")), "html")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert policy is not None and html.index(policy.group(0)) < html.index("<title>")
    rules = dict(part.strip().split(" ", 1) for part in policy.group(1).split(";"))
    assert rules["default-src"] == "'none'" and "script-src" not in rules
    assert rules["base-uri"] == "'none'" and rules["form-action"] == "'none'"


def test_html_is_self_contained() -> None:
    html = render(review(loads(HOSTILE, "evil.yaml")), "html")
    parser = _Collector()
    parser.feed(html)
    assert [u for u in parser.urls if not u.startswith("#")] == []
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)


def test_markdown_escapes_markup() -> None:
    md = render(review(loads(HOSTILE, "evil.yaml")), "markdown")
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "<script>" not in outside_code
    assert "\\<script\\>" in md


def test_markdown_code_spans_hold_text_literally() -> None:
    md = render(review(loads(HOSTILE, "evil.yaml")), "markdown")
    assert "`sources[evil].on_failure.behaviour` = `default_value`" in md
    assert "\\[" not in "".join(re.findall(r"`[^`]*`", md))


@pytest.mark.parametrize(
    ("text", "span"),
    [("a`b", "``a`b``"), ("`x", "`` `x ``"), ("a``b", "```a``b```"), ("p\nq", "`p q`")],
)
def test_markdown_code_span_fences_around_backticks(text: str, span: str) -> None:
    assert code(text) == span


def test_terminal_at_fixed_width() -> None:
    out = render(review(loads(HOSTILE, "evil.yaml")), "terminal", RenderOptions(width=60))
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "<script>alert(1)</script>" in out


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2675635, "2,675,635"),
        (4000.0, "4,000"),
        (-0.0, "0"),
        (2675635.5, "2,675,636"),
        (823.8, "824"),  # three significant digits, never fewer than the integer digits
        (43.26, "43.3"),
        (1.5e-7, "0.00000015"),
        (float("inf"), "inf"),
        (True, "yes"),
    ],
)
def test_table_numbers_have_separators_and_no_large_exponents(value: object, shown: str) -> None:
    assert cells.cell(value) == shown


def test_terminal_never_splits_a_word_of_a_wide_table() -> None:
    out = render(
        reviewed(ROOT / "examples/card-fraud/system.yaml"), "terminal", RenderOptions(full=True)
    )
    assert max(len(line) for line in out.splitlines()) <= 100
    # Failure modes has ten columns: too many for 100 columns, so one block per component.
    assert re.search(r"^  failure +unavailable", out, re.MULTILINE)
    assert re.search(r"│ merchant_chargeback_rate", out)
    # The steady-state table repeats the endpoint per load: its blocks name the load too.
    assert "fraud_api (x 10)" in out


WORDS = st.text(alphabet="abc_-", min_size=1, max_size=12)
CELLS = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(CELLS, min_size=n, max_size=n).map(tuple),
            st.lists(st.lists(CELLS, min_size=n, max_size=n).map(tuple), max_size=5).map(tuple),
        )
    ),
    st.integers(20, 160),
)
def test_column_widths_fit_and_keep_words_whole(
    table: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], width: int
) -> None:
    headers, rows = table
    widths = _column_widths(headers, rows, width)
    columns = [(h, *(r[i] for r in rows)) for i, h in enumerate(headers)]
    longest_word = [max(len(w) for text in c for w in text.split()) for c in columns]
    longest_cell = [max(len(text) for text in c) for c in columns]
    room = width - 3 * (len(headers) - 1)
    if widths is None:
        assert longest_cell[0] + sum(longest_word[1:]) > room
        return
    assert sum(widths) <= room
    assert widths[0] == longest_cell[0]
    for w, word, cell in zip(widths, longest_word, longest_cell, strict=True):
        assert word <= w <= cell


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_sarif_meets_github_code_scanning(example) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(render(reviewed(example), "sarif"))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mlreview"
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["results"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert result["message"]["text"]
        assert result["partialFingerprints"]


def test_suppressed_findings_are_reported_with_their_reason() -> None:
    text = (ROOT / "tests" / "rules" / "base.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    shared_definition: true\n",
        "    shared_definition: false\n"
        "    suppress: [{rule: SKEW001, reason: parity test in CI}]\n",
    )
    done = review(loads(text, "s.yaml"))
    assert [f.rule for f in done.findings] == []
    assert [(f.rule, f.suppressed) for f in done.suppressed] == [("SKEW001", "parity test in CI")]
    sarif = json.loads(render(done, "sarif"))
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "parity test in CI"}]
    (skipped,) = ET.fromstring(render(done, "junit").encode()).iter("skipped")
    assert skipped.get("message") == "suppressed: parity test in CI"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_json_contract_keys(example) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(reviewed(example), "json"))
    assert data["version"] == JSON_VERSION == "2.5"
    assert data["system"]["name"]
    assert set(data["areas"]) == {"skew", "pipeline", "serving", "feedback"}
    for area in data["areas"].values():
        assert {"summary", "findings", "assessment"} <= set(area)
    top = data["top_risk"]
    assert {"title", "findings", "components", "score", "fix"} <= set(top)
    assert set(top["fix"]) == {"prevent", "detect", "limit", "recover"}
    assert any(top["fix"].values())
    plan = top["plan"]
    assert plan["steps"] and plan["verify"]
    # A rule's fix closes its findings; a playbook step may be one no rule found missing.
    assert all(step["closes"] or step["playbook"] for step in plan["steps"])
    assert {step["part"] for step in plan["steps"]} <= {"prevent", "detect", "limit", "recover"}
    assert isinstance(data["questions"], list)
    flat = data["findings"]
    assert len(flat) == sum(len(a["findings"]) for a in data["areas"].values()) + sum(
        1 for f in flat if f["area"] == "meta"
    )
    for f in flat:
        assert {
            "rule",
            "name",
            "area",
            "severity",
            "components",
            "message",
            "fix",
            "location",
        } <= set(f)
        assert f["severity"] in ("critical", "high", "medium", "low", "info")
        assert f["location"]["line"] >= 1


def test_evidence_quotes_durations_as_written() -> None:
    done = reviewed(ROOT / "examples" / "card-fraud" / "system.yaml")
    values = {e.field: e.value for f in done.findings for e in f.evidence}
    assert values["stores[redis_features].ttl"] == "24h"
    assert values["pipelines[merchant_features_daily].schedule"] == "0 2 * * *"


def _documented_keys(section: str) -> set[str]:
    text = (ROOT / "docs" / "json-contract.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    keys: set[str] = set()
    for line in body.splitlines():
        if line.startswith("| `"):
            keys |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return keys


def test_every_scenario_key_is_documented_and_every_documented_key_exists() -> None:
    data = json.loads(render(reviewed(ROOT / "examples/card-fraud/system.yaml"), "json"))
    assert set(data["top_risk"]) == _documented_keys("Scenario and top risk")
    assert set(data) == _documented_keys("Top level")


@pytest.mark.parametrize("width", [60, 100])
def test_a_callout_title_too_long_for_the_border_is_printed_whole(width: int) -> None:
    """rich cuts a panel's border title without a mark; a long one opens the box instead."""
    title = "The biggest risk: " + " ".join(f"word{i}" for i in range(30)) + " (end)"
    short = "The biggest risk: short"
    boxed = RenderOptions(width=width, color=True)
    for t in (title, short):
        doc = Document("x", blocks=(Callout(t, (Paragraph(inline("body")),)),))
        out = re.sub(r"\x1b\[[0-9;]*m", "", terminal.render(doc, boxed))
        assert " ".join(out.replace("│", " ").split()).count(t) == 1
        assert all(len(line) <= width for line in out.splitlines())
    doc = Document("x", blocks=(Callout(short, (Paragraph(inline("body")),)),))
    assert f"╭─ {short} ─" in re.sub(r"\x1b\[[0-9;]*m", "", terminal.render(doc, boxed))


def test_piped_the_callout_and_sections_are_plain_text() -> None:
    """Without colour (a pipe or a file) no box or rule is drawn and no line ends in spaces:
    a section is its title after a blank line, the callout its title and an indented body."""
    doc = Document(
        "x",
        blocks=(
            Callout("The box", (Paragraph(inline("body")),)),
            Section("Part", (Section("Inner", (Paragraph(inline("text")),)),)),
        ),
    )
    out = terminal.render(doc, RenderOptions(width=40))
    assert out.splitlines() == ["x", "", "The box", "  body", "", "Part", "Inner", "text"]


def test_an_untitled_section_prints_its_brief_on_the_opening_screen_with_no_heading() -> None:
    """A section with no title only gives its blocks a brief variant: the terminal and Markdown
    print the brief by default and the blocks with --full, HTML the blocks; none a heading."""
    doc = Document(
        "x",
        blocks=(
            Section(
                "",
                (Paragraph(inline("whole <b>*x*</b>")),),
                brief=(Paragraph(inline("short")),),
            ),
        ),
    )
    assert terminal.render(doc, RenderOptions(width=40)).splitlines() == ["x", "short"]
    full = terminal.render(doc, RenderOptions(width=40, full=True))
    assert full.splitlines() == ["x", "whole <b>*x*</b>"]
    assert markdown_format.render(doc, RenderOptions()) == "# x\n\nshort\n"
    md_full = markdown_format.render(doc, RenderOptions(full=True))
    assert md_full == "# x\n\nwhole \\<b\\>\\*x\\*\\</b\\>\n"
    page = html_format.render(doc, RenderOptions())
    body = page.split("<body>", 1)[1]
    assert "whole &lt;b&gt;*x*&lt;/b&gt;" in body and "short" not in body
    assert "<h2" not in body and "<h1>x</h1>" in body
