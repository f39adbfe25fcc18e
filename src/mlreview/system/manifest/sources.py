"""The manifest: sources."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    Availability,
    Component,
    Node,
    RepairTime,
    Signal,
    Zones,
    ref,
)
from mlreview.system.units import Duration


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
    default_value: str | Annotated[float, Field(allow_inf_nan=True)] | int | bool | None = Field(
        None, description="The value substituted when behaviour is default_value (.nan allowed)."
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
    availability: Availability | None = Field(None, description="Availability SLO, e.g. 0.999.")
    freshness: Duration | None = Field(None, description="How old the newest data normally is.")
    on_failure: FailureBehaviour | None = Field(
        None, description="What happens downstream when this source fails."
    )
    contract: Contract | None = Field(None, description="Agreement with the producing team.")
    monitors: SourceMonitors | None = Field(None, description="Monitors declared on this source.")
    versioned_snapshot: bool | None = Field(
        None, description="Consumed from a frozen, versioned copy rather than live."
    )
    zones: Zones | None = Field(None, description="Availability zones the source runs in.")
    mttr: RepairTime | None = Field(None, description="Typical time to repair an outage.")
    produced_by_model: Annotated[str | None, ref("model")] = Field(
        None, description="Id of the model whose output this source is."
    )
    KIND: ClassVar[str] = "source"
