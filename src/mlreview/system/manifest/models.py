"""The manifest: models."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import SIZES_ONLY, Ask, Component, Count, Fraction, Node, ref
from mlreview.system.units import Duration, Schedule


class Population(Node):
    """Which cases the training examples hold, against the cases serving scores."""

    excluded: str | None = Field(
        None,
        description="Cases serving scores that a filter keeps out of every training example, "
        "in words (e.g. 'posts older than the freshness cut-off').",
    )
    share_kept: Annotated[
        Fraction | None,
        Ask("What share of the served cases do the training examples keep?", values=(0.5, 0.95)),
    ] = Field(None, description="Share of the served cases the training examples keep.")
    pooled: str | None = Field(
        None,
        description="Examples from contexts serving never scores, pooled into training, in "
        "words (e.g. 'Games home impressions').",
    )
    context_feature: bool | None = Field(
        None, description="A feature tells each example's context apart (page, surface, market)."
    )


class Training(Node):
    pipeline: Annotated[str | None, ref("pipeline")] = Field(
        None, description="Id of the training pipeline."
    )
    cadence: Annotated[Schedule | None, Ask(values=("daily", "every 30d"))] = Field(
        None, description="How often the model is retrained."
    )
    window: Annotated[Duration | None, Ask(values=("30d", "365d"))] = Field(
        None, description="How much history each training run uses."
    )
    split: Annotated[
        Literal["random", "temporal", "group"] | None,
        Ask("How is evaluation data split off: random, temporal or by group?"),
    ] = Field(None, description="How evaluation data is split off.")
    automated: Annotated[
        bool | None, Ask("Is the model retrained and promoted without a person?")
    ] = Field(None, description="Retrained and promoted without a person.")
    reproducible: bool | None = Field(
        None, description="A run can be repeated exactly from versioned inputs."
    )
    data_versioned: bool | None = Field(None, description="Training data is versioned.")
    population: Population | None = Field(
        None, description="What the training examples cover against what serving scores."
    )


class Gate(Node):
    enabled: Annotated[
        bool | None, Ask("Does a validation gate run before a new model version is promoted?")
    ] = Field(None, description="A validation gate runs before promotion.")
    blocking: Annotated[bool | None, Ask("Does a failed validation gate stop the promotion?")] = (
        Field(None, description="A failed gate stops promotion.")
    )
    compares_to_previous: bool | None = Field(
        None, description="The candidate is compared with the serving model."
    )
    compares_to_baseline: bool | None = Field(
        None, description="The candidate is compared with a simple baseline."
    )
    slices: list[str] | None = Field(None, description="Slices the gate checks separately.")


class Registry(Node):
    technology: str | None = Field(None, description="e.g. mlflow, sagemaker-model-registry.")
    retained_versions: Annotated[Count | None, Ask(values=(0, 5))] = Field(
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
    learned: Annotated[
        bool | None,
        Ask(never="a model is learned unless the manifest says otherwise; a rule is declared"),
    ] = Field(
        None,
        description="false for a rule or formula set by hand rather than fitted to data: the "
        "rules about training data, retraining and learning from labels do not apply to it.",
    )
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
    preprocessing_bundled: Annotated[
        bool | None, Ask("Does the preprocessing ship inside the model bundle?")
    ] = Field(None, description="Preprocessing artefacts ship inside the model bundle.")
    threshold: Threshold | None = Field(None, description="Decision threshold handling.")
    validation_error_sd: Annotated[
        Annotated[float, Field(ge=0.0001, le=10.0)] | None, Ask(never=SIZES_ONLY)
    ] = Field(
        None,
        description="Standard deviation of the model's error on its validation set, as a share "
        "of the true value (0.05 = 5%), for a model that predicts an amount such as a price.",
    )
    max_age: Annotated[Duration | None, Ask(values=("7d", "90d"))] = Field(
        None, description="Oldest the model may be before harm."
    )
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
