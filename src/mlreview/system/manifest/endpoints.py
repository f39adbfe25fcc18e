"""The manifest: endpoints."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    AtLeastOne,
    Availability,
    Component,
    Count,
    Fraction,
    Millis,
    Node,
    Rate,
    RepairTime,
    ReplicaCount,
    Zones,
    ref,
)
from mlreview.system.manifest.pipelines import Retries
from mlreview.system.manifest.system_info import Traffic
from mlreview.system.units import Duration, Schedule


class Replicas(Node):
    min: ReplicaCount | None = Field(None, description="Fewest replicas the autoscaler keeps.")
    max: ReplicaCount | None = Field(None, description="Most replicas the autoscaler may run.")


class Autoscaling(Node):
    enabled: bool | None = Field(None, description="Replicas are added and removed automatically.")
    metric: str | None = Field(
        None, description="What the autoscaler tracks, e.g. cpu, concurrency."
    )
    target: Annotated[float, Field(gt=0.0, le=1e9)] | None = Field(
        None, description="Target value of the metric."
    )
    reaction: Duration | None = Field(None, description="Time from overload to a scale-up order.")


class LoadTest(Node):
    results: list[str] = Field(
        default_factory=list,
        description="Result files, relative to the manifest: Locust _stats.csv, k6 "
        "--summary-export JSON, vegeta JSON report or hey -o csv.",
    )
    replicas: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="Replicas serving during the test (to get per-replica figures)."
    )
    max_qps_tested: Rate | None = Field(None, description="Highest rate the load test reached.")
    prod_like: bool | None = Field(
        None, description="Run on production-like hardware and configuration."
    )
    includes_dependencies: bool | None = Field(
        None, description="Real feature-store and downstream calls were included."
    )
    tool: str | None = Field(None, description="e.g. locust, k6, vegeta.")


class Capacity(Node):
    qps_per_replica: Rate | None = Field(None, description="Sustainable QPS within the SLO.")
    source: Literal["load_test", "estimate", "vendor"] | None = Field(
        None, description="Where qps_per_replica comes from."
    )
    load_test: LoadTest | None = Field(None, description="The load test behind the figure.")


class ServiceTime(Node):
    p50_ms: Millis | None = Field(None, description="Median time one replica spends on a request.")
    p99_ms: Millis | None = Field(
        None, description="99th-percentile time one replica spends on a request."
    )


class Batching(Node):
    max_batch_size: AtLeastOne = Field(description="Largest batch formed.")
    latency_ms_batch_1: Millis = Field(description="Execution time of a batch of one.")
    latency_ms_max_batch: Millis = Field(description="Execution time of a full batch.")


class Dependency(Node):
    target: Annotated[str, ref("store", "source", "endpoint")] = Field(
        description="Id of the store, source or endpoint called per request."
    )
    calls_per_request: Annotated[float, Field(ge=0.001, le=10_000.0)] | None = Field(
        None, description="Calls to the target for each request."
    )
    timeout_ms: Millis | None = Field(None, description="Client-side timeout per call.")
    retries: Retries | None = Field(None, description="Retry policy for the calls.")
    fallback: Literal["none", "default", "cache", "skip", "heuristic", "fail"] | None = Field(
        None, description="What the endpoint does when the call fails or times out."
    )
    max_qps: Rate | None = Field(
        None, description="Highest rate the dependency accepts (quota or provisioned)."
    )
    latency_ms: Millis | None = Field(None, description="Typical (p99) latency of one call.")
    pool_size: AtLeastOne | None = Field(
        None, description="Connections per replica to the dependency."
    )
    circuit_breaker: bool | None = Field(None, description="Calls stop after repeated failures.")


class Slo(Node):
    p99_ms: Millis | None = Field(None, description="Latency objective at the 99th percentile.")
    availability: Availability | None = Field(
        None, description="Availability objective, e.g. 0.999."
    )


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
    accelerators_per_replica: Annotated[int, Field(ge=0, le=1024)] | None = Field(
        None, description="Accelerators each replica needs."
    )
    accelerator_quota: Count | None = Field(None, description="Accelerators the account may use.")
    replicas: Replicas | None = Field(None, description="Replica bounds.")
    autoscaling: Autoscaling | None = Field(None, description="Autoscaler settings.")
    concurrency_per_replica: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="Requests one replica serves at once."
    )
    service_time: ServiceTime | None = Field(None, description="Time a replica spends per request.")
    capacity: Capacity | None = Field(None, description="Sustainable throughput per replica.")
    cold_start: Duration | None = Field(
        None, description="Time from scheduling a replica to it serving."
    )
    availability: Availability | None = Field(
        None, description="Availability of the serving platform itself, if not the catalogue's."
    )
    mttr: RepairTime | None = Field(None, description="Typical time to repair an outage.")
    zones: Zones | None = Field(None, description="Availability zones the replicas run in.")
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
