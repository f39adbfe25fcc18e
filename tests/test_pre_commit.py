"""The hook in .pre-commit-hooks.yaml, run by the real pre-commit tool.

A temporary git repository holds this project's installable files and the hook definition;
another holds a manifest, a [tool.mlreview] section and a baseline, and then gets one new
finding. `pre-commit try-repo` installs mlreview from the first into its own virtualenv (from
PyPI for the dependencies, nothing from GitHub) and runs the hook in the second. This is the
slowest test in the suite: building the hook's virtualenv takes about 15 s of CPU
(docs/ci.md, "Testing the hook")."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlreview.cli import main
from tests.conftest import ROOT

FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _hook_repository(where: Path) -> Path:
    """This project's files that `pip install .` needs, with the hook, as a git repository."""
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, where / name)
    shutil.copytree(ROOT / "src", where / "src", ignore=shutil.ignore_patterns("__pycache__"))
    _git(where, "init", "-q")
    _git(where, "add", "-A")
    _git(where, "commit", "-qm", "hook")
    return where


def test_a_new_finding_fails_the_hook_and_is_the_only_junit_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "hook").mkdir()
    hook = _hook_repository(tmp_path / "hook")
    target = tmp_path / "target"
    target.mkdir()
    _git(target, "init", "-q")
    shutil.copy(FORECAST, target / "system.yaml")
    (target / "pyproject.toml").write_text(
        '[project]\nname = "forecast"\n\n[tool.mlreview]\n'
        'fail-on = "high"\nbaseline = ".mlreview-baseline.json"\n'
    )
    monkeypatch.chdir(target)
    assert main(["check", "system.yaml", "--write-baseline", ".mlreview-baseline.json"]) == 0
    manifest = target / "system.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("shared_definition: true", "shared_definition: false", 1))
    _git(target, "add", "-A")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    done = subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(hook), "mlreview", "--all-files", "--color", "never"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^mlreview\.+Failed$", done.stdout, re.MULTILINE), done.stdout
    findings = [line for line in done.stdout.splitlines() if line.startswith("system.yaml:")]
    assert len(findings) == 1 and " SKEW001 " in findings[0], done.stdout

    capsys.readouterr()
    assert main(["check", "system.yaml", "-f", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out.encode())
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert len(failed) == 1 and failed[0].get("classname") == "mlreview.skew.SKEW001"
    assert int(root.get("failures", "")) == 1
    assert len(root.findall(".//skipped")) > 10  # the baseline's findings
