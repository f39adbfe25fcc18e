"""Single points of failure and the availability of each prediction path.

Availability figures come from the manifest (``availability`` on a source, store or endpoint)
or, for a known technology, from its provider's published SLA in the shipped catalogue. Repair
times come from ``mttr``; without one the review assumes DEFAULT_MTTR_HOURS and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlreview.areas.pipeline.failure_modes import FailureMode, cache_expiry
from mlreview.areas.record import Record
from mlreview.document.cells import availability
from mlreview.quant.availability import Hazard, parallel, series, simulate
from mlreview.system.catalogue import lookup
from mlreview.system.manifest import Component, Endpoint, Source, Store
from mlreview.system.system import System

DEFAULT_MTTR_HOURS = 1.0
SEED = 20261126


@dataclass(frozen=True)
class Figure:
    availability: float
    basis: str


def availability_of(comp: Component | Endpoint) -> Figure | None:
    """Declared availability, else the catalogue's published SLA for its technology."""
    declared = getattr(comp, "availability", None)
    if declared is not None:
        return Figure(float(declared), "declared")
    name = comp.platform if isinstance(comp, Endpoint) else getattr(comp, "technology", None)
    tech = lookup(name)
    figure = tech.availability_for(getattr(comp, "zones", None)) if tech else None
    if tech is None or figure is None:
        return None
    return Figure(figure, f"{tech.name} SLA ({tech.source})")


def _mttr_hours(comp: Component | Endpoint) -> tuple[float, bool]:
    mttr = getattr(comp, "mttr", None)
    return (float(mttr) / 3600.0, False) if mttr is not None else (DEFAULT_MTTR_HOURS, True)


@dataclass
class SinglePoint(Record):
    """A component whose failure alone stops or silently corrupts some endpoints' predictions."""

    component: str
    stops: list[str]
    corrupts: list[str]


@dataclass
class PathAvailability(Record):
    """One online endpoint's prediction path: simulated availability and yearly minutes lost."""

    endpoint: str
    estimate: float
    estimate_is_upper_bound: bool
    series_estimate: float
    slo: float | None
    meets_slo: bool | None
    down_minutes_per_year: float
    degraded_minutes_per_year: float
    degraded_minutes_p95: float
    years_simulated: int
    components: list[str]
    unknown_availability: list[str]
    assumed_mttr_hours: float | None
    assumed_mttr_for: list[str]
    fallback: str | None = None
    """What answers when the model service is down; None for no fallback."""
    fallback_runs_in: str | None = None
    """caller, in_front or endpoint (a fallback inside the endpoint goes down with it)."""
    fallback_runs_in_assumed: bool = False
    fallback_availability: float | None = None
    fallback_minutes_per_year: float = 0.0
    """Minutes a year the endpoint is down and its fallback answers (part of degraded)."""


def cache_grace_hours(endpoint: Endpoint, comp: Source | Store) -> float:
    """Hours a cache in front of ``comp`` answers for ``endpoint`` before an outage stops it
    (its source's ``max_staleness``), when it runs out before ``comp`` is repaired; else 0."""
    dep = next((d for d in endpoint.dependencies if d.target == comp.id), None)
    if dep is None or dep.fallback != "cache" or cache_expiry(comp) is None:
        return 0.0
    assert isinstance(comp, Source) and comp.on_failure and comp.on_failure.max_staleness
    return float(comp.on_failure.max_staleness) / 3600.0


def single_points_of_failure(rows: list[FailureMode]) -> list[SinglePoint]:
    """Components whose failure alone stops an endpoint's predictions or silently corrupts them.

    A failure-mode row already says, per endpoint, whether anything absorbs the failure (a
    fallback, last-known-good values, defaults with a flag or an alert); the components with
    endpoints left unprotected are the single points of failure.
    """
    found = [
        SinglePoint(r.component, list(r.stops_predictions), list(r.corrupts_predictions))
        for r in rows
        if r.stops_predictions or r.corrupts_predictions
    ]
    return sorted(found, key=lambda d: d.component)


def endpoint_availability(
    system: System, endpoint: Endpoint, rows: list[FailureMode]
) -> PathAvailability:
    hazards: list[Hazard] = []
    unknown: list[str] = []
    assumed_mttr: list[str] = []
    down_parts: list[float] = []

    def add(
        comp: Component | Endpoint,
        effect: Literal["down", "degraded"],
        grace_hours: float,
        covered_by: str | None = None,
    ) -> None:
        figure = availability_of(comp)
        if figure is None:
            unknown.append(comp.id)
            return
        mttr, assumed = _mttr_hours(comp)
        if assumed:
            assumed_mttr.append(comp.id)
        hazards.append(Hazard(comp.id, figure.availability, mttr, effect, grace_hours, covered_by))
        if effect == "down" and grace_hours == 0:
            if covered_by is None:
                down_parts.append(figure.availability)
            else:
                cover = endpoint.fallback_availability
                down_parts.append(parallel([figure.availability, float(cover or 1.0)]))

    fallback = None if endpoint.fallback in (None, "none") else endpoint.fallback
    runs_in = endpoint.fallback_runs_in or ("endpoint" if fallback else None)
    outside = fallback is not None and runs_in in ("caller", "in_front")
    backup = f"{endpoint.id}.fallback"
    if outside:
        if endpoint.fallback_availability is None:
            unknown.append(backup)
        else:
            effect: Literal["down", "backup"] = "down" if runs_in == "in_front" else "backup"
            assumed_mttr.append(backup)
            hazards.append(
                Hazard(backup, float(endpoint.fallback_availability), DEFAULT_MTTR_HOURS, effect)
            )
            if effect == "down":
                down_parts.append(float(endpoint.fallback_availability))
    add(endpoint, "down", 0.0, covered_by=backup if outside else None)
    seen = {endpoint.id}
    for row in rows:
        reaches = endpoint.id in row.affected
        comp = system.components[row.component]
        if not reaches or not isinstance(comp, (Source, Store)) or comp.id in seen:
            continue
        seen.add(comp.id)
        if endpoint.id in row.stops_predictions:
            add(comp, "down", cache_grace_hours(endpoint, comp))
        elif row.reach in ("live", "refresh"):
            grace = (row.time_to_impact_minutes or 0.0) / 60.0
            add(comp, "degraded", grace)
    impact = simulate(hazards, seed=SEED)
    slo = endpoint.slo.availability if endpoint.slo else None
    meets: bool | None = None
    if slo is not None:
        meets = False if impact.availability < slo else (None if unknown else True)
    return PathAvailability(
        endpoint=endpoint.id,
        estimate=round(impact.availability, 6),
        estimate_is_upper_bound=bool(unknown),
        series_estimate=round(float(series(down_parts)), 6),
        slo=slo,
        meets_slo=meets,
        down_minutes_per_year=round(impact.down_minutes_mean, 1),
        degraded_minutes_per_year=round(impact.degraded_minutes_mean, 1),
        degraded_minutes_p95=round(impact.degraded_minutes_p95, 1),
        years_simulated=impact.years,
        components=sorted(h.name for h in hazards),
        unknown_availability=sorted(unknown),
        assumed_mttr_hours=DEFAULT_MTTR_HOURS if assumed_mttr else None,
        assumed_mttr_for=sorted(assumed_mttr),
        fallback=fallback,
        fallback_runs_in=runs_in,
        fallback_runs_in_assumed=fallback is not None and endpoint.fallback_runs_in is None,
        fallback_availability=endpoint.fallback_availability if outside else None,
        fallback_minutes_per_year=round(impact.covered_minutes_mean, 1),
    )


def assess(system: System, rows: list[FailureMode]) -> list[PathAvailability]:
    return [endpoint_availability(system, e, rows) for e in system.online_endpoints()]


MINUTES_A_MONTH = 365.25 * 24 * 60 / 12
"""An average month, in minutes: a 99.95% SLO allows 21.9 of them down."""


def downtime(estimate: float, slo: float, upper_bound: bool = False) -> str:
    """A path's availability against its SLO in minutes down a month, which a reader can weigh:
    'down at least 22.0 min a month, over the 21.9 its 99.950% SLO allows', not '99.9497%
    against 99.9500%'. Decimals are added until the two figures differ."""
    down, allowed = (1 - estimate) * MINUTES_A_MONTH, (1 - slo) * MINUTES_A_MONTH
    for decimals in range(1, 5):
        said = f"{down:,.{decimals}f}", f"{allowed:,.{decimals}f}"
        if said[0] != said[1] or down == allowed:
            break
    if down >= 100 and allowed >= 100 and f"{down:,.0f}" != f"{allowed:,.0f}":
        said = f"{down:,.0f}", f"{allowed:,.0f}"
    within = "within" if down <= allowed else "over"
    least = "at least " if upper_bound else ""
    allows = f"the {said[1]} its {availability(slo)} SLO allows"
    return f"down {least}{said[0]} min a month, {within} {allows}"
