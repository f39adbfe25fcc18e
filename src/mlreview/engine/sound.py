"""What is already sound: declared controls worth keeping, so the reader's attention lands on
the scenario that is the risk. A part with nothing above low is marked quiet (the opening
screen leads its verdict with "Not a risk here"), and is not listed among the controls: its
verdict line opens the review already, and saying it twice is filler.

Only what the manifest declares counts: an unknown field is never credited. A control is a fact
about one component; the rules that would fault it fire only when it is missing."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.common import either, marked_inferred, possessive
from mlreview.areas.findings import Severity
from mlreview.areas.pipeline.assessment import PipelineAssessment
from mlreview.areas.registry import AREA_LIST, FEEDBACK, PIPELINE, SERVING, SKEW
from mlreview.areas.serving import working
from mlreview.areas.serving.assessment import ServingAssessment
from mlreview.engine.result import AreaResult, Credit
from mlreview.engine.scenarios import PRIORITISE, Scenario
from mlreview.system.manifest import Endpoint, Source
from mlreview.system.system import System
from mlreview.system.units import format_seconds

MAX_ITEMS = 6
"""Credit lines on the opening screen."""


def _names(ids: list[str]) -> str:
    return either(ids, "and", limit=3)


def _verb(ids: list[str], verb: str) -> str:
    """``verb`` agreeing with the named components: 'api sheds', 'api and web shed'."""
    return f"{verb}s" if len(ids) == 1 else verb


def _unchecked(result: AreaResult) -> bool:
    """An area whose verdict is that something cannot be checked: a path whose components
    declare no availability is not known to be sound, whatever its findings say."""
    a = result.assessment
    return isinstance(a, PipelineAssessment) and any(
        row.slo is not None and row.meets_slo is None for row in a.availability
    )


def _quiet_areas(areas: dict[str, AreaResult], scenarios: list[Scenario]) -> Iterator[Credit]:
    """Areas with no finding above low, no scenario worth prioritising and nothing left
    unchecked."""
    weighty = {f.area for s in scenarios if s.score >= PRIORITISE for f in s.findings}
    for area in AREA_LIST:
        result = areas[area.key]
        if area.key in weighty or _unchecked(result):
            continue
        if any(f.severity.rank > Severity.LOW.rank for f in result.findings):
            continue
        yield Credit(area.key, f"{area.title} is not the risk here: {result.verdict}", quiet=True)


def _serving(system: System, areas: dict[str, AreaResult]) -> Iterator[str]:
    assessment = areas[SERVING.key].assessment
    if isinstance(assessment, ServingAssessment):
        for row in assessment.endpoints:
            e = system.get(row.endpoint)
            # Every limit takes the target's rate, a dependency's as well as the pool's.
            held = row.holds_target and row.headroom is not None and row.headroom >= 1
            small = working.small_load(system, e, row, False) if isinstance(e, Endpoint) else None
            if small is not None:
                yield small
                continue
            # A pool that holds once scaled up but misses the SLO in the ramp to it is a risk.
            if held and row.target_qps and row.ramp_shortfall is None:
                assert isinstance(e, Endpoint)
                goal = (
                    f"{row.endpoint} holds its {row.multiplier:g}x"
                    f"{working.growth_tag(system, e, row, where=False)} growth target"
                )
                # A replica's speed resting on defaults: the declared QPS a replica is the check.
                declared = (
                    working.declared_division(system, e, row)
                    if working.unknown_speed(row)
                    else None
                )
                if declared is not None:
                    if declared[0]:
                        yield f"{goal} by its declared QPS a replica: {declared[1]}"
                    continue
                within = " within its SLO" if e.slo and e.slo.p99_ms else ""
                yield (
                    f"{goal}: {working.pool(system, e, row)}{within} against "
                    f"{working.target(system, e, row)} needed"
                )
    canary: list[str] = []
    tested: list[str] = []
    shedding: list[str] = []
    for e in system.online_endpoints():
        release, admission = e.release, e.admission
        if release and release.canary and release.auto_rollback:
            (tested if release.rollback_tested else canary).append(e.id)
        if (
            admission
            and admission.rate_limit
            and admission.load_shedding
            and admission.bounded_queue
        ):
            shedding.append(e.id)
    if canary:
        yield f"{_names(canary)} {_verb(canary, 'release')} by canary with an automatic rollback"
    if tested:
        yield (
            f"{_names(tested)} {_verb(tested, 'release')} by canary with an automatic rollback "
            "that is tested"
        )
    if shedding:
        yield (
            f"{_names(shedding)} {_verb(shedding, 'shed')} excess load (rate limits, early "
            "rejection, a bounded queue)"
        )
    for e in system.online_endpoints():
        for dep in e.dependencies:
            zones = getattr(system.get(dep.target), "zones", None)
            budget = dep.retries is not None and dep.retries.budget
            if zones and zones >= 2 and budget and dep.fallback not in (None, "none", "fail"):
                yield (
                    f"{possessive(e.id)} calls to {dep.target} ({zones} zones) retry within a "
                    "budget and "
                    f"fall back to {dep.fallback}"
                )


def _held(system: System) -> Iterator[str]:
    """Sources declared to fall back on their last good values, with an alert: a source does
    not serve, so the credit names what keeps using them (the endpoints it feeds) and for how
    long, one line for the sources that feed the same endpoints."""
    groups: dict[tuple[str, ...], list[Source]] = {}
    for s in system.manifest.sources:
        if s.on_failure and s.on_failure.behaviour == "last_known_good" and s.on_failure.alert:
            fed = tuple(system.of_kind(system.downstream(s.id), "endpoint"))
            groups.setdefault(fed, []).append(s)
    for fed, held in groups.items():
        ids = [s.id for s in held]
        ages = {s.on_failure.max_staleness for s in held if s.on_failure}
        age = next(iter(ages)) if len(ages) == 1 else None
        # A figure the manifest marks inferred says so (uber: an inferred 10 min beside a
        # stated 15-minute TTL read as a fact).
        guessed = any(
            s.on_failure is not None and marked_inferred(system, s.on_failure, "max_staleness")
            for s in held
        )
        label = ", marked inferred" if guessed else ""
        up_to = f" (at most {format_seconds(float(age))} old{label})" if age is not None else ""
        one = len(ids) == 1
        keeps = f"{_names(list(fed))} {_verb(list(fed), 'keep')}" if fed else "what reads it keeps"
        yield (
            f"When {_names(ids)} {'fails' if one else 'fail'}, {keeps} using the last good "
            f"values {'it' if one else 'they'} sent{up_to}, and an alert fires"
        )


def _pipeline(system: System) -> Iterator[str]:
    yield from _held(system)
    solid = [
        p.id
        for p in system.manifest.pipelines
        if p.validation and p.validation.blocking and p.idempotent and p.backfill
    ]
    if solid:
        verb = "blocks" if len(solid) == 1 else "block"
        yield f"{_names(solid)} {verb} on failed checks and can be re-run and backfilled safely"


def _skew(system: System) -> Iterator[str]:
    features = system.manifest.features
    shared = [f.id for f in features if f.shared_definition and f.point_in_time_join]
    if shared and len(shared) < len(features) and all(f.shared_definition for f in features):
        # Every feature shares its definition (the skew verdict says so); only the joins differ,
        # and "2 of 3 share one definition" would read as the third not sharing it.
        verb = "joins" if len(shared) == 1 else "join"
        yield (
            f"all {len(features)} features share one definition; {len(shared)} of them "
            f"({_names(shared)}) {verb} point-in-time"
        )
    elif shared:
        verbs = ("shares", "joins") if len(shared) == 1 else ("share", "join")
        yield (
            f"{len(shared)} of {len(features)} features ({_names(shared)}) {verbs[0]} one "
            f"definition and {verbs[1]} point-in-time"
        )


def _feedback(system: System) -> Iterator[str]:
    for loop in system.manifest.feedback:
        if loop.holdout and loop.holdout.enabled and loop.holdout.persistent:
            yield f"{loop.id} keeps a persistent holdout to measure the loop against"
        if loop.exploration and loop.exploration.enabled and loop.exploration.propensity_logged:
            yield f"{loop.id} explores with logged propensities, so its data can be reweighted"


MONITORS = (
    ("skew", "training_serving", "training-serving skew"),
    ("drift", "features", "feature drift"),
    ("drift", "predictions", "prediction drift"),
    ("quality", "label_based", "labelled quality"),
    ("quality", "proxy", "a proxy metric"),
    ("system", "saturation", "saturation"),
)


def _monitoring(system: System) -> Iterator[str]:
    monitoring = system.manifest.monitoring
    if monitoring is None:
        return
    paged = [
        words
        for group, name, words in MONITORS
        if getattr(getattr(monitoring, group), name, None) == "alert"
    ]
    if len(paged) >= 2:
        yield f"Alerts page on {', '.join(paged[:-1])} and {paged[-1]}"


def credits(
    system: System, areas: dict[str, AreaResult], scenarios: list[Scenario]
) -> list[Credit]:
    """The quiet parts, then credit where the manifest earns it, strongest first, at most
    ``MAX_ITEMS``, each with the area it belongs to. The monitors that page are credited to the
    pipeline's part, where the review asks what notices a failure."""
    items = [
        *(Credit(SERVING.key, t) for t in _serving(system, areas)),
        *(Credit(PIPELINE.key, t) for t in _pipeline(system)),
        *(Credit(SKEW.key, t) for t in _skew(system)),
        *(Credit(FEEDBACK.key, t) for t in _feedback(system)),
        *(Credit(PIPELINE.key, t) for t in _monitoring(system)),
    ]
    seen: dict[str, Credit] = {}
    for c in items:
        seen.setdefault(c.text, c)
    return [*_quiet_areas(areas, scenarios), *list(seen.values())[:MAX_ITEMS]]
