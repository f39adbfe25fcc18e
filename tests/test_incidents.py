"""The incident set behind benchmarks/eval_top_risk.py is well formed.

Each case loads, cites a source a reader can open, quotes it briefly, describes the system in
150-300 words of prose and names its cause with rules that exist (or says which rule is
missing). Whether the review's top risk names the cause is the evaluation's measure, not a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmarks.eval_top_risk import AREAS, INCIDENTS, Case, CaseError, cases, load_case, main

from mlreview.cli import main as cli
from mlreview.engine.rules import find
from tests.conftest import reviewed

CASES = cases()
URL = re.compile(r"https?://\S+")


def test_the_set_is_large_and_covers_every_area() -> None:
    assert len(CASES) >= 18
    for area in AREAS:
        assert sum(c.area == area for c in CASES) >= 3, area


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_manifest_loads(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["check", str(case.manifest), "--no-questions", "-f", "json"]) in (0, 1)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_cites_and_quotes_its_source(case: Case) -> None:
    assert any(URL.search(c) for c in case.citation), "no citation a reader can open"
    data = (case.folder / "case.yaml").read_text(encoding="utf-8")
    assert "evidence_from:" in data
    quoted = re.findall(r'"([^"]{20,})"', data.split("evidence:", 1)[1].split("evidence_from:")[0])
    assert quoted, "evidence must quote the source"
    assert sum(len(q.split()) for q in quoted) <= 110, "keep the quotation short"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_prose_is_150_to_300_words(case: Case) -> None:
    words = len(case.prose.read_text(encoding="utf-8").split())
    assert 150 <= words <= 300, words


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_cause_rules_exist_or_the_missing_pattern_is_named(case: Case) -> None:
    for code in case.cause_rules:
        rule = find(code)
        assert rule is not None and rule.code == code, code
    assert case.cause_rules or case.missing_pattern


def test_readme_lists_every_case() -> None:
    readme = (INCIDENTS / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.id}`" in readme, case.id


def test_a_malformed_case_is_named_with_what_was_expected(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "case.yaml").write_text("title: x\narea: weather\n", encoding="utf-8")
    with pytest.raises(CaseError, match=r"broken/case\.yaml: missing 'citation'"):
        load_case(folder)
    (folder / "case.yaml").write_text(
        "title: x\ncitation: y\nevidence: z\nroot_cause: r\ncause_rules: []\nnotes: n\n"
        "area: skew\n",
        encoding="utf-8",
    )
    with pytest.raises(CaseError, match="missing_pattern"):
        load_case(folder)


def test_an_unknown_case_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--case", "no-such-incident"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --case no-such-incident: no such case")


def test_a_declared_launch_is_judged_against_its_forecast_not_the_growth_target() -> None:
    """The capacity scenario of a declared launch works from the forecast (headroom, twice the
    forecast, the queue and the scale-up gap) and answers the 10x question in one clause."""
    done = reviewed(INCIDENTS / "chatgpt-image-launch-2025" / "system.yaml")
    top = done.top_risk
    assert top is not None and top.family == "capacity"
    assert "launch forecast sits just under a fixed ceiling" in top.title
    launch = next(f for f in top.findings if f.rule == "SCALE018")
    # The prose's "roughly a quarter of an image per second" a replica (250 on 1,000 replicas,
    # as its load test reached): 0.25 QPS, where the manifest had 0.27 (8 / 30 s).
    assert "headroom 250 / 200 = 1.25x" in launch.message
    assert "150 QPS are over the ceiling, 37.5% of requests" in launch.message
    assert "fills in 5 min (45,000 / 150)" in launch.message
    assert "the 10x growth target (2,000 QPS) would need 8.0x this ceiling" in launch.message
    working = " ".join(top.risk.working)
    assert "R = 150 / 400 = 0.38" in working and "At 2x the launch forecast" in working
    assert "1 - 250 / 2,000" not in working
