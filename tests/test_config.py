"""The configuration file: where it is found, what it may say, and the flags over it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlreview.cli import main
from tests.conftest import ROOT

FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"
FRAUD_DIR = ROOT / "examples" / "card-fraud"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the demand-forecast manifest in sub/, the repository as the working
    directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    shutil.copy(FORECAST, tmp_path / "sub" / "system.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _show(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, str]:
    """--show-config's lines by key: 'value  # origin'."""
    assert main(["check", "sub/system.yaml", "--show-config", *args]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    return {line.split(" = ", 1)[0]: line.split(" = ", 1)[1] for line in lines}


PYPROJECT = """\
[project]
name = "someone-elses"

[tool.ruff]
select = ["E"]

[tool.mlreview]
select = ["SKEW", "DATA"]
fail-on = "high"
baseline = "baselines/system.json"
growth-target = "20x"

[tool.mlreview.thresholds.SKEW015]
psi = 0.25
"""


def test_pyproject_section_is_found_upwards_and_flags_override_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(PYPROJECT)
    shown = _show(capsys, "--fail-on", "medium")
    where = f"# {repo.resolve() / 'pyproject.toml'} [tool.mlreview]"
    assert shown["select"] == f'["SKEW", "DATA"]  {where}'
    assert shown["fail-on"] == '"medium"  # --fail-on'
    assert shown["baseline"] == f'"{repo.resolve() / "baselines" / "system.json"}"  {where}'
    assert shown["growth-target"] == f"20.0  {where}"
    assert shown["thresholds"] == f"{{ SKEW015 = {{ psi = 0.25 }} }}  {where}"
    assert shown["ignore"] == "[]  # default"


def test_mlreview_toml_wins_in_its_folder_and_pyproject_without_a_section_is_passed_over(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (repo / "sub" / "mlreview.toml").write_text('fail-on = "low"\n')
    shown = _show(capsys)
    assert shown["fail-on"] == f'"low"  # {repo.resolve() / "sub" / "mlreview.toml"}'
    assert shown["select"] == "[]  # default"
    (repo / "sub" / "mlreview.toml").unlink()
    assert "pyproject.toml [tool.mlreview]" in _show(capsys)["fail-on"]


def test_the_search_stops_at_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mlreview.toml").write_text('fail-on = "low"\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sub").mkdir()
    shutil.copy(FORECAST, tmp_path / "repo" / "sub" / "system.yaml")
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["check", "sub/system.yaml", "--show-config"]) == 0
    out = capsys.readouterr().out
    assert "# configuration: none found" in out and "# fail-on is not set (default)" in out


def test_an_explicit_config_file_is_read_instead(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "ci.toml").write_text('ignore = ["SCALE014"]\n')
    shown = _show(capsys, "--config", "ci.toml")
    assert shown["ignore"] == '["SCALE014"]  # ci.toml'
    assert shown["select"] == "[]  # default"  # the pyproject.toml is not read
    assert main(["check", "sub/system.yaml", "--config", "missing.toml"]) == 2
    assert "missing.toml:1:1: no such configuration file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[tool.mlreview]\nselect = ["SKEW"]\nfail_on = "high"\n',
            ":3:1: [tool.mlreview]: unknown key 'fail_on'; did you mean 'fail-on'?",
        ),
        (
            '[tool.ruff]\nfail-on = 1\n\n[tool.mlreview]\nfail-on = "hgh"\n',
            ":5:1: fail-on: unknown value 'hgh'; did you mean 'high'?",
        ),
        (
            "[tool.mlreview]\nselect = ['SKEW0O1']\n",
            ":2:1: select: 'SKEW0O1' matches no rule code, code prefix or name; did you mean",
        ),
        (
            '[tool.mlreview]\nformat = "sarfi"\n',
            ":2:1: format: unknown value 'sarfi'; did you mean 'sarif'?",
        ),
        (
            "[tool.mlreview]\ngrowth-target = -3\n",
            ":2:1: growth-target: expected a multiplier between 0 and 1000",
        ),
        (
            "[tool.mlreview.thresholds.SKEW003]\npsi = 1\n",
            ":1:1: thresholds.SKEW003: has no thresholds; rules with thresholds: SKEW015",
        ),
        (
            "[tool.mlreview.thresholds.skew-in-linked-data]\npsy = 1\n",
            ":1:1: thresholds.skew-in-linked-data: unknown threshold 'psy'; did you mean 'psi'?",
        ),
        ("[tool.mlreview]\nselect = [\n", ":3:1: not TOML"),
    ],
)
def test_a_bad_setting_is_one_located_error(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    (repo / "pyproject.toml").write_text(text)
    assert main(["check", "sub/system.yaml", "-f", "json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{repo.resolve() / 'pyproject.toml'}{problem}" in err


def test_the_file_decides_selection_fail_on_and_format(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "mlreview.toml").write_text(
        'select = ["FEED"]\nfail-on = "low"\nformat = "json-lines"\n'
    )
    assert main(["check", "sub/system.yaml"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(json.loads(line)["rule"].startswith("FEED") for line in lines)
    assert main(["check", "sub/system.yaml", "--select", "MLR", "-o", "out.json"]) == 0
    assert json.loads((repo / "out.json").read_text())["version"] == "2.5"  # -o's suffix wins


def test_the_growth_target_default_reaches_the_serving_assessment(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = repo / "sub" / "system.yaml"
    declared = manifest.read_text()
    assert "    growth_multiplier: 10\n" in declared

    def multipliers() -> set[float]:
        assert main(["check", "sub/system.yaml", "-f", "json", "--no-questions"]) == 0
        data = json.loads(capsys.readouterr().out)
        return {e["multiplier"] for e in data["areas"]["serving"]["assessment"]["endpoints"]}

    (repo / "mlreview.toml").write_text("growth-target = 3\n")
    assert multipliers() == {10.0}  # the manifest's own target wins
    manifest.write_text(declared.replace("    growth_multiplier: 10\n", ""))
    assert multipliers() == {3.0}
    (repo / "mlreview.toml").unlink()
    assert multipliers() == {10.0}


def test_skew_thresholds_reach_the_linked_data_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FRAUD_DIR, tmp_path / "fraud")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    command = ["check", "fraud/system.yaml", "-f", "json", "--select", "SKEW015"]

    def limits_and_hits() -> tuple[dict[str, float], int]:
        """The thresholds used and the features found changed in the linked data."""
        assert main(command) == 0
        data = json.loads(capsys.readouterr().out)
        (linked,) = data["areas"]["skew"]["assessment"]["data"]
        return linked["thresholds"], sum(f["status"] != "ok" for f in linked["features"])

    limits, before = limits_and_hits()
    assert limits["psi"] == 0.2 and before >= 1
    # Every effect counts and no significance guard: more features are found changed.
    zero = "\n".join(f"{n} = 0" for n in ("wasserstein", "psi", "js", "ks", "linf", "missing"))
    (tmp_path / "mlreview.toml").write_text(f"[thresholds.SKEW015]\n{zero}\np_value = 1\n")
    limits, after = limits_and_hits()
    assert limits["psi"] == 0.0 and limits["p_value"] == 1.0 and limits["js"] == 0.0
    assert after > before
