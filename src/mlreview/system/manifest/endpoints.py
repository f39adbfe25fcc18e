"""The manifest: endpoints."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    IMPORTED_ONLY,
    Ask,
    AtLeastOne,
    Availability,
    Component,
    Count,
    Fraction,
    Millis,
    Node,
    PerMonth,
    Rate,
    RepairTime,
    ReplicaCount,
    TimeZone,
    Zones,
    ref,
)
from mlreview.system.manifest.pipelines import Retries
from mlreview.system.manifest.system_info import Traffic
from mlreview.system.units import Duration, Schedule

RELEASES_ASSUMED = 1.0
"""Releases a month the review uses when only the change failure rate is declared."""
CHANGE_FAILURE_ASSUMED = 0.1
"""Change failure rate the review uses when only the release frequency is declared."""


class Replicas(Node):
    min: Annotated[
        ReplicaCount | None,
        Ask(
            "What is the fewest replicas the autoscaler keeps?",
            values=(1, 10),
            bounded_by=("<=", "max"),
        ),
    ] = Field(None, description="Fewest replicas the autoscaler keeps.")
    max: Annotated[
        ReplicaCount | None,
        Ask(
            "What is the most replicas the autoscaler may run?",
            values=(2, 200),
            bounded_by=(">=", "min"),
        ),
    ] = Field(None, description="Most replicas the autoscaler may run.")


class Autoscaling(Node):
    enabled: Annotated[bool | None, Ask("Are replicas added and removed automatically?")] = Field(
        None, description="Replicas are added and removed automatically."
    )
    metric: str | None = Field(
        None, description="What the autoscaler tracks, e.g. cpu, concurrency."
    )
    target: Annotated[
        Annotated[float, Field(gt=0.0, le=1e9)] | None,
        Ask(
            "What share of a replica's capacity does the autoscaler aim to hold it at "
            "(0.7 for 70%)?",
            values=(0.5, 0.9),
        ),
    ] = Field(None, description="Target value of the metric.")
    reaction: Annotated[Duration | None, Ask(values=("15s", "5m"))] = Field(
        None, description="Time from overload to a scale-up order."
    )


class LoadTest(Node):
    results: list[str] = Field(
        default_factory=list,
        description="Result files, relative to the manifest: Locust _stats.csv, k6 "
        "--summary-export JSON, vegeta JSON report or hey -o csv.",
    )
    replicas: Annotated[Annotated[int, Field(ge=1, le=100_000)] | None, Ask(values=(1, 4))] = Field(
        None, description="Replicas serving during the test (to get per-replica figures)."
    )
    max_qps_tested: Annotated[Rate | None, Ask(values=(100.0, 100000.0))] = Field(
        None, description="Highest rate the load test reached."
    )
    prod_like: bool | None = Field(
        None, description="Run on production-like hardware and configuration."
    )
    includes_dependencies: bool | None = Field(
        None, description="Real feature-store and downstream calls were included."
    )
    tool: str | None = Field(None, description="e.g. locust, k6, vegeta.")


class Capacity(Node):
    qps_per_replica: Annotated[
        Rate | None,
        Ask(
            "How many requests per second does one replica sustain within the SLO?",
            values=(10.0, 1000.0),
        ),
    ] = Field(None, description="Sustainable QPS within the SLO.")
    source: Literal["load_test", "estimate", "vendor"] | None = Field(
        None, description="Where qps_per_replica comes from."
    )
    load_test: LoadTest | None = Field(None, description="The load test behind the figure.")


class ServiceTime(Node):
    p50_ms: Annotated[
        Millis | None,
        Ask(
            "What is the median time one replica spends on a request?",
            values=(5.0, 200.0),
            bounded_by=("<=", "p99_ms"),
        ),
    ] = Field(None, description="Median time one replica spends on a request.")
    p99_ms: Annotated[
        Millis | None,
        Ask(
            "What is the 99th-percentile time one replica spends on a request?",
            values=(20.0, 1000.0),
            bounded_by=(">=", "p50_ms"),
        ),
    ] = Field(None, description="99th-percentile time one replica spends on a request.")


class Batching(Node):
    max_batch_size: Annotated[
        AtLeastOne, Ask(never="batching is declared as a whole or not at all")
    ] = Field(description="Largest batch formed.")
    latency_ms_batch_1: Annotated[
        Millis, Ask(never="batching is declared as a whole or not at all")
    ] = Field(description="Execution time of a batch of one.")
    latency_ms_max_batch: Annotated[
        Millis, Ask(never="batching is declared as a whole or not at all")
    ] = Field(description="Execution time of a full batch.")


class LoadLimit(Node):
    """What the consumer can hold of an artefact it loads (a feature file, a config, an index):
    a limit fixed in its code, such as a table preallocated for speed, that a generated
    artefact can pass without any change on the consumer's side."""

    max_entries: Annotated[
        AtLeastOne, Ask(never="a load limit is declared with its maximum or not at all")
    ] = Field(description="Most entries (rows, features, keys) the consumer accepts in one load.")
    typical_entries: Annotated[
        AtLeastOne | None,
        Ask("How many entries does the artefact hold today?", values=(10, 1000)),
    ] = Field(None, description="Entries the artefact holds today.")


class Dependency(Node):
    target: Annotated[str, ref("store", "source", "endpoint")] = Field(
        description="Id of the store, source or endpoint called per request."
    )
    calls_per_request: Annotated[
        Annotated[float, Field(ge=0.001, le=10_000.0)] | None, Ask(values=(1.0, 10.0))
    ] = Field(None, description="Calls to the target for each request.")
    timeout_ms: Annotated[
        Millis | None,
        Ask("What timeout does the client set on this call?", values=(20.0, 5000.0)),
    ] = Field(None, description="Client-side timeout per call.")
    retries: Retries | None = Field(None, description="Retry policy for the calls.")
    fallback: Annotated[
        Literal["none", "default", "cache", "skip", "heuristic", "fail"] | None,
        Ask("What does the endpoint do when this call fails or times out?"),
    ] = Field(None, description="What the endpoint does when the call fails or times out.")
    max_qps: Annotated[
        Rate | None,
        Ask(
            "What request rate does this dependency accept?",
            values=(500.0, 100000.0),
            assumed="no limit beyond the target's own",
        ),
    ] = Field(None, description="Highest rate the dependency accepts (quota or provisioned).")
    latency_ms: Annotated[
        Millis | None,
        Ask(
            "What is the p99 latency of one call to this dependency?",
            values=(2.0, 200.0),
            assumed=0.0,
        ),
    ] = Field(None, description="Typical (p99) latency of one call.")
    pool_size: Annotated[AtLeastOne | None, Ask(values=(4, 256))] = Field(
        None, description="Connections per replica to the dependency."
    )
    circuit_breaker: bool | None = Field(None, description="Calls stop after repeated failures.")
    load_limit: LoadLimit | None = Field(
        None,
        description="For an artefact the endpoint loads (a file or table another job writes): "
        "the most it accepts, fixed in its code, and what it holds today.",
    )


class Transformer(Node):
    collocated: bool | None = Field(
        None,
        description="Runs in the predictor's pod (no network hop); false: its own service, "
        "called before the predictor on every request.",
    )
    latency_ms: Annotated[Millis | None, Ask(never=IMPORTED_ONLY)] = Field(
        None, description="Time the transformer adds to each request (pre- and post-processing)."
    )
    replicas: Replicas | None = Field(None, description="The transformer's own replica bounds.")


class Slo(Node):
    p99_ms: Annotated[
        Millis | None, Ask("What p99 latency must the endpoint meet?", values=(50.0, 1000.0))
    ] = Field(None, description="Latency objective at the 99th percentile.")
    availability: Annotated[Availability | None, Ask(values=(0.99, 0.9999))] = Field(
        None, description="Availability objective, e.g. 0.999."
    )


class Admission(Node):
    rate_limit: bool | None = Field(None, description="Per-client rate limits at the gateway.")
    load_shedding: Annotated[
        bool | None, Ask("Are excess requests rejected early (load shedding)?")
    ] = Field(None, description="Excess requests are rejected early.")
    bounded_queue: Annotated[bool | None, Ask("Does the request queue have a size limit?")] = Field(
        None, description="The request queue has a size limit."
    )


class Release(Node):
    canary: Annotated[
        bool | None,
        Ask("Do new model versions take a small share of traffic first?", better="more"),
    ] = Field(None, description="New versions take a small share of traffic first.")
    canary_traffic: Annotated[Fraction | None, Ask(never=IMPORTED_ONLY)] = Field(
        None, description="Share of traffic a new version takes first, e.g. 0.1."
    )
    shadow: Annotated[
        bool | None, Ask("Do new versions score mirrored traffic before they act?", better="more")
    ] = Field(None, description="New versions score mirrored traffic without acting.")
    auto_rollback: Annotated[
        bool | None, Ask("Is a failing release rolled back automatically?", better="more")
    ] = Field(None, description="A failing release is rolled back automatically.")
    rollback_tested: bool | None = Field(None, description="Rollback is rehearsed.")
    serving_compat_test: Annotated[
        bool | None,
        Ask(
            "Is each candidate scored in the production serving image before rollout?",
            better="more",
        ),
    ] = Field(None, description="Candidate scored in the production serving image before rollout.")
    releases_per_month: Annotated[
        PerMonth | None,
        Ask(
            "How many releases (model or serving code) reach production a month?",
            values=(1.0, 30.0),
            better="less",
        ),
    ] = Field(
        None,
        description="Releases of the model or its serving code to production a month (DORA's "
        "deployment frequency).",
    )
    change_failure_rate: Annotated[
        Fraction | None,
        Ask(
            "What share of releases cause a failure in production (a rollback or a hotfix)?",
            values=(0.05, 0.3),
            better="less",
        ),
    ] = Field(
        None,
        description="Share of releases that cause a failure in production needing a rollback "
        "or a hotfix (DORA's change failure rate).",
    )
    time_to_restore: Annotated[
        Duration | None,
        Ask(
            "Once someone knows a release failed, how long until service is restored?",
            values=("15m", "1d"),
            assumed="1h to roll back",
            better="less",
        ),
    ] = Field(
        None,
        description="Typical time from knowing a release failed to service restored (DORA's "
        "failed deployment recovery time).",
    )


class PredictionLogging(Node):
    predictions: Annotated[bool | None, Ask("Are predictions logged?", better="more")] = Field(
        None, description="Predictions are logged."
    )
    features: Annotated[
        bool | None, Ask("Are feature values logged with each prediction?", better="more")
    ] = Field(None, description="Feature values are logged with each prediction.")
    sample_rate: Annotated[Fraction | None, Ask(values=(0.01, 1.0))] = Field(
        None, description="Share of requests logged."
    )
    request_id: Annotated[
        bool | None, Ask("Does each prediction have a logged id?", better="more")
    ] = Field(None, description="Each prediction has a logged id.")
    model_version: bool | None = Field(
        None, description="The model version is logged with each prediction."
    )
    propensity: bool | None = Field(
        None, description="The probability of the action taken is logged."
    )


class BatchWindow(Node):
    schedule: Annotated[
        Schedule | None, Ask(never="a schedule is a fact to read from the scheduler, not a what-if")
    ] = Field(None, description="When a scoring run starts.")
    timezone: Annotated[
        TimeZone | None, Ask(never="a time zone is a fact to read from the scheduler")
    ] = Field(
        None,
        description="IANA time zone its cron schedule runs in (default: system.timezone, else "
        "UTC).",
    )
    window: Annotated[Duration | None, Ask(values=("1h", "12h"))] = Field(
        None, description="Time available for a scoring run."
    )
    runtime: Annotated[Duration | None, Ask(values=("30m", "10h"))] = Field(
        None, description="Time a run takes today."
    )
    scales_horizontally: Annotated[
        bool | None, Ask("Does the scoring run add workers as the data grows?")
    ] = Field(None, description="The run adds workers as data grows.")
    workers: Annotated[
        Annotated[int, Field(ge=1)] | None,
        Ask("How many workers (or slots) does a scoring run use today?", values=(1, 50)),
    ] = Field(None, description="Workers, executors or slots a run uses today.")
    max_workers: Annotated[
        Annotated[int, Field(ge=1)] | None,
        Ask(
            "How many workers (or slots) may a scoring run use at most (its quota)?",
            values=(10, 1000),
            bounded_by=(">=", "workers"),
        ),
    ] = Field(None, description="The slot or cluster quota: most workers a run may use.")


class Endpoint(Component):
    model: Annotated[str, ref("model")] = Field(description="Id of the model served.")
    mode: Literal["online", "batch", "streaming"] = Field(
        description="online: per request; streaming: per event; batch: scheduled scoring."
    )
    routing: Annotated[
        Literal["random", "shared"] | None,
        Ask(
            "Do requests queue per replica (random, e.g. a Kubernetes Service) or in one "
            "shared queue (next free replica)?"
        ),
    ] = Field(
        None,
        description="random: each replica queues its own share (Kubernetes Service); "
        "shared: one queue, next free replica (Ray Serve, least-loaded balancers).",
    )
    request_timeout: Annotated[
        Duration | None, Ask("After how long is a queued request given up?", values=("1s", "60s"))
    ] = Field(None, description="Time after which a queued request is given up (default 30s).")
    batching: Batching | None = Field(None, description="Dynamic batching, if used.")
    platform: str | None = Field(
        None, description="e.g. sagemaker, kserve, vertex, ray_serve, kubernetes."
    )
    accelerator: str | None = Field(
        None, description="Accelerator type per replica, e.g. nvidia-l4."
    )
    instance_type: str | None = Field(
        None, description="Machine type each replica runs on, e.g. ml.m5.large, g2-standard-8."
    )
    accelerators_per_replica: Annotated[
        Annotated[int, Field(ge=0, le=1024)] | None, Ask(values=(1, 4))
    ] = Field(None, description="Accelerators each replica needs.")
    accelerator_quota: Annotated[Count | None, Ask(values=(4, 1000))] = Field(
        None, description="Accelerators the account may use."
    )
    replicas: Replicas | None = Field(None, description="Replica bounds.")
    autoscaling: Autoscaling | None = Field(None, description="Autoscaler settings.")
    concurrency_per_replica: Annotated[
        Annotated[int, Field(ge=1, le=100_000)] | None,
        Ask("How many requests does one replica serve at once?", values=(1, 16)),
    ] = Field(None, description="Requests one replica serves at once.")
    service_time: ServiceTime | None = Field(None, description="Time a replica spends per request.")
    capacity: Capacity | None = Field(None, description="Sustainable throughput per replica.")
    cold_start: Annotated[
        Duration | None,
        Ask("How long does a new replica take from scheduling to serving?", values=("10s", "10m")),
    ] = Field(None, description="Time from scheduling a replica to it serving.")
    availability: Annotated[Availability | None, Ask(values=(0.99, 0.9999), better="more")] = Field(
        None, description="Availability of the serving platform itself, if not the catalogue's."
    )
    mttr: Annotated[RepairTime | None, Ask(values=("15m", "8h"), better="less")] = Field(
        None, description="Typical time to repair an outage."
    )
    zones: Annotated[
        Zones | None,
        Ask("How many availability zones do the replicas run in?", values=(1, 3)),
    ] = Field(None, description="Availability zones the replicas run in.")
    disruption_budget: Annotated[
        bool | None, Ask("Does a disruption budget limit the replicas taken down at once?")
    ] = Field(None, description="A disruption budget limits replicas taken down at once.")
    dependencies: list[Dependency] = Field(
        default_factory=list, description="Calls made for each request."
    )
    transformer: Transformer | None = Field(
        None, description="A pre/post-processing step in front of the model (KServe)."
    )
    slo: Slo | None = Field(None, description="Service-level objectives.")
    traffic: Annotated[
        Traffic | None, Ask(never="overrides system.traffic, which is asked about instead")
    ] = Field(None, description="Overrides system.traffic for this endpoint.")
    admission: Admission | None = Field(None, description="Admission control.")
    fallback: Annotated[
        Literal["none", "previous_model", "heuristic", "cached_scores", "default_action"] | None,
        Ask("What answers when the model service is down?"),
    ] = Field(None, description="What answers when the model service is down.")
    caller_on_failure: Annotated[
        Literal["fail_open", "fail_closed"] | None,
        Ask(
            "When this endpoint fails or times out, does the caller go ahead without a "
            "prediction (fail open) or refuse the decision (fail closed)?",
            assumed="not known: rated as if it fails open",
        ),
    ] = Field(
        None,
        description="What the caller does when the endpoint fails: fail_open (the decision "
        "goes ahead unscored) or fail_closed (it is refused).",
    )
    fallback_runs_in: Annotated[
        Literal["caller", "in_front", "endpoint"] | None,
        Ask(
            "Where does the endpoint's fallback run: in the caller, in a cache or gateway in "
            "front of the endpoint, or inside the endpoint itself?"
        ),
    ] = Field(
        None,
        description="caller: the client answers when the endpoint fails; in_front: a cache or "
        "gateway every request passes; endpoint: inside the model service (down with it).",
    )
    fallback_availability: Annotated[
        Availability | None, Ask(values=(0.99, 0.9999), better="more")
    ] = Field(
        None, description="Availability of the fallback itself (a caller's cache, a gateway)."
    )
    release: Release | None = Field(None, description="How new model versions go live.")
    logging: PredictionLogging | None = Field(None, description="What is logged per prediction.")
    batch: BatchWindow | None = Field(None, description="Batch scoring window (mode: batch).")
    KIND: ClassVar[str] = "endpoint"
