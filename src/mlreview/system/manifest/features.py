"""The manifest: features."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import SIZES_ONLY, Ask, AtLeastOne, Component, Node, ref
from mlreview.system.units import Duration


class Implementation(Node):
    code: str | None = Field(None, description="Where the logic lives, e.g. 'spark/agg.py'.")
    language: str | None = Field(None, description="e.g. python, sql, java, go.")
    window: Annotated[Duration | None, Ask(values=("1h", "30d"))] = Field(
        None, description="Aggregation window."
    )


MissingPolicy = Literal[
    "drop", "impute_mean", "impute_median", "zero", "default", "sentinel", "passthrough", "fail"
]


class Missing(Node):
    training: Annotated[
        MissingPolicy | None, Ask("How does training handle a missing value of this feature?")
    ] = Field(None, description="How missing values are handled when training.")
    serving: Annotated[
        MissingPolicy | None, Ask("How does serving handle a missing value of this feature?")
    ] = Field(None, description="How missing values are handled when serving.")


class Trend(Node):
    extrapolated: bool | None = Field(
        None,
        description="The model carries this feature's recent trend forward over the time until "
        "its outcome is realised (a forecast that extrapolates recent growth).",
    )
    rate: Annotated[Annotated[float, Field(ge=-0.5, le=1.0)] | None, Ask(never=SIZES_ONLY)] = Field(
        None, description="The feature's growth per period (0.015 = 1.5%)."
    )
    per: Annotated[Duration | None, Ask(never=SIZES_ONLY)] = Field(
        None, description="The period of rate; 30d when unset."
    )


class Feature(Component):
    sources: list[Annotated[str, ref("source", "store")]] = Field(
        default_factory=list,
        description="Ids of the sources (or stores) the feature is computed from.",
    )
    store: Annotated[str | None, ref("store")] = Field(
        None, description="Store the feature is read from when scoring (online or batch)."
    )
    pipeline: Annotated[str | None, ref("pipeline")] = Field(
        None,
        description="Id of the job that computes the feature and writes it to its store: when "
        "the store has several writers, only this one refreshes the feature.",
    )
    training: Implementation | None = Field(None, description="How training computes the feature.")
    serving: Implementation | None = Field(None, description="How serving computes the feature.")
    shared_definition: Annotated[
        bool | None, Ask("Is this feature defined once for training and serving?", assumed=True)
    ] = Field(None, description="One definition is compiled or reused for both paths.")
    point_in_time_join: Annotated[
        bool | None, Ask("Does training join this feature as of each example's time?")
    ] = Field(None, description="Training joins the value as of each example's timestamp.")
    available_at_prediction_time: Annotated[
        bool | None, Ask("Does this value exist when the prediction is made?", assumed=True)
    ] = Field(None, description="The value exists when the prediction is made.")
    freshness_budget: Annotated[
        Duration | None,
        Ask(
            "How old may the served value of this feature be?",
            values=("1m", "7d"),
            assumed="no budget",
        ),
    ] = Field(None, description="Oldest the served value may be.")
    units: str | None = Field(
        None,
        description="The unit the model reads the feature's values in (USD, cents, ms, "
        "percent); compared with the units its sources declare.",
    )
    missing: Missing | None = Field(None, description="Missing-value policy on each path.")
    logged_at_serving: Annotated[
        bool | None, Ask("Is the served value of this feature logged with the request id?")
    ] = Field(None, description="The served value is logged with the request id.")
    importance_rank: Annotated[AtLeastOne | None, Ask(values=(1, 50))] = Field(
        None, description="1 for the most important feature."
    )
    trend: Trend | None = Field(
        None, description="A trend in this feature that the model extrapolates."
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
