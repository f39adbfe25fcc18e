"""The manifest: pipelines and stores."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    Availability,
    Component,
    Fraction,
    Node,
    Rate,
    RepairTime,
    Signal,
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
    max: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        None, description="Retries after the first attempt."
    )
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
    zones: Zones | None = Field(None, description="Availability zones the store runs in.")
    availability: Availability | None = Field(None, description="Availability SLO, e.g. 0.999.")
    max_qps: Rate | None = Field(
        None, description="Highest read rate the store is provisioned for."
    )
    point_in_time: bool | None = Field(None, description="Supports as-of (time-travel) joins.")
    mttr: RepairTime | None = Field(None, description="Typical time to repair an outage.")
    KIND: ClassVar[str] = "store"
