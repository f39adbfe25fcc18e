"""The manifest: system."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from mlreview.system.manifest.base import (
    SIZES_ONLY,
    Ask,
    Criticality,
    Multiplier,
    Node,
    Rate,
    Suppression,
    TimeZone,
)
from mlreview.system.units import Duration


class Decision(Node):
    type: Literal["classification", "ranking", "regression", "forecast", "filtering"] | None = (
        Field(None, description="Kind of prediction; 'ranking' enables position-bias rules.")
    )
    automated_action: Annotated[
        bool | None, Ask("Do predictions act without a person in the loop?")
    ] = Field(
        None, description="Predictions act without a human in the loop (block, approve, spend)."
    )
    action: str | None = Field(None, description="What an automated decision does.")
    draws_supply: Annotated[
        bool | None,
        Ask("Is the price raised where demand outstrips supply, to draw supply in (surge)?"),
    ] = Field(
        None,
        description="The action is a price raised where demand outstrips supply, to draw supply "
        "in and ration demand (surge pricing): where supply cannot respond, it only rations.",
    )
    update_every: Annotated[Duration | None, Ask(never=SIZES_ONLY)] = Field(
        None,
        description="How often the action is recomputed from the latest inputs (a surge price "
        "every 2m); with the time the supply it draws takes to show, it sizes how far the "
        "price overshoots (docs/risk-model.md, 'Oscillation').",
    )


class Launch(Node):
    """A launch: demand is a forecast, and what caps it is the question."""

    peak_qps: Annotated[
        Rate | None,
        Ask(
            "What peak request rate is forecast for the launch (requests per second)?",
            values=(50.0, 5000.0),
        ),
    ] = Field(None, description="Peak requests per second forecast for the launch.")
    signups_capped: Annotated[
        bool | None, Ask("Are new sign-ups or invitations capped during the launch?")
    ] = Field(
        None,
        description="New users are admitted at a set pace (a waitlist, invitations, a cap); "
        "false when anyone can sign up.",
    )
    per_user_limit: Annotated[
        bool | None, Ask("Does each user have a usage limit for what is launched?")
    ] = Field(
        None,
        description="Each user's use of what is launched is capped (requests per hour or day).",
    )


class Traffic(Node):
    peak_qps: Annotated[
        Rate | None,
        Ask("What is today's peak request rate (requests per second)?", values=(50.0, 5000.0)),
    ] = Field(None, description="Today's peak requests per second.")
    growth_multiplier: Annotated[
        Multiplier | None,
        Ask(
            "How much traffic growth must serving absorb (e.g. 10x)?",
            values=(2.0, 20.0),
            assumed_default="growth_target",
        ),
    ] = Field(None, description="Traffic multiple the system must absorb (the review assumes 10).")
    ramp: Annotated[
        Duration | None, Ask("How fast does a traffic spike reach its peak?", values=("10s", "30m"))
    ] = Field(None, description="How fast a spike reaches its peak.")
    daily_predictions: Annotated[
        Annotated[float, Field(ge=1.0, le=1e15)] | None, Ask(values=(10000.0, 50000000.0))
    ] = Field(
        None, description="Predictions per day (sizes holdouts; default: half the peak rate)."
    )
    launch: Launch | None = Field(
        None,
        description="A launch whose demand is a forecast: the capacity review measures the "
        "ceiling against it (headroom, twice the forecast) before the growth target.",
    )


class SystemInfo(Node):
    name: Annotated[str, Field(min_length=1)] = Field(
        description="Name of the system, used in report titles."
    )
    description: str | None = Field(None, description="Free text for readers of the review.")
    owner: str | None = Field(None, description="Team that owns the system.")
    criticality: Annotated[
        Criticality | None,
        Ask("How bad is a wrong or missing prediction: low, medium, high or critical?"),
    ] = Field(
        None,
        description="Impact of wrong or missing predictions; high and critical raise severity.",
    )
    decision: Decision | None = Field(None, description="What the predictions decide.")
    timezone: Annotated[
        TimeZone | None, Ask(never="a time zone is a fact to read from the scheduler")
    ] = Field(None, description="IANA time zone cron schedules run in unless a job names its own.")
    traffic: Traffic | None = Field(
        None, description="Peak traffic and the growth the serving stack must absorb."
    )
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted for the whole system, each with a reason."
    )
