"""The pipeline area as a reader sees it: what each source feeds, what each failure does, the
availability of each prediction path, refresh slack, and the lineage with its failure paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from mlreview.areas.assumed import Assumed, component_field, note, or_briefly
from mlreview.areas.common import either, marked_inferred, plural, possessive
from mlreview.areas.findings import Finding, Severity
from mlreview.areas.pipeline.assessment import (
    PipelineAssessment,
    RefreshRow,
    ScheduleRace,
    SourceRow,
)
from mlreview.areas.pipeline.availability import PathAvailability, downtime
from mlreview.areas.pipeline.failure_modes import FailureMode
from mlreview.areas.pipeline.lineage import Lineage, LineageEdge
from mlreview.document.blocks import Block, Column, Graph, GraphEdge, GraphNode
from mlreview.document.cells import Availability, availability, duration, number, table_of
from mlreview.system.manifest import Endpoint, Source
from mlreview.system.system import System
from mlreview.system.units import format_seconds

LINEAGE_COLUMNS = ("source", "pipeline", "store", "feature", "model", "endpoint")
LINEAGE_LEGEND = (
    "Red: its failure stops predictions; orange: its failure silently corrupts them; purple: "
    "endpoints hit; red lines: failure paths; dotted: feedback."
)


def summarise(system: System, a: PipelineAssessment, findings: list[Finding]) -> str:
    serving = [r for r in a.sources if r.feeds_serving]
    undeclared = [r.source for r in serving if r.on_failure in (None, "undefined")]
    tight = sorted(a.refresh, key=lambda r: r.slack_hours)
    slack = (
        f"; tightest refresh slack {number(tight[0].slack_hours)} h ({tight[0].feature} via "
        f"{tight[0].pipeline})"
        if tight
        else ""
    )
    spofs = a.single_points_of_failure
    spof = f"; single points of failure: {', '.join(spofs)}" if spofs else ""
    avail = ""
    for row in a.availability:
        if row.slo is not None and row.meets_slo is None:
            avail += f"; {_unchecked(row)}"
            continue
        bound = "at most " if row.estimate_is_upper_bound else ""
        target = f" against an SLO of {availability(row.slo)}" if row.slo is not None else ""
        avail += (
            f"; {row.endpoint} available {bound}{availability(row.estimate)}{target}, "
            f"{number(row.down_minutes_per_year)} min/year down, "
            f"{number(row.degraded_minutes_per_year)} min/year degraded"
        )
    return (
        f"{plural(len(a.sources), 'source')}, {len(serving)} on the serving path, "
        f"{len(undeclared)} of those with no declared failure behaviour; "
        f"{plural(len(system.manifest.pipelines), 'pipeline')}{slack}{spof}{avail}; "
        f"{plural(len(findings), 'finding')}."
    )


SOURCES: list[tuple[Column, Callable[[SourceRow], object]]] = [
    (Column("source"), lambda r: r.source),
    (Column("kind"), lambda r: r.kind),
    (Column("serving path"), lambda r: r.feeds_serving),
    (Column("trains"), lambda r: r.feeds_training),
    (Column("on failure"), lambda r: r.on_failure),
    (Column("features"), lambda r: r.features),
]
FAILURE_MODES: list[tuple[Column, Callable[[FailureMode], object]]] = [
    (Column("component"), lambda r: r.component),
    (Column("failure"), lambda r: r.failure),
    (Column("reaches via"), lambda r: r.reach),
    (Column("impact after", "min"), lambda r: r.time_to_impact_minutes),
    (Column("serving effect"), lambda r: r.serving_effect),
    (Column("training effect"), lambda r: r.training_effect),
    (Column("noticed by"), lambda r: r.detected_by or ["nobody"]),
    (Column("how soon"), lambda r: r.noticed),
    (Column("recovery"), lambda r: r.recovery),
    (Column("severity"), lambda r: r.severity),
]


def fallback_where(r: PathAvailability) -> str:
    """Where the fallback runs and how available it is, as the availability counts it."""
    if r.fallback is None:
        return "none"
    if r.fallback_runs_in == "endpoint":
        assumed = " (assumed)" if r.fallback_runs_in_assumed else ""
        return f"{r.fallback} inside the endpoint{assumed}: down with it"
    where = "in the caller" if r.fallback_runs_in == "caller" else "in front of the endpoint"
    figure = (
        "no figure" if r.fallback_availability is None else availability(r.fallback_availability)
    )
    return f"{r.fallback} {where} ({figure})"


AVAILABILITY: list[tuple[Column, Callable[[PathAvailability], object]]] = [
    (Column("endpoint"), lambda r: r.endpoint),
    (
        Column("estimate"),
        lambda r: ("<= " if r.estimate_is_upper_bound else "") + availability(r.estimate),
    ),
    (Column("SLO"), lambda r: None if r.slo is None else Availability(r.slo)),
    (Column("meets SLO"), lambda r: r.meets_slo),
    (Column("down", "min/yr"), lambda r: r.down_minutes_per_year),
    (Column("fallback answers", "min/yr"), lambda r: r.fallback_minutes_per_year),
    (
        Column("degraded inputs", "min/yr"),
        lambda r: round(r.degraded_minutes_per_year - r.fallback_minutes_per_year, 1),
    ),
    (Column("fallback"), fallback_where),
    (Column("no figure for"), lambda r: r.unknown_availability),
]


REFRESH: list[tuple[Column, Callable[[RefreshRow], object]]] = [
    (Column("feature"), lambda r: r.feature),
    (Column("pipeline"), lambda r: r.pipeline),
    (Column("longest gap", "h"), lambda r: r.longest_gap_hours),
    (Column("run time", "h"), lambda r: r.runtime_hours),
    (Column("slack", "h"), lambda r: r.slack_hours),
]

RACES: list[tuple[Column, Callable[[ScheduleRace], object]]] = [
    (Column("job"), lambda r: r.downstream),
    (Column("starts"), lambda r: f"{r.downstream_schedule} ({r.downstream_timezone})"),
    (Column("reads"), lambda r: r.through),
    (Column("written by"), lambda r: r.upstream),
    (Column("which starts"), lambda r: f"{r.upstream_schedule} ({r.upstream_timezone})"),
    (Column("run time", "min"), lambda r: r.upstream_runtime_minutes),
    (Column("overlap", "min"), lambda r: r.overlap_minutes),
    (Column("runs hit"), lambda r: f"{r.runs_overlapping} of {r.runs_sampled}"),
]


def _style(edge: LineageEdge) -> Literal["hot", "loop", "plain"]:
    return "loop" if edge.loop else "hot" if edge.failure_path else "plain"


def lineage_graph(lineage: Lineage) -> Graph:
    return Graph(
        "Lineage: single points of failure and the paths they break",
        LINEAGE_COLUMNS,
        tuple(GraphNode(n.id, n.id, n.kind, n.mark) for n in lineage.nodes),
        tuple(
            GraphEdge(
                e.source, e.target, "loop" if e.loop else "hot" if e.failure_path else "plain"
            )
            for e in lineage.edges
        ),
        LINEAGE_LEGEND,
    )


def present(a: PipelineAssessment) -> list[Block]:
    out: list[Block] = [
        table_of("Sources", SOURCES, a.sources),
        table_of("Failure modes (one row per component)", FAILURE_MODES, a.failure_modes),
    ]
    if a.availability:
        title = "Availability of each prediction path (seeded Monte-Carlo)"
        out.append(table_of(title, AVAILABILITY, a.availability))
    if a.refresh:
        title = "Refresh slack (budget minus the longest gap between runs and the run time)"
        out.append(table_of(title, REFRESH, a.refresh))
    if a.races:
        title = "Schedule races (a job starts before the job it reads can finish)"
        out.append(table_of(title, RACES, a.races))
    if a.lineage.nodes:
        out.append(lineage_graph(a.lineage))
    return out


def verdict(system: System, a: PipelineAssessment, findings: list[Finding]) -> str:
    """One line: the single points of failure and what each does, then each path's
    availability against its SLO."""
    parts: list[str] = []
    for race in a.races:
        every = (
            "every run"
            if race.runs_overlapping == race.runs_sampled
            else f"{race.runs_overlapping} of {race.runs_sampled} runs"
        )
        parts.append(
            f"{race.downstream} starts up to {format_seconds(race.overlap_minutes * 60)} before "
            f"{race.upstream} can finish, on {every}"
        )
    for spof in a.single_point_details:
        how = "stops" if spof.stops else "silently corrupts"
        hit = spof.stops or spof.corrupts
        parts.append(f"{spof.component} {how} {', '.join(hit)} when it fails")
    parts += _defaults_read_as_data(system, a)
    for row in a.availability:
        # A path that cannot be checked (some component declares no availability) is left to
        # the section's summary and the questions: the verdict spends no words on it.
        if row.slo is None or row.meets_slo is None:
            continue
        down = downtime(row.estimate, row.slo, row.estimate_is_upper_bound)
        guessed = _inferred_availabilities(system, row)
        repairs = note(_assumed_repairs(system, row))
        if not guessed:
            parts.append(f"{possessive(row.endpoint)} path is {down}{repairs}")
            continue
        if row.meets_slo:
            exact = f"{possessive(row.endpoint)} path is {down}"
            brief = f"{possessive(row.endpoint)} path meets its SLO if {_right(guessed)}"
            parts.append(or_briefly(exact, brief) + repairs)
            continue
        # A miss worked out from guessed figures is a check to make, not a finding; the opening
        # screen says it as a condition on them, with no minutes worked from them.
        exact = (
            f"{possessive(row.endpoint)} path is {down}, a miss that rests on availabilities "
            f"marked inferred ({either(guessed, 'and', limit=len(guessed))})"
        )
        brief = f"{possessive(row.endpoint)} path misses its SLO if {_right(guessed)}"
        parts.append(f"{or_briefly(exact, brief)}: check them{repairs}")
    if parts:
        return "; ".join(parts)
    worst = _worst(findings)
    if worst is not None:
        # A part with a risk in it is never called sound: its worst finding is the verdict.
        return (
            f"no declared component's outage alone stops predictions; the worst case here: {worst}"
        )
    return "no declared component's failure alone stops or corrupts predictions"


def _worst(findings: list[Finding]) -> str | None:
    """The first sentence of the most severe finding above low (findings come sorted), in
    lower case unless it opens with a component's id ('source app_stats_table has no ...')."""
    above = [f for f in findings if f.severity.rank > Severity.LOW.rank]
    if not above:
        return None
    top = max(above, key=lambda f: f.severity.rank)
    first = top.message.split(". ")[0].rstrip(".")
    if first.split(" ")[0] in top.components:
        return first
    return first[:1].lower() + first[1:]


def _defaults_read_as_data(system: System, a: PipelineAssessment) -> list[str]:
    """Per-request calls that fall back to default values nothing marks as missing: the model
    scores them as data, so each failure or timeout of the call corrupts that prediction. A
    source's default flagged by a missing indicator and declared outside the valid range, or
    features from the target that all serve a sentinel when missing, mark it; a target already
    named as silently corrupting the endpoint is not named twice."""
    named = {(s.component, e) for s in a.single_point_details for e in s.corrupts}
    out = []
    for e in system.manifest.endpoints:
        for dep in e.dependencies:
            if dep.fallback != "default" or (dep.target, e.id) in named:
                continue
            if _flagged(system, e, dep.target):
                continue
            timeout = f" or a call takes over {number(dep.timeout_ms)} ms" if dep.timeout_ms else ""
            out.append(
                f"{e.id} scores on default values, read as real ones (no missing indicator "
                f"declared), whenever {dep.target} fails{timeout}"
            )
    return out


def _flagged(system: System, endpoint: Endpoint, target: str) -> bool:
    comp = system.get(target)
    if isinstance(comp, Source) and comp.on_failure is not None:
        f = comp.on_failure
        if f.missing_indicator and f.default_in_valid_range is False:
            return True
    features = [
        f
        for f in system.model_features(system.model_of(endpoint))
        if f.store == target or target in f.sources
    ]
    return bool(features) and all(f.missing and f.missing.serving == "sentinel" for f in features)


def _inferred_availabilities(system: System, row: PathAvailability) -> list[str]:
    """The availability figures the path's verdict reads (its SLO's and its components')
    that the manifest marks inferred."""
    out = []
    endpoint = system.get(row.endpoint)
    slo = endpoint.slo if isinstance(endpoint, Endpoint) else None
    if slo is not None and marked_inferred(system, slo, "availability"):
        out.append(f"{possessive(row.endpoint)} SLO")
    for name in row.components:
        comp = system.components.get(name)
        if comp is not None and marked_inferred(system, comp, "availability"):
            out.append(name)
    return out


def _right(guessed: list[str]) -> str:
    """'the availabilities marked inferred (its SLO's and a's) are right', as a condition."""
    named = either(guessed, "and", limit=len(guessed))
    return f"the availabilities marked inferred ({named}) are right"


def _assumed_repairs(system: System, row: PathAvailability) -> list[Assumed]:
    """The repair time the path's figure assumed, for the components that have the field."""
    fields = [
        (ident, where)
        for ident in row.assumed_mttr_for
        if (where := component_field(system, ident, "mttr")) is not None
    ]
    if not fields:
        return []
    length = duration((row.assumed_mttr_hours or 0.0) * 3600)
    if len(fields) == 1:
        ident, where = fields[0]
        return [Assumed(f"{length} to repair {ident}", where)]
    names = ", ".join(ident for ident, _ in fields)
    return [Assumed(f"{length} to repair each of {names}", "mttr on each")]


def _unchecked(row: PathAvailability) -> str:
    """A path whose declared components alone meet the SLO while others declare nothing: the
    figure is only an upper bound, so the verdict names the missing figures."""
    unknown = row.unknown_availability
    names = f"{', '.join(unknown)} declare{'s' if len(unknown) == 1 else ''}"
    if row.estimate >= 1.0:
        return (
            f"{possessive(row.endpoint)} path cannot be checked against its "
            f"{availability(row.slo)} SLO: "
            f"{names} no availability"
        )
    return (
        f"{possessive(row.endpoint)} path is at most {availability(row.estimate)} available from "
        "the "
        f"components that declare a figure; {names} none, so its {availability(row.slo)} SLO "
        "cannot be checked"
    )
