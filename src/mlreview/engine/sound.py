"""What is already sound: declared controls worth keeping, so the reader's attention lands on
the scenario that is the risk. A part with nothing above low is marked quiet (the opening
screen leads its verdict with "Not a risk here"), and is not listed among the controls: its
verdict line opens the review already, and saying it twice is filler.

Only what the manifest states counts: a field left out (a default), or written on a line the
author marks inferred, is never credited, and each credit names the fields it rests on (the
opening screen drops them, --full keeps them). A control is a fact about one component; the
rules that would fault it fire only when it is missing."""

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
from mlreview.system.manifest import Endpoint, Node, Source
from mlreview.system.system import System
from mlreview.system.units import format_seconds

MAX_ITEMS = 6
"""Credit lines on the opening screen."""

_ROLLBACK = ("canary", "auto_rollback")
_SHEDDING = ("rate_limit", "load_shedding", "bounded_queue")


def _names(ids: list[str]) -> str:
    return either(ids, "and", limit=3)


def _verb(ids: list[str], verb: str) -> str:
    """``verb`` agreeing with the named components: 'api sheds', 'api and web shed'."""
    return f"{verb}s" if len(ids) == 1 else verb


def _stated(system: System, node: Node | None, *fields: str) -> bool:
    """Every one of ``fields`` of ``node`` is written in the manifest on a line not marked
    inferred: a Sound line credits what the team says it has, not what a default or a guess
    gives it (doordash: an inferred alert on consumer_events read as "an alert fires")."""
    return node is not None and all(
        (*node.path, f) in system.doc.values and not marked_inferred(system, node, f)
        for f in fields
    )


def _where(system: System, parts: list[tuple[Node, tuple[str, ...]]]) -> str:
    """' (endpoints[api].release.canary and .auto_rollback)': the stated fields a credit rests
    on, each component's first field in full and the rest after it by name."""
    paths: list[str] = []
    for node, fields in parts:
        paths.append(system.label((*node.path, fields[0])))
        paths.extend(f".{f}" for f in fields[1:])
    listed = paths[0] if len(paths) == 1 else f"{', '.join(paths[:-1])} and {paths[-1]}"
    return f" ({listed})"


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
                # The verdict line that already says so is not repeated as a credit (zillow: one
                # line listed as both the scalability verdict and "Sound").
                said = (
                    isinstance(e, Endpoint)
                    and (working.small_load(system, e, row, True) or "")
                    in areas[SERVING.key].verdict
                )
                if not said:
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
    canary: list[Endpoint] = []
    tested: list[Endpoint] = []
    shedding: list[Endpoint] = []
    for e in system.online_endpoints():
        release, admission = e.release, e.admission
        if (
            release
            and release.canary
            and release.auto_rollback
            and _stated(system, release, *_ROLLBACK)
        ):
            drilled = release.rollback_tested and _stated(system, release, "rollback_tested")
            (tested if drilled else canary).append(e)
        if (
            admission
            and admission.rate_limit
            and admission.load_shedding
            and admission.bounded_queue
            and _stated(system, admission, *_SHEDDING)
        ):
            shedding.append(e)
    if canary:
        ids = [e.id for e in canary]
        yield (
            f"{_names(ids)} {_verb(ids, 'release')} by canary with an automatic rollback"
            + _where(system, [(e.release, _ROLLBACK) for e in canary if e.release])
        )
    if tested:
        ids = [e.id for e in tested]
        yield (
            f"{_names(ids)} {_verb(ids, 'release')} by canary with an automatic rollback "
            "that is tested"
            + _where(
                system, [(e.release, (*_ROLLBACK, "rollback_tested")) for e in tested if e.release]
            )
        )
    if shedding:
        ids = [e.id for e in shedding]
        yield (
            f"{_names(ids)} {_verb(ids, 'shed')} excess load (rate limits, early "
            "rejection, a bounded queue)"
            + _where(system, [(e.admission, _SHEDDING) for e in shedding if e.admission])
        )
    for e in system.online_endpoints():
        for dep in e.dependencies:
            target = system.get(dep.target)
            zones = getattr(target, "zones", None)
            budget = dep.retries is not None and dep.retries.budget
            if (
                zones
                and zones >= 2
                and budget
                and dep.fallback not in (None, "none", "fail")
                and _stated(system, target, "zones")
                and _stated(system, dep.retries, "budget")
                and _stated(system, dep, "fallback")
            ):
                assert target is not None and dep.retries is not None
                yield (
                    f"{possessive(e.id)} calls to {dep.target} ({zones} zones) retry within a "
                    f"budget and fall back to {dep.fallback}"
                    + _where(
                        system,
                        [(target, ("zones",)), (dep.retries, ("budget",)), (dep, ("fallback",))],
                    )
                )


def _held(system: System) -> Iterator[str]:
    """Sources stated to fall back on their last good values, with an alert: a source does not
    serve, so the credit names what keeps using them (the endpoints it feeds) and for how long,
    one line for the sources that feed the same endpoints."""
    groups: dict[tuple[str, ...], list[Source]] = {}
    for s in system.manifest.sources:
        of = s.on_failure
        if (
            of
            and of.behaviour == "last_known_good"
            and of.alert
            and _stated(system, of, "behaviour", "alert")
        ):
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
        where = _where(
            system, [(s.on_failure, ("behaviour", "alert")) for s in held if s.on_failure]
        )
        yield (
            f"When {_names(ids)} {'fails' if one else 'fail'}, {keeps} using the last good "
            f"values {'it' if one else 'they'} sent{up_to}, and an alert fires{where}"
        )


_RERUN = ("idempotent", "backfill")


def _pipeline(system: System) -> Iterator[str]:
    yield from _held(system)
    solid = [
        p
        for p in system.manifest.pipelines
        if p.validation
        and p.validation.blocking
        and p.idempotent
        and p.backfill
        and _stated(system, p.validation, "blocking")
        and _stated(system, p, *_RERUN)
    ]
    if solid:
        verb = "blocks" if len(solid) == 1 else "block"
        parts: list[tuple[Node, tuple[str, ...]]] = []
        for p in solid:
            assert p.validation is not None
            parts += [(p.validation, ("blocking",)), (p, _RERUN)]
        yield (
            f"{_names([p.id for p in solid])} {verb} on failed checks and can be re-run and "
            f"backfilled safely{_where(system, parts)}"
        )


_JOINED = ("shared_definition", "point_in_time_join")


def _skew(system: System) -> Iterator[str]:
    """Features stated to share one definition and to join point-in-time, named: a count of
    all the features ('2 of 3') would read as the others lacking what is only unstated."""
    shared = [
        f
        for f in system.manifest.features
        if f.shared_definition and f.point_in_time_join and _stated(system, f, *_JOINED)
    ]
    if shared:
        verbs = ("shares", "joins") if len(shared) == 1 else ("share", "join")
        yield (
            f"{_names([f.id for f in shared])} {verbs[0]} one definition and {verbs[1]} "
            f"point-in-time{_where(system, [(f, _JOINED) for f in shared])}"
        )


def _feedback(system: System) -> Iterator[str]:
    for loop in system.manifest.feedback:
        held, explored = loop.holdout, loop.exploration
        kept = ("enabled", "persistent")
        if held and held.enabled and held.persistent and _stated(system, held, *kept):
            where = _where(system, [(held, kept)])
            yield f"{loop.id} keeps a persistent holdout to measure the loop against{where}"
        logged = ("enabled", "propensity_logged")
        if (
            explored
            and explored.enabled
            and explored.propensity_logged
            and _stated(system, explored, *logged)
        ):
            where = _where(system, [(explored, logged)])
            yield (
                f"{loop.id} explores with logged propensities, so its data can be reweighted{where}"
            )


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
    paged: list[tuple[str, Node, str]] = []
    for group, name, words in MONITORS:
        node = getattr(monitoring, group)
        if getattr(node, name, None) == "alert" and _stated(system, node, name):
            paged.append((words, node, name))
    if len(paged) >= 2:
        said = [words for words, _, _ in paged]
        where = _where(system, [(node, (name,)) for _, node, name in paged])
        yield f"Alerts page on {', '.join(said[:-1])} and {said[-1]}{where}"


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
