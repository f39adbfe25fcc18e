"""`mlreview import --merge`: imported values fill what the manifest leaves unknown, never
replace what it states, and every comment and line of it stays."""

from __future__ import annotations

from pathlib import Path

from mlreview.draft.merge import import_into
from mlreview.system.loader import load_text
from tests.importers.helpers import DATA

MANIFEST = """\
# yaml-language-server: $schema=schema.json
version: 1
system:
  name: t5  # our name for it
models:
  - id: t5_small
    family: transformer
endpoints:
  - id: t5-inference
    model: t5_small
    mode: online
    replicas: {max: 4}   # capacity-planned by hand
"""


def _merge(tmp_path: Path, text: str, *names: str) -> tuple[str, list[str], int]:
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    paths = [str(DATA / n) for n in names]
    _, merged = import_into(text, str(path), paths, tmp_path)
    load_text(merged.text, str(path))
    return merged.text, merged.conflicts, merged.added


def test_a_value_a_person_wrote_is_kept_and_the_conflict_names_both(tmp_path: Path) -> None:
    text, conflicts, added = _merge(
        tmp_path,
        MANIFEST,
        "kubernetes/gke_t5_serving-gpu_deployment.yaml",
        "kubernetes/gke_t5_hpa.yaml",
    )
    (conflict,) = conflicts  # the label's model 't5' is taken to be the manifest's t5_small
    assert conflict.startswith(
        f"{tmp_path / 'system.yaml'}:12: endpoints[t5-inference].replicas.max:"
    )
    assert "the manifest says 4;" in conflict
    assert "gke_t5_hpa.yaml: HorizontalPodAutoscaler t5-inference: spec.maxReplicas says 5" in (
        conflict
    )
    assert "replicas: {max: 4, min: 1}   # capacity-planned by hand" in text
    assert "  name: t5  # our name for it" in text
    assert [line for line in MANIFEST.splitlines() if line not in text.splitlines()] == [
        "    replicas: {max: 4}   # capacity-planned by hand"
    ]
    assert "    cold_start: 2m  # " in text
    assert "  - id: t5  #" not in text
    assert added == 9


def test_a_model_the_files_do_not_name_becomes_the_manifests(tmp_path: Path) -> None:
    text = MANIFEST.replace("t5-inference", "flowers-sample-gpu").replace(
        "    replicas: {max: 4}   # capacity-planned by hand\n", ""
    )
    merged, conflicts, _ = _merge(tmp_path, text, "kserve/autoscale_gpu.yaml")
    (conflict,) = conflicts
    assert conflict.startswith(f"{tmp_path / 'system.yaml'}:7: models[t5_small].family: ")
    assert conflict.endswith(
        "autoscale_gpu.yaml: InferenceService flowers-sample-gpu: spec.predictor.tensorflow "
        "says tensorflow; kept transformer"
    )
    system = load_text(merged, "s.yaml")
    assert [m.id for m in system.manifest.models] == ["t5_small"]
    assert system.manifest.endpoints[0].accelerators_per_replica == 1


def test_new_components_and_sections_are_appended_with_their_origins(tmp_path: Path) -> None:
    text, conflicts, added = _merge(
        tmp_path, MANIFEST, "feast/aws_credit_scoring_dynamodb_redshift_feature_store.yaml"
    )
    assert not conflicts and added == 4
    tail = text.split(MANIFEST.rstrip("\n").splitlines()[-1], 1)[1]
    assert "stores:\n  - id: credit_scoring_aws-online  # " in tail
    assert "    technology: dynamodb  # " in tail
    assert "aws_credit_scoring_dynamodb_redshift_feature_store.yaml: online_store.type" in tail


def test_a_value_that_would_break_the_manifest_is_not_added(tmp_path: Path) -> None:
    text = MANIFEST.replace("{max: 4}", "{max: 0}")
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    hpa = str(DATA / "kubernetes/gke_t5_hpa.yaml")
    _, merged = import_into(text, str(path), [hpa], tmp_path)
    assert any("min 1 is above max 0" in r for r in merged.refused)
    assert "min: 1" not in merged.text
    load_text(merged.text, str(path))
