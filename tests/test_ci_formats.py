"""The CI formats (GitHub annotations, JUnit, JSON lines, concise) and the pre-commit command."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlreview.cli import main
from mlreview.engine.contract import finding_dict
from mlreview.engine.result import Review
from mlreview.engine.runner import run
from mlreview.report import formats
from mlreview.report._escape import visible
from mlreview.report.formats import RenderOptions
from mlreview.report.github import escape_data, escape_property
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load
from tests.conftest import ROOT

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"
FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"
ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),title=([^:]+)::(.*)$")


def _render(review: Review, fmt: str, fail_on: str | None = None) -> str:
    return formats.render(review_printable(review), fmt, RenderOptions(fail_on=fail_on))


def _unescape(text: str) -> str:
    """As the Actions runner reads a command's message (actions/runner ActionCommand.cs)."""
    for code, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, raw)
    return text


@given(st.text())
def test_annotation_text_cannot_leave_its_command(text: str) -> None:
    data, prop = escape_data(text), escape_property(text)
    for escaped in (data, prop):
        assert "\n" not in escaped and "\r" not in escaped
        assert _unescape(escaped) == visible(text)
    assert ":" not in prop and "," not in prop


def test_every_finding_is_one_annotation_on_its_manifest_line() -> None:
    review = run(load(FRAUD))
    lines = _render(review, "github").splitlines()
    assert len(lines) == len(review.findings)
    for line, f in zip(lines, review.findings, strict=True):
        found = ANNOTATION.match(line)
        assert found is not None, line
        level, file, number, title, message = found.groups()
        assert file == "examples/card-fraud/system.yaml" and int(number) == f.line
        assert _unescape(title).startswith(f"{f.rule} {f.name} ({f.severity.value})")
        assert _unescape(message) == f"{f.message}\nFix: {f.fix}"
        assert level == {"critical": "error", "high": "error", "medium": "warning"}.get(
            f.severity.value, "notice"
        )


def test_a_hostile_message_stays_inside_one_annotation() -> None:
    review = run(load(FORECAST))
    evil = "ends here\n::error file=x::forged%0A\r\x1b[31mred, with: colons"
    first = replace(review.findings[0], message=evil)
    out = _render(replace(review, findings=[first]), "github")
    assert out.count("\n") == 1 and "\x1b" not in out and "\r" not in out
    # The runner ends the properties at the first '::'; the message may hold more.
    found = ANNOTATION.match(out.rstrip("\n"))
    assert found is not None
    assert _unescape(found[5]) == f"{visible(evil)}\nFix: {first.fix}"
    assert visible(evil).startswith("ends here\\n::error")


def _junit(review: Review, fail_on: str | None) -> ET.Element:
    return ET.fromstring(_render(review, "junit", fail_on).encode())


def test_junit_has_a_case_per_rule_and_components_and_fails_at_fail_on() -> None:
    review = run(load(FRAUD))
    root = _junit(review, "high")
    cases = root.findall("testsuite/testcase")
    failures = root.findall("testsuite/testcase/failure")
    expected = {(f.rule, f.components) for f in review.findings if f.severity.rank >= 3}
    assert len(failures) == len(expected) > 0
    assert int(root.get("tests", "")) == len(cases)
    assert int(root.get("failures", "")) == len(failures)
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
    named = {(f.rule, f.components) for f in review.findings}
    ran_without = set(review.rules_run) - {f.rule for f in review.findings}
    assert len(cases) == len(named) + len(ran_without)
    for case in cases:
        assert case.get("classname", "").startswith("mlreview.")
        assert case.get("file") == "examples/card-fraud/system.yaml"
    assert _junit(review, None).findall("testsuite/testcase/failure") == []


def test_junit_survives_control_characters() -> None:
    # Suppressed findings are skipped: tests/test_reports.py, with SARIF's suppressions.
    loud = run(load(FORECAST))
    bell = [replace(loud.findings[0], message="bell \x07 and \x00 nul")]
    root = _junit(replace(loud, findings=bell), "info")
    (failure,) = root.findall("testsuite/testcase/failure")
    assert failure.get("message") == "bell \\x07 and \\x00 nul"


def test_json_lines_are_the_contract_findings_one_a_line() -> None:
    review = run(load(FRAUD))
    lines = _render(review, "json-lines").splitlines()
    assert len(lines) == len(review.findings)
    for line, f in zip(lines, review.findings, strict=True):
        item = json.loads(line)
        assert item["system"] == {"name": review.system_name, "file": review.file}
        assert {k: v for k, v in item.items() if k != "system"} == json.loads(
            json.dumps(finding_dict(f, review.pitfalls))
        )


def test_concise_is_one_line_per_finding_and_nothing_when_clean() -> None:
    review = run(load(FORECAST))
    lines = _render(review, "concise").splitlines()
    f = review.findings[0]
    assert lines[0] == f"{f.file}:{f.line}: {f.severity.value} {f.rule} {f.name}: {f.message}"
    assert len(lines) == len(review.findings)
    assert _render(run(load(ROOT / "tests" / "rules" / "base.yaml")), "concise") == ""


def test_output_format_is_an_alias_of_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FORECAST), "--output-format", "junit", "--no-questions"]) == 0
    assert capsys.readouterr().out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert main(["capacity", str(FORECAST), "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["system"]


def test_suffixes_choose_the_new_formats(tmp_path: Path) -> None:
    assert formats.for_output(tmp_path / "r.xml", ("findings",)) == "junit"
    assert formats.for_output(tmp_path / "r.jsonl", ("findings",)) == "json-lines"


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two manifests, a/ clean and b/ with findings."""
    (tmp_path / ".git").mkdir()
    for name, source in (("a", ROOT / "tests" / "rules" / "base.yaml"), ("b", FORECAST)):
        (tmp_path / name).mkdir()
        shutil.copy(source, tmp_path / name / "system.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pre_commit_checks_each_manifest_and_fails_on_any_finding(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pre-commit", "a/system.yaml"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["pre-commit", "a/system.yaml", "b/system.yaml"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out and all(line.startswith("b/system.yaml:") for line in out)
    (two / "b" / "mlreview.toml").write_text('fail-on = "critical"\nformat = "sarif"\n')
    # The configuration's fail-on applies; its format is for `check`, not for the hook.
    code = main(["pre-commit", "b/system.yaml"])
    out = capsys.readouterr().out
    critical = [line for line in out.splitlines() if ": critical " in line]
    assert code == (1 if critical else 0) and out.startswith("b/system.yaml:")


def test_pre_commit_reports_a_bad_manifest_and_checks_the_rest(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (two / "c.yaml").write_text("version: 1\nsystem: {nam: x}\n")
    assert main(["pre-commit", "c.yaml", "a/system.yaml"]) == 2
    captured = capsys.readouterr()
    assert "c.yaml:2:" in captured.err and captured.out == ""
    with pytest.raises(SystemExit):
        main(["pre-commit", "a/system.yaml", "--format", "json"])
