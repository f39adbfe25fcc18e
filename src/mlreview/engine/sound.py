"""What is already sound: declared controls worth keeping, and the parts that are not the risk,
so the reader's attention lands on the scenario that is.

Only what the manifest declares counts: an unknown field is never credited. A control is a fact
about one component; the rules that would fault it fire only when it is missing."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.common import either, possessive
from mlreview.areas.findings import Severity
from mlreview.areas.pipeline.assessment import PipelineAssessment
from mlreview.areas.registry import AREA_LIST, FEEDBACK, PIPELINE, SERVING, SKEW
from mlreview.areas.serving import working
from mlreview.areas.serving.assessment import ServingAssessment
from mlreview.engine.result import AreaResult, Credit
from mlreview.engine.scenarios import PRIORITISE, Scenario
from mlreview.system.manifest import Endpoint
from mlreview.system.system import System

MAX_ITEMS = 6
"""Credit lines on the opening screen; the strongest first (areas that are not the risk)."""


def _names(ids: list[str]) -> str:
    return either(ids, "and", limit=3)


def _unchecked(result: AreaResult) -> bool:
    """An area whose verdict is that something cannot be checked: a path whose components
    declare no availability is not known to be sound, whatever its findings say."""
    a = result.assessment
    return isinstance(a, PipelineAssessment) and any(
        row.slo is not None and row.meets_slo is None for row in a.availability
    )


def _verb(ids: list[str], verb: str) -> str:
    """``verb`` agreeing with the named components: 'api sheds', 'api and web shed'."""
    return f"{verb}s" if len(ids) == 1 else verb


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


def _pipeline(system: System) -> Iterator[str]:
    held = [
        s.id
        for s in system.manifest.sources
        if s.on_failure and s.on_failure.behaviour == "last_known_good" and s.on_failure.alert
    ]
    if held:
        verbs = (
            ("keeps", "alerts", "it fails") if len(held) == 1 else ("keep", "alert", "they fail")
        )
        keep, alert, when = verbs
        yield f"{_names(held)} {keep} serving the last good values and {alert} when {when}"
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
    """Credit where the manifest earns it, strongest first, at most ``MAX_ITEMS``, each with
    the area it belongs to. The monitors that page are credited to the pipeline's part, where
    the review asks what notices a failure."""
    items = [
        *_quiet_areas(areas, scenarios),
        *(Credit(SERVING.key, t) for t in _serving(system, areas)),
        *(Credit(PIPELINE.key, t) for t in _pipeline(system)),
        *(Credit(SKEW.key, t) for t in _skew(system)),
        *(Credit(FEEDBACK.key, t) for t in _feedback(system)),
        *(Credit(PIPELINE.key, t) for t in _monitoring(system)),
    ]
    seen: dict[str, Credit] = {}
    for c in items:
        seen.setdefault(c.text, c)
    return list(seen.values())[:MAX_ITEMS]
