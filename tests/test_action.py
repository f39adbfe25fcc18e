"""action.yml against the documented action metadata syntax (docs.github.com, "Metadata syntax
reference"), and its review step run as a runner would run it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
TOP = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
INPUT = {"description", "required", "default", "deprecationMessage"}
OUTPUT = {"description", "value"}
STEP = {
    "run",
    "shell",
    "if",
    "name",
    "id",
    "env",
    "working-directory",
    "uses",
    "with",
    "continue-on-error",
}
COLORS = {"white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = ACTION["runs"]["steps"]
    return steps


def test_action_uses_only_documented_metadata_keys() -> None:
    assert set(ACTION) <= TOP and {"name", "description", "runs"} <= set(ACTION)
    for ident, spec in ACTION["inputs"].items():
        assert IDENT.match(ident) and set(spec) <= INPUT and isinstance(spec["description"], str)
        assert isinstance(spec.get("default", ""), str)
    for ident, spec in ACTION["outputs"].items():
        assert IDENT.match(ident) and set(spec) == OUTPUT
    assert ACTION["branding"]["color"] in COLORS
    assert ACTION["runs"]["using"] == "composite" and set(ACTION["runs"]) == {"using", "steps"}
    ids = [s["id"] for s in _steps() if "id" in s]
    assert len(ids) == len(set(ids))
    for step in _steps():
        assert set(step) <= STEP
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"
        else:
            assert re.match(r"^[\w.-]+/[\w./-]+@v\d+$", step["uses"]), step["uses"]


def test_action_has_the_inputs_the_issue_names_and_reads_them_safely() -> None:
    assert {"manifest", "fail-on", "baseline", "format"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["manifest"]["required"] is True
    uses = [s["uses"] for s in _steps() if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    ids = {s.get("id") for s in _steps()}
    for step in _steps():
        # Inputs reach scripts through the environment, never pasted into the script text.
        assert "${{" not in step.get("run", "")
        texts = [str(v) for v in (step.get("env") or {}).values()]
        texts += [str(v) for v in (step.get("with") or {}).values()] + [step.get("if", "")]
        for text in texts:
            for expression in EXPRESSION.findall(text):
                names = re.findall(r"inputs\.([\w-]+)", expression)
                assert all(n in ACTION["inputs"] for n in names), expression
                stepped = re.findall(r"steps\.([\w-]+)\.", expression)
                assert all(s in ids for s in stepped), expression


def _run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    (step,) = [s for s in _steps() if s.get("name") == name]
    bin_dir = str(Path(sys.executable).parent)
    full = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_sarif_and_review_steps_run(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copy(ROOT / "examples" / "demand-forecast" / "system.yaml", tmp_path / "system.yaml")
    output = tmp_path / "github_output"
    env = {"MANIFEST": "system.yaml", "BASELINE": "", "CONFIG": "", "RUNNER_TEMP": str(tmp_path)}
    done = _run_step("Write SARIF", {**env, "GITHUB_OUTPUT": str(output)}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert output.read_text() == f"file={tmp_path / 'mlreview.sarif'}\n"
    assert '"version": "2.1.0"' in (tmp_path / "mlreview.sarif").read_text()
    review = {**env, "FORMAT": "github", "FAIL_ON": "critical"}
    done = _run_step("Review", review, tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("::error file=system.yaml,line=")
    done = _run_step("Review", {**review, "FAIL_ON": ""}, tmp_path)
    assert done.returncode == 0, done.stderr
