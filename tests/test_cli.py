"""The command line: formats, output files, exit codes, rule selection and docs commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.engine.rules import every_rule
from tests.conftest import EXAMPLES, ROOT

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"


def test_check_prints_five_parts(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(FRAUD), "--width", "120"]) == 0
    out = capsys.readouterr().out
    for part in (
        "1. Training-serving skew",
        "2. Data-pipeline reliability",
        "3. Serving scalability",
        "4. Feedback-loop design",
        "5. The biggest risk",
    ):
        assert part in out


@pytest.mark.parametrize(("fail_on", "code"), [("critical", 1), ("high", 1), ("info", 1)])
def test_fail_on_exits_one_when_a_finding_reaches_it(fail_on: str, code: int, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(FRAUD), "--fail-on", fail_on, "-f", "json"]) == code


def test_fail_on_exits_zero_when_nothing_reaches_it(capsys) -> None:  # type: ignore[no-untyped-def]
    base = ROOT / "tests" / "rules" / "base.yaml"
    assert main(["check", str(base), "--fail-on", "info"]) == 0
    selected = ["check", str(FRAUD), "--select", "SCALE015", "--fail-on", "low"]
    assert main(selected) == 0


def test_output_file_format_from_suffix(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    assert main(["check", str(FRAUD), "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["system"]["name"] == "card-fraud-scoring"


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json", "sarif", "html"])
def test_every_format_is_deterministic(fmt: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["check", str(FRAUD), "-f", fmt, "-o", str(a)]) == 0
    assert main(["check", str(FRAUD), "-f", fmt, "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.stat().st_size > 500


def test_select_and_ignore_by_code_prefix_and_name(capsys) -> None:  # type: ignore[no-untyped-def]
    main(
        [
            "check",
            str(FRAUD),
            "-f",
            "json",
            "--select",
            "SKEW,no-action-limits",
            "--ignore",
            "SKEW00",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in data["findings"]}
    assert "FEED013" in rules
    run = ["SKEW010", "SKEW011", "SKEW012", "SKEW013", "SKEW014", "SKEW015", "SKEW016", "SKEW017"]
    assert rules <= {*run, "FEED013"}
    assert data["rules_run"] == ["FEED013", *run]


def test_unknown_selector_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(FRAUD), "--select", "NOPE"]) == 2
    assert capsys.readouterr().err.strip() == (
        "mlreview: --select/--ignore: 'NOPE' matches no rule code, code prefix or name"
    )


def test_bad_option_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        main(["check", str(FRAUD), "--format", "pdf"])
    assert exc.value.code == 2


def test_unwritable_output(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(FRAUD), "-o", str(tmp_path / "no" / "dir" / "x.md")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_no_command_prints_help(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 2
    assert "usage: mlreview" in capsys.readouterr().out


def test_rules_lists_every_rule(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in every_rule():
        assert rule.code in out and rule.name in out


def test_rule_explains_by_code_or_name(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rule", "skew003"]) == 0
    by_code = capsys.readouterr().out
    assert main(["rule", "no-serving-feature-log"]) == 0
    assert capsys.readouterr().out == by_code
    assert "Rules of Machine Learning #29" in by_code
    assert main(["rule", "SKEW999"]) == 2


def test_docs_rules_md_is_generated_from_the_rules(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules", "--full", "--format", "markdown"]) == 0
    generated = capsys.readouterr().out
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `make docs`"
    )


def test_rules_json(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(r["sources"] and r["fix"] and r["rationale"] for r in data)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_review_cleanly_from_another_directory(
    example: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(example.parent, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "system.yaml", "-f", "sarif", "-o", "out.sarif"]) == 0
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"system.yaml"}
