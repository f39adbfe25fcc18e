"""`mlreview import` and `mlreview check --import` on the command line: exit codes, what is
written where, one line per problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.system.loader import load
from tests.importers.helpers import DATA
from tests.importers.test_merge import MANIFEST

HPA = str(DATA / "kubernetes/gke_t5_hpa.yaml")
DEPLOYMENT = str(DATA / "kubernetes/gke_t5_serving-gpu_deployment.yaml")


def test_import_prints_a_draft_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", DEPLOYMENT, HPA, "-o", "-"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Drafted by `mlreview import` from 2 files.")
    assert "max: 5  # " in out and "gke_t5_hpa.yaml: HorizontalPodAutoscaler" in out
    assert "gke_t5_hpa.yaml: read (Kubernetes): 5 values" in err
    assert err.strip().endswith("wrote <stdout>")


def test_import_writes_system_yaml_and_will_not_overwrite_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import", DEPLOYMENT, HPA]) == 0
    system = load(tmp_path / "system.yaml")
    assert system.manifest.endpoints[0].replicas is not None
    assert system.manifest.endpoints[0].replicas.max == 5
    text = (tmp_path / "system.yaml").read_text(encoding="utf-8")
    shown = os.path.relpath(HPA, tmp_path)  # origins are named from the manifest's folder
    assert f"max: 5  # {shown}: HorizontalPodAutoscaler t5-inference: spec.maxReplicas" in text
    capsys.readouterr()
    assert main(["import", HPA]) == 2
    assert "system.yaml: already exists; pass --force" in capsys.readouterr().err
    assert main(["import", HPA, "--force"]) == 0


def test_nothing_importable_is_exit_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("# just notes\n", encoding="utf-8")
    assert main(["import", "notes.md", "missing.yaml"]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml: skipped: no such file or folder" in err
    assert "nothing could be imported; nothing was written" in err
    assert not (tmp_path / "system.yaml").exists()


def test_merge_edits_the_manifest_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "system.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    assert main(["import", DEPLOYMENT, HPA, "--merge", str(manifest)]) == 0
    err = capsys.readouterr().err
    assert "conflict: " in err and "replicas.max: the manifest says 4" in err
    assert "same component: t5 (" in err and "is the manifest's t5_small" in err
    assert "values added, " in err and "1 conflicts (the manifest's values kept)" in err
    text = manifest.read_text(encoding="utf-8")
    assert "# capacity-planned by hand" in text and "cold_start: 2m  # " in text
    assert load(manifest).manifest.endpoints[0].replicas.max == 4  # type: ignore[union-attr]


def test_merge_into_a_missing_manifest_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", HPA, "--merge", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("nope.yaml:1:1: no such file; expected a YAML manifest file")
    assert "Traceback" not in err


def test_check_reviews_with_imported_values_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "system.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    code = main(
        ["check", str(manifest), "--import", DEPLOYMENT, HPA, "--no-questions", "-f", "json"]
    )
    assert code == 0
    out, err = capsys.readouterr()
    assert manifest.read_text(encoding="utf-8") == MANIFEST
    assert "with 9 imported values added (" in err
    data = json.loads(out)
    lines = len(MANIFEST.splitlines())
    found = [f["location"]["line"] for f in data["findings"]]
    assert found and all(1 <= line <= lines for line in found)
    endpoint = data["areas"]["serving"]["assessment"]["endpoints"][0]
    assert (endpoint["min_replicas"], endpoint["max_replicas"]) == (1, 4)  # imported min, own max


def test_check_import_with_nothing_to_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "system.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    assert main(["check", str(manifest), "--import", str(tmp_path / "notes.md")]) == 2
    assert "--import: nothing could be imported" in capsys.readouterr().err
