"""Importers: one module per kind of file a team already has, behind one small interface
(``base.Importer``: ``claims`` a document by its content, ``read``s what it claimed)."""

from __future__ import annotations

from mlreview.draft.importers.base import Importer
from mlreview.draft.importers.dbt import Dbt
from mlreview.draft.importers.feast import Feast
from mlreview.draft.importers.kserve import KServe
from mlreview.draft.importers.kubernetes import Kubernetes
from mlreview.draft.importers.mlflow import MLflow
from mlreview.draft.importers.openlineage import OpenLineage
from mlreview.draft.importers.prometheus import Prometheus
from mlreview.draft.importers.sagemaker import SageMaker

IMPORTERS: tuple[Importer, ...] = (
    KServe(),
    SageMaker(),
    Feast(),
    Prometheus(),
    Kubernetes(),
    OpenLineage(),
    Dbt(),
    MLflow(),
)
"""In the order they are asked: the first that claims a document reads it. Kinds that live in
Kubernetes resources (KServe, SageMaker's ACK controllers, Feast's operator, PrometheusRule) come
before the plain Kubernetes importer."""


def _unique_names() -> None:
    names = [i.name for i in IMPORTERS]
    if len(names) != len(set(names)):
        raise RuntimeError(f"two importers share a name: {names}")


_unique_names()

__all__ = ["IMPORTERS", "Importer"]
