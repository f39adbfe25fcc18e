"""A finding's identity across edits, and baselines: written, applied, refused when wrong."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.engine.baseline import Baseline, Entry, apply, baseline_text, parse, split
from mlreview.engine.runner import run
from mlreview.problems import InputError
from mlreview.system.loader import load, load_text
from tests.conftest import ROOT

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"
FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"


def _moved(text: str) -> str:
    """The manifest with its features section moved to the end, its first two features swapped
    and a comment block on top: every line moves, nothing means anything else."""
    lines = text.splitlines()
    start, end = lines.index("features:"), lines.index("models:")
    items: list[list[str]] = []
    for line in lines[start + 1 : end]:
        if line.startswith("  - id: "):
            items.append([])
        if line.strip():
            items[-1].append(line)
    items[0], items[1] = items[1], items[0]
    moved = ["# moved around", "", *lines[:start], *lines[end:], "", "features:"]
    return "\n".join([*moved, *(line for item in items for line in item)]) + "\n"


def test_moving_blocks_keeps_every_fingerprint_and_moves_the_lines() -> None:
    text = FRAUD.read_text(encoding="utf-8")
    moved = _moved(text)
    assert moved != text
    before = run(load_text(text, str(FRAUD)))
    after = run(load_text(moved, str(FRAUD)))
    assert Counter(f.fingerprint for f in before.findings) == Counter(
        f.fingerprint for f in after.findings
    )
    lines_before = {f.fingerprint: f.line for f in before.findings}
    lines_after = {f.fingerprint: f.line for f in after.findings}
    assert sum(lines_before[k] != lines_after[k] for k in lines_before) >= len(lines_before) // 2


def test_rewording_a_message_or_moving_its_line_keeps_the_fingerprint() -> None:
    f = run(load(FRAUD)).findings[0]
    reworded = replace(f, message="Said differently.", fix="Another fix.", line=f.line + 40)
    assert reworded.fingerprint == f.fingerprint
    assert replace(f, rule="SKEW999").fingerprint != f.fingerprint
    assert replace(f, components=("other",)).fingerprint != f.fingerprint
    assert replace(f, path="features[other]").fingerprint != f.fingerprint


def test_a_review_has_no_two_findings_of_one_identity() -> None:
    for example in (FRAUD, FORECAST):
        review = run(load(example))
        identities = [f.identity for f in [*review.findings, *review.suppressed]]
        assert len(identities) == len(set(identities))


def test_split_counts_entries_so_a_second_finding_of_one_identity_is_new() -> None:
    f = run(load(FRAUD)).findings[0]
    twin = replace(f, message="twin")
    entry = Entry(f.rule, f.components, f.path)
    gone = Entry("SKEW001", ("nothing",), "features[nothing]")
    new, use = split([f, twin], Baseline("b.json", "system.yaml", (entry, gone)))
    assert new == [twin]
    assert use.known == (f,)
    assert use.absent == (gone,)


def test_baseline_text_round_trips_and_is_one_entry_a_line() -> None:
    review = run(load(FORECAST))
    text = baseline_text("examples/demand-forecast/system.yaml", review.findings)
    doc = json.loads(text)
    assert doc["version"] == 1
    assert doc["manifest"] == "examples/demand-forecast/system.yaml"
    assert len(text.splitlines()) == len(review.findings) + 7
    back = parse(text, "b.json")
    assert sorted(e.identity for e in back.entries) == sorted(f.identity for f in review.findings)
    assert baseline_text("x", []).endswith('"findings": []\n}\n')


@pytest.mark.parametrize(
    ("text", "says", "line"),
    [
        ("{not json", "not JSON", 1),
        ('{"tool": "other", "findings": []}', "written by mlreview --write-baseline", 1),
        (
            '{"version": 9, "tool": "mlreview", "manifest": "s", "findings": []}',
            "baseline version 9",
            1,
        ),
        ('{"version": 1, "tool": "mlreview", "findings": []}', "manifest: expected", 1),
        (
            '{"version": 1, "tool": "mlreview", "manifest": "s", "findings": [{"rule": 1}]}',
            "findings[0]: expected an object with rule, components and path",
            1,
        ),
        ('{\n"version": 1,\n"tool": ]', "not JSON", 3),
    ],
)
def test_a_bad_baseline_is_one_located_error(text: str, says: str, line: int) -> None:
    with pytest.raises(InputError) as caught:
        parse(text, "b.json")
    (problem,) = caught.value.problems
    assert problem.file == "b.json" and problem.line == line and says in problem.message


def test_a_baseline_of_another_manifest_is_refused() -> None:
    system = load(FORECAST)
    with pytest.raises(InputError, match=r"records the findings of other/system\.yaml"):
        apply(run(system), system, Baseline("b.json", "other/system.yaml", ()))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding the demand-forecast example, as the working directory."""
    (tmp_path / ".git").mkdir()
    shutil.copy(FORECAST, tmp_path / "system.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _new_finding(repo: Path) -> None:
    """Declare a feature's training and serving code as separate: one new SKEW001 finding."""
    manifest = repo / "system.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.count("shared_definition: true") >= 1
    manifest.write_text(text.replace("shared_definition: true", "shared_definition: false", 1))


def test_check_against_its_baseline_reports_only_new_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "system.yaml", "--write-baseline", "base.json"]) == 0
    assert "findings recorded" in capsys.readouterr().err
    clean = ["check", "system.yaml", "--baseline", "base.json", "--fail-on", "info", "-f", "json"]
    assert main(clean) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == [] and all(not a["findings"] for a in data["areas"].values())
    assert data["baseline"]["known"] > 10 and data["baseline"]["absent"] == []
    assert data["top_risk"] is not None  # the system's risk is still described

    _new_finding(repo)
    assert main(clean) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == ["SKEW001"]
    assert main([*clean[:-2], "-f", "terminal"]) == 1
    out = capsys.readouterr().out
    assert "SKEW001" in out and "known findings not shown; 1 new finding shown above." in out


def test_entries_that_no_longer_occur_are_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new_finding(repo)
    assert main(["check", "system.yaml", "--write-baseline", "base.json"]) == 0
    (repo / "system.yaml").write_text(FORECAST.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["check", "system.yaml", "--baseline", "base.json", "-f", "markdown"]) == 0
    out = capsys.readouterr()
    assert "No longer found; rewrite the baseline with --write-baseline" in out.out
    assert "`SKEW001`" in out.out and out.err == ""
    assert main(["check", "system.yaml", "--baseline", "base.json", "-f", "concise"]) == 0
    out = capsys.readouterr()
    assert "1 baseline entries no longer occur" in out.err
    assert out.out.startswith("base.json: not found any more") and "SKEW001 on" in out.out


def test_a_missing_baseline_is_an_input_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "system.yaml", "--baseline", "none.json"]) == 2
    assert "none.json:1:1: no such baseline" in capsys.readouterr().err
