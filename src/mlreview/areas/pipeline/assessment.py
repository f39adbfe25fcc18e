"""Per source: what it feeds. Per feature refresh: how much slack a failed run leaves. Per
component: what its failure does (failure_modes); per endpoint: availability (availability)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from mlreview.areas.common import refresh_pipelines
from mlreview.areas.pipeline import availability, failure_modes, schedule_race
from mlreview.areas.pipeline.availability import PathAvailability, SinglePoint
from mlreview.areas.pipeline.failure_modes import FailureMode
from mlreview.areas.pipeline.lineage import Lineage, lineage
from mlreview.areas.record import Record
from mlreview.system.manifest import Feature, Pipeline
from mlreview.system.system import System


@dataclass
class SourceRow(Record):
    source: str
    kind: str | None
    feeds_serving: bool
    feeds_training: bool
    features: list[str]
    models: list[str]
    endpoints: list[str]
    on_failure: str | None


@dataclass
class RefreshRow(Record):
    feature: str
    pipeline: str
    period_hours: float | None
    slack_hours: float
    longest_gap_hours: float | None = None
    runtime_hours: float | None = None


@dataclass
class ScheduleRace(Record):
    """A job or scoring run that starts before an upstream job it reads can finish."""

    upstream: str
    downstream: str
    through: str
    upstream_schedule: str
    upstream_timezone: str
    upstream_runtime_minutes: float
    downstream_schedule: str
    downstream_timezone: str
    overlap_minutes: float
    runs_overlapping: int
    runs_sampled: int


@dataclass
class PipelineAssessment(Record):
    sources: list[SourceRow]
    refresh: list[RefreshRow]
    failure_modes: list[FailureMode]
    single_points_of_failure: list[str]
    single_point_details: list[SinglePoint]
    availability: list[PathAvailability]
    lineage: Lineage
    races: list[ScheduleRace]

    def failure_mode(self, component: str) -> FailureMode | None:
        return next((r for r in self.failure_modes if r.component == component), None)


def refresh_slack_seconds(system: System, f: Feature, pipe: Pipeline) -> float | None:
    """Freshness budget (or store TTL) minus the worst age a healthy schedule produces: the
    longest gap between runs plus the run time (a value is as old as the data its run read)."""
    budget = f.freshness_budget
    if budget is None and f.store:
        store = system.get(f.store)
        budget = getattr(store, "ttl", None)
    if budget is None or pipe.schedule is None or pipe.schedule.continuous:
        return None
    runtime = float(pipe.runtime) if pipe.runtime is not None else 0.0
    return float(budget) - (pipe.schedule.longest_gap + runtime)


def assess(system: System) -> PipelineAssessment:
    live = {s.id for s in system.serving_sources()}
    sources: list[SourceRow] = []
    for s in system.manifest.sources:
        down = system.downstream(s.id)
        sources.append(
            SourceRow(
                source=s.id,
                kind=s.kind,
                feeds_serving=s.id in live,
                feeds_training=bool(system.of_kind(down, "model")),
                features=system.features_fed_by(s.id),
                models=system.of_kind(down, "model"),
                endpoints=system.of_kind(down, "endpoint"),
                on_failure=s.on_failure.behaviour if s.on_failure else None,
            )
        )
    refresh: list[RefreshRow] = []
    for f in system.manifest.features:
        # Kept per feature: a what-if recomputes only the rows whose fields it sets.
        refresh += system.recall.keep("refresh", f.id, partial(_refresh_rows, system, f))
    rows = failure_modes.analyse(system)
    spofs = availability.single_points_of_failure(rows)
    return PipelineAssessment(
        sources=sources,
        refresh=refresh,
        failure_modes=rows,
        single_points_of_failure=[s.component for s in spofs],
        single_point_details=spofs,
        availability=availability.assess(system, rows),
        lineage=_lineage(system, spofs),
        races=[_race_row(r) for r in schedule_race.races(system)],
    )


def _refresh_rows(system: System, f: Feature) -> list[RefreshRow]:
    """The refresh rows of feature ``f``: one per job refreshing it on a schedule."""
    rows: list[RefreshRow] = []
    for pipe in refresh_pipelines(system, f):
        slack = refresh_slack_seconds(system, f, pipe)
        if slack is not None:
            rows.append(
                RefreshRow(
                    feature=f.id,
                    pipeline=pipe.id,
                    period_hours=round(pipe.schedule.period / 3600, 3) if pipe.schedule else None,
                    slack_hours=round(slack / 3600, 3),
                    longest_gap_hours=round(pipe.schedule.longest_gap / 3600, 3)
                    if pipe.schedule
                    else None,
                    runtime_hours=round(float(pipe.runtime) / 3600, 3)
                    if pipe.runtime is not None
                    else None,
                )
            )
    return rows


def _lineage(system: System, spofs: list[SinglePoint]) -> Lineage:
    """The lineage diagram's data, kept for what-if reviews with the same single points of
    failure (it reads only ids and the lineage, which what-ifs never change)."""
    ident = repr([(s.component, s.stops, s.corrupts) for s in spofs])
    return system.recall.keep("lineage", ident, lambda: lineage(system, spofs))


def _race_row(race: schedule_race.Race) -> ScheduleRace:
    up = race.upstream
    down = race.downstream
    down_schedule = (
        down.schedule if isinstance(down, Pipeline) else (down.batch and down.batch.schedule)
    )
    return ScheduleRace(
        upstream=up.id,
        downstream=down.id,
        through=race.through,
        upstream_schedule=str(up.schedule),
        upstream_timezone=race.upstream_zone,
        upstream_runtime_minutes=round(float(up.runtime or 0) / 60, 1),
        downstream_schedule=str(down_schedule),
        downstream_timezone=race.downstream_zone,
        overlap_minutes=round(race.overlap.max_seconds / 60, 1),
        runs_overlapping=race.overlap.runs_hit,
        runs_sampled=race.overlap.runs_seen,
    )
