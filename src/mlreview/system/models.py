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
        private = self.__pydantic_private__
        return private["_path"] if private else ()


class Suppression(Node):
    """Silences one rule on one component; the reason is required and printed."""

    rule: str = Field(description="Rule code or name, e.g. SKEW003 or no-serving-feature-log.")
    reason: Annotated[str, Field(min_length=3)] = Field(description="Why this is acceptable.")


class Component(Node):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=120)] = Field(
        description="Unique id across the whole manifest; other components refer to it."
    )
    description: str | None = Field(None, description="Free text for readers of the review.")
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted for this component, each with a reason."
    )

    KIND: ClassVar[str] = "component"


# --- system --------------------------------------------------------------------------------------


class Decision(Node):
    type: Literal["classification", "ranking", "regression", "forecast", "filtering"] | None = (
        Field(None, description="Kind of prediction; 'ranking' enables position-bias rules.")
    )
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
    daily_predictions: Positive | None = Field(
        None, description="Predictions per day (sizes holdouts; default: half the peak rate)."
    )


class SystemInfo(Node):
    name: Annotated[str, Field(min_length=1)] = Field(
        description="Name of the system, used in report titles."
    )
    description: str | None = Field(None, description="Free text for readers of the review.")
    owner: str | None = Field(None, description="Team that owns the system.")
    criticality: Criticality | None = Field(
        None,
        description="Impact of wrong or missing predictions; high and critical raise severity.",
    )
    decision: Decision | None = Field(None, description="What the predictions decide.")
    traffic: Traffic | None = Field(
        None, description="Peak traffic and the growth the serving stack must absorb."
    )
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted for the whole system, each with a reason."
    )


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
    ) = Field(None, description="What serving does when the source fails.")
    default_value: str | float | int | bool | None = Field(
        None, description="The value substituted when behaviour is default_value."
    )
    default_in_valid_range: bool | None = Field(
        None, description="The default looks like a real value (e.g. 0 for a count)."
    )
    missing_indicator: bool | None = Field(None, description="A flag marks defaulted values.")
    max_staleness: Duration | None = Field(
        None, description="Oldest value served from last-known-good."
    )
    alert: bool | None = Field(None, description="Someone is paged when the fallback is used.")


class Contract(Node):
    schema_versioned: bool | None = Field(
        None, description="The producer versions the schema and keeps old versions readable."
    )
    change_notification: bool | None = Field(
        None, description="Consumers are told before the data changes."
    )
    consumer_registered: bool | None = Field(
        None, description="The producer knows this system depends on the data."
    )


class SourceMonitors(Node):
    freshness: Signal | None = Field(None, description="Alert on the age of the newest data.")
    volume: Signal | None = Field(None, description="Alert on row-count or event-rate anomalies.")
    schema_: Signal | None = Field(None, alias="schema", description="Alert on schema changes.")
    null_rate: Signal | None = Field(None, description="Alert on the null or default rate.")


class Source(Component):
    kind: Literal[
        "stream", "batch_table", "database", "online_api", "third_party", "lookup_table", "files"
    ] = Field(description="How the data arrives.")
    technology: str | None = Field(None, description="e.g. kafka, postgres, snowflake.")
    owner: str | None = Field(None, description="Team that owns the data.")
    owned_by_model_team: bool | None = Field(
        None, description="The team that owns this system also owns the data."
    )
    availability: Fraction | None = Field(None, description="Availability SLO, e.g. 0.999.")
    freshness: Duration | None = Field(None, description="How old the newest data normally is.")
    on_failure: FailureBehaviour | None = Field(
        None, description="What happens downstream when this source fails."
    )
    contract: Contract | None = Field(None, description="Agreement with the producing team.")
    monitors: SourceMonitors | None = Field(None, description="Monitors declared on this source.")
    versioned_snapshot: bool | None = Field(
        None, description="Consumed from a frozen, versioned copy rather than live."
    )
    zones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Availability zones the source runs in."
    )
    mttr: Duration | None = Field(None, description="Typical time to repair an outage.")
    produced_by_model: Annotated[str | None, ref("model")] = Field(
        None, description="Id of the model whose output this source is."
    )
    KIND: ClassVar[str] = "source"


# --- pipelines and stores -----------------------------------------------------------------------


class Validation(Node):
    schema_: bool | None = Field(
        None, alias="schema", description="Checks the schema of the input."
    )
    ranges: bool | None = Field(None, description="Checks value ranges.")
    distribution: bool | None = Field(None, description="Checks distributions against a reference.")
    blocking: bool | None = Field(None, description="A failed check stops the run.")


class Retries(Node):
    max: Count | None = Field(None, description="Retries after the first attempt.")
    backoff: bool | None = Field(None, description="Waits grow between retries.")
    jitter: bool | None = Field(None, description="Waits are randomised.")
    budget: bool | None = Field(None, description="Retries are capped as a share of traffic.")


class PipelineAlerts(Node):
    on_failure: Signal | None = Field(None, description="Alert when a run fails.")
    on_sla_miss: Signal | None = Field(None, description="Alert on age of the last success.")
    consumer_lag: Signal | None = Field(
        None, description="Alert when a stream job falls behind its input (consumer lag)."
    )


class Pipeline(Component):
    kind: Literal[
        "feature_batch",
        "feature_stream",
        "materialization",
        "training",
        "labeling",
        "batch_inference",
        "etl",
    ] = Field(description="What the job produces.")
    engine: str | None = Field(None, description="e.g. airflow, spark, flink, dbt.")
    schedule: Schedule | None = Field(None, description="When the job runs.")
    inputs: list[Annotated[str, ref("source", "store", "pipeline")]] = Field(
        default_factory=list, description="Ids of the sources, stores or pipelines it reads."
    )
    outputs: list[Annotated[str, ref("store", "source")]] = Field(
        default_factory=list, description="Ids of the stores or sources it writes."
    )
    runtime: Duration | None = Field(None, description="Typical run time.")
    sla: Duration | None = Field(None, description="Deadline for a run to finish.")
    validation: Validation | None = Field(None, description="Data checks inside the job.")
    retries: Retries | None = Field(None, description="Retry policy on failure.")
    idempotent: bool | None = Field(
        None, description="Re-running a run gives the same output (no double counting)."
    )
    backfill: bool | None = Field(
        None, description="Any past date range can be recomputed on demand."
    )
    alerts: PipelineAlerts | None = Field(None, description="Alerts on this job.")
    sampling_rate: Fraction | None = Field(
        None, description="Share of rows kept when the job samples (training jobs)."
    )
    importance_weighted: bool | None = Field(
        None, description="Sampled rows are weighted by 1/rate."
    )
    KIND: ClassVar[str] = "pipeline"


class Store(Component):
    kind: Literal["online", "offline", "cache", "warehouse", "object_store"] = Field(
        description="online: read per request; offline/warehouse: read for training and batch."
    )
    technology: str | None = Field(None, description="e.g. redis, dynamodb, bigquery.")
    ttl: Duration | None = Field(None, description="How long an entry lives without a refresh.")
    zones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Availability zones the store runs in."
    )
    availability: Fraction | None = Field(None, description="Availability SLO, e.g. 0.999.")
    max_qps: Positive | None = Field(
        None, description="Highest read rate the store is provisioned for."
    )
    point_in_time: bool | None = Field(None, description="Supports as-of (time-travel) joins.")
    mttr: Duration | None = Field(None, description="Typical time to repair an outage.")
    KIND: ClassVar[str] = "store"


# --- features -----------------------------------------------------------------------------------


class Implementation(Node):
    code: str | None = Field(None, description="Where the logic lives, e.g. 'spark/agg.py'.")
    language: str | None = Field(None, description="e.g. python, sql, java, go.")
    window: Duration | None = Field(None, description="Aggregation window.")


MissingPolicy = Literal[
    "drop", "impute_mean", "impute_median", "zero", "default", "sentinel", "passthrough", "fail"
]


class Missing(Node):
    training: MissingPolicy | None = Field(
        None, description="How missing values are handled when training."
    )
    serving: MissingPolicy | None = Field(
        None, description="How missing values are handled when serving."
    )


class Feature(Component):
    sources: list[Annotated[str, ref("source", "store")]] = Field(
        default_factory=list,
        description="Ids of the sources (or stores) the feature is computed from.",
    )
    store: Annotated[str | None, ref("store")] = Field(
        None, description="Store the feature is read from when scoring (online or batch)."
    )
    training: Implementation | None = Field(None, description="How training computes the feature.")
    serving: Implementation | None = Field(None, description="How serving computes the feature.")
    shared_definition: bool | None = Field(
        None, description="One definition is compiled or reused for both paths."
    )
    point_in_time_join: bool | None = Field(
        None, description="Training joins the value as of each example's timestamp."
    )
    available_at_prediction_time: bool | None = Field(
        None, description="The value exists when the prediction is made."
    )
    freshness_budget: Duration | None = Field(None, description="Oldest the served value may be.")
    missing: Missing | None = Field(None, description="Missing-value policy on each path.")
    logged_at_serving: bool | None = Field(
        None, description="The served value is logged with the request id."
    )
    importance_rank: Annotated[int, Field(ge=1)] | None = Field(
        None, description="1 for the most important feature."
    )
    positional: bool | None = Field(
        None, description="Describes presentation (e.g. rank shown), not the item."
    )
    derived_from_model: Annotated[str | None, ref("model")] = Field(
        None, description="Id of the model whose output this feature is."
    )
    column: str | None = Field(
        None, description="The feature's column in linked data, if not its id."
    )
    KIND: ClassVar[str] = "feature"


# --- models -------------------------------------------------------------------------------------


class Training(Node):
    pipeline: Annotated[str | None, ref("pipeline")] = Field(
        None, description="Id of the training pipeline."
    )
    cadence: Schedule | None = Field(None, description="How often the model is retrained.")
    window: Duration | None = Field(None, description="How much history each training run uses.")
    split: Literal["random", "temporal", "group"] | None = Field(
        None, description="How evaluation data is split off."
    )
    automated: bool | None = Field(None, description="Retrained and promoted without a person.")
    reproducible: bool | None = Field(
        None, description="A run can be repeated exactly from versioned inputs."
    )
    data_versioned: bool | None = Field(None, description="Training data is versioned.")


class Gate(Node):
    enabled: bool | None = Field(None, description="A validation gate runs before promotion.")
    blocking: bool | None = Field(None, description="A failed gate stops promotion.")
    compares_to_previous: bool | None = Field(
        None, description="The candidate is compared with the serving model."
    )
    compares_to_baseline: bool | None = Field(
        None, description="The candidate is compared with a simple baseline."
    )
    slices: list[str] | None = Field(None, description="Slices the gate checks separately.")


class Registry(Node):
    technology: str | None = Field(None, description="e.g. mlflow, sagemaker-model-registry.")
    retained_versions: Count | None = Field(
        None, description="Earlier deployable versions kept for rollback."
    )


class Threshold(Node):
    kind: Literal["fixed", "learned", "none"] | None = Field(
        None, description="How the decision threshold is set."
    )
    recalibrated_on_retrain: bool | None = Field(
        None, description="The threshold is re-derived at every retrain."
    )


RetrainTrigger = Literal["schedule", "new_data", "drift", "performance", "manual"]


class DataLinks(Node):
    training: str = Field(
        description="Training data: a Parquet, CSV, Arrow IPC or JSON-lines file, folder or glob, "
        "relative to the manifest, or a profile saved by `mlreview profile`."
    )
    serving: str = Field(description="Logged serving features, in the same forms.")
    key: list[str] | None = Field(
        None, description="Columns that identify an example on both sides, to compare row by row."
    )


class Model(Component):
    family: str | None = Field(None, description="e.g. xgboost, two_tower, prophet.")
    features: list[Annotated[str, ref("feature")]] | None = Field(
        None, description="Features the model reads; unknown means all declared features."
    )
    training: Training | None = Field(None, description="How and how often the model is trained.")
    retrain_triggers: list[RetrainTrigger] | None = Field(
        None, description="What starts a retrain."
    )
    validation_gate: Gate | None = Field(
        None, description="Checks before a new version is promoted."
    )
    registry: Registry | None = Field(None, description="Where versions are kept.")
    preprocessing_bundled: bool | None = Field(
        None, description="Preprocessing artefacts ship inside the model bundle."
    )
    threshold: Threshold | None = Field(None, description="Decision threshold handling.")
    max_age: Duration | None = Field(None, description="Oldest the model may be before harm.")
    consumers: list[str] | None = Field(None, description="Systems that use the predictions.")
    consumers_access_controlled: bool | None = Field(
        None, description="Only registered consumers can read predictions."
    )
    data: DataLinks | None = Field(
        None,
        description="Training data and serving logs to compare (`mlreview check` then reports "
        "skew found in the data).",
    )
    KIND: ClassVar[str] = "model"


# --- endpoints ----------------------------------------------------------------------------------


class Replicas(Node):
    min: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Fewest replicas the autoscaler keeps."
    )
    max: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Most replicas the autoscaler may run."
    )


class Autoscaling(Node):
    enabled: bool | None = Field(None, description="Replicas are added and removed automatically.")
    metric: str | None = Field(
        None, description="What the autoscaler tracks, e.g. cpu, concurrency."
    )
    target: float | None = Field(None, description="Target value of the metric.")
    reaction: Duration | None = Field(None, description="Time from overload to a scale-up order.")


class LoadTest(Node):
    results: list[str] = Field(
        default_factory=list,
        description="Result files, relative to the manifest: Locust _stats.csv, k6 "
        "--summary-export JSON, vegeta JSON report or hey -o csv.",
    )
    replicas: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Replicas serving during the test (to get per-replica figures)."
    )
    max_qps_tested: Positive | None = Field(None, description="Highest rate the load test reached.")
    prod_like: bool | None = Field(
        None, description="Run on production-like hardware and configuration."
    )
    includes_dependencies: bool | None = Field(
        None, description="Real feature-store and downstream calls were included."
    )
    tool: str | None = Field(None, description="e.g. locust, k6, vegeta.")


class Capacity(Node):
    qps_per_replica: Positive | None = Field(None, description="Sustainable QPS within the SLO.")
    source: Literal["load_test", "estimate", "vendor"] | None = Field(
        None, description="Where qps_per_replica comes from."
    )
    load_test: LoadTest | None = Field(None, description="The load test behind the figure.")


class ServiceTime(Node):
    p50_ms: Positive | None = Field(
        None, description="Median time one replica spends on a request."
    )
    p99_ms: Positive | None = Field(
        None, description="99th-percentile time one replica spends on a request."
    )


class Batching(Node):
    max_batch_size: Annotated[int, Field(ge=1)] = Field(description="Largest batch formed.")
    latency_ms_batch_1: Positive = Field(description="Execution time of a batch of one.")
    latency_ms_max_batch: Positive = Field(description="Execution time of a full batch.")


class Dependency(Node):
    target: Annotated[str, ref("store", "source", "endpoint")] = Field(
        description="Id of the store, source or endpoint called per request."
    )
    calls_per_request: Positive | None = Field(
        None, description="Calls to the target for each request."
    )
    timeout_ms: Positive | None = Field(None, description="Client-side timeout per call.")
    retries: Retries | None = Field(None, description="Retry policy for the calls.")
    fallback: Literal["none", "default", "cache", "skip", "heuristic", "fail"] | None = Field(
        None, description="What the endpoint does when the call fails or times out."
    )
    max_qps: Positive | None = Field(
        None, description="Highest rate the dependency accepts (quota or provisioned)."
    )
    latency_ms: Positive | None = Field(None, description="Typical (p99) latency of one call.")
    pool_size: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Connections per replica to the dependency."
    )
    circuit_breaker: bool | None = Field(None, description="Calls stop after repeated failures.")


class Slo(Node):
    p99_ms: Positive | None = Field(None, description="Latency objective at the 99th percentile.")
    availability: Fraction | None = Field(None, description="Availability objective, e.g. 0.999.")


class Admission(Node):
    rate_limit: bool | None = Field(None, description="Per-client rate limits at the gateway.")
    load_shedding: bool | None = Field(None, description="Excess requests are rejected early.")
    bounded_queue: bool | None = Field(None, description="The request queue has a size limit.")


class Release(Node):
    canary: bool | None = Field(
        None, description="New versions take a small share of traffic first."
    )
    shadow: bool | None = Field(
        None, description="New versions score mirrored traffic without acting."
    )
    auto_rollback: bool | None = Field(
        None, description="A failing release is rolled back automatically."
    )
    rollback_tested: bool | None = Field(None, description="Rollback is rehearsed.")
    serving_compat_test: bool | None = Field(
        None, description="Candidate scored in the production serving image before rollout."
    )


class PredictionLogging(Node):
    predictions: bool | None = Field(None, description="Predictions are logged.")
    features: bool | None = Field(
        None, description="Feature values are logged with each prediction."
    )
    sample_rate: Fraction | None = Field(None, description="Share of requests logged.")
    request_id: bool | None = Field(None, description="Each prediction has a logged id.")
    model_version: bool | None = Field(
        None, description="The model version is logged with each prediction."
    )
    propensity: bool | None = Field(
        None, description="The probability of the action taken is logged."
    )


class BatchWindow(Node):
    schedule: Schedule | None = Field(None, description="When a scoring run starts.")
    window: Duration | None = Field(None, description="Time available for a scoring run.")
    runtime: Duration | None = Field(None, description="Time a run takes today.")
    scales_horizontally: bool | None = Field(
        None, description="The run adds workers as data grows."
    )


class Endpoint(Component):
    model: Annotated[str, ref("model")] = Field(description="Id of the model served.")
    mode: Literal["online", "batch", "streaming"] = Field(
        description="online: per request; streaming: per event; batch: scheduled scoring."
    )
    routing: Literal["random", "shared"] | None = Field(
        None,
        description="random: each replica queues its own share (Kubernetes Service); "
        "shared: one queue, next free replica (Ray Serve, least-loaded balancers).",
    )
    request_timeout: Duration | None = Field(
        None, description="Time after which a queued request is given up (default 30s)."
    )
    batching: Batching | None = Field(None, description="Dynamic batching, if used.")
    platform: str | None = Field(
        None, description="e.g. sagemaker, kserve, vertex, ray_serve, kubernetes."
    )
    accelerator: str | None = Field(
        None, description="Accelerator type per replica, e.g. nvidia-l4."
    )
    accelerators_per_replica: Count | None = Field(
        None, description="Accelerators each replica needs."
    )
    accelerator_quota: Count | None = Field(None, description="Accelerators the account may use.")
    replicas: Replicas | None = Field(None, description="Replica bounds.")
    autoscaling: Autoscaling | None = Field(None, description="Autoscaler settings.")
    concurrency_per_replica: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Requests one replica serves at once."
    )
    service_time: ServiceTime | None = Field(None, description="Time a replica spends per request.")
    capacity: Capacity | None = Field(None, description="Sustainable throughput per replica.")
    cold_start: Duration | None = Field(
        None, description="Time from scheduling a replica to it serving."
    )
    availability: Fraction | None = Field(
        None, description="Availability of the serving platform itself, if not the catalogue's."
    )
    mttr: Duration | None = Field(None, description="Typical time to repair an outage.")
    zones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Availability zones the replicas run in."
    )
    disruption_budget: bool | None = Field(
        None, description="A disruption budget limits replicas taken down at once."
    )
    dependencies: list[Dependency] = Field(
        default_factory=list, description="Calls made for each request."
    )
    slo: Slo | None = Field(None, description="Service-level objectives.")
    traffic: Traffic | None = Field(None, description="Overrides system.traffic for this endpoint.")
    admission: Admission | None = Field(None, description="Admission control.")
    fallback: (
        Literal["none", "previous_model", "heuristic", "cached_scores", "default_action"] | None
    ) = Field(None, description="What answers when the model service is down.")
    release: Release | None = Field(None, description="How new model versions go live.")
    logging: PredictionLogging | None = Field(None, description="What is logged per prediction.")
    batch: BatchWindow | None = Field(None, description="Batch scoring window (mode: batch).")
    KIND: ClassVar[str] = "endpoint"


# --- feedback -----------------------------------------------------------------------------------


class LabelDelay(Node):
    p50: Duration | None = Field(None, description="Median time from prediction to label.")
    p95: Duration | None = Field(None, description="95th-percentile time from prediction to label.")


class Label(Node):
    kind: Literal["outcome", "explicit", "implicit", "human"] | None = Field(
        None,
        description="outcome (chargeback), explicit (rating), implicit (click) or human (review).",
    )
    source: Annotated[str | None, ref("source", "pipeline")] = Field(
        None, description="Id of the source or pipeline the labels come from."
    )
    delay: LabelDelay | None = Field(None, description="Label delay distribution.")
    observed_only_when: str | None = Field(
        None, description="Condition for an outcome to be seen, e.g. 'transaction approved'."
    )
    coverage: Fraction | None = Field(
        None, description="Share of predictions that ever get a label."
    )
    base_rate: Fraction | None = Field(
        None, description="Share of labelled outcomes that are positive (fraud rate, click rate)."
    )
    join_key: Literal["prediction_id", "entity_time", "entity"] | None = Field(
        None, description="How a label is matched to its prediction."
    )
    maturity_window: Duration | None = Field(
        None, description="Rows younger than this are left out of training."
    )


class Exploration(Node):
    enabled: bool | None = Field(None, description="Some decisions are randomised.")
    fraction: Fraction | None = Field(None, description="Share of traffic explored.")
    propensity_logged: bool | None = Field(
        None, description="The action probability is logged with each decision."
    )


class Holdout(Node):
    enabled: bool | None = Field(
        None, description="A random share of traffic is kept from the model."
    )
    fraction: Fraction | None = Field(None, description="Share of traffic held out.")
    persistent: bool | None = Field(
        None, description="The same units stay in the holdout over months."
    )


class QualityFilters(Node):
    bots: bool | None = Field(None, description="Bot and spam traffic is filtered out of labels.")
    poisoning: bool | None = Field(None, description="Labels are checked for manipulation.")


class FeedbackLoop(Component):
    model: Annotated[str, ref("model")] = Field(description="Id of the model the labels train.")
    label: Label | None = Field(None, description="Where labels come from and when.")
    model_shapes_own_data: bool | None = Field(
        None, description="The model's decisions decide which outcomes are seen."
    )
    min_detectable_effect: Annotated[float, Field(gt=0.0, le=10.0)] | None = Field(
        None,
        description="Smallest relative change in the outcome rate worth detecting (0.1 = 10%).",
    )
    exploration: Exploration | None = Field(None, description="Exploration policy.")
    holdout: Holdout | None = Field(None, description="Holdout policy.")
    position_bias: Literal["none", "ips", "positional_feature", "randomization"] | None = Field(
        None, description="How position bias in clicks is handled."
    )
    quality_filters: QualityFilters | None = Field(None, description="Filters on feedback quality.")
    feeds_back_through: list[str] | None = Field(
        None, description="Other systems that act on predictions and feed data back."
    )
    KIND: ClassVar[str] = "feedback"


# --- monitoring ---------------------------------------------------------------------------------


class InputMonitors(Node):
    schema_: Signal | None = Field(
        None, alias="schema", description="Live inputs are checked against the training schema."
    )
    ranges: Signal | None = Field(None, description="Live inputs are checked against value ranges.")
    null_rate: Signal | None = Field(
        None, description="The null or default rate of live inputs is monitored."
    )


class SkewMonitors(Node):
    training_serving: Signal | None = Field(
        None, description="Served features are compared with training features."
    )


class DriftMonitors(Node):
    features: Signal | None = Field(None, description="Input feature distributions are monitored.")
    predictions: Signal | None = Field(
        None, description="The prediction distribution is monitored."
    )


class QualityMonitors(Node):
    label_based: Signal | None = Field(
        None, description="Quality metrics from labels are monitored."
    )
    proxy: Signal | None = Field(None, description="A fast proxy for quality is monitored.")
    slices: list[str] | None = Field(None, description="Slices monitored separately.")
    detection_target: Duration | None = Field(
        None, description="How soon a quality drop must be noticed."
    )


class FreshnessMonitors(Node):
    model_age: Signal | None = Field(None, description="Alert when the serving model is too old.")
    feature_freshness: Signal | None = Field(
        None, description="Alert when served features are older than their budget."
    )
    pipeline_age: Signal | None = Field(
        None, description="Alert on the age of each pipeline's last success."
    )


class SystemMonitors(Node):
    latency: Signal | None = Field(None, description="Serving latency against the SLO.")
    errors: Signal | None = Field(None, description="Serving error rate.")
    saturation: Signal | None = Field(None, description="CPU/GPU, memory and queue saturation.")


class Monitoring(Node):
    inputs: InputMonitors | None = Field(None, description="Checks on live model inputs.")
    skew: SkewMonitors | None = Field(None, description="Training-serving skew monitors.")
    drift: DriftMonitors | None = Field(None, description="Drift monitors.")
    quality: QualityMonitors | None = Field(None, description="Model-quality monitors.")
    freshness: FreshnessMonitors | None = Field(None, description="Age monitors.")
    system: SystemMonitors | None = Field(None, description="Serving health monitors.")
    nan_inf: Signal | None = Field(
        None, description="Non-finite values are caught in training and serving."
    )
    action_limits: bool | None = Field(
        None, description="Automated actions are capped per time window."
    )
    runbooks: bool | None = Field(None, description="Every alert has an owner and a runbook.")
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted on monitoring, each with a reason."
    )


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

    schema_: str | None = Field(
        None, alias="$schema", description="Optional pointer to the JSON Schema, for editors."
    )
    version: Literal[1] = Field(description="Manifest format version.")
    system: SystemInfo = Field(description="The system as a whole.")
    sources: list[Source] = Field(default_factory=list, description="Data the system reads.")
    pipelines: list[Pipeline] = Field(
        default_factory=list,
        description="Jobs that move or transform data, train models or score in batch.",
    )
    stores: list[Store] = Field(
        default_factory=list, description="Feature stores, caches and warehouses."
    )
    features: list[Feature] = Field(
        default_factory=list, description="Model inputs and how each path computes them."
    )
    models: list[Model] = Field(
        default_factory=list, description="Models and how they are trained and promoted."
    )
    endpoints: list[Endpoint] = Field(
        default_factory=list, description="Where models serve predictions."
    )
    feedback: list[FeedbackLoop] = Field(
        default_factory=list, description="How outcomes flow back into training."
    )
    monitoring: Monitoring | None = Field(None, description="What is monitored.")


COMPONENT_SECTIONS: dict[str, str] = {
    "sources": "source",
    "pipelines": "pipeline",
    "stores": "store",
    "features": "feature",
    "models": "model",
    "endpoints": "endpoint",
    "feedback": "feedback",
}
