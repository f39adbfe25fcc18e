"""KServe InferenceServices (serving.kserve.io v1beta1, and the older v1alpha2 layout): replicas,
the autoscaler (Knative's KPA or an HPA) with its metric and target, concurrency, timeout,
canary traffic, the request logger, a transformer in front of the predictor, and GPUs."""

from __future__ import annotations

from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    quantity,
    seconds,
    text_of,
)
from mlreview.draft.importers.kubernetes import accelerators, containers, readiness_delay, resource

FRAMEWORKS = (
    "sklearn",
    "xgboost",
    "lightgbm",
    "tensorflow",
    "pytorch",
    "triton",
    "onnx",
    "pmml",
    "paddle",
    "huggingface",
)
PAYLOAD = "the request payload: the features only if the caller sends them"
HPA_CLASSES = ("hpa", "hpa.autoscaling.knative.dev")
KNATIVE = "autoscaling.knative.dev/"
KSERVE = "serving.kserve.io/"


class KServe(Importer):
    name: ClassVar[str] = "kserve"
    title: ClassVar[str] = "KServe"

    def claims(self, doc: Doc) -> bool:
        kind, api, _, _ = resource(doc.data)
        return kind == "InferenceService" and api.startswith(KSERVE)

    def read(self, docs: list[Doc], out: Collector) -> None:
        for doc in docs:
            _service(doc, out)


def _predictor(spec: dict[str, Any]) -> tuple[dict[str, Any], str]:
    if "default" in spec:  # v1alpha2: spec.default.predictor
        return mapping(mapping(spec["default"]).get("predictor")), "spec.default.predictor"
    return mapping(spec.get("predictor")), "spec.predictor"


def _framework(predictor: dict[str, Any]) -> tuple[str, dict[str, Any], str] | None:
    """The model format, its container-like spec and the key holding it."""
    model = mapping(predictor.get("model"))
    if model:
        fmt = text_of(mapping(model.get("modelFormat")).get("name"))
        return (fmt or "custom"), model, "model.modelFormat.name"
    for name in FRAMEWORKS:
        if name in predictor:
            return name, mapping(predictor[name]), name
    return None


def _service(doc: Doc, out: Collector) -> None:
    data = mapping(doc.data)
    _, api, name, _ = resource(data)
    spec = mapping(data.get("spec"))
    notes = mapping(mapping(data.get("metadata")).get("annotations"))
    predictor, where = _predictor(spec)

    def at(what: str) -> Origin:
        return Origin(doc, f"InferenceService {name}: {what}")

    if not predictor:
        out.skip(doc, f"InferenceService {name} has no predictor")
        return
    found = _framework(predictor)
    conts = containers(predictor)
    why = "the InferenceService does not name the model its predictor serves"
    model = out.made_up("models", f"{name}-model", why, at(where))
    if found is not None:
        family, body, key = found
        if family != "custom":
            out.put(("models", model, "family"), family, at(f"{where}.{key}"))
        conts = [body, *conts]
    ident = out.component("endpoints", name, at("metadata.name"))
    if ident is None:
        return
    key_ = ("endpoints", ident)
    out.put((*key_, "model"), model, at(where))
    out.put((*key_, "mode"), "online", at("an InferenceService answers requests"))
    if api.endswith("v1alpha2"):
        out.note(doc, "serving.kserve.io/v1alpha2: read with the v1beta1 meaning of its fields")
    _replicas(key_, predictor, where, out, at)
    _autoscaler(key_, predictor, where, notes, out=out, at=at)
    _release(key_, predictor, where, out, at)
    _logger(key_, predictor, where, out, at)
    _transformer(key_, spec, conts, where, out=out, at=at)
    if "batcher" in predictor:
        b = mapping(predictor["batcher"])
        out.note(
            doc,
            f"{where}.batcher (maxBatchSize {b.get('maxBatchSize')}, maxLatency "
            f"{b.get('maxLatency')} ms) is not imported: the manifest's batching needs the "
            "measured latency of a batch of one and of a full batch",
        )
    gpus = accelerators(conts)
    if gpus is not None and gpus[0].is_integer():
        out.put(
            (*key_, "accelerators_per_replica"), int(gpus[0]), at(f"{where} resources {gpus[1]}")
        )
    delay = readiness_delay([{"name": "predictor", **c} for c in conts])
    if delay is not None:
        what = f"{where} readinessProbe.initialDelaySeconds (a lower bound)"
        out.put((*key_, "cold_start"), seconds(delay[0]), at(what))


def _autoscaler(
    key: tuple[str, str],
    predictor: dict[str, Any],
    where: str,
    notes: dict[str, Any],
    *,
    out: Collector,
    at: Any,
) -> None:
    kserve_class = text_of(notes.get(f"{KSERVE}autoscalerClass"))
    knative_class = text_of(notes.get(f"{KNATIVE}class"))
    raw = notes.get(f"{KSERVE}deploymentMode") == "RawDeployment"
    hpa = (kserve_class in HPA_CLASSES) or (knative_class in HPA_CLASSES)
    if hpa or raw:
        which = (
            f"metadata.annotations {KSERVE}autoscalerClass"
            if kserve_class
            else f"metadata.annotations {KNATIVE}class"
            if knative_class
            else f"metadata.annotations {KSERVE}deploymentMode RawDeployment"
        )
        origin = at(f"{which} (a Deployment scaled by an HPA)")
        out.put((*key, "platform"), "kubernetes", origin)
    else:
        origin = at("no HPA annotation: Knative's KPA autoscales")
        out.put((*key, "platform"), "kserve", origin)
    if out.draft.get((*key, "autoscaling", "enabled")) is None:
        out.put((*key, "autoscaling", "enabled"), True, origin)
    metric = predictor.get("scaleMetric") or notes.get(f"{KSERVE}metric")
    metric = metric or notes.get(f"{KNATIVE}metric")
    metric_at = (
        f"{where}.scaleMetric" if "scaleMetric" in predictor else "metadata.annotations metric"
    )
    if text_of(metric):
        out.put((*key, "autoscaling", "metric"), str(metric), at(metric_at))
    elif not hpa and not raw and notes.get(f"{KNATIVE}target") is not None:
        metric = "concurrency"
        out.put((*key, "autoscaling", "metric"), metric, at("no metric: the KPA's default"))
    percent = quantity(notes.get(f"{KSERVE}targetUtilizationPercentage"))
    target = quantity(predictor.get("scaleTarget"))
    if target is not None:
        if str(metric) in ("cpu", "memory"):
            target /= 100
        out.put((*key, "autoscaling", "target"), target, at(f"{where}.scaleTarget"))
    elif percent is not None:
        what = f"metadata.annotations {KSERVE}targetUtilizationPercentage"
        out.put((*key, "autoscaling", "target"), percent / 100, at(what))
    elif quantity(notes.get(f"{KNATIVE}target")) is not None:
        value = quantity(notes.get(f"{KNATIVE}target")) or 0.0
        if hpa and str(metric) in ("cpu", "memory"):
            value /= 100
        out.put((*key, "autoscaling", "target"), value, at(f"metadata.annotations {KNATIVE}target"))


def _replicas(
    key: tuple[str, str], predictor: dict[str, Any], where: str, out: Collector, at: Any
) -> None:
    low, high = quantity(predictor.get("minReplicas")), quantity(predictor.get("maxReplicas"))
    if low is not None and low.is_integer():
        out.put((*key, "replicas", "min"), int(low), at(f"{where}.minReplicas"))
    if high is not None and high.is_integer() and high > 0:
        out.put((*key, "replicas", "max"), int(high), at(f"{where}.maxReplicas"))
        out.put((*key, "autoscaling", "enabled"), high > (low or 1), at(f"{where}.maxReplicas"))
    concurrency = quantity(predictor.get("containerConcurrency"))
    if concurrency is not None and concurrency.is_integer() and concurrency >= 1:
        out.put(
            (*key, "concurrency_per_replica"), int(concurrency), at(f"{where}.containerConcurrency")
        )
    timeout = quantity(predictor.get("timeout"))
    if timeout:
        out.put((*key, "request_timeout"), seconds(timeout), at(f"{where}.timeout (seconds)"))


def _release(
    key: tuple[str, str], predictor: dict[str, Any], where: str, out: Collector, at: Any
) -> None:
    percent = quantity(predictor.get("canaryTrafficPercent"))
    if percent is None:
        return
    origin = at(f"{where}.canaryTrafficPercent")
    if 0 < percent < 100:
        out.put((*key, "release", "canary"), True, origin)
        out.put((*key, "release", "canary_traffic"), percent / 100, origin)


def _logger(
    key: tuple[str, str], predictor: dict[str, Any], where: str, out: Collector, at: Any
) -> None:
    logger = mapping(predictor.get("logger"))
    if not logger:
        return
    mode = str(logger.get("mode") or "all")
    origin = at(f"{where}.logger.mode {mode}")
    if mode in ("all", "response"):
        out.put((*key, "logging", "predictions"), True, origin)
    if mode in ("all", "request"):
        what = f"{where}.logger.mode {mode} ({PAYLOAD})"
        out.put((*key, "logging", "features"), True, at(what))


def _transformer(
    key: tuple[str, str],
    spec: dict[str, Any],
    conts: list[dict[str, Any]],
    where: str,
    *,
    out: Collector,
    at: Any,
) -> None:
    transformer = mapping(spec.get("transformer"))
    if transformer:
        origin = at("spec.transformer (its own pods: a network hop before the predictor)")
        out.put((*key, "transformer", "collocated"), False, origin)
        low, high = (
            quantity(transformer.get("minReplicas")),
            quantity(transformer.get("maxReplicas")),
        )
        if low is not None and low.is_integer():
            out.put(
                (*key, "transformer", "replicas", "min"),
                int(low),
                at("spec.transformer.minReplicas"),
            )
        if high is not None and high.is_integer() and high > 0:
            out.put(
                (*key, "transformer", "replicas", "max"),
                int(high),
                at("spec.transformer.maxReplicas"),
            )
        return
    names = [
        str(c.get("name") or "") for c in items(mapping(spec.get("predictor")).get("containers"))
    ]
    if any(n.startswith("transformer") for n in names):
        origin = at(f"{where}.containers transformer-container (in the predictor's pod)")
        out.put((*key, "transformer", "collocated"), True, origin)
