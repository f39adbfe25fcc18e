"""The manifest as typed models. A field left out is None: unknown, never false."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from mlreview.system.units import Duration, Schedule

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as a reference to a component of the given kinds."""

    kinds: tuple[str, ...]


def ref(*kinds: str) -> Any:
    return RefTo(kinds)


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
Count = Annotated[int, Field(ge=0)]
Signal = bool | Literal["alert", "dashboard", "manual"]
"""How a condition is watched: true or 'alert' pages someone, 'dashboard' must be looked at."""
Criticality = Literal["low", "medium", "high", "critical"]


class Node(BaseModel):
    """A manifest mapping. Remembers its path so findings can point at its line."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def path(self) -> tuple[str | int, ...]:
        return self._path


class Suppression(Node):
    """Silences one rule on one component; the reason is required and printed."""

    rule: str = Field(description="Rule code or name, e.g. SKEW003 or no-serving-feature-log.")
    reason: Annotated[str, Field(min_length=3)] = Field(description="Why this is acceptable.")


class Component(Node):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=120)]
    description: str | None = None
    suppress: list[Suppression] = Field(default_factory=list)

    KIND: ClassVar[str] = "component"


# --- system --------------------------------------------------------------------------------------


class Decision(Node):
    type: Literal["classification", "ranking", "regression", "forecast", "filtering"] | None = None
    automated_action: bool | None = Field(
        None, description="Predictions act without a human in the loop (block, approve, spend)."
    )
    action: str | None = Field(None, description="What an automated decision does.")


class Traffic(Node):
    peak_qps: Positive | None = Field(None, description="Today's peak requests per second.")
    growth_multiplier: Positive | None = Field(
        None, description="Traffic multiple the system must absorb (the review assumes 10)."
    )
    ramp: Duration | None = Field(None, description="How fast a spike reaches its peak.")


class SystemInfo(Node):
    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    owner: str | None = None
    criticality: Criticality | None = None
    decision: Decision | None = None
    traffic: Traffic | None = None
    suppress: list[Suppression] = Field(default_factory=list)


# --- sources ------------------------------------------------------------------------------------


class FailureBehaviour(Node):
    behaviour: (
        Literal[
            "fail_closed",
            "default_value",
            "last_known_good",
            "skip_feature",
            "fallback_source",
            "undefined",
        ]
        | None
    ) = None
    default_value: str | float | int | bool | None = None
    default_in_valid_range: bool | None = Field(
        None, description="The default looks like a real value (e.g. 0 for a count)."
    )
    missing_indicator: bool | None = Field(None, description="A flag marks defaulted values.")
    max_staleness: Duration | None = None
    alert: bool | None = Field(None, description="Someone is paged when the fallback is used.")


class Contract(Node):
    schema_versioned: bool | None = None
    change_notification: bool | None = None
    consumer_registered: bool | None = None


class SourceMonitors(Node):
    freshness: Signal | None = None
    volume: Signal | None = None
    schema_: Signal | None = Field(None, alias="schema")
    null_rate: Signal | None = None


class Source(Component):
    kind: Literal[
        "stream", "batch_table", "database", "online_api", "third_party", "lookup_table", "files"
    ]
    technology: str | None = None
    owner: str | None = Field(None, description="Team that owns the data.")
    owned_by_model_team: bool | None = None
    availability: Fraction | None = Field(None, description="Availability SLO, e.g. 0.999.")
    freshness: Duration | None = Field(None, description="How old the newest data normally is.")
    on_failure: FailureBehaviour | None = None
    contract: Contract | None = None
    monitors: SourceMonitors | None = None
    versioned_snapshot: bool | None = None
    zones: Annotated[int, Field(ge=1)] | None = None
    produced_by_model: Annotated[str | None, ref("model")] = None
    KIND: ClassVar[str] = "source"


# --- pipelines and stores -----------------------------------------------------------------------


class Validation(Node):
    schema_: bool | None = Field(None, alias="schema")
    ranges: bool | None = None
    distribution: bool | None = None
    blocking: bool | None = Field(None, description="A failed check stops the run.")


class Retries(Node):
    max: Count | None = None
    backoff: bool | None = None
    jitter: bool | None = None
    budget: bool | None = Field(None, description="Retries are capped as a share of traffic.")


class PipelineAlerts(Node):
    on_failure: Signal | None = None
    on_sla_miss: Signal | None = Field(None, description="Alert on age of the last success.")


class Pipeline(Component):
    kind: Literal[
        "feature_batch",
        "feature_stream",
        "materialization",
        "training",
        "labeling",
        "batch_inference",
        "etl",
    ]
    engine: str | None = None
    schedule: Schedule | None = None
    inputs: list[Annotated[str, ref("source", "store", "pipeline")]] = Field(default_factory=list)
    outputs: list[Annotated[str, ref("store", "source")]] = Field(default_factory=list)
    runtime: Duration | None = Field(None, description="Typical run time.")
    sla: Duration | None = Field(None, description="Deadline for a run to finish.")
    validation: Validation | None = None
    retries: Retries | None = None
    idempotent: bool | None = None
    backfill: bool | None = None
    alerts: PipelineAlerts | None = None
    sampling_rate: Fraction | None = None
    importance_weighted: bool | None = None
    KIND: ClassVar[str] = "pipeline"


class Store(Component):
    kind: Literal["online", "offline", "cache", "warehouse", "object_store"]
    technology: str | None = None
    ttl: Duration | None = None
    zones: Annotated[int, Field(ge=1)] | None = None
    availability: Fraction | None = None
    max_qps: Positive | None = None
    point_in_time: bool | None = Field(None, description="Supports as-of (time-travel) joins.")
    KIND: ClassVar[str] = "store"


# --- features -----------------------------------------------------------------------------------


class Implementation(Node):
    code: str | None = Field(None, description="Where the logic lives, e.g. 'spark/agg.py'.")
    language: str | None = None
    window: Duration | None = None


MissingPolicy = Literal[
    "drop", "impute_mean", "impute_median", "zero", "default", "sentinel", "passthrough", "fail"
]


class Missing(Node):
    training: MissingPolicy | None = None
    serving: MissingPolicy | None = None


class Feature(Component):
    sources: list[Annotated[str, ref("source", "store")]] = Field(default_factory=list)
    store: Annotated[str | None, ref("store")] = Field(None, description="Online store serving it.")
    training: Implementation | None = None
    serving: Implementation | None = None
    shared_definition: bool | None = Field(
        None, description="One definition is compiled or reused for both paths."
    )
    point_in_time_join: bool | None = None
    available_at_prediction_time: bool | None = None
    freshness_budget: Duration | None = None
    missing: Missing | None = None
    logged_at_serving: bool | None = None
    importance_rank: Annotated[int, Field(ge=1)] | None = None
    positional: bool | None = None
    derived_from_model: Annotated[str | None, ref("model")] = None
    KIND: ClassVar[str] = "feature"


# --- models -------------------------------------------------------------------------------------


class Training(Node):
    pipeline: Annotated[str | None, ref("pipeline")] = None
    cadence: Schedule | None = None
    window: Duration | None = None
    split: Literal["random", "temporal", "group"] | None = None
    automated: bool | None = None
    reproducible: bool | None = None
    data_versioned: bool | None = None


class Gate(Node):
    enabled: bool | None = None
    blocking: bool | None = None
    compares_to_previous: bool | None = None
    compares_to_baseline: bool | None = None
    slices: list[str] | None = None


class Registry(Node):
    technology: str | None = None
    retained_versions: Count | None = None


class Threshold(Node):
    kind: Literal["fixed", "learned", "none"] | None = None
    recalibrated_on_retrain: bool | None = None


RetrainTrigger = Literal["schedule", "new_data", "drift", "performance", "manual"]


class Model(Component):
    family: str | None = Field(None, description="e.g. xgboost, two_tower, prophet.")
    features: list[Annotated[str, ref("feature")]] | None = Field(
        None, description="Features the model reads; unknown means all declared features."
    )
    training: Training | None = None
    retrain_triggers: list[RetrainTrigger] | None = None
    validation_gate: Gate | None = None
    registry: Registry | None = None
    preprocessing_bundled: bool | None = None
    threshold: Threshold | None = None
    max_age: Duration | None = Field(None, description="Oldest the model may be before harm.")
    consumers: list[str] | None = None
    consumers_access_controlled: bool | None = None
    KIND: ClassVar[str] = "model"


# --- endpoints ----------------------------------------------------------------------------------


class Replicas(Node):
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None


class Autoscaling(Node):
    enabled: bool | None = None
    metric: str | None = None
    target: float | None = None
    reaction: Duration | None = Field(None, description="Time from overload to a scale-up order.")


class LoadTest(Node):
    max_qps_tested: Positive | None = None
    prod_like: bool | None = None
    includes_dependencies: bool | None = None
    tool: str | None = None


class Capacity(Node):
    qps_per_replica: Positive | None = Field(None, description="Sustainable QPS within the SLO.")
    source: Literal["load_test", "estimate", "vendor"] | None = None
    load_test: LoadTest | None = None


class ServiceTime(Node):
    p50_ms: Positive | None = None
    p99_ms: Positive | None = None


class Dependency(Node):
    target: Annotated[str, ref("store", "source", "endpoint")]
    calls_per_request: Positive | None = None
    timeout_ms: Positive | None = None
    retries: Retries | None = None
    fallback: Literal["none", "default", "cache", "skip", "heuristic", "fail"] | None = None
    max_qps: Positive | None = None
    circuit_breaker: bool | None = None


class Slo(Node):
    p99_ms: Positive | None = None
    availability: Fraction | None = None


class Admission(Node):
    rate_limit: bool | None = None
    load_shedding: bool | None = None
    bounded_queue: bool | None = None


class Release(Node):
    canary: bool | None = None
    shadow: bool | None = None
    auto_rollback: bool | None = None
    rollback_tested: bool | None = None
    serving_compat_test: bool | None = Field(
        None, description="Candidate scored in the production serving image before rollout."
    )


class PredictionLogging(Node):
    predictions: bool | None = None
    features: bool | None = None
    sample_rate: Fraction | None = None
    request_id: bool | None = None
    model_version: bool | None = None
    propensity: bool | None = None


class BatchWindow(Node):
    window: Duration | None = Field(None, description="Time available for a scoring run.")
    runtime: Duration | None = Field(None, description="Time a run takes today.")
    scales_horizontally: bool | None = None


class Endpoint(Component):
    model: Annotated[str, ref("model")]
    mode: Literal["online", "batch", "streaming"]
    platform: str | None = None
    accelerator: str | None = None
    accelerators_per_replica: Count | None = None
    accelerator_quota: Count | None = None
    replicas: Replicas | None = None
    autoscaling: Autoscaling | None = None
    concurrency_per_replica: Annotated[int, Field(ge=1)] | None = None
    service_time: ServiceTime | None = None
    capacity: Capacity | None = None
    cold_start: Duration | None = None
    zones: Annotated[int, Field(ge=1)] | None = None
    disruption_budget: bool | None = None
    dependencies: list[Dependency] = Field(default_factory=list)
    slo: Slo | None = None
    traffic: Traffic | None = None
    admission: Admission | None = None
    fallback: (
        Literal["none", "previous_model", "heuristic", "cached_scores", "default_action"] | None
    ) = None
    release: Release | None = None
    logging: PredictionLogging | None = None
    batch: BatchWindow | None = None
    KIND: ClassVar[str] = "endpoint"


# --- feedback -----------------------------------------------------------------------------------


class LabelDelay(Node):
    p50: Duration | None = None
    p95: Duration | None = None


class Label(Node):
    kind: Literal["outcome", "explicit", "implicit", "human"] | None = None
    source: Annotated[str | None, ref("source", "pipeline")] = None
    delay: LabelDelay | None = None
    observed_only_when: str | None = Field(
        None, description="Condition for an outcome to be seen, e.g. 'transaction approved'."
    )
    coverage: Fraction | None = None
    join_key: Literal["prediction_id", "entity_time", "entity"] | None = None
    maturity_window: Duration | None = None


class Exploration(Node):
    enabled: bool | None = None
    fraction: Fraction | None = None
    propensity_logged: bool | None = None


class Holdout(Node):
    enabled: bool | None = None
    fraction: Fraction | None = None
    persistent: bool | None = None


class QualityFilters(Node):
    bots: bool | None = None
    poisoning: bool | None = None


class FeedbackLoop(Component):
    model: Annotated[str, ref("model")]
    label: Label | None = None
    model_shapes_own_data: bool | None = None
    exploration: Exploration | None = None
    holdout: Holdout | None = None
    position_bias: Literal["none", "ips", "positional_feature", "randomization"] | None = None
    quality_filters: QualityFilters | None = None
    feeds_back_through: list[str] | None = Field(
        None, description="Other systems that act on predictions and feed data back."
    )
    KIND: ClassVar[str] = "feedback"


# --- monitoring ---------------------------------------------------------------------------------


class InputMonitors(Node):
    schema_: Signal | None = Field(None, alias="schema")
    ranges: Signal | None = None
    null_rate: Signal | None = None


class SkewMonitors(Node):
    training_serving: Signal | None = None


class DriftMonitors(Node):
    features: Signal | None = None
    predictions: Signal | None = None


class QualityMonitors(Node):
    label_based: Signal | None = None
    proxy: Signal | None = None
    slices: list[str] | None = None
    detection_target: Duration | None = None


class FreshnessMonitors(Node):
    model_age: Signal | None = None
    feature_freshness: Signal | None = None
    pipeline_age: Signal | None = None


class SystemMonitors(Node):
    latency: Signal | None = None
    errors: Signal | None = None
    saturation: Signal | None = None


class Monitoring(Node):
    inputs: InputMonitors | None = None
    skew: SkewMonitors | None = None
    drift: DriftMonitors | None = None
    quality: QualityMonitors | None = None
    freshness: FreshnessMonitors | None = None
    system: SystemMonitors | None = None
    nan_inf: Signal | None = None
    action_limits: bool | None = None
    runbooks: bool | None = Field(None, description="Every alert has an owner and a runbook.")
    suppress: list[Suppression] = Field(default_factory=list)


# --- the whole manifest -------------------------------------------------------------------------


class Manifest(Node):
    """An ML system: sources, pipelines, stores, features, models, endpoints and feedback loops."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="mlreview manifest",
        json_schema_extra={"description": "Describe an ML system for `mlreview check`."},
    )

    schema_: str | None = Field(None, alias="$schema")
    version: Literal[1] = Field(description="Manifest format version.")
    system: SystemInfo
    sources: list[Source] = Field(default_factory=list)
    pipelines: list[Pipeline] = Field(default_factory=list)
    stores: list[Store] = Field(default_factory=list)
    features: list[Feature] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    feedback: list[FeedbackLoop] = Field(default_factory=list)
    monitoring: Monitoring | None = None


COMPONENT_SECTIONS: dict[str, str] = {
    "sources": "source",
    "pipelines": "pipeline",
    "stores": "store",
    "features": "feature",
    "models": "model",
    "endpoints": "endpoint",
    "feedback": "feedback",
}
