"""KServe InferenceServices, from real samples."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import imported, loads, origin, report, value


def test_canary_traffic_and_the_kpa() -> None:
    done = imported("kserve/rollout-canary.yaml")
    e = ("endpoints", "my-model")
    assert value(done, *e, "release") == {"canary": True, "canary_traffic": 0.1}
    assert value(done, *e, "platform") == "kserve"
    assert value(done, "models", "my-model-model", "family") == "tensorflow"
    assert origin(done, *e, "release", "canary_traffic").endswith(
        "InferenceService my-model: spec.predictor.canaryTrafficPercent"
    )
    loads(done)


def test_an_hpa_class_means_a_plain_deployment_and_a_utilisation_target() -> None:
    done = imported("kserve/benchmark_sklearn_hpa.yaml")
    e = ("endpoints", "sklearn-iris-hpa")
    assert value(done, *e, "platform") == "kubernetes"
    assert value(done, *e, "autoscaling") == {"enabled": True, "metric": "cpu", "target": 0.8}
    assert value(done, "models", "sklearn-iris-hpa-model", "family") == "sklearn"


def test_concurrency_gpus_and_the_default_kpa_metric() -> None:
    done = imported("kserve/autoscale_custom.yaml", "kserve/autoscale_gpu.yaml")
    assert value(done, "endpoints", "flowers-sample", "concurrency_per_replica") == 10
    gpu = ("endpoints", "flowers-sample-gpu")
    assert value(done, *gpu, "accelerators_per_replica") == 1
    assert value(done, *gpu, "autoscaling") == {
        "enabled": True,
        "metric": "concurrency",
        "target": 1.0,
    }


def test_transformers_as_a_separate_hop_or_in_the_predictor_pod() -> None:
    done = imported("kserve/driver_transformer.yaml", "kserve/collocation.yaml")
    assert value(done, "endpoints", "sklearn-driver-transformer", "transformer") == {
        "collocated": False
    }
    assert value(done, "endpoints", "custom-transformer-collocation", "transformer") == {
        "collocated": True
    }
    loads(done)


def test_a_batcher_is_reported_not_guessed() -> None:
    done = imported("kserve/batcher_v1beta1.yaml")
    assert value(done, "endpoints", "pytorch-batcher", "replicas") == {"min": 1}
    assert value(done, "endpoints", "pytorch-batcher", "batching") is None
    line = report(done, "batcher_v1beta1.yaml")
    assert line.status == "partly read"
    assert "maxBatchSize 16, maxLatency 300 ms" in line.reasons[0]


LOGGED = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: sklearn-iris}
spec:
  predictor:
    timeout: 30
    logger: {mode: all, url: http://message-dumper.default/}
    sklearn:
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
      readinessProbe: {initialDelaySeconds: 45}
  transformer:
    minReplicas: 2
    maxReplicas: 6
    containers: [{name: kserve-container, image: kserve/image-transformer:latest}]
"""


def test_logger_timeout_and_a_scaled_transformer(tmp_path: Path) -> None:
    """Hand-written: the sample with a logger (sklearn-logging.yaml) is held out."""
    path = tmp_path / "logged.yaml"
    path.write_text(LOGGED, encoding="utf-8")
    done = imported(str(path))
    e = ("endpoints", "sklearn-iris")
    assert value(done, *e, "logging") == {"predictions": True, "features": True}
    assert value(done, *e, "request_timeout") == "30s"
    assert value(done, *e, "cold_start") == "45s"
    assert value(done, *e, "transformer") == {"collocated": False, "replicas": {"min": 2, "max": 6}}
    loads(done)
