"""A deterministic, realistic manifest of a given size, for benchmarks."""

from __future__ import annotations

import random
from typing import Any

import yaml

SOURCE_KINDS = ["stream", "batch_table", "database", "lookup_table", "online_api"]


def manifest(features: int = 300, sources: int = 50, pipelines: int = 20, seed: int = 7) -> str:
    rng = random.Random(seed)
    srcs: list[dict[str, Any]] = []
    for i in range(sources):
        kind = SOURCE_KINDS[i % len(SOURCE_KINDS)]
        srcs.append(
            {
                "id": f"src_{i:03d}",
                "kind": kind,
                "owner": f"team_{i % 7}",
                "owned_by_model_team": i % 3 == 0,
                "availability": rng.choice([0.99, 0.999, 0.9999]),
                "on_failure": {
                    "behaviour": rng.choice(["default_value", "last_known_good", "fail_closed"]),
                    "alert": rng.random() < 0.5,
                },
                "monitors": {"freshness": rng.random() < 0.7, "volume": rng.random() < 0.4},
                "zones": rng.choice([1, 2, 3]),
            }
        )
    stores = [
        {"id": "online_store", "kind": "online", "ttl": "26h", "zones": 2, "max_qps": 50000},
        {"id": "offline_store", "kind": "offline", "point_in_time": True},
    ]
    pipes: list[dict[str, Any]] = []
    for i in range(pipelines - 1):
        inputs = sorted(rng.sample([s["id"] for s in srcs], 3))
        stream = i % 4 == 0
        pipes.append(
            {
                "id": f"pipe_{i:02d}",
                "kind": "feature_stream" if stream else "feature_batch",
                "schedule": "continuous" if stream else rng.choice(["daily", "every 6h", "hourly"]),
                "runtime": None if stream else rng.choice(["20m", "1h", "2h"]),
                "inputs": inputs,
                "outputs": ["online_store", "offline_store"],
                "retries": {"max": rng.choice([0, 2, 3]), "backoff": True},
                "alerts": {"on_failure": True, "on_sla_miss": rng.random() < 0.5},
            }
        )
    pipes.append(
        {
            "id": "training",
            "kind": "training",
            "schedule": "daily",
            "runtime": "3h",
            "inputs": ["offline_store"],
            "validation": {"schema": True, "blocking": rng.random() < 0.5},
        }
    )
    for p in pipes:
        if p.get("runtime") is None:
            p.pop("runtime", None)
    feats: list[dict[str, Any]] = []
    for i in range(features):
        pipe = pipes[i % (pipelines - 1)]
        src = pipe["inputs"][i % 3]
        shared = rng.random() < 0.6
        feats.append(
            {
                "id": f"feat_{i:03d}",
                "sources": [src],
                "store": "online_store",
                "shared_definition": shared,
                "training": {"code": f"spark/f{i}.py", "language": "python", "window": "1h"},
                "serving": {
                    "code": f"spark/f{i}.py" if shared else f"java/F{i}.java",
                    "language": "python" if shared else "java",
                    "window": rng.choice(["1h", "1h", "24h"]),
                },
                "point_in_time_join": rng.random() < 0.8,
                "freshness_budget": rng.choice(["10m", "2h", "26h", "30h"]),
                "missing": {"training": "drop", "serving": rng.choice(["drop", "zero"])},
                "logged_at_serving": rng.random() < 0.3,
                "importance_rank": i + 1,
            }
        )
    per_model = features // 3
    models = [
        {
            "id": f"model_{m}",
            "family": "xgboost",
            "features": [f["id"] for f in feats[m * per_model : (m + 1) * per_model]],
            "training": {"pipeline": "training", "cadence": "daily", "automated": True},
            "registry": {"retained_versions": 3},
        }
        for m in range(3)
    ]
    endpoints = [
        {
            "id": f"endpoint_{m}",
            "model": f"model_{m}",
            "mode": "online",
            "replicas": {"min": 2, "max": 20},
            "capacity": {"qps_per_replica": 150, "source": "load_test"},
            "dependencies": [{"target": "online_store", "calls_per_request": 4, "timeout_ms": 30}],
            "slo": {"p99_ms": 80},
        }
        for m in range(3)
    ]
    feedback = [
        {
            "id": f"labels_{m}",
            "model": f"model_{m}",
            "label": {"kind": "outcome", "delay": {"p50": "3d", "p95": "20d"}},
            "model_shapes_own_data": m == 0,
        }
        for m in range(3)
    ]
    doc = {
        "version": 1,
        "system": {"name": "generated", "traffic": {"peak_qps": 800}},
        "sources": srcs,
        "pipelines": pipes,
        "stores": stores,
        "features": feats,
        "models": models,
        "endpoints": endpoints,
        "feedback": feedback,
        "monitoring": {"skew": {"training_serving": False}},
    }
    return yaml.safe_dump(doc, sort_keys=False)
