"""Kubernetes serving workloads: Deployments and StatefulSets (also LeaderWorkerSet, NIMService,
SeldonDeployment and RayService), with the HorizontalPodAutoscalers, KEDA ScaledObjects,
PodDisruptionBudgets and Services that go with them, matched by names and labels. Reads plain
manifests, multi-document files, ``kubectl get -o yaml`` lists and ``helm template`` output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    placeholder,
    quantity,
    seconds,
    text_of,
)
from mlreview.quant.autoscaler import HPA

ACCELERATORS = ("nvidia.com/gpu", "amd.com/gpu", "google.com/tpu", "aws.amazon.com/neuroncore")
ACCELERATOR_LABELS = (
    "cloud.google.com/gke-accelerator",
    "cloud.google.com/gke-tpu-accelerator",
    "nvidia.com/gpu.product",
    "karpenter.k8s.aws/instance-gpu-name",
)
INSTANCE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
MODEL_ENV = ("MODEL_ID", "MODEL_NAME", "MODEL")
MODEL_ARGS = ("--model", "--model-id", "--model_name", "--model-name")
MODEL_LABELS = ("ai.gke.io/model", "model", "app.kubernetes.io/model")

WORKLOADS = {
    "Deployment": ("apps/",),
    "StatefulSet": ("apps/",),
    "LeaderWorkerSet": ("leaderworkerset.x-k8s.io/",),
    "NIMService": ("apps.nvidia.com/",),
    "SeldonDeployment": ("machinelearning.seldon.io/",),
    "RayService": ("ray.io/",),
}
SCALERS = ("HorizontalPodAutoscaler", "ScaledObject")
COMPANIONS = {
    "HorizontalPodAutoscaler": ("autoscaling/",),
    "PodDisruptionBudget": ("policy/",),
    "Service": ("v1",),
    "ScaledObject": ("keda.sh/",),
    "List": ("v1",),
}


def resource(data: Any) -> tuple[str, str, str, str]:
    """(kind, apiVersion, name, namespace) of a Kubernetes resource; empty strings if absent."""
    d = mapping(data)
    meta = mapping(d.get("metadata"))
    return (
        str(d.get("kind") or ""),
        str(d.get("apiVersion") or ""),
        str(meta.get("name") or ""),
        str(meta.get("namespace") or ""),
    )


def is_kind(data: Any, table: Mapping[str, tuple[str, ...]]) -> bool:
    kind, api, _, _ = resource(data)
    return kind in table and any(api == p or api.startswith(p) for p in table[kind])


# ---- pod specs (shared with KServe) -------------------------------------------------------


def containers(spec: Any) -> list[dict[str, Any]]:
    return [mapping(c) for c in items(mapping(spec).get("containers"))]


def accelerators(conts: list[dict[str, Any]]) -> tuple[float, str] | None:
    """Total accelerators a pod asks for and the resource name, from limits (else requests)."""
    total, name = 0.0, ""
    for c in conts:
        res = mapping(c.get("resources"))
        for kind in ACCELERATORS:
            ask = mapping(res.get("limits")).get(kind, mapping(res.get("requests")).get(kind))
            count = quantity(ask)
            if count:
                total += count
                name = kind
    return (total, name) if total else None


def readiness_delay(conts: list[dict[str, Any]]) -> tuple[float, str] | None:
    """The longest readiness-probe initial delay, a lower bound on a new replica's start."""
    best: tuple[float, str] | None = None
    for c in conts:
        delay = quantity(mapping(c.get("readinessProbe")).get("initialDelaySeconds"))
        if delay and (best is None or delay > best[0]):
            best = (delay, str(c.get("name") or "container"))
    return best


def model_name(conts: list[dict[str, Any]], labels: dict[str, Any]) -> tuple[str, str] | None:
    """The model a serving container names (env, --model argument, label) and where."""
    for c in conts:
        for env in items(c.get("env")):
            e = mapping(env)
            value = text_of(e.get("value"))
            if e.get("name") in MODEL_ENV and value and not placeholder(value):
                return value, f"container {c.get('name')} env {e.get('name')}"
        words = [str(a) for a in items(c.get("args")) + items(c.get("command"))]
        for i, word in enumerate(words):
            for flag in MODEL_ARGS:
                if word.startswith(f"{flag}=") and not placeholder(word):
                    value = word.split("=", 1)[1]
                    if value and not value.startswith(("/", "$")):
                        return value, f"container {c.get('name')} argument {flag}"
                if word == flag and i + 1 < len(words) and not placeholder(words[i + 1]):
                    value = words[i + 1]
                    if not value.startswith(("/", "$", "-")):
                        return value, f"container {c.get('name')} argument {flag}"
    for key in MODEL_LABELS:
        value = text_of(labels.get(key))
        if value and not placeholder(value):
            return value, f"label {key}"
    return None


def node_labels(spec: dict[str, Any]) -> dict[str, Any]:
    return mapping(spec.get("nodeSelector"))


def zones_required(spec: dict[str, Any]) -> list[str] | None:
    """Zones a pod may run in when its node affinity lists them."""
    affinity = mapping(mapping(spec.get("affinity")).get("nodeAffinity"))
    required = mapping(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
    for term in items(required.get("nodeSelectorTerms")):
        for expr in items(mapping(term).get("matchExpressions")):
            e = mapping(expr)
            if e.get("key") in ZONE_KEYS and e.get("operator") == "In":
                return [str(v) for v in items(e.get("values"))]
    return None


def matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """A label selector's matchLabels (or a Service's plain selector) against pod labels."""
    wanted = mapping(selector.get("matchLabels")) if "matchLabels" in selector else selector
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


# ---- workloads -----------------------------------------------------------------------------


@dataclass
class Workload:
    """A set of serving pods and what scales, budgets and fronts it."""

    doc: Doc
    kind: str
    name: str
    namespace: str
    pod: dict[str, Any]
    labels: dict[str, Any]
    replicas: Any = None
    group_size: float = 1.0
    platform: str = "kubernetes"
    endpoint: str | None = None
    scaled: bool = False
    model: tuple[str, str] | None = None
    """The model it serves and where the file names it, when not in its containers."""
    ray: list[dict[str, Any]] = field(default_factory=list)

    def origin(self, what: str) -> Origin:
        return Origin(self.doc, f"{self.kind} {self.name}: {what}")


class Kubernetes(Importer):
    name: ClassVar[str] = "kubernetes"
    title: ClassVar[str] = "Kubernetes"

    def claims(self, doc: Doc) -> bool:
        return is_kind(doc.data, WORKLOADS) or is_kind(doc.data, COMPANIONS)

    def read(self, docs: list[Doc], out: Collector) -> None:
        resources = [(doc, r) for doc in docs for r in _expand(doc, out)]
        workloads = [w for doc, r in resources for w in _workloads(doc, r, out)]
        companions = [(doc, r) for doc, r in resources if is_kind(r, COMPANIONS)]
        scalers = [r for _, r in companions if resource(r)[0] in SCALERS]
        for w in workloads:
            w.scaled = w.scaled or any(_targets(r, w) for r in scalers)
            _workload(w, out)
        for doc, r in companions:
            kind = resource(r)[0]
            if kind == "HorizontalPodAutoscaler":
                _hpa(doc, r, workloads, out)
            elif kind == "ScaledObject":
                _keda(doc, r, workloads, out)
            elif kind in ("PodDisruptionBudget", "Service"):
                _by_selector(doc, r, workloads, out)


def _expand(doc: Doc, out: Collector) -> list[dict[str, Any]]:
    data = mapping(doc.data)
    if data.get("kind") != "List":
        return [data]
    found = [mapping(i) for i in items(data.get("items"))]
    known = [r for r in found if is_kind(r, WORKLOADS) or is_kind(r, COMPANIONS)]
    if len(known) < len(found):
        kinds = sorted({resource(r)[0] or "?" for r in found if r not in known})
        out.note(doc, f"list items of kinds {', '.join(kinds)} are not kinds mlreview imports")
    return known


def _workloads(doc: Doc, r: dict[str, Any], out: Collector) -> list[Workload]:
    kind, _, name, namespace = resource(r)
    if not is_kind(r, WORKLOADS):
        return []
    spec = mapping(r.get("spec"))
    if kind in ("Deployment", "StatefulSet"):
        template = mapping(spec.get("template"))
        pod = mapping(template.get("spec"))
        labels = mapping(mapping(template.get("metadata")).get("labels"))
        return [Workload(doc, kind, name, namespace, pod, labels, spec.get("replicas"))]
    if kind == "LeaderWorkerSet":
        lws = mapping(spec.get("leaderWorkerTemplate"))
        leader = mapping(lws.get("leaderTemplate")) or mapping(lws.get("workerTemplate"))
        size = quantity(lws.get("size")) or 1.0
        labels = {"leaderworkerset.sigs.k8s.io/name": name}
        labels.update(mapping(mapping(leader.get("metadata")).get("labels")))
        w = Workload(doc, kind, name, namespace, mapping(leader.get("spec")), labels)
        w.replicas, w.group_size = spec.get("replicas"), size
        return [w]
    if kind == "NIMService":
        pod = {"containers": [{"name": "nim", "resources": spec.get("resources")}]}
        pod["nodeSelector"] = spec.get("nodeSelector")
        w = Workload(doc, kind, name, namespace, pod, {}, spec.get("replicas"))
        repo = text_of(mapping(spec.get("image")).get("repository"))
        if repo and not placeholder(repo):
            w.model = (repo.split("/")[-1], "spec.image.repository")
        hpa = mapping(mapping(spec.get("scale")).get("hpa"))
        if mapping(spec.get("scale")).get("enabled") and hpa:
            w.scaled = True
            _scale(w, hpa, "spec.scale.hpa", out)
        return [w]
    if kind == "SeldonDeployment":
        return _seldon(doc, r, out)
    if kind == "RayService":
        return _rayservice(doc, r, out)
    return []


def _endpoint(w: Workload, out: Collector) -> str | None:
    """The endpoint id for a workload, created with its model on first use."""
    if w.endpoint is not None:
        return w.endpoint
    origin = w.origin("metadata.name")
    named = w.model or model_name(containers(w.pod), w.labels)
    if named is not None:
        model = out.component("models", named[0], w.origin(named[1]))
        if model is not None and model != named[0]:
            out.put(("models", model, "description"), named[0], w.origin(named[1]))
    else:
        model = None
    if model is None:
        why = f"the {w.kind} does not name the model it serves"
        model = out.made_up("models", f"{w.name}-model", why, origin)
    mode_origin = w.origin(f"a long-running {w.kind} answers requests")
    ident = out.component("endpoints", w.name, origin)
    if ident is None:
        return None
    out.put(("endpoints", ident, "model"), model, origin)
    out.put(("endpoints", ident, "mode"), "online", mode_origin)
    out.put(("endpoints", ident, "platform"), w.platform, w.origin("kind"))
    w.endpoint = ident
    return ident


def _workload(w: Workload, out: Collector) -> None:
    ident = _endpoint(w, out)
    if ident is None:
        return
    key = ("endpoints", ident)
    if not w.scaled and w.replicas is not None:
        count = quantity(w.replicas)
        if count is not None and count.is_integer():
            why = "spec.replicas (no autoscaler for it in the imported files)"
            out.put((*key, "replicas", "min"), int(count), w.origin(why))
            out.put((*key, "replicas", "max"), int(count), w.origin(why))
    conts = containers(w.pod)
    found = accelerators(conts)
    if found is not None:
        count, kind = found
        total = count * w.group_size
        where = f"resources {kind}" + (
            f" x {w.group_size:g} pods per group" if w.group_size > 1 else ""
        )
        if total.is_integer():
            out.put((*key, "accelerators_per_replica"), int(total), w.origin(where))
    nodes = node_labels(w.pod)
    for label in ACCELERATOR_LABELS:
        value = text_of(nodes.get(label))
        if value and found is not None:
            out.put((*key, "accelerator"), value, w.origin(f"nodeSelector {label}"))
            break
    for label in INSTANCE_LABELS:
        value = text_of(nodes.get(label))
        if value:
            out.put((*key, "instance_type"), value, w.origin(f"nodeSelector {label}"))
    delay = readiness_delay(conts)
    if delay is not None:
        what = f"container {delay[1]} readinessProbe.initialDelaySeconds (a lower bound)"
        out.put((*key, "cold_start"), seconds(delay[0]), w.origin(what))
    zones = zones_required(w.pod)
    if zones:
        out.put((*key, "zones"), len(zones), w.origin("node affinity on the zone label"))
    for spread in items(w.pod.get("topologySpreadConstraints")):
        s = mapping(spread)
        if s.get("topologyKey") in ZONE_KEYS:
            out.note(
                w.doc,
                f"{w.kind} {w.name} spreads replicas across zones (maxSkew "
                f"{s.get('maxSkew')}); how many zones is not in the file",
            )
    for app in w.ray:
        _ray_app(w, key, app, out)


def _targets(r: dict[str, Any], w: Workload) -> bool:
    namespace = resource(r)[3]
    ref = mapping(mapping(r.get("spec")).get("scaleTargetRef"))
    target_kind = str(ref.get("kind") or "Deployment")
    same_ns = not namespace or not w.namespace or namespace == w.namespace
    return same_ns and ref.get("name") == w.name and target_kind == w.kind


def _target(doc: Doc, r: dict[str, Any], workloads: list[Workload], out: Collector) -> Workload:
    """The workload an HPA or ScaledObject scales; one standing for it if it is not imported."""
    _, _, name, namespace = resource(r)
    for w in workloads:
        if _targets(r, w):
            return w
    ref = mapping(mapping(r.get("spec")).get("scaleTargetRef"))
    target = str(ref.get("name") or name)
    kind = str(ref.get("kind") or "Deployment")
    w = Workload(doc, kind, target, namespace, {}, {}, scaled=True)
    workloads.append(w)
    out.note(doc, f"scales {kind} {target}, which is not in the imported files")
    return w


def _metric(spec: dict[str, Any]) -> tuple[str, float | None, str] | None:
    """(metric, target, where) of an HPA metric spec in v2, v2beta1/2 or v1 form."""
    kind = str(spec.get("type") or "")
    body = mapping(spec.get(kind[:1].lower() + kind[1:])) if kind else {}
    metric = mapping(body.get("metric"))
    name = str(body.get("name") or metric.get("name") or body.get("metricName") or "")
    if "|" in name:
        name = name.split("|")[1]  # Google Managed Prometheus: 'prometheus.googleapis.com|m|gauge'
    target = mapping(body.get("target"))
    percent = target.get("averageUtilization", body.get("targetAverageUtilization"))
    if percent is not None and quantity(percent) is not None:
        return name, (quantity(percent) or 0.0) / 100, f"{kind} {name} averageUtilization"
    for field_name in ("averageValue", "value", "targetAverageValue", "targetValue"):
        value = target.get(field_name, body.get(field_name))
        if value is not None:
            return name, quantity(value), f"{kind} {name} {field_name}"
    return (name, None, kind) if name else None


def _scale(w: Workload, spec: dict[str, Any], where: str, out: Collector) -> None:
    """Replica bounds, metric and scale-up reaction from an HPA-shaped spec."""
    ident = _endpoint(w, out)
    if ident is None:
        return
    key = ("endpoints", ident)
    origin = w.doc

    def at(what: str) -> Origin:
        return Origin(origin, f"{where}.{what}")

    low, high = quantity(spec.get("minReplicas", 1)), quantity(spec.get("maxReplicas"))
    if low is not None and low.is_integer():
        text = "minReplicas" if "minReplicas" in spec else "minReplicas (absent: 1)"
        out.put((*key, "replicas", "min"), int(low), at(text))
    if high is not None and high.is_integer():
        out.put((*key, "replicas", "max"), int(high), at("maxReplicas"))
        out.put((*key, "autoscaling", "enabled"), high > (low or 1), at("maxReplicas"))
    metrics = [m for m in (_metric(mapping(m)) for m in items(spec.get("metrics"))) if m]
    if "targetCPUUtilizationPercentage" in spec:
        cpu = quantity(spec["targetCPUUtilizationPercentage"])
        metrics.insert(0, ("cpu", cpu / 100 if cpu else None, "targetCPUUtilizationPercentage"))
    if metrics:
        name, target, what = metrics[0]
        out.put((*key, "autoscaling", "metric"), name, at(f"metrics {what}"))
        if target is not None:
            out.put((*key, "autoscaling", "target"), target, at(f"metrics {what}"))
        if len(metrics) > 1:
            rest = ", ".join(m[0] for m in metrics[1:])
            out.note(w.doc, f"{where}: also scales on {rest} (the first metric is imported)")
    behaviour = mapping(mapping(spec.get("behavior")).get("scaleUp"))
    window = quantity(behaviour.get("stabilizationWindowSeconds"))
    if window:
        total = HPA.detection_delay_s + window
        what = (
            f"behavior.scaleUp.stabilizationWindowSeconds {window:g} + the HPA's "
            f"{HPA.detection_delay_s:g} s to observe load"
        )
        out.put((*key, "autoscaling", "reaction"), seconds(total), at(what))
    policies = [mapping(p) for p in items(behaviour.get("policies"))]
    if policies:
        shown = ", ".join(
            f"{p.get('value')} {p.get('type')} per {p.get('periodSeconds')} s" for p in policies
        )
        out.note(
            w.doc,
            f"{where}.behavior.scaleUp.policies ({shown}): the spike simulation uses the HPA's "
            "default step; there is no manifest field for a scale-up rate",
        )


def _hpa(doc: Doc, r: dict[str, Any], workloads: list[Workload], out: Collector) -> None:
    _, _, name, _ = resource(r)
    w = _target(doc, r, workloads, out)
    _scale_from(w, doc, f"HorizontalPodAutoscaler {name}: spec", mapping(r.get("spec")), out)


def _scale_from(w: Workload, doc: Doc, where: str, spec: dict[str, Any], out: Collector) -> None:
    own = Workload(doc, w.kind, w.name, w.namespace, w.pod, w.labels, endpoint=w.endpoint)
    own.endpoint = _endpoint(w, out)
    _scale(own, spec, where, out)


def _keda(doc: Doc, r: dict[str, Any], workloads: list[Workload], out: Collector) -> None:
    _, _, name, _ = resource(r)
    spec = mapping(r.get("spec"))
    w = _target(doc, r, workloads, out)
    triggers = [mapping(t) for t in items(spec.get("triggers"))]
    as_hpa: dict[str, Any] = {"minReplicas": spec.get("minReplicaCount", 0)}
    if "maxReplicaCount" in spec:
        as_hpa["maxReplicas"] = spec["maxReplicaCount"]
    if triggers:
        meta = mapping(triggers[0].get("metadata"))
        metric = meta.get("metricName") or meta.get("query") or triggers[0].get("type")
        target = meta.get("threshold", meta.get("value"))
        as_hpa["metrics"] = [{"type": "External", "external": {"name": metric, "value": target}}]
    advanced = mapping(mapping(spec.get("advanced")).get("horizontalPodAutoscalerConfig"))
    if advanced.get("behavior"):
        as_hpa["behavior"] = advanced["behavior"]
    where = f"ScaledObject {name}: spec"
    if "minReplicaCount" not in spec:
        out.note(doc, f"{where}: minReplicaCount absent, KEDA's default 0 is imported")
    _scale_from(w, doc, where, as_hpa, out)


def _by_selector(doc: Doc, r: dict[str, Any], workloads: list[Workload], out: Collector) -> None:
    kind, _, name, namespace = resource(r)
    selector = mapping(mapping(r.get("spec")).get("selector"))
    hits = [
        w
        for w in workloads
        if w.labels
        and matches(selector, w.labels)
        and (not namespace or not w.namespace or w.namespace == namespace)
    ]
    if not hits:
        out.note(doc, f"{kind} {name} selects no pods of an imported workload")
        return
    for w in hits:
        ident = _endpoint(w, out)
        if ident is None:
            continue
        if kind == "Service":
            why = f"Service {name}: spec.selector (a Service spreads requests over pods at random)"
            out.put(("endpoints", ident, "routing"), "random", Origin(doc, why))
        else:
            out.put(
                ("endpoints", ident, "disruption_budget"),
                True,
                Origin(doc, f"PodDisruptionBudget {name}: spec.selector"),
            )


# ---- custom serving resources --------------------------------------------------------------

SELDON_FAMILIES = {
    "SKLEARN_SERVER": "sklearn",
    "XGBOOST_SERVER": "xgboost",
    "TENSORFLOW_SERVER": "tensorflow",
    "MLFLOW_SERVER": "mlflow",
}


def _seldon(doc: Doc, r: dict[str, Any], out: Collector) -> list[Workload]:
    _, _, name, namespace = resource(r)
    spec = mapping(r.get("spec"))
    predictors = [mapping(p) for p in items(spec.get("predictors"))]
    found = []
    for i, p in enumerate(predictors):
        ident = name if len(predictors) == 1 else f"{name}-{p.get('name') or i}"
        specs = [mapping(c) for c in items(p.get("componentSpecs"))]
        pod = mapping(specs[0].get("spec")) if specs else {}
        w = Workload(doc, "SeldonDeployment", ident, namespace, pod, {})
        w.platform = "seldon"
        w.replicas = p.get("replicas", spec.get("replicas"))
        graph = mapping(p.get("graph"))
        where = f"spec.predictors[{i}]"
        if text_of(graph.get("name")):
            w.model = (str(graph["name"]), f"{where}.graph.name")
        for c in specs:
            hpa = mapping(c.get("hpaSpec"))
            if hpa:
                w.scaled = True
                metrics = [_seldon_metric(mapping(m)) for m in items(hpa.get("metrics"))]
                _scale(w, {**hpa, "metrics": metrics}, f"{where}.componentSpecs.hpaSpec", out)
            if mapping(c.get("pdbSpec")):
                ident_ = _endpoint(w, out)
                if ident_:
                    origin = Origin(doc, f"SeldonDeployment {name}: {where}.componentSpecs.pdbSpec")
                    out.put(("endpoints", ident_, "disruption_budget"), True, origin)
        family = SELDON_FAMILIES.get(str(graph.get("implementation") or ""))
        ident_ = _endpoint(w, out)
        if family and ident_:
            model = out.draft.get(("endpoints", ident_, "model"))
            origin = Origin(doc, f"SeldonDeployment {name}: {where}.graph.implementation")
            out.put(("models", str(model), "family"), family, origin)
        found.append(w)
    return found


def _seldon_metric(m: dict[str, Any]) -> dict[str, Any]:
    """A v2beta1 metric ('resource: {name, targetAverageUtilization}') in v2 form."""
    res = mapping(m.get("resource"))
    if "targetAverageUtilization" in res:
        target = {"averageUtilization": res["targetAverageUtilization"]}
        return {"type": "Resource", "resource": {"name": res.get("name"), "target": target}}
    return m


def _rayservice(doc: Doc, r: dict[str, Any], out: Collector) -> list[Workload]:
    _, _, name, namespace = resource(r)
    spec = mapping(r.get("spec"))
    config = spec.get("serveConfigV2")
    if not isinstance(config, str):
        out.note(doc, f"RayService {name}: no serveConfigV2 to read")
        return []
    try:
        serve = mapping(yaml.safe_load(config))
    except yaml.YAMLError as exc:
        out.note(doc, f"RayService {name}: spec.serveConfigV2 is not valid YAML ({exc})")
        return []
    apps = [mapping(a) for a in items(serve.get("applications"))]
    found = []
    for i, app in enumerate(apps):
        ident = name if len(apps) == 1 else f"{name}-{app.get('name') or i}"
        w = Workload(doc, "RayService", ident, namespace, {}, {})
        w.platform, w.scaled = "ray_serve", True
        w.ray = [_ray_deployment(app, i)]
        model = text_of(w.ray[0].get("model_id"))
        if model:
            w.model = (model, str(w.ray[0]["model_at"]))
        found.append(w)
    return found


def _ray_deployment(app: dict[str, Any], index: int) -> dict[str, Any]:
    """The first deployment's settings of a Serve application, and where they are."""
    deployments = [mapping(d) for d in items(app.get("deployments"))]
    if deployments:
        return {"where": f"serveConfigV2 applications[{index}].deployments[0]", **deployments[0]}
    args = mapping(app.get("args"))
    llm = [mapping(c) for c in items(args.get("llm_configs"))]
    if llm:
        model = mapping(llm[0].get("model_loading_config")).get("model_id")
        where = f"serveConfigV2 applications[{index}].args.llm_configs[0]"
        settings = mapping(llm[0].get("deployment_config"))
        found = {"where": f"{where}.deployment_config", **settings}
        return {**found, "model_id": model, "model_at": f"{where}.model_loading_config.model_id"}
    return {"where": f"serveConfigV2 applications[{index}]"}


def _ray_app(w: Workload, key: tuple[str, str], app: dict[str, Any], out: Collector) -> None:
    where = app["where"]

    def at(what: str) -> Origin:
        return w.origin(f"{where}.{what}")

    scaling = mapping(app.get("autoscaling_config"))
    low, high = quantity(scaling.get("min_replicas")), quantity(scaling.get("max_replicas"))
    if low is not None and low.is_integer():
        out.put((*key, "replicas", "min"), int(low), at("autoscaling_config.min_replicas"))
    if high is not None and high.is_integer():
        out.put((*key, "replicas", "max"), int(high), at("autoscaling_config.max_replicas"))
        enabled = high > (low or 1)
        out.put((*key, "autoscaling", "enabled"), enabled, at("autoscaling_config.max_replicas"))
    for target_key in ("target_ongoing_requests", "target_num_ongoing_requests_per_replica"):
        target = quantity(scaling.get(target_key))
        if target is not None:
            origin = at(f"autoscaling_config.{target_key}")
            out.put((*key, "autoscaling", "metric"), "ongoing_requests", origin)
            out.put((*key, "autoscaling", "target"), target, origin)
            break
    if "upscale_delay_s" in scaling or "metrics_interval_s" in scaling:
        interval = quantity(scaling.get("metrics_interval_s", 10)) or 0.0
        delay = quantity(scaling.get("upscale_delay_s", 30)) or 0.0
        what = "autoscaling_config metrics_interval_s + upscale_delay_s"
        out.put((*key, "autoscaling", "reaction"), seconds(round(interval + delay, 3)), at(what))
    for limit in ("max_ongoing_requests", "max_concurrent_queries"):
        value = quantity(app.get(limit))
        if value is not None and value.is_integer() and value >= 1:
            out.put((*key, "concurrency_per_replica"), int(value), at(limit))
            break
    gpus = quantity(mapping(app.get("ray_actor_options")).get("num_gpus"))
    if gpus and gpus.is_integer():
        out.put((*key, "accelerators_per_replica"), int(gpus), at("ray_actor_options.num_gpus"))
