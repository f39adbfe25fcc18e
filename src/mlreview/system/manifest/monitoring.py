"""The manifest: monitoring."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mlreview.system.manifest.base import SIZES_ONLY, Ask, Node, Signal, Suppression
from mlreview.system.units import Duration


class InputMonitors(Node):
    schema_: Signal | None = Field(
        None, alias="schema", description="Live inputs are checked against the training schema."
    )
    ranges: Signal | None = Field(None, description="Live inputs are checked against value ranges.")
    null_rate: Signal | None = Field(
        None, description="The null or default rate of live inputs is monitored."
    )


class SkewMonitors(Node):
    training_serving: Annotated[
        Signal | None, Ask("Are served features compared with training features?")
    ] = Field(None, description="Served features are compared with training features.")


class DriftMonitors(Node):
    features: Signal | None = Field(None, description="Input feature distributions are monitored.")
    predictions: Signal | None = Field(
        None, description="The prediction distribution is monitored."
    )


class QualityMonitors(Node):
    label_based: Annotated[Signal | None, Ask("Are quality metrics from labels monitored?")] = (
        Field(None, description="Quality metrics from labels are monitored.")
    )
    proxy: Signal | None = Field(None, description="A fast proxy for quality is monitored.")
    reviewed_per_hour: Annotated[
        Annotated[float, Field(ge=0.0, le=1e9)] | None, Ask(never=SIZES_ONLY)
    ] = Field(
        None,
        description="Outputs people read an hour where quality is checked by hand (`manual`); "
        "against the outputs produced an hour, the share a manual check covers.",
    )
    slices: list[str] | None = Field(None, description="Slices monitored separately.")
    detection_target: Annotated[Duration | None, Ask(values=("1h", "14d"))] = Field(
        None, description="How soon a quality drop must be noticed."
    )


class FreshnessMonitors(Node):
    model_age: Annotated[
        Signal | None, Ask("Is there an alert when the serving model is too old?")
    ] = Field(None, description="Alert when the serving model is too old.")
    feature_freshness: Signal | None = Field(
        None, description="Alert when served features are older than their budget."
    )
    pipeline_age: Signal | None = Field(
        None, description="Alert on the age of each pipeline's last success."
    )


class SystemMonitors(Node):
    latency: Annotated[Signal | None, Ask("Is serving latency alerted on against the SLO?")] = (
        Field(None, description="Serving latency against the SLO.")
    )
    errors: Signal | None = Field(None, description="Serving error rate.")
    saturation: Signal | None = Field(None, description="CPU/GPU, memory and queue saturation.")


class Monitoring(Node):
    inputs: InputMonitors | None = Field(None, description="Checks on live model inputs.")
    skew: SkewMonitors | None = Field(None, description="Training-serving skew monitors.")
    drift: DriftMonitors | None = Field(None, description="Drift monitors.")
    quality: QualityMonitors | None = Field(None, description="Model-quality monitors.")
    freshness: FreshnessMonitors | None = Field(None, description="Age monitors.")
    system: SystemMonitors | None = Field(None, description="Serving health monitors.")
    nan_inf: Signal | None = Field(
        None, description="Non-finite values are caught in training and serving."
    )
    action_limits: bool | None = Field(
        None, description="Automated actions are capped per time window."
    )
    emergency_override: Annotated[
        bool | None,
        Ask("Can on-call hold automated actions at their default for a declared emergency?"),
    ] = Field(
        None,
        description="Automated actions can be switched to their default for a declared "
        "emergency (a price held at its normal level).",
    )
    runbooks: Annotated[bool | None, Ask("Does every alert have an owner and a runbook?")] = Field(
        None, description="Every alert has an owner and a runbook."
    )
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted on monitoring, each with a reason."
    )
