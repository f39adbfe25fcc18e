"""Every file in the shared artefacts (../shared/artefacts: 111 real files from public projects)
is imported or skipped with its reason, in one walk of the folder, never with a traceback.

loadtests/ is left out: its Locust, k6 and llmperf files are read by the load-test readers
(mlreview.datasets.loadtest), which another change owns; `mlreview import` does not import
load tests, a manifest links them (endpoints[].capacity.load_test.results)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from mlreview.draft.imports import Imported, import_paths
from tests.conftest import ROOT

LEFT_OUT = {"loadtests"}


def _artefacts() -> Path | None:
    given = os.environ.get("MLREVIEW_ARTEFACTS")
    if given:
        return Path(given)
    for folder in (ROOT, *ROOT.parents):
        candidate = folder / "shared" / "artefacts"
        if candidate.is_dir():
            return candidate
    return None


ARTEFACTS = _artefacts()


@cache
def walked() -> tuple[Imported, Path]:
    if ARTEFACTS is None:
        pytest.skip("no shared/artefacts folder above the repository (set MLREVIEW_ARTEFACTS)")
    folders = sorted(p for p in ARTEFACTS.iterdir() if p.is_dir() and p.name not in LEFT_OUT)
    files = [str(p) for p in folders] + [str(p) for p in ARTEFACTS.iterdir() if p.is_file()]
    return import_paths(files, base=ARTEFACTS), ARTEFACTS


def test_every_artefact_is_imported_or_skipped_with_a_reason() -> None:
    done, root = walked()
    expected = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] not in LEFT_OUT
    )
    assert sorted(f.file.display for f in done.files) == expected
    assert len(expected) >= 100
    for f in done.files:
        assert f.status in ("read", "partly read", "skipped"), f.line()
        if f.status == "skipped":
            assert f.reasons and all(r.strip() for r in f.reasons), f.line()
        else:
            assert f.values > 0, f.line()
        assert not any("importer failed" in r for r in f.reasons), f.line()


def test_each_kind_of_file_is_recognised_by_its_content() -> None:
    done, _ = walked()
    kinds: dict[str, set[str]] = {}
    for f in done.files:
        kinds.setdefault(f.file.display.split("/")[0], set()).update(f.kinds)
    assert kinds["kubernetes"] == {"Kubernetes"}
    assert kinds["kserve"] == {"KServe"}
    assert kinds["openlineage"] == {"OpenLineage"}
    assert kinds["dbt"] == {"dbt"}
    assert kinds["prometheus"] == {"Prometheus rules"}
    assert kinds["feast"] == {"Feast"}
    assert kinds["sagemaker"] == {"SageMaker"}
    assert kinds["mlflow"] == {"MLflow"}
    read = [f for f in done.files if f.values]
    assert len(read) >= 80


def test_the_real_world_mess_is_named_in_the_reasons() -> None:
    done, _ = walked()
    reasons = {f.file.display: " ".join(f.reasons) for f in done.files}
    assert "not valid YAML" in reasons["kubernetes/gke_vllm-tpu_llama3-70b_deployment.yaml"]
    assert "found character '%'" in reasons["feast/template_aws_feature_store.yaml"]
    assert (
        "{{ any(result) }}" not in reasons["openlineage/dbt_postgres_successful_run_ol_events.json"]
    )
    assert "test placeholders" in reasons["openlineage/dbt_postgres_successful_run_ol_events.json"]
    assert "unfilled placeholder" in reasons["sagemaker/ack_sample_endpoint_config.yaml"]
    assert (
        "known only when deployed" not in reasons["sagemaker/safe-deployment_deploy-model-prd.yml"]
    )
    assert (
        "needs ModelName, TrainJobId" in reasons["sagemaker/safe-deployment_deploy-model-prd.yml"]
    )
    assert "neither JSON nor YAML" in reasons["README.md"]
