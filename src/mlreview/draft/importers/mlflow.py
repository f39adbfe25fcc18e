"""MLflow ``MLmodel`` files: the flavour as the model's family, the signature's named inputs as
its features. An MLmodel names no model, so the model is named after the folder it sits in
(MLflow's model directory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from mlreview.draft.importers.base import Collector, Doc, Importer, Origin, items, mapping

MARKS = ("signature", "run_id", "model_uuid", "utc_time_created", "artifact_path", "mlflow_version")
GENERIC = ("python_function",)


class MLflow(Importer):
    name: ClassVar[str] = "mlflow"
    title: ClassVar[str] = "MLflow"

    def claims(self, doc: Doc) -> bool:
        data = mapping(doc.data)
        return isinstance(data.get("flavors"), dict) and any(k in data for k in MARKS)

    def read(self, docs: list[Doc], out: Collector) -> None:
        for doc in docs:
            _model(doc, out)


def _model(doc: Doc, out: Collector) -> None:
    data = mapping(doc.data)
    folder = Path(doc.file.path).parent.name or "mlflow-model"
    origin = Origin(doc, "the model's folder (an MLmodel file names no model)")
    model = out.component("models", folder, origin)
    if model is None:
        return
    flavors = [str(f) for f in mapping(data.get("flavors")) if str(f) not in GENERIC]
    if flavors:
        out.put(("models", model, "family"), flavors[0], Origin(doc, f"flavors.{flavors[0]}"))
    signature = mapping(data.get("signature"))
    if not signature:
        out.note(doc, "no signature: the model's inputs are not named")
        return
    inputs = _columns(signature.get("inputs"))
    if inputs is None:
        out.note(doc, "signature.inputs is not a JSON list of columns")
        return
    named = [c for c in inputs if c]
    if not named:
        out.note(doc, "signature.inputs has no named columns (a tensor or unnamed input)")
        return
    features = []
    for column in named:
        made = out.column_feature(column, model, Origin(doc, f"signature.inputs {column}"))
        if made is not None:
            features.append(made)
    out.put(("models", model, "features"), features, Origin(doc, "signature.inputs"))


def _columns(value: Any) -> list[str] | None:
    """Column names of a signature's inputs (a JSON string in MLmodel, or a list)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, list):
        return None
    return [str(mapping(c).get("name") or "") for c in items(value)]
