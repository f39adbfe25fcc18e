"""Skew found in the data a manifest links: each model's training data against its serving log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlreview.datasets.dataset import compare_specs
from mlreview.problems import InputError
from mlreview.system.manifest import Model
from mlreview.system.system import System

_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}
"""What-if reviews re-run assessments; the data behind them has not changed."""


def _stamp(spec: str) -> tuple[Any, ...]:
    path = Path(spec)
    if path.exists():
        stat = path.stat()
        return (spec, stat.st_mtime_ns, stat.st_size)
    return (spec,)


def check_model(system: System, model: Model) -> dict[str, Any] | None:
    """The comparison of a model's linked data, restricted to its features, or None."""
    links = model.data
    if links is None:
        return None
    base = Path(system.file).parent if system.file != "<manifest>" else Path.cwd()
    training, serving = str(base / links.training), str(base / links.serving)
    key = (_stamp(training), _stamp(serving), tuple(links.key or ()))
    if key not in _CACHE:
        line = system.line(links, "training")
        try:
            report = compare_specs(training, serving, keys=list(links.key or ()))
        except InputError as exc:
            problem = exc.problems[0]
            where = system.label((*links.path, "training"))
            raise InputError.single(
                system.file, f"{where}: {problem.file}: {problem.message}", line
            ) from None
        _CACHE[key] = report.to_dict()
    data = _CACHE[key]
    columns = {f.column or f.id: f.id for f in system.model_features(model)}
    features = [
        {**f, "feature": columns[f["name"]]} for f in data["features"] if f["name"] in columns
    ]
    return {
        "model": model.id,
        "training": links.training,
        "serving": links.serving,
        "rows": data["rows"],
        "thresholds": data["thresholds"],
        "features": features,
        "unlinked": sorted(set(columns) - {f["name"] for f in data["features"]}),
        **({"joined": data["joined"]} if "joined" in data else {}),
    }
