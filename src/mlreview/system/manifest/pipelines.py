"""The manifest: pipelines and stores."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    IMPORTED_ONLY,
    Ask,
    Availability,
    Component,
    Fraction,
    Node,
    Rate,
    RepairTime,
    Signal,
    TimeZone,
    Zones,
    ref,
)
from mlreview.system.units import Duration, Schedule


class Validation(Node):
    schema_: bool | None = Field(
        None, alias="schema", description="Checks the schema of the input."
    )
    ranges: bool | None = Field(None, description="Checks value ranges.")
    distribution: bool | None = Field(None, description="Checks distributions against a reference.")
    blocking: bool | None = Field(None, description="A failed check stops the run.")


class Retries(Node):
    max: Annotated[Annotated[int, Field(ge=0, le=1000)] | None, Ask(values=(0, 3))] = Field(
        None, description="Retries after the first attempt."
    )
    backoff: bool | None = Field(None, description="Waits grow between retries.")
    jitter: bool | None = Field(None, description="Waits are randomised.")
    budget: Annotated[
        bool | None, Ask("Are retries capped as a share of traffic (a retry budget)?")
    ] = Field(None, description="Retries are capped as a share of traffic.")


class PipelineAlerts(Node):
    on_failure: Annotated[Signal | None, Ask("Does a failed run of this job page someone?")] = (
        Field(None, description="Alert when a run fails.")
    )
    on_sla_miss: Annotated[
        Signal | None, Ask("Is there an alert when this job's last success is too old?")
    ] = Field(None, description="Alert on age of the last success.")
    consumer_lag: Annotated[
        Signal | None,
        Ask("Is there an alert when this stream job falls behind its input (consumer lag)?"),
    ] = Field(None, description="Alert when a stream job falls behind its input (consumer lag).")


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
    schedule: Annotated[
        Schedule | None, Ask(never="a schedule is a fact to read from the scheduler, not a what-if")
    ] = Field(None, description="When the job runs.")
    timezone: Annotated[
        TimeZone | None, Ask(never="a time zone is a fact to read from the scheduler")
    ] = Field(
        None,
        description="IANA time zone its cron schedule runs in, e.g. 'Europe/Berlin' (default: "
        "system.timezone, else UTC).",
    )
    inputs: list[Annotated[str, ref("source", "store", "pipeline")]] = Field(
        default_factory=list, description="Ids of the sources, stores or pipelines it reads."
    )
    outputs: list[Annotated[str, ref("store", "source")]] = Field(
        default_factory=list, description="Ids of the stores or sources it writes."
    )
    runtime: Annotated[Duration | None, Ask(values=("10m", "20h"))] = Field(
        None, description="Typical run time."
    )
    sla: Annotated[Duration | None, Ask(values=("2h", "2d"))] = Field(
        None, description="Deadline for a run to finish."
    )
    validation: Validation | None = Field(None, description="Data checks inside the job.")
    retries: Retries | None = Field(None, description="Retry policy on failure.")
    idempotent: Annotated[bool | None, Ask("Can this job be re-run without double counting?")] = (
        Field(None, description="Re-running a run gives the same output (no double counting).")
    )
    backfill: bool | None = Field(
        None, description="Any past date range can be recomputed on demand."
    )
    alerts: PipelineAlerts | None = Field(None, description="Alerts on this job.")
    failure_rate: Annotated[
        Fraction | None,
        Ask(
            "What share of this job's runs fail or finish late?",
            values=(0.01, 0.1),
            better="less",
        ),
    ] = Field(
        None,
        description="Share of runs that fail or finish after their deadline, from run history; "
        "with the schedule, the rate of the failed-run scenarios on this job.",
    )
    mttr: Annotated[Duration | None, Ask(never=IMPORTED_ONLY)] = Field(
        None, description="Typical time from a failed run to the next successful one."
    )
    sampling_rate: Annotated[
        Fraction | None,
        Ask(
            "What share of rows does this job keep when it samples?",
            values=(0.1, 1.0),
            assumed=1.0,
        ),
    ] = Field(None, description="Share of rows kept when the job samples (training jobs).")
    importance_weighted: bool | None = Field(
        None, description="Sampled rows are weighted by 1/rate."
    )
    KIND: ClassVar[str] = "pipeline"


class Store(Component):
    kind: Literal["online", "offline", "cache", "warehouse", "object_store"] = Field(
        description="online: read per request; offline/warehouse: read for training and batch."
    )
    technology: str | None = Field(None, description="e.g. redis, dynamodb, bigquery.")
    ttl: Annotated[
        Duration | None,
        Ask(
            "How long does an entry live in this store without a refresh?",
            values=("1h", "30d"),
            assumed="no TTL: entries do not expire",
        ),
    ] = Field(None, description="How long an entry lives without a refresh.")
    zones: Annotated[
        Zones | None,
        Ask("How many availability zones does this store run in?", values=(1, 3)),
    ] = Field(None, description="Availability zones the store runs in.")
    availability: Annotated[Availability | None, Ask(values=(0.99, 0.9999), better="more")] = Field(
        None, description="Availability SLO, e.g. 0.999."
    )
    max_qps: Annotated[
        Rate | None,
        Ask(
            "What read rate is this store provisioned for?",
            values=(500.0, 100000.0),
            assumed="no limit",
        ),
    ] = Field(None, description="Highest read rate the store is provisioned for.")
    point_in_time: bool | None = Field(None, description="Supports as-of (time-travel) joins.")
    mttr: Annotated[RepairTime | None, Ask(values=("15m", "8h"), better="less")] = Field(
        None, description="Typical time to repair an outage."
    )
    KIND: ClassVar[str] = "store"
