"""The manifest: feedback."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from mlreview.system.manifest.base import Ask, Component, Fraction, Node, ref
from mlreview.system.units import Duration


class LabelDelay(Node):
    p50: Annotated[
        Duration | None,
        Ask(
            "How long after a prediction does its label usually arrive?",
            values=("1h", "30d"),
            bounded_by=("<=", "p95"),
        ),
    ] = Field(None, description="Median time from prediction to label.")
    p95: Annotated[
        Duration | None,
        Ask(
            "How long until 95% of labels have arrived?",
            values=("1d", "90d"),
            bounded_by=(">=", "p50"),
        ),
    ] = Field(None, description="95th-percentile time from prediction to label.")


class Label(Node):
    kind: Annotated[
        Literal["outcome", "explicit", "implicit", "human"] | None,
        Ask("What kind of label is it: outcome, explicit, implicit or human?"),
    ] = Field(
        None,
        description="outcome (chargeback), explicit (rating), implicit (click) or human (review).",
    )
    source: Annotated[str | None, ref("source", "pipeline")] = Field(
        None, description="Id of the source or pipeline the labels come from."
    )
    delay: LabelDelay | None = Field(None, description="Label delay distribution.")
    observed_only_when: str | None = Field(
        None, description="Condition for an outcome to be seen, e.g. 'transaction approved'."
    )
    coverage: Annotated[
        Fraction | None,
        Ask("What share of predictions ever gets a label?", values=(0.05, 1.0), better="more"),
    ] = Field(None, description="Share of predictions that ever get a label.")
    base_rate: Annotated[
        Annotated[float, Field(ge=1e-6, le=0.999999)] | None,
        Ask("What share of labelled outcomes is positive?", values=(0.001, 0.3)),
    ] = Field(
        None, description="Share of labelled outcomes that are positive (fraud rate, click rate)."
    )
    join_key: Annotated[
        Literal["prediction_id", "entity_time", "entity"] | None,
        Ask(
            "How is a label matched to its prediction: prediction id, entity and time, or "
            "entity only?"
        ),
    ] = Field(None, description="How a label is matched to its prediction.")
    maturity_window: Annotated[
        Duration | None,
        Ask(
            "How old must a labelled row be before training uses it?",
            values=("1d", "90d"),
            assumed="none: training uses rows of any age",
        ),
    ] = Field(None, description="Rows younger than this are left out of training.")


class Exploration(Node):
    enabled: Annotated[
        bool | None, Ask("Are some decisions randomised to explore?", better="more")
    ] = Field(None, description="Some decisions are randomised.")
    fraction: Annotated[Fraction | None, Ask(values=(0.01, 0.1))] = Field(
        None, description="Share of traffic explored."
    )
    propensity_logged: bool | None = Field(
        None, description="The action probability is logged with each decision."
    )


class Holdout(Node):
    enabled: Annotated[
        bool | None, Ask("Is a random share of traffic kept from the model?", better="more")
    ] = Field(None, description="A random share of traffic is kept from the model.")
    fraction: Annotated[Fraction | None, Ask(values=(0.01, 0.1))] = Field(
        None, description="Share of traffic held out."
    )
    persistent: bool | None = Field(
        None, description="The same units stay in the holdout over months."
    )


class QualityFilters(Node):
    bots: bool | None = Field(None, description="Bot and spam traffic is filtered out of labels.")
    poisoning: bool | None = Field(None, description="Labels are checked for manipulation.")


Factor = Annotated[float, Field(gt=0.0, le=1000.0)]
"""A multiplier on another system's output: 1.1 sets 10% above it, 0.99 1% below."""


class LoopFactors(Node):
    """A loop through other systems as two multipliers: the action is ``ours`` times the other
    systems' output it reads, and they answer with ``theirs`` times the action, so each round
    of the loop multiplies the action by ``ours`` x ``theirs``."""

    ours: Annotated[
        Factor | None,
        Ask("Your action is what multiple of the other systems' output it reads?", (0.99, 1.1)),
    ] = Field(
        None,
        description="The action as a multiple of the other systems' output it reads (our "
        "price = 1.1 x the lowest competitor's).",
    )
    theirs: Annotated[
        Factor | None,
        Ask("The other systems answer with what multiple of your action?", (0.99, 1.1)),
    ] = Field(
        None,
        description="The other systems' answer as a multiple of our action (their price = "
        "0.99 x ours).",
    )


class FeedbackLoop(Component):
    model: Annotated[str, ref("model")] = Field(description="Id of the model the labels train.")
    label: Label | None = Field(None, description="Where labels come from and when.")
    model_shapes_own_data: Annotated[
        bool | None, Ask("Do the model's decisions decide which outcomes are seen?")
    ] = Field(None, description="The model's decisions decide which outcomes are seen.")
    min_detectable_effect: Annotated[
        Annotated[float, Field(ge=0.0001, le=10.0)] | None, Ask(values=(0.02, 0.2))
    ] = Field(
        None,
        description="Smallest relative change in the outcome rate worth detecting (0.1 = 10%).",
    )
    exploration: Exploration | None = Field(None, description="Exploration policy.")
    holdout: Holdout | None = Field(None, description="Holdout policy.")
    position_bias: Literal["none", "ips", "positional_feature", "randomization"] | None = Field(
        None, description="How position bias in clicks is handled."
    )
    quality_filters: QualityFilters | None = Field(None, description="Filters on feedback quality.")
    feeds_back_through: list[str] | None = Field(
        None, description="Other systems that act on predictions and feed data back."
    )
    factors: LoopFactors | None = Field(
        None,
        description="How the loop through feeds_back_through compounds: each round multiplies "
        "the action by factors.ours x factors.theirs.",
    )
    KIND: ClassVar[str] = "feedback"
