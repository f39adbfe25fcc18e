"""The manifest: features."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import AtLeastOne, Component, Node, ref
from mlreview.system.units import Duration


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
    importance_rank: AtLeastOne | None = Field(
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
