"""The manifest: sources."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    Ask,
    Availability,
    Component,
    Node,
    PerYear,
    RepairTime,
    Signal,
    Zones,
    ref,
)
from mlreview.system.units import Duration


class FailureBehaviour(Node):
    behaviour: Annotated[
        Literal[
            "fail_closed",
            "default_value",
            "last_known_good",
            "skip_feature",
            "fallback_source",
            "undefined",
        ]
        | None,
        Ask(
            "When this source fails, what does serving do: fail closed, use a default, the "
            "last known good value, skip the feature, or a fallback source?",
            assumed="undefined",
        ),
    ] = Field(None, description="What serving does when the source fails.")
    default_value: Annotated[
        str | Annotated[float, Field(allow_inf_nan=True)] | int | bool | None,
        Ask(never="any value can be a default; default_in_valid_range asks"),
    ] = Field(None, description="The value substituted when behaviour is default_value.")
    default_in_valid_range: Annotated[
        bool | None,
        Ask(
            "Does the default substituted for missing data look like a real value (e.g. 0 "
            "for a count)?"
        ),
    ] = Field(None, description="The default looks like a real value (e.g. 0 for a count).")
    missing_indicator: bool | None = Field(None, description="A flag marks defaulted values.")
    max_staleness: Annotated[Duration | None, Ask(values=("15m", "7d"))] = Field(
        None, description="Oldest value served from last-known-good."
    )
    alert: Annotated[
        bool | None, Ask("Is someone paged when serving falls back for this source?")
    ] = Field(None, description="Someone is paged when the fallback is used.")


class Rollout(Node):
    """How changes to a shared component reach the fleet: its own software and configuration,
    and what runs beside it on every node and loads it (agents, daemons)."""

    staged: Annotated[
        bool | None,
        Ask("Do changes to it reach clusters or zones in stages, with a halt between them?"),
    ] = Field(
        None,
        description="Changes reach clusters or zones in stages with a halt between them; false "
        "when a change goes to every cluster at once.",
    )
    tested_at_scale: Annotated[
        bool | None, Ask("Are changes to it tested at production scale before they roll out?")
    ] = Field(
        None,
        description="Changes are tested at production scale (the largest cluster's size) "
        "before they roll out; false when staging is smaller.",
    )
    break_glass: bool | None = Field(
        None,
        description="Operators can roll a change back without the component itself (out-of-band "
        "access, a reserved priority level).",
    )


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
    freshness: Annotated[
        Signal | None, Ask("Is there an alert on the age of this source's newest data?")
    ] = Field(None, description="Alert on the age of the newest data.")
    volume: Annotated[Signal | None, Ask("Is there an alert on this source's volume?")] = Field(
        None, description="Alert on row-count or event-rate anomalies."
    )
    schema_: Annotated[
        Signal | None, Ask("Is there an alert when this source's schema changes?")
    ] = Field(None, alias="schema", description="Alert on schema changes.")
    null_rate: Annotated[
        Signal | None, Ask("Is there an alert on this source's null or default rate?")
    ] = Field(None, description="Alert on the null or default rate.")


class Source(Component):
    kind: Literal[
        "stream", "batch_table", "database", "online_api", "third_party", "lookup_table", "files"
    ] = Field(description="How the data arrives.")
    technology: str | None = Field(None, description="e.g. kafka, postgres, snowflake.")
    owner: str | None = Field(None, description="Team that owns the data.")
    units: str | None = Field(
        None,
        description="The unit its values are sent in, as the producer's contract states it "
        "(USD, cents, ms, percent); with each feature's units, whether one side reads what the "
        "other sends (docs/risk-model.md, 'Units on another party's values').",
    )
    owned_by_model_team: Annotated[
        bool | None, Ask("Does the team that owns this system also own this data?")
    ] = Field(None, description="The team that owns this system also owns the data.")
    availability: Annotated[
        Availability | None,
        Ask(
            "What availability does this source promise (e.g. 99.9%)?",
            values=(0.99, 0.9999),
            better="more",
        ),
    ] = Field(None, description="Availability SLO, e.g. 0.999.")
    freshness: Annotated[
        Duration | None, Ask("How old is this source's newest data normally?", values=("1m", "2d"))
    ] = Field(None, description="How old the newest data normally is.")
    on_failure: FailureBehaviour | None = Field(
        None, description="What happens downstream when this source fails."
    )
    contract: Contract | None = Field(None, description="Agreement with the producing team.")
    rollout: Rollout | None = Field(
        None,
        description="How changes to it (and to agents that load it) reach the fleet, where it is "
        "shared infrastructure such as a control plane or service discovery.",
    )
    monitors: SourceMonitors | None = Field(None, description="Monitors declared on this source.")
    versioned_snapshot: bool | None = Field(
        None, description="Consumed from a frozen, versioned copy rather than live."
    )
    zones: Annotated[Zones | None, Ask(values=(1, 3))] = Field(
        None, description="Availability zones the source runs in."
    )
    mttr: Annotated[RepairTime | None, Ask(values=("15m", "8h"), better="less")] = Field(
        None, description="Typical time to repair an outage."
    )
    changes_per_year: Annotated[
        PerYear | None,
        Ask(
            "How many times a year does this source's owner change its schema or the meaning "
            "of a column?",
            values=(1.0, 12.0),
            better="less",
        ),
    ] = Field(
        None,
        description="Upstream changes to the schema or the meaning of the data a year, from the "
        "producer's change log; the rate of the upstream-change scenario on this source.",
    )
    produced_by_model: Annotated[str | None, ref("model")] = Field(
        None, description="Id of the model whose output this source is."
    )
    KIND: ClassVar[str] = "source"
