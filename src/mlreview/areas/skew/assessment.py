"""Per-feature facts about how training and serving compute each feature, and the skew the
linked data shows."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mlreview.areas.common import refresh_pipelines, served_online, watched
from mlreview.areas.record import Record
from mlreview.system.manifest import Feature
from mlreview.system.system import System

if TYPE_CHECKING:
    from mlreview.areas.skew.data_check import LinkedData

CodePaths = Literal["shared", "separate", "unknown"]


@dataclass
class FeatureRow(Record):
    feature: str
    code_paths: CodePaths
    training_language: str | None
    serving_language: str | None
    point_in_time_join: bool | None
    logged_at_serving: bool | None
    served_online: bool
    refresh_hours: float | None
    importance_rank: int | None


@dataclass
class SkewAssessment(Record):
    features: list[FeatureRow]
    data: list[LinkedData]
    separate_code_paths: list[str]
    skew_monitor: bool


def _paths(f: Feature) -> CodePaths:
    if f.shared_definition:
        return "shared"
    if f.shared_definition is False:
        return "separate"
    t = f.training.code if f.training else None
    s = f.serving.code if f.serving else None
    if t and s:
        return "shared" if t == s else "separate"
    return "unknown"


def assess(system: System) -> SkewAssessment:
    rows = []
    for f in system.manifest.features:
        pipes = refresh_pipelines(system, f)
        periods = [p.schedule.longest_gap for p in pipes if p.schedule is not None]
        rows.append(
            FeatureRow(
                feature=f.id,
                code_paths=_paths(f),
                training_language=f.training.language if f.training else None,
                serving_language=f.serving.language if f.serving else None,
                point_in_time_join=f.point_in_time_join,
                logged_at_serving=f.logged_at_serving,
                served_online=served_online(system, f),
                refresh_hours=round(max(periods) / 3600, 3) if periods else None,
                importance_rank=f.importance_rank,
            )
        )
    mon = system.manifest.monitoring
    data: list[LinkedData] = []
    if any(m.data is not None for m in system.manifest.models):
        # polars is heavy to import (0.15 s); only manifests that link data need it.
        checker = importlib.import_module("mlreview.areas.skew.data_check")
        data = [d for m in system.manifest.models if (d := checker.check_model(system, m))]
    return SkewAssessment(
        features=rows,
        data=data,
        separate_code_paths=sorted(r.feature for r in rows if r.code_paths == "separate"),
        skew_monitor=bool(mon and mon.skew and watched(mon.skew.training_serving)),
    )
