"""The manifest: the whole manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from mlreview.system.manifest.base import Node
from mlreview.system.manifest.endpoints import Endpoint
from mlreview.system.manifest.features import Feature
from mlreview.system.manifest.feedback import FeedbackLoop
from mlreview.system.manifest.models import Model
from mlreview.system.manifest.monitoring import Monitoring
from mlreview.system.manifest.pipelines import Pipeline, Store
from mlreview.system.manifest.sources import Source
from mlreview.system.manifest.system_info import SystemInfo


class Manifest(Node):
    """An ML system: sources, pipelines, stores, features, models, endpoints and feedback loops."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        defer_build=True,
        title="mlreview manifest",
        json_schema_extra={"description": "Describe an ML system for `mlreview check`."},
    )

    schema_: str | None = Field(
        None, alias="$schema", description="Optional pointer to the JSON Schema, for editors."
    )
    version: Literal[1] = Field(description="Manifest format version.")
    system: SystemInfo = Field(description="The system as a whole.")
    sources: list[Source] = Field(default_factory=list, description="Data the system reads.")
    pipelines: list[Pipeline] = Field(
        default_factory=list,
        description="Jobs that move or transform data, train models or score in batch.",
    )
    stores: list[Store] = Field(
        default_factory=list, description="Feature stores, caches and warehouses."
    )
    features: list[Feature] = Field(
        default_factory=list, description="Model inputs and how each path computes them."
    )
    models: list[Model] = Field(
        default_factory=list, description="Models and how they are trained and promoted."
    )
    endpoints: list[Endpoint] = Field(
        default_factory=list, description="Where models serve predictions."
    )
    feedback: list[FeedbackLoop] = Field(
        default_factory=list, description="How outcomes flow back into training."
    )
    monitoring: Monitoring | None = Field(None, description="What is monitored.")


COMPONENT_SECTIONS: dict[str, str] = {
    "sources": "source",
    "pipelines": "pipeline",
    "stores": "store",
    "features": "feature",
    "models": "model",
    "endpoints": "endpoint",
    "feedback": "feedback",
}
