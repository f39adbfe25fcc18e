"""Skew found in the data a manifest links: each model's training data against its serving log."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from mlreview.datasets.dataset import compare_specs
from mlreview.datasets.skew import FeatureResult, SkewReport, Thresholds
from mlreview.problems import InputError
from mlreview.system.manifest import Model
from mlreview.system.system import System

_CACHE: dict[tuple[Any, ...], SkewReport] = {}
"""What-if reviews re-run assessments; the data behind them has not changed."""

RULE = "SKEW015"
"""The rule that reports these comparisons: a configuration's thresholds for it apply here."""
THRESHOLD_NAMES = tuple(f.name for f in fields(Thresholds))


def thresholds(system: System) -> Thresholds:
    """The default thresholds with the configuration's for SKEW015."""
    return replace(Thresholds(), **system.defaults.thresholds_of(RULE))


@dataclass(frozen=True)
class LinkedFeature:
    """One manifest feature's comparison: its id and the column's result."""

    feature: str
    result: FeatureResult


@dataclass(frozen=True)
class LinkedData:
    """A model's linked training data against its serving log, restricted to its features."""

    model: str
    training: str
    serving: str
    report: SkewReport
    features: tuple[LinkedFeature, ...]
    unlinked: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        return {
            "model": self.model,
            "training": self.training,
            "serving": self.serving,
            "rows": data["rows"],
            "thresholds": data["thresholds"],
            "features": [{**f.result.to_dict(), "feature": f.feature} for f in self.features],
            "unlinked": list(self.unlinked),
            **({"joined": data["joined"]} if "joined" in data else {}),
        }


def _stamp(spec: str) -> tuple[Any, ...]:
    path = Path(spec)
    if path.exists():
        stat = path.stat()
        return (spec, stat.st_mtime_ns, stat.st_size)
    return (spec,)


def check_model(system: System, model: Model) -> LinkedData | None:
    """The comparison of a model's linked data, restricted to its features, or None."""
    links = model.data
    if links is None:
        return None
    base = Path(system.file).parent if system.file != "<manifest>" else Path.cwd()
    training, serving = str(base / links.training), str(base / links.serving)
    limits = thresholds(system)
    key = (_stamp(training), _stamp(serving), tuple(links.key or ()), limits)
    if key not in _CACHE:
        line = system.line(links, "training")
        try:
            _CACHE[key] = compare_specs(
                training, serving, thresholds=limits, keys=list(links.key or ())
            )
        except InputError as exc:
            problem = exc.problems[0]
            where = system.label((*links.path, "training"))
            raise InputError.single(
                system.file, f"{where}: {problem.file}: {problem.message}", line
            ) from None
    report = _CACHE[key]
    columns = {f.column or f.id: f.id for f in system.model_features(model)}
    return LinkedData(
        model=model.id,
        training=links.training,
        serving=links.serving,
        report=report,
        features=tuple(
            LinkedFeature(columns[f.name], f) for f in report.features if f.name in columns
        ),
        unlinked=tuple(sorted(set(columns) - {f.name for f in report.features})),
    )
