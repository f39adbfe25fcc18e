"""SageMaker endpoints: describe-endpoint and describe-endpoint-config JSON, AWS Controllers for
Kubernetes (ACK) resources, and CloudFormation/SAM templates (with a parameter file when one
fits). Instance type and count, serverless concurrency, autoscaling limits and target, data
capture, shadow variants, blue/green canary or linear rollouts with auto-rollback, and the
CloudWatch alarms and Model Monitor schedules that watch the endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    placeholder,
    quantity,
    text_of,
)
from mlreview.draft.importers.cloudformation import (
    ResourceRef,
    Template,
    Unresolved,
    is_template,
    parameter_values,
    shown,
)
from mlreview.draft.importers.kubernetes import resource

ACK_SAGEMAKER = "sagemaker.services.k8s.aws/"
ACK_SCALING = "applicationautoscaling.services.k8s.aws/"
ERRORS = ("Invocation5XXErrors", "Invocation4XXErrors", "ModelError", "InvocationModelErrors")
LATENCY = ("ModelLatency", "OverheadLatency", "ModelSetupTime")
SATURATION = ("CPUUtilization", "GPUUtilization", "MemoryUtilization", "GPUMemoryUtilization")
METRICS = {"SageMakerVariantInvocationsPerInstance": "invocations_per_instance"}
BUILT_IN = ("xgboost", "lightgbm", "catboost")
"""SageMaker's built-in algorithms whose image name says the model family."""
ROUTING = {"LEAST_OUTSTANDING_REQUESTS": "shared", "RANDOM": "random"}
"""A least-outstanding-requests balancer acts as one queue for all instances."""
PAYLOAD = "the request payload: the features only if the caller sends them"


def get(data: Any, name: str) -> Any:
    """A field by name in any of the casings SageMaker files use (PascalCase, camelCase)."""
    d = mapping(data)
    if name in d:
        return d[name]
    lowered = name.lower()
    return next((v for k, v in d.items() if k.lower() == lowered), None)


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class At:
    """Origins under one place of one document: ``At(doc, "Resources.X.Properties")("Y")``."""

    doc: Doc
    where: str

    def __call__(self, what: str) -> Origin:
        return Origin(self.doc, f"{self.where}.{what}" if self.where else what)

    def under(self, part: str) -> At:
        return At(self.doc, f"{self.where}.{part}" if self.where else part)


@dataclass
class Record:
    """An endpoint or an endpoint config, from any of the file kinds."""

    name: Any
    at: At
    props: dict[str, Any]
    logical: str | None = None
    config: Any = None
    """For an endpoint: its config's name, or a link to the config resource."""


@dataclass
class Scaling:
    resource_id: str
    at: At
    props: dict[str, Any]
    policy: bool


@dataclass
class Found:
    configs: list[Record] = field(default_factory=list)
    endpoints: list[Record] = field(default_factory=list)
    scaling: list[Scaling] = field(default_factory=list)
    monitors: list[tuple[tuple[str, ...], str, Origin]] = field(default_factory=list)


def _is_describe(data: Any) -> bool:
    d = mapping(data)
    return "EndpointConfigName" in d and ("ProductionVariants" in d or "EndpointName" in d)


def _is_sagemaker_template(data: Any) -> bool:
    if not is_template(data):
        return False
    resources = mapping(mapping(data).get("Resources")).values()
    return any(str(mapping(r).get("Type")).startswith("AWS::SageMaker::") for r in resources)


class SageMaker(Importer):
    name: ClassVar[str] = "sagemaker"
    title: ClassVar[str] = "SageMaker"

    def claims(self, doc: Doc) -> bool:
        _, api, _, _ = resource(doc.data)
        if api.startswith((ACK_SAGEMAKER, ACK_SCALING)):
            return True
        return (
            _is_describe(doc.data)
            or parameter_values(doc.data) is not None
            or _is_sagemaker_template(doc.data)
        )

    def read(self, docs: list[Doc], out: Collector) -> None:
        templates = [d for d in docs if is_template(d.data)]
        params = [d for d in docs if d not in templates and parameter_values(d.data) is not None]
        given = _pair(templates, params, out)
        found = Found()
        for doc in docs:
            if doc in templates:
                _template(doc, Template(doc.data, given.get(doc)), found, out)
            elif _is_describe(doc.data):
                _describe(doc, found)
            elif doc not in params:
                _ack(doc, found, out)
        _emit(found, out)


def _pair(templates: list[Doc], params: list[Doc], out: Collector) -> dict[Doc, dict[str, str]]:
    """Parameter files to the one template that declares all their parameters."""
    given: dict[Doc, dict[str, str]] = {}
    for doc in params:
        values = parameter_values(doc.data) or {}
        declared = [(t, set(mapping(mapping(t.data).get("Parameters")))) for t in templates]
        fits = [t for t, names in declared if set(values) <= names]
        if len(fits) == 1 and fits[0] not in given:
            given[fits[0]] = values
            out.folded(doc)
        elif not fits:
            out.skip(doc, "CloudFormation parameter values; no imported template declares them")
        else:
            names = ", ".join(t.file.display for t in fits)
            out.skip(
                doc,
                f"CloudFormation parameter values that fit {len(fits)} templates ({names}); "
                "import it with the template it belongs to",
            )
    return given


def _template(doc: Doc, t: Template, found: Found, out: Collector) -> None:
    for logical, _ in t.of_type("AWS::SageMaker::EndpointConfig"):
        at = At(doc, f"Resources.{logical}.Properties")
        props = t.properties(logical)
        if isinstance(props, Unresolved):
            out.note(doc, f"{at.where} is {props.text}, which {props.reason}")
            props = {}
        name = get(props, "EndpointConfigName") or Unresolved(logical, "is not named")
        found.configs.append(Record(name, at, mapping(props), logical))
    for logical, _ in t.of_type("AWS::SageMaker::Endpoint"):
        at = At(doc, f"Resources.{logical}.Properties")
        props = mapping(t.properties(logical))
        name = get(props, "EndpointName") or Unresolved(logical, "is not named")
        config = get(props, "EndpointConfigName")
        found.endpoints.append(Record(name, at, props, logical, config))
    for kind, policy in (("ScalableTarget", False), ("ScalingPolicy", True)):
        for logical, _ in t.of_type(f"AWS::ApplicationAutoScaling::{kind}"):
            props = mapping(t.properties(logical))
            if get(props, "ServiceNamespace") == "sagemaker":
                rid = shown(get(props, "ResourceId"))
                at = At(doc, f"Resources.{logical}.Properties")
                found.scaling.append(Scaling(rid, at, props, policy))
    for logical, _ in t.of_type("AWS::CloudWatch::Alarm"):
        _alarm(doc, logical, mapping(t.properties(logical)), found, out)
    for logical, _ in t.of_type("AWS::SageMaker::MonitoringSchedule"):
        what = f"Resources.{logical} (a Model Monitor schedule: reports, no alarm of its own)"
        found.monitors.append((("monitoring", "drift", "features"), "dashboard", Origin(doc, what)))
    for name, r in t.of_type("AWS::Serverless::Function"):
        if "DeploymentPreference" in mapping(r.get("Properties")):
            out.note(doc, f"Resources.{name}.DeploymentPreference rolls out a Lambda function")


def _alarm(doc: Doc, logical: str, props: dict[str, Any], found: Found, out: Collector) -> None:
    metric, namespace = get(props, "MetricName"), str(get(props, "Namespace") or "")
    where = f"Resources.{logical} (alarm on {namespace} {shown(metric)}"
    pages = bool(items(get(props, "AlarmActions"))) and str(get(props, "ActionsEnabled")) not in (
        "False",
        "false",
    )
    why = "notifies someone" if pages else "no alarm actions: seen only in the console"
    origin = Origin(doc, f"{where}; {why})")
    signal = "alert" if pages else "dashboard"
    target: tuple[str, ...] | None = None
    if "data-metrics" in namespace or "model-quality" in namespace.lower():
        target = ("monitoring", "drift", "features")
    elif namespace == "AWS/SageMaker" and metric in ERRORS:
        target = ("monitoring", "system", "errors")
    elif namespace == "AWS/SageMaker" and metric in LATENCY:
        target = ("monitoring", "system", "latency")
    elif "sagemaker" in namespace.lower() and metric in SATURATION:
        target = ("monitoring", "system", "saturation")
    if target is None:
        out.note(doc, f"{where}) watches no endpoint metric mlreview knows")
    else:
        found.monitors.append((target, signal, origin))


def _describe(doc: Doc, found: Found) -> None:
    data = mapping(doc.data)
    at = At(doc, "")
    if "EndpointName" in data:
        config = data.get("EndpointConfigName")
        found.endpoints.append(Record(data["EndpointName"], at, data, config=config))
    else:
        found.configs.append(Record(data.get("EndpointConfigName"), at, data))


def _ack(doc: Doc, found: Found, out: Collector) -> None:
    kind, _, name, _ = resource(doc.data)
    spec = mapping(mapping(doc.data).get("spec"))
    at = At(doc, f"{kind} {name}: spec")
    if kind == "EndpointConfig":
        found.configs.append(Record(get(spec, "endpointConfigName") or name, at, spec))
    elif kind == "Endpoint":
        config = get(spec, "endpointConfigName")
        found.endpoints.append(Record(get(spec, "endpointName") or name, at, spec, config=config))
    elif kind in ("ScalableTarget", "ScalingPolicy"):
        if get(spec, "serviceNamespace") != "sagemaker":
            out.skip(doc, f"{kind} {name} scales something other than a SageMaker endpoint")
            return
        rid = str(get(spec, "resourceID") or "")
        found.scaling.append(Scaling(rid, at, spec, kind == "ScalingPolicy"))
    else:
        out.skip(doc, f"{kind} ({ACK_SAGEMAKER}) holds nothing the manifest describes")


def _config_of(e: Record, configs: list[Record]) -> Record | None:
    for c in configs:
        linked = isinstance(e.config, ResourceRef) and e.config.resource == c.logical
        if (linked and c.at.doc is e.at.doc) or (_name(e.config) and e.config == _name(c.name)):
            return c
    return None


def _emit(found: Found, out: Collector) -> None:
    pairs: list[tuple[Record | None, Record | None]] = []
    for e in found.endpoints:
        pairs.append((e, _config_of(e, found.configs)))
    paired = [id(c) for _, c in pairs if c is not None]
    pairs += [(None, c) for c in found.configs if id(c) not in paired]
    names: list[str] = []
    for endpoint, config in pairs:
        names += _endpoint(endpoint, config, found, out)
    for s in found.scaling:
        if not any(s.resource_id.startswith(f"endpoint/{n}/") for n in names):
            bad = placeholder(s.resource_id)
            why = (
                f"its resourceID {bad!r} is an unfilled placeholder"
                if bad
                else f"it scales {s.resource_id}, which is not among the imported endpoints"
            )
            out.skip(s.at.doc, f"{s.at.where}: {why}")
    for target, signal, origin in found.monitors:
        if out.draft.get(target) == "alert" and signal == "dashboard":
            out.folded(origin.doc)  # a paging alarm on the same thing is already imported
        else:
            out.put(target, signal, origin)


def _endpoint_id(record: Record, label: str, out: Collector) -> str | None:
    """The endpoint's id: its name, else (when only a deployment knows it) its logical id."""
    name = _name(record.name)
    bad = placeholder(name)
    if name is None or bad:
        if bad or record.logical is None:
            why = bad or shown(record.name)
            out.skip(record.at.doc, f"the endpoint's name {why!r} is an unfilled placeholder")
            return None
        reason = record.name.reason if isinstance(record.name, Unresolved) else "is not set"
        what = f"{record.at.where}: name {shown(record.name)} {reason}; named after its logical id"
        out.note(record.at.doc, what)
        name = record.logical
    return out.component("endpoints", name, record.at(label))


def _model(
    key: tuple[str, str], first: dict[str, Any], at: At, label: Origin, out: Collector
) -> str:
    written = get(first, "ModelName")
    name = _name(written)
    if name and not placeholder(name):
        model = out.component("models", name, at("ModelName"))
        if model is not None:
            return model
    why = "the endpoint's files do not name the model it serves"
    if isinstance(written, ResourceRef | Unresolved):
        why = f"the model name is {shown(written)}, known only when deployed"
    return out.made_up("models", f"{key[1]}-model", why, label)


def _endpoint(e: Record | None, c: Record | None, found: Found, out: Collector) -> list[str]:
    """Values of one endpoint (and its config); the names it goes by in resource ids."""
    record = e or c
    assert record is not None
    label = "EndpointName" if e is not None else "EndpointConfigName"
    ident = _endpoint_id(record, label, out)
    if ident is None:
        return []
    key = ("endpoints", ident)
    config = c.at if c else record.at
    props = c.props if c else {}
    variants = get(props, "ProductionVariants")
    if isinstance(variants, Unresolved):
        out.note(
            config.doc,
            f"{config('ProductionVariants').field} is {variants.text}, which {variants.reason}",
        )
    variants = [mapping(v) for v in items(variants)]
    if not variants and e is not None:
        variants, config = [mapping(v) for v in items(get(e.props, "ProductionVariants"))], e.at
    first = variants[0] if variants else {}
    first_at = config.under("ProductionVariants[0]")
    out.put((*key, "model"), _model(key, first, first_at, record.at(label), out), record.at(label))
    queued = bool(get(props, "AsyncInferenceConfig"))
    mode = config("AsyncInferenceConfig (requests queue, answered later)") if queued else None
    out.put((*key, "mode"), "online", mode or record.at(f"{label} (a real-time endpoint)"))
    out.put((*key, "platform"), "sagemaker", record.at(label))
    names = [ident, shown(record.name)]
    scaled = _scaling(key, names, found, out)
    if variants:
        _variant(key, first, first_at, scaled, out)
    if len(variants) > 1:
        listed = ", ".join(str(get(v, "VariantName")) for v in variants)
        out.note(
            config.doc, f"{len(variants)} production variants ({listed}); the first is imported"
        )
    if items(get(props, "ShadowProductionVariants")):
        out.put((*key, "release", "shadow"), True, config("ShadowProductionVariants"))
    _capture(key, get(props, "DataCaptureConfig"), config.under("DataCaptureConfig"), out)
    if e is not None:
        _running(key, e, variants, scaled, out)
    return names


def _running(
    key: tuple[str, str], e: Record, variants: list[dict[str, Any]], scaled: bool, out: Collector
) -> None:
    """What an endpoint (rather than its config) says: rollout policy, instances running."""
    what = "DeploymentConfig" if get(e.props, "DeploymentConfig") else "LastDeploymentConfig"
    _deployment(key, get(e.props, what), variants, e.at.under(what), out)
    running = [mapping(v) for v in items(get(e.props, "ProductionVariants"))]
    images = [mapping(i) for v in running[:1] for i in items(get(v, "DeployedImages"))]
    image = str(get(images[0], "SpecifiedImage") or "") if images else ""
    family = next((f for f in BUILT_IN if f"/{f}:" in image or f"/sagemaker-{f}:" in image), None)
    model = out.draft.get((*key, "model"))
    if family and isinstance(model, str):
        origin = e.at(f"ProductionVariants[0].DeployedImages[0].SpecifiedImage ({image})")
        out.put(("models", model, "family"), family, origin)
    count = quantity(get(running[0], "DesiredInstanceCount")) if running else None
    unset = out.draft.get((*key, "replicas")) is None
    if count and count.is_integer() and not scaled and unset:
        origin = e.at("ProductionVariants[0].DesiredInstanceCount (no scaling policy imported)")
        out.put((*key, "replicas", "min"), int(count), origin)
        out.put((*key, "replicas", "max"), int(count), origin)
    pending = mapping(get(e.props, "PendingDeploymentSummary"))
    for v in items(get(pending, "ProductionVariants"))[:1]:
        instance = get(v, "InstanceType")
        if isinstance(instance, str) and out.draft.get((*key, "instance_type")) is None:
            origin = e.at("PendingDeploymentSummary.ProductionVariants[0].InstanceType")
            out.put((*key, "instance_type"), instance, origin)


def _unresolved(value: Any, at: At, name: str, out: Collector) -> bool:
    if isinstance(value, Unresolved):
        out.note(at.doc, f"{at(name).field} is {value.text}, which {value.reason}")
        return True
    return False


def _variant(key: tuple[str, str], v: dict[str, Any], at: At, scaled: bool, out: Collector) -> None:
    strategy = get(mapping(get(v, "RoutingConfig")), "RoutingStrategy")
    if strategy in ROUTING:
        where = f"RoutingConfig.RoutingStrategy {strategy}"
        out.put((*key, "routing"), ROUTING[str(strategy)], at(where))
    instance = get(v, "InstanceType")
    if isinstance(instance, str):
        out.put((*key, "instance_type"), instance, at("InstanceType"))
    _unresolved(instance, at, "InstanceType", out)
    serverless = mapping(get(v, "ServerlessConfig"))
    if serverless:
        limit = quantity(get(serverless, "MaxConcurrency"))
        origin = at("ServerlessConfig.MaxConcurrency (serverless: one request per container)")
        if limit and limit.is_integer():
            provisioned = quantity(get(serverless, "ProvisionedConcurrency")) or 0
            low = "ProvisionedConcurrency" if provisioned else "(no provisioned concurrency)"
            out.put((*key, "replicas", "min"), int(provisioned), at(f"ServerlessConfig {low}"))
            out.put((*key, "replicas", "max"), int(limit), origin)
            out.put((*key, "concurrency_per_replica"), 1, origin)
            out.put((*key, "autoscaling", "enabled"), True, origin)
        return
    count = get(v, "InitialInstanceCount")
    number = quantity(count)
    known = not _unresolved(count, at, "InitialInstanceCount", out)
    if known and not scaled and number and number.is_integer():
        origin = at("InitialInstanceCount (no scaling policy in the imported files)")
        out.put((*key, "replicas", "min"), int(number), origin)
        out.put((*key, "replicas", "max"), int(number), origin)


def _capture(key: tuple[str, str], capture: Any, at: At, out: Collector) -> None:
    if _unresolved(capture, At(at.doc, ""), at.where, out):
        return
    c = mapping(capture)
    enabled = get(c, "EnableCapture")
    if not c or _unresolved(enabled, at, "EnableCapture", out):
        return
    if str(enabled).lower() not in ("true", "1"):
        out.put((*key, "logging", "predictions"), False, at("EnableCapture"))
        return
    modes = {str(get(o, "CaptureMode")) for o in items(get(c, "CaptureOptions"))}
    modes = modes or {"Input", "Output"}
    if "Output" in modes:
        out.put((*key, "logging", "predictions"), True, at("CaptureOptions Output"))
    if "Input" in modes:
        out.put((*key, "logging", "features"), True, at(f"CaptureOptions Input ({PAYLOAD})"))
    percent = get(c, "InitialSamplingPercentage")
    if not _unresolved(percent, at, "InitialSamplingPercentage", out) and quantity(percent):
        rate = (quantity(percent) or 0.0) / 100
        out.put((*key, "logging", "sample_rate"), rate, at("InitialSamplingPercentage"))


def _deployment(
    key: tuple[str, str], policy: Any, variants: list[dict[str, Any]], at: At, out: Collector
) -> None:
    if _unresolved(policy, At(at.doc, ""), at.where, out):
        return
    p = mapping(policy)
    routing = mapping(get(mapping(get(p, "BlueGreenUpdatePolicy")), "TrafficRoutingConfiguration"))
    kind = str(get(routing, "Type") or "")
    rollout = at(f"BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type {kind}")
    if kind in ("CANARY", "LINEAR"):
        out.put((*key, "release", "canary"), True, rollout)
        size = "CanarySize" if kind == "CANARY" else "LinearStepSize"
        step = mapping(get(routing, size))
        value, unit = quantity(get(step, "Value")), str(get(step, "Type") or "")
        count = quantity(get(variants[0], "InitialInstanceCount")) if variants else None
        if value is not None and unit == "CAPACITY_PERCENT":
            origin = at(f"BlueGreenUpdatePolicy...{size} {value:g}% of capacity")
            out.put((*key, "release", "canary_traffic"), value / 100, origin)
        elif value is not None and unit == "INSTANCE_COUNT" and count:
            origin = at(f"BlueGreenUpdatePolicy...{size} {value:g} of {count:g} instances")
            out.put((*key, "release", "canary_traffic"), round(value / count, 4), origin)
    elif kind == "ALL_AT_ONCE":
        out.put((*key, "release", "canary"), False, rollout)
    alarms = items(get(mapping(get(p, "AutoRollbackConfiguration")), "Alarms"))
    if alarms:
        listed = ", ".join(shown(get(a, "AlarmName")) for a in alarms)
        origin = at(f"AutoRollbackConfiguration.Alarms ({listed})")
        out.put((*key, "release", "auto_rollback"), True, origin)


def _scaling(key: tuple[str, str], names: list[str], found: Found, out: Collector) -> bool:
    """Autoscaling limits and target for the endpoint (named as written); whether any."""
    mine = [
        s for s in found.scaling if any(s.resource_id.startswith(f"endpoint/{n}/") for n in names)
    ]
    for s in mine:
        if s.policy:
            _policy(key, s, out)
            continue
        low, high = quantity(get(s.props, "MinCapacity")), quantity(get(s.props, "MaxCapacity"))
        if low is not None and low.is_integer():
            out.put((*key, "replicas", "min"), int(low), s.at("MinCapacity"))
        if high is not None and high.is_integer():
            out.put((*key, "replicas", "max"), int(high), s.at("MaxCapacity"))
            out.put((*key, "autoscaling", "enabled"), high > (low or 0), s.at("MaxCapacity"))
    return bool(mine)


def _policy(key: tuple[str, str], s: Scaling, out: Collector) -> None:
    at = s.at.under("TargetTrackingScalingPolicyConfiguration")
    config = mapping(get(s.props, "TargetTrackingScalingPolicyConfiguration"))
    target = quantity(get(config, "TargetValue"))
    predefined = get(mapping(get(config, "PredefinedMetricSpecification")), "PredefinedMetricType")
    custom = get(mapping(get(config, "CustomizedMetricSpecification")), "MetricName")
    metric = METRICS.get(str(predefined), str(predefined)) if predefined else custom
    if text_of(metric):
        spec = "PredefinedMetricSpecification" if predefined else "CustomizedMetricSpecification"
        out.put((*key, "autoscaling", "metric"), str(metric), at(f"{spec} {predefined or metric}"))
    if target is not None:
        if str(metric) in SATURATION:
            target /= 100
        out.put((*key, "autoscaling", "target"), target, at("TargetValue"))
