"""Prometheus alerting rules (rule-group files and PrometheusRule resources): which of the
monitors the manifest asks about exist, and whether they page.

Each alert is classified by the metrics its expression reads (and its name): serving latency,
errors and saturation, consumer lag, job failure and lateness, drift, model age, feature
freshness, skew, null rates and label-based quality. Control-plane, node, certificate and
storage alerts describe nothing in the manifest and are listed as not mapped. An alert whose
severity is critical (or page, error, high) pages someone ('alert'); any other severity is
treated as seen when someone looks ('dashboard'), since routing lives in Alertmanager's config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Attachment,
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    text_of,
)
from mlreview.draft.importers.kubernetes import resource

PAGING = ("critical", "page", "pager", "error", "high", "p1", "p2", "sev1", "sev2", "emergency")
STRENGTH = {"alert": 2, "dashboard": 1}

INFRASTRUCTURE = re.compile(
    r"\b(apiserver|kubelet|etcd|scheduler|controller_manager|kube_node|kube_persistentvolume|"
    r"kubelet_volume|rest_client|coredns|prometheus|alertmanager|node_|aggregator_|"
    r"certificate|kube_daemonset|kube_resourcequota|kube_state_metrics|kube_statefulset|"
    r"kube_pod|kube_deployment|kube_replicaset|namespace_cpu|namespace_memory)",
)
SERVING = re.compile(
    r"(tensorflow:serving|nv_inference|triton|ts_inference|ts_queue|torchserve|vllm|tgi_|"
    r"seldon|kserve|revision_request|litellm|inference|predict|model_server|serving|"
    r"http_request|http_server|grpc_server|sagemaker)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    """Where an alert of one class goes: a monitoring field, or a field of matching pipelines."""

    label: str
    field: tuple[str, ...]
    section: str | None = None
    engines: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def wanted(self) -> str:
        if self.kinds:
            return f"{' or '.join(self.kinds)} pipeline"
        return f"pipeline run by {' or '.join(self.engines)}"


LATENCY = Target("serving latency", ("monitoring", "system", "latency"))
ERRORS = Target("serving errors", ("monitoring", "system", "errors"))
SATURATION = Target("serving saturation", ("monitoring", "system", "saturation"))
DRIFT = Target("feature drift", ("monitoring", "drift", "features"))
PREDICTION_DRIFT = Target("prediction drift", ("monitoring", "drift", "predictions"))
MODEL_AGE = Target("model age", ("monitoring", "freshness", "model_age"))
FEATURE_AGE = Target("feature freshness", ("monitoring", "freshness", "feature_freshness"))
SKEW = Target("training-serving skew", ("monitoring", "skew", "training_serving"))
NULLS = Target("input null rate", ("monitoring", "inputs", "null_rate"))
QUALITY = Target("label-based quality", ("monitoring", "quality", "label_based"))
LAG = Target("consumer lag", ("alerts", "consumer_lag"), "pipelines", kinds=("feature_stream",))

JOB_ENGINES = {
    "kube_job": ("kubernetes", "cronjob", "cron"),
    "kube_cronjob": ("kubernetes", "cronjob", "cron"),
    "airflow": ("airflow",),
    "spark": ("spark",),
    "flink": ("flink",),
    "dagster": ("dagster",),
    "argo_workflows": ("argo",),
}

CLASSES: tuple[tuple[re.Pattern[str], Target], ...] = (
    (re.compile(r"consumer_?group_?lag|consumer_lag|records_lag|iteratorage|burrow", re.I), LAG),
    (re.compile(r"prediction\w*drift|drift\w*prediction|output_drift", re.I), PREDICTION_DRIFT),
    (re.compile(r"drift|psi\b|population_stability|kl_divergence|jensen|wasserstein", re.I), DRIFT),
    (re.compile(r"training_serving|serving_skew|feature_skew", re.I), SKEW),
    (re.compile(r"model_age|model_last_(updated|trained)|model_staleness", re.I), MODEL_AGE),
    (re.compile(r"feature_(freshness|staleness|age)|materiali[sz]ation", re.I), FEATURE_AGE),
    (re.compile(r"null_rate|missing_values|null_fraction", re.I), NULLS),
    (re.compile(r"model_(accuracy|auc|precision|recall|f1|rmse)", re.I), QUALITY),
)


def _signal(rule: dict[str, Any]) -> tuple[str, str]:
    severity = str(mapping(rule.get("labels")).get("severity") or "none").lower()
    if severity in PAGING:
        return "alert", f"severity {severity}: pages"
    return "dashboard", f"severity {severity}: does not page"


def classify(name: str, expr: str) -> Target | None:
    """Which manifest monitor an alert stands for, or None when the manifest has none for it."""
    for pattern, target in CLASSES:
        if pattern.search(expr) or pattern.search(name):
            return target
    for prefix, engines in JOB_ENGINES.items():
        if prefix in expr or prefix in name.lower():
            if re.search(r"time\(\)\s*-", expr) or "last_success" in expr:
                return Target("job lateness", ("alerts", "on_sla_miss"), "pipelines", engines)
            if re.search(r"fail", expr + name, re.I):
                return Target("job failure", ("alerts", "on_failure"), "pipelines", engines)
    if "kube_horizontalpodautoscaler" in expr and re.search(r"max", name + expr, re.I):
        return SATURATION  # the serving pool is at its maximum size
    if INFRASTRUCTURE.search(expr) or not SERVING.search(expr + " " + name):
        return None
    if re.search(r"queu|waiting|gpu_util|dcgm|saturat|concurrency", expr + name, re.I):
        return SATURATION
    if re.search(r'error|fail|5\.\.|status!="ok"|code=~"5', expr + name, re.I):
        return ERRORS
    if re.search(r"latency|duration|response_time|_seconds_bucket|quantile", expr + name, re.I):
        return LATENCY
    return None


class Prometheus(Importer):
    name: ClassVar[str] = "prometheus"
    title: ClassVar[str] = "Prometheus rules"

    def claims(self, doc: Doc) -> bool:
        kind, api, _, _ = resource(doc.data)
        if kind == "PrometheusRule" and api.startswith("monitoring.coreos.com/"):
            return True
        groups = items(mapping(doc.data).get("groups"))
        return bool(groups) and all(
            isinstance(g, dict) and ("rules" in g or "services" in g) for g in groups
        )

    def read(self, docs: list[Doc], out: Collector) -> None:
        found: dict[Target, list[tuple[str, str, Doc, str]]] = {}
        for doc in docs:
            data = mapping(doc.data)
            groups = items(data.get("groups")) or items(mapping(data.get("spec")).get("groups"))
            if any("services" in mapping(g) for g in groups):
                out.skip(
                    doc,
                    "a catalogue of example alerts (services, exporters, rules), not a rule "
                    "file Prometheus loads",
                )
                continue
            rules = [mapping(r) for g in groups for r in items(mapping(g).get("rules"))]
            alerts = [r for r in rules if text_of(r.get("alert"))]
            if not alerts:
                out.skip(doc, "holds recording rules only; no alerts")
                continue
            unmapped = []
            for rule in alerts:
                name, expr = str(rule["alert"]), str(rule.get("expr") or "")
                target = classify(name, expr)
                if target is None:
                    unmapped.append(name)
                    continue
                signal, why = _signal(rule)
                found.setdefault(target, []).append((name, signal, doc, why))
            if unmapped:
                names = list(dict.fromkeys(unmapped))
                shown = ", ".join(names[:4]) + (
                    f" and {len(names) - 4} more" if len(names) > 4 else ""
                )
                out.note(
                    doc,
                    f"{len(names)} of {len(dict.fromkeys(str(r['alert']) for r in alerts))} "
                    f"alerts watch what the manifest has no field for ({shown})",
                )
        for target, hits in found.items():
            _record(target, hits, out)


def _record(target: Target, hits: list[tuple[str, str, Doc, str]], out: Collector) -> None:
    """The strongest signal among the alerts for one monitor, with the alerts' names."""
    best = max(hits, key=lambda h: STRENGTH[h[1]])
    doc = best[2]
    names = list(dict.fromkeys(h[0] for h in hits if h[1] == best[1] and h[2] is doc))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    origin = Origin(doc, f"alert {shown} ({best[3]}; {target.label})")
    others = tuple(dict.fromkeys(h[2] for h in hits if h[2] is not doc))
    if target.section is None:
        for other in others:
            out.folded(other)
        out.put(target.field, best[1], origin)
        return
    engines, kinds = target.engines, target.kinds

    def matches(ident: str, data: Mapping[str, Any]) -> bool:
        engine = str(data.get("engine") or "").lower()
        return (bool(kinds) and data.get("kind") in kinds) or (bool(engines) and engine in engines)

    wanted = target.wanted()
    out.attach(Attachment(target.section, target.field, best[1], origin, matches, wanted, others))
