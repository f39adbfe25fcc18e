"""Kubernetes workloads and what scales, budgets and fronts them, from real manifests."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import imported, loads, origin, report, value


def test_a_deployment_its_hpa_and_its_service_make_one_endpoint() -> None:
    done = imported("kubernetes/gke_t5_serving-gpu_deployment.yaml", "kubernetes/gke_t5_hpa.yaml")
    e = ("endpoints", "t5-inference")
    assert value(done, *e, "model") == "t5"  # the Deployment's 'model' label
    assert value(done, *e, "platform") == "kubernetes"
    assert value(done, *e, "replicas") == {"min": 1, "max": 5}  # the HPA's, not spec.replicas
    assert value(done, *e, "autoscaling") == {
        "enabled": True,
        "metric": "ts_queue_latency_microseconds",
        "target": 30000.0,
    }
    assert value(done, *e, "accelerators_per_replica") == 1
    assert value(done, *e, "accelerator") == "nvidia-l4"
    assert value(done, *e, "cold_start") == "2m"  # readinessProbe.initialDelaySeconds 120
    assert value(done, *e, "routing") == "random"
    assert "gke_t5_hpa.yaml: HorizontalPodAutoscaler t5-inference: spec.maxReplicas" in origin(
        done, *e, "replicas", "max"
    )
    assert not done.collector.conflicts
    loads(done)


def test_a_configmap_beside_the_deployment_is_named_as_not_imported() -> None:
    done = imported("kubernetes/gke_gemma_trtllm_triton_deployment.yaml")
    e = ("endpoints", "triton-gemma-deployment")
    assert value(done, *e, "replicas") == {"min": 1, "max": 1}  # no autoscaler in the files
    assert value(done, *e, "cold_start") == "10m"
    assert value(done, *e, "model") == "gemma"  # label ai.gke.io/model
    line = report(done, "gke_gemma_trtllm_triton_deployment.yaml")
    assert line.status == "partly read"
    assert "document 1: ConfigMap (v1) is not a kind mlreview imports" in line.reasons


def test_seldon_pdb_keda_ray_and_leaderworkerset() -> None:
    done = imported(
        "kubernetes/seldon-v1_model_with_pdb.yaml",
        "kubernetes/vllm-production-stack_keda-scaled-object.yaml",
        "kubernetes/kuberay_ray-service.llm-serve.yaml",
        "kubernetes/gke_multihost-gpus_vllm-llama3-405b-A3_lws.yaml",
    )
    assert value(done, "endpoints", "seldon-model", "disruption_budget") is True
    assert value(done, "endpoints", "seldon-model", "replicas") == {"min": 2, "max": 2}
    assert value(done, "endpoints", "seldon-model", "model") == "classifier"
    keda = ("endpoints", "vllm-llama3-deployment-vllm")
    assert value(done, *keda, "replicas") == {"min": 1, "max": 2}
    assert value(done, *keda, "autoscaling", "metric") == "vllm:num_requests_waiting"
    assert value(done, *keda, "autoscaling", "target") == 5.0
    ray = ("endpoints", "ray-serve-llm")
    assert value(done, *ray, "platform") == "ray_serve"
    assert value(done, *ray, "model") == "qwen2.5-7b-instruct"
    assert value(done, *ray, "replicas") == {"min": 1, "max": 4}
    assert value(done, *ray, "autoscaling", "target") == 64.0
    assert value(done, *ray, "concurrency_per_replica") == 128
    lws = ("endpoints", "vllm")
    assert value(done, *lws, "accelerators_per_replica") == 16  # 8 GPUs x 2 pods per group
    assert value(done, *lws, "accelerator") == "nvidia-h100-80gb"
    loads(done)


def test_invalid_upstream_yaml_is_skipped_with_its_line() -> None:
    done = imported("kubernetes/gke_infw-gw_vllm-llama3-8b_deployment.yaml")
    line = report(done, "gke_infw-gw_vllm-llama3-8b_deployment.yaml")
    assert line.status == "skipped"
    assert line.reasons == ["not valid YAML: line 17 column 9: mapping values are not allowed here"]
    assert done.values == 0


STATEFUL = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ranker, namespace: ml}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: ranker}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: topology.kubernetes.io/zone, operator: In, values: [a, b, c]}
      nodeSelector: {node.kubernetes.io/instance-type: g2-standard-8}
      containers:
        - name: server
          env: [{name: MODEL_ID, value: ranker-v7}]
          resources: {limits: {nvidia.com/gpu: 1}}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: ranker, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: ranker}
  minReplicas: 2
  maxReplicas: 12
  targetCPUUtilizationPercentage: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ranker, namespace: ml}
spec: {minAvailable: 2, selector: {matchLabels: {app: ranker}}}
"""

BEHAVIOUR = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 20
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 60
      policies: [{type: Pods, value: 4, periodSeconds: 60}]
"""


def test_statefulset_hpa_v1_pdb_zones_and_spread(tmp_path: Path) -> None:
    """Hand-written: no real StatefulSet, v1 HPA or PodDisruptionBudget is in the artefacts."""
    path = tmp_path / "helm-template-output.yaml"
    path.write_text(STATEFUL, encoding="utf-8")
    done = imported(str(path))
    e = ("endpoints", "ranker")
    assert value(done, *e, "model") == "ranker-v7"
    assert value(done, *e, "replicas") == {"min": 2, "max": 12}
    assert value(done, *e, "autoscaling") == {"enabled": True, "metric": "cpu", "target": 0.7}
    assert value(done, *e, "disruption_budget") is True
    assert value(done, *e, "zones") == 3
    assert value(done, *e, "instance_type") == "g2-standard-8"
    notes = report(done, "helm-template-output.yaml").reasons
    assert any("spreads replicas across zones" in n for n in notes)
    loads(done)


def test_scale_up_behaviour_becomes_the_reaction(tmp_path: Path) -> None:
    path = tmp_path / "hpa.yaml"
    path.write_text(BEHAVIOUR, encoding="utf-8")
    done = imported(str(path))
    scaling = value(done, "endpoints", "api", "autoscaling")
    assert scaling == {"enabled": True, "metric": "cpu", "target": 0.6, "reaction": "90s"}
    notes = " ".join(report(done, "hpa.yaml").reasons)
    assert "also scales on memory" in notes
    assert "4 Pods per 60 s" in notes
    assert "not in the imported files" in notes  # the Deployment it scales
