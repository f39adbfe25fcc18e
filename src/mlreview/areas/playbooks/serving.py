"""Playbooks for serving: a release that changes scores, capacity and launches, an outage of a
dependency on the synchronous path, and a fleet-wide rollout of shared infrastructure."""

from __future__ import annotations

from mlreview.areas.common import either, possessive, serving_platforms
from mlreview.areas.pipeline.availability import availability_of
from mlreview.areas.playbooks.base import Move, Playbook, Situation, _fallback_words
from mlreview.areas.playbooks.parity import parity_moves, twice_coded
from mlreview.areas.serving.assessment import endpoint_row
from mlreview.areas.serving.launch import (
    MISS_FACTOR,
    check_launch,
    launch_at_risk,
    replicas_for_miss,
)
from mlreview.document.cells import duration, number
from mlreview.system.manifest import Endpoint, Source


def _bad_release(s: Situation) -> Playbook | None:
    twice = twice_coded(s) if s.rules & {"SKEW001", "SKEW002"} else []
    if "SKEW013" not in s.rules and not twice:
        return None
    platforms = any(serving_platforms(s.system, e) for e in s.endpoints())
    # A model served on several platforms: the gate that keeps a platform's change from its
    # users is the reference diff (the rule's fix, with its thresholds), ahead of the probes.
    # Features computed twice: the gate is a parity set through both codes.
    moves, proof = parity_moves(s, twice) if twice and not platforms else ([], None)
    if platforms:
        moves.append(Move("limit", s.anchors, "", replaces=("SKEW013",)))
    tolerance = (
        "its outputs leave the reference diff's bounds (the same KL and top-1 agreement)"
        if platforms
        else "its scores move from those recorded when the parity gate last passed"
        if twice
        else "its scores leave the golden-set tolerance"
    )
    moves.append(
        Move(
            "detect",
            s.anchors,
            "Send a fixed probe set to each serving stack continuously (about one request a "
            f"second, no user data) and page when, for 30 minutes, {tolerance}: a runtime or "
            "configuration change that skips the release gate still shows there",
        )
    )
    if len(s.anchors) > 1:
        moves.append(
            Move(
                "detect",
                s.anchors,
                "Log the serving stack, build and runtime settings with each request; slice the "
                "quality signals (user feedback, error reports) by them and alert when one "
                "stack's rate exceeds the others' by 10% (relative) over 24 hours",
            )
        )
    return Playbook(tuple(moves), verify=proof)


ADMIT_SHARE = 0.8
"""Admission during a launch is held at this share of the ceiling (docs/plans.md): the rest
absorbs the demand that arrives while new replicas come up and the retries of what is
refused, and a pool of many replicas at 80% utilisation queues little."""
GENERATIVE = frozenset({"transformer", "diffusion", "llm"})
LONG_JOB_MS = 1000.0
"""A generative model whose median answer takes a second or more: a request its client has
abandoned still holds a replica slot until it is cancelled."""


def _launch_moves(s: Situation, e: Endpoint) -> tuple[list[Move], str | None]:
    """A launch near a fixed ceiling with nothing capping demand (SCALE018): admission control
    first, then rejection on the estimated wait, then cancelling abandoned long jobs."""
    check = check_launch(s.system, e, endpoint_row(s.system, e))
    if check is None or not launch_at_risk(check):
        return [], None
    admit = ADMIT_SHARE * check.ceiling_qps
    levers = []
    if not check.per_user_limit:
        levers.append(
            f"a per-user limit on {e.id} (requests per user per hour) sized so that the "
            "forecast's active users at their limit stay under that rate"
        )
    if not check.signups_capped:
        levers.append(
            "a staged opening (the share of accounts given the launch, or a sign-up waitlist, "
            "widened in batches) that widens only while utilisation has stayed under it for an "
            "hour"
        )
    moves = [
        Move(
            "limit",
            (e.id,),
            f"Hold admission at {ADMIT_SHARE:.0%} of the ceiling, {number(admit)} of "
            f"{number(check.ceiling_qps)} QPS ({check.constraint}; the forecast is "
            f"{number(check.forecast_qps)}): " + " and ".join(levers) + "; the other "
            f"{1 - ADMIT_SHARE:.0%} absorbs what arrives while new replicas come up and the "
            "retries of what is refused",
            replaces=("SCALE018",),
        )
    ]
    slo_ms = e.slo.p99_ms if e.slo and e.slo.p99_ms else None
    bound = f"its {duration(float(slo_ms) / 1000.0)} p99 SLO" if slo_ms else "the latency SLO"
    timeout = (
        f" rather than letting it wait out the {duration(float(e.request_timeout))} timeout"
        if e.request_timeout is not None
        else ""
    )
    moves.append(
        Move(
            "limit",
            (e.id,),
            "Refuse a request at the door, with a retry-after, once its estimated wait (requests "
            f"queued / {number(check.ceiling_qps)} QPS served) passes {bound}{timeout}: a "
            "request that will miss its deadline costs the fleet as much as one that meets it",
        )
    )
    model = s.system.model_of(e)
    p50 = e.service_time.p50_ms if e.service_time else None
    if model.family in GENERATIVE and p50 is not None and float(p50) >= LONG_JOB_MS:
        moves.append(
            Move(
                "limit",
                (e.id,),
                "Cancel a generation when its client disconnects or its request times out, "
                f"and drop it from the queue: at {duration(float(p50) / 1000.0)} a job (median) "
                "an abandoned one holds a replica slot that a waiting user could have had",
            )
        )
    slo = f"within {duration(float(slo_ms) / 1000.0)}" if slo_ms else "within the SLO"
    verify = (
        f"run a game day on a tenth of {possessive(e.id)} fleet at twice that tenth's share of the "
        f"launch forecast ({number(check.missed_qps / 10)} QPS against a ceiling of "
        f"{number(check.ceiling_qps / 10)}), with clients retrying as they do in production: "
        f"admission must hold at {ADMIT_SHARE:.0%} of the ceiling, admitted requests must keep "
        f"p99 {slo}, refused ones must fail in under a second, and goodput must stay at 95% of "
        "the ceiling or more"
    )
    row = endpoint_row(s.system, e)
    if row.qps_per_replica and row.max_replicas:
        # The pool sized to the launch it is for: the growth target's generic fix (a cheaper
        # model, more replicas at 10x) is not what this launch's fixed ceiling needs first.
        need, working = replicas_for_miss(check, row.qps_per_replica)
        if need > row.max_replicas:
            moves.append(
                Move(
                    "prevent",
                    (e.id,),
                    f"Raise max replicas from {row.max_replicas} to {need} once the "
                    f"accelerators for them are granted ({working}), and widen the staged "
                    "opening by region or account tier only once the replicas for the next "
                    "stage are up",
                    replaces=("SCALE001",),
                    enact=(((*e.path, "replicas", "max"), need),),
                    cost=(
                        f"{need - row.max_replicas} more replicas at {MISS_FACTOR:g}x the launch "
                        f"forecast, {(need - row.max_replicas) * 24:,} more replica-hours a day "
                        "while demand stays there"
                    ),
                )
            )
    return moves, verify


def _capacity(s: Situation) -> Playbook:
    endpoints = [e for e in s.endpoints() if e.id in s.anchors] or s.endpoints()
    first = endpoints[0] if endpoints else None
    launch, launch_verify = (
        _launch_moves(s, first) if first is not None and "SCALE018" in s.rules else ([], None)
    )
    # The admission cap is what stops the launch failing while capacity is bought: it goes
    # first, in the rule's own words and figures; a declared launch's admission control goes
    # before it, and buying the capacity is then prevention.
    # The pool sized to the launch follows the quota request it waits on.
    pool = [m for m in launch if "SCALE001" in m.replaces]
    launch = [m for m in launch if m not in pool]
    quota = Move("prevent" if launch else "limit", s.anchors, "", replaces=("SCALE012",))
    moves = [*launch, quota, *pool]
    if first is not None and first.cold_start is not None and float(first.cold_start) >= 120.0:
        reaction = first.autoscaling.reaction if first.autoscaling else None
        after = f" after a {duration(float(reaction))} reaction" if reaction else ""
        moves.append(
            Move(
                "limit",
                (first.id,),
                "Scale ahead of a launch rather than behind it: hold the minimum replicas at "
                "what the launch needs from an hour before it through its first 72 hours; with "
                f"a {duration(float(first.cold_start))} cold start{after} the autoscaler cannot "
                "follow a step in traffic",
            )
        )
    if s.domain.name != "predict":
        return Playbook(tuple(moves), verify=launch_verify)
    moves.append(
        Move(
            "recover",
            s.anchors,
            "Make the demand levers switches with a runbook, not decisions taken in the "
            "incident: pause new sign-ups, halve per-user limits, and send what admission "
            "refuses to a cheaper model where one serves, once utilisation stays above 85% for "
            "10 minutes",
        )
    )
    slo = next((e.slo.p99_ms for e in endpoints if e.slo and e.slo.p99_ms), None)
    within = f"within {duration(float(slo) / 1000.0)}" if slo else "within the SLO"
    verify = launch_verify or (
        f"run a game day on a tenth of {possessive(s.anchor)} fleet: offer twice that tenth's "
        "share of "
        "the growth target, with clients retrying as they do in production: refused requests "
        f"must fail in under a second, admitted ones must keep p99 {within}, and goodput must "
        "stay at 95% of capacity or more"
    )
    return Playbook(tuple(moves), verify)


MIN_ZONES = 3
"""A dependency on the synchronous path runs in at least three zones: losing one leaves two,
each taking half the load rather than all of it."""
TIMEOUT_SHARE = 0.5
"""The calls to one dependency may spend at most half the latency SLO left after the
endpoint's own p99: the rest is the model's and the retries'."""
MINUTES_A_YEAR = 525_600.0

FALLBACK_ANSWERS = {
    "default": "defaults the model was trained with (a missing-value flag set)",
    "cache": "its last cached answer, with a staleness budget",
    "skip": "the prediction without that input",
    "heuristic": "its declared heuristic",
}


def _dependency_outage(s: Situation) -> Playbook | None:
    """A dependency on the synchronous path that fails (DATA020, DATA010, SCALE006, SCALE007):
    an answer for when it is down and what that costs, a timeout inside the SLO, a zone spread,
    and a game day that kills it."""
    target = s.system.get(s.anchors[0])
    calls = [
        (e, d)
        for e in s.system.manifest.endpoints
        for d in e.dependencies
        if d.target == s.anchors[0] and e.id in s.components
    ]
    if target is None or not calls:
        return None
    e, dep = calls[0]
    figure = availability_of(target)
    down = ""
    if figure is not None and figure.availability < 1:
        minutes = (1.0 - figure.availability) * MINUTES_A_YEAR
        down = (
            f"; at its {figure.availability:.3%} availability ({figure.basis}) that is about "
            f"{duration(minutes * 60.0)} a year, (1 - {figure.availability:g}) x 525,600 min, of "
            f"{possessive(e.id)} requests answered that way"
        )
    answer = FALLBACK_ANSWERS.get(dep.fallback or "", "")
    closed = isinstance(target, Source) and bool(
        target.on_failure and target.on_failure.behaviour == "fail_closed"
    )
    if closed:
        fallback = (
            "it fails closed by design, so the answer is a refusal: make it a fast, explicit "
            "one (within a second, saying the feature is unavailable) rather than a timeout"
        )
    elif answer:
        fallback = f"keep its declared fallback, {answer}, and measure what it costs"
    else:
        own = _fallback_words([e])
        fallback = (
            f"answer with {own}"
            if own
            else "answer with defaults the model was trained with (a missing-value flag set)"
        )
    moves = [
        Move(
            "limit",
            (e.id,),
            f"When {s.anchor} fails or times out, {fallback}"
            + (
                f"; count its cost in refused requests{down}"
                if closed
                else f": score a day of logged requests with {s.anchor} withheld and record "
                f"the quality lost against the normal answer{down}"
            ),
            replaces=("DATA020", "SCALE006"),
        )
    ]
    slo_ms = e.slo.p99_ms if e.slo and e.slo.p99_ms else None
    own_ms = e.service_time.p99_ms if e.service_time and e.service_time.p99_ms else None
    n = dep.calls_per_request or 1.0
    if slo_ms is not None:
        spare = float(slo_ms) - (float(own_ms) if own_ms else 0.0)
        budget = max(1.0, TIMEOUT_SHARE * spare / n)
        working = (
            f"{TIMEOUT_SHARE:.0%} x ({float(slo_ms):g} ms SLO"
            + (f" - {float(own_ms):g} ms own p99" if own_ms else "")
            + f") / {n:g} calls"
        )
        if dep.timeout_ms is not None and float(dep.timeout_ms) <= budget:
            timeout = (
                f"at its {float(dep.timeout_ms):g} ms, under the budget of {budget:,.0f} ms per "
                f"call, {working}"
            )
        else:
            now = f" (it is {float(dep.timeout_ms):g} ms)" if dep.timeout_ms is not None else ""
            timeout = f"at most {budget:,.0f} ms per call, {working}{now}"
    else:
        timeout = "inside the latency SLO once one is declared"
    moves.append(
        Move(
            "limit",
            (e.id,),
            f"Hold the timeout on calls to {s.anchor} {timeout}, with one retry inside a 10% "
            "retry budget and a circuit breaker that opens at 50% errors over 10 seconds, so a "
            "slow dependency costs a fallback answer, not the request",
            replaces=("SCALE007",),
        )
    )
    for ident in s.anchors:
        zones = getattr(s.system.get(ident), "zones", None)
        if zones is not None and zones >= MIN_ZONES:
            continue
        now = f"it declares {zones}" if zones is not None else "it declares none"
        moves.append(
            Move(
                "prevent",
                (ident,),
                f"Spread {ident} over at least {MIN_ZONES} zones ({now}): losing one then "
                "leaves two, each taking half the load instead of all of it",
                replaces=("DATA010",),
            )
        )
    verify = (
        f"on a game day, kill {s.anchor} for a tenth of {possessive(e.id)} traffic for 30 minutes: "
        "those requests must get the fallback within the latency SLO, the circuit must open "
        "within 10 seconds and close within a minute of recovery, someone must be paged, and "
        "the quality lost must match the cost measured offline"
    )
    return Playbook(tuple(moves), verify)


API_SERVER_HALT_S = 1.0
"""A staged infrastructure rollout halts by itself when the API servers' request latency p99
passes a second: Kubernetes' own SLO for mutating API calls, and well before they stop."""
STAGE_HOLD_S = 1800.0
"""Each stage is held at least 30 minutes, and longer than cached answers can hide a failure."""


def _fleet_rollout(s: Situation) -> Playbook | None:
    """A change to shared infrastructure (a control plane, service discovery, an agent on every
    node) that reaches every cluster at once (SCALE019): stage it by cluster with a hold longer
    than the caches hide a failure, halt on the API servers' load, a break-glass path that
    does not need them, and testing at production scale."""
    source = s.system.get(s.anchors[0])
    if not isinstance(source, Source):
        return None
    failure = source.on_failure
    cached = (
        float(failure.max_staleness)
        if failure and failure.behaviour == "last_known_good" and failure.max_staleness
        else None
    )
    hold = max(STAGE_HOLD_S, 2 * cached) if cached else STAGE_HOLD_S
    why = (
        f" (twice the {duration(cached)} its cached answers hide a failure for)"
        if cached and 2 * cached > STAGE_HOLD_S
        else f" (longer than the {duration(cached)} its cached answers hide a failure for)"
        if cached
        else ""
    )
    endpoints = [e.id for e in s.endpoints()]
    serving = either(endpoints, "and") if endpoints else "serving"
    moves = [
        Move(
            "limit",
            s.anchors,
            f"Roll every change to {s.anchor}, and to the agents on every node that call it, out "
            "by cluster: one small production cluster, then one of the largest, then a tenth of "
            f"the rest, then the rest, each stage held {duration(hold)}{why}",
            replaces=("SCALE019",),
        ),
        Move(
            "detect",
            s.anchors,
            "Halt the rollout by itself, and page both its owner and the on-call of "
            f"{serving}, when a stage's API-server request latency p99 passes "
            f"{API_SERVER_HALT_S:g} s or its requests in flight pass 80% of their limit: the "
            "load shows there before the caches expire",
        ),
    ]
    rollout = source.rollout
    if rollout is None or rollout.break_glass is not True:
        moves.append(
            Move(
                "recover",
                s.anchors,
                "Keep a break-glass path that does not need the overloaded control plane: a "
                "reserved priority level (or out-of-band access) for operators to remove a "
                "change, and resolver caches allowed to serve stale answers past their TTL while "
                "it is down",
            )
        )
    if rollout is None or rollout.tested_at_scale is not True:
        moves.append(
            Move(
                "prevent",
                s.anchors,
                "Test each change on a cluster the size of the largest production one before the "
                "first stage: a change whose cost grows with the number of nodes passes a "
                "smaller staging cluster",
            )
        )
    # The proof deploys the kind of change that causes the failure, not an outage of its own.
    halt = (
        f"within {duration(cached)}, before its cached answers expire"
        if cached
        else f"within {duration(hold)}, its stage's hold"
    )
    verify = (
        f"on a staging cluster the size of the largest production one, roll out through the "
        f"stages an agent build whose calls to {s.anchor} grow with the number of nodes (every "
        "node listing every object instead of watching): the halt must stop the rollout at its "
        f"first stage {halt}, {serving} must keep answering throughout, and the break-glass "
        "path must remove the build within 15 minutes without the overloaded API servers"
    )
    return Playbook(tuple(moves), verify)
