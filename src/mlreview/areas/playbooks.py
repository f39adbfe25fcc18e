"""What a senior reviewer does about a mechanism on this system: the steps that contain, detect,
recover from and prevent it, in the system's words and figures (its action, fallback, label
delay, training window, the sources a training run reads), and the test that reproduces the
failure to prove them. A rule's fix closes one finding; a playbook step is the change the
mechanism needs whether or not a rule found its absence, and it carries out (``replaces``) the
fixes of the rules whose findings it covers. The thresholds each step proposes, and why, are in
docs/plans.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlreview.areas.common import either, serving_platforms
from mlreview.areas.domain import SLOW_OUTCOME_S, Domain, domain_of, slowest_delays
from mlreview.areas.pipeline.availability import availability_of
from mlreview.areas.serving.assessment import endpoint_row
from mlreview.areas.serving.launch import check_launch, launch_at_risk
from mlreview.document.cells import duration, number
from mlreview.system.manifest import Endpoint, FeedbackLoop, Model, Pipeline, Source
from mlreview.system.system import System


@dataclass(frozen=True)
class Move:
    part: str
    """The plan slot: limit, detect, recover or prevent (engine/plan.py's order)."""
    components: tuple[str, ...]
    change: str
    """Empty for a step that is the replaced rules' own fix, moved to this step's slot."""
    replaces: tuple[str, ...] = ()
    """Rule codes whose fixes this step carries out: their findings are closed by it."""


@dataclass(frozen=True)
class Playbook:
    moves: tuple[Move, ...]
    verify: str | None = None
    """The proving step, where the family's would not reproduce this system's failure."""
    keeps_gaps: bool = False
    """Whether the plan also carries the fixes of the missing controls the moves do not
    replace; most playbooks detect and contain the mechanism themselves."""


@dataclass(frozen=True)
class Situation:
    """The top scenario as a playbook sees it."""

    system: System
    family: str
    anchors: tuple[str, ...]
    components: tuple[str, ...]
    rules: frozenset[str]

    @property
    def anchor(self) -> str:
        return either(list(self.anchors), "and")

    @property
    def domain(self) -> Domain:
        return domain_of(self.system)

    def endpoints(self) -> list[Endpoint]:
        found: list[Endpoint] = []
        for ident in self.components:
            c = self.system.get(ident)
            if isinstance(c, Endpoint):
                found.append(c)
            elif isinstance(c, Model):
                found += self.system.endpoints_of(c)
        return list({e.id: e for e in found}.values())

    def models(self) -> list[Model]:
        found: list[Model] = []
        for ident in self.components:
            c = self.system.get(ident)
            if isinstance(c, Model):
                found.append(c)
            elif isinstance(c, Endpoint):
                found.append(self.system.model_of(c))
            elif isinstance(c, Pipeline):
                found += [m for m in self.system.manifest.models if _trains(self.system, c, m)]
        return list({m.id: m for m in found}.values())

    def loops(self) -> list[FeedbackLoop]:
        ids = {m.id for m in self.models()}
        return [f for f in self.system.manifest.feedback if f.model in ids]

    def label_delay(self) -> tuple[float | None, float | None]:
        """Seconds until the median and the 95th-percentile label of its models arrive."""
        return slowest_delays(self.loops())

    def inputs(self, limit: int = 2) -> list[str]:
        """The most important features of the models, by declared rank."""
        ranked = []
        for m in self.models():
            for f in self.system.model_features(m):
                ranked.append((f.importance_rank or 10**6, f.id))
        return [ident for _, ident in sorted(set(ranked))[:limit]]


def _trains(system: System, pipeline: Pipeline, model: Model) -> bool:
    return system.training_pipeline(model) is pipeline


def _fallback_words(endpoints: list[Endpoint]) -> str | None:
    words = {
        "default_action": "its declared default action",
        "heuristic": "its declared heuristic",
        "previous_model": "the previous model",
        "cached_scores": "its cached scores",
    }
    for e in endpoints:
        if e.fallback in words:
            return words[e.fallback]
    return None


DAY = 86400.0


def _page_window(delay: float | None) -> float:
    """How long an action may sit at its limit before someone is paged: the time its outcome
    takes to show, between 10 minutes and an hour; a day where outcomes take longer than that."""
    if delay is not None and delay > DAY:
        return DAY
    return min(3600.0, max(600.0, delay or 0.0))


def _action(s: Situation) -> str:
    decision = s.system.manifest.system.decision
    return decision.action if decision and decision.action else s.domain.act


def _runaway(s: Situation) -> Playbook:
    domain, who, anchors = s.domain, s.anchor, s.anchors
    endpoints = s.endpoints()
    p50, p95 = s.label_delay()
    window = duration(_page_window(p50))
    logged = any(e.logging and e.logging.predictions for e in endpoints)
    log = "its logged predictions" if logged else "what it decided (log every decision first)"
    inputs = s.inputs()
    priced = domain.name == "price"
    loop = priced and "FEED005" in s.rules
    slow = p50 is not None and p50 > SLOW_OUTCOME_S
    moves: list[Move] = []
    if loop:
        moves.append(
            Move(
                "limit",
                anchors,
                "Bound every price it publishes to a band around a reference its loop cannot "
                "move (its cost, or the median price it actually sold at over 90 days), and "
                "each change to 10% a day and 30% a week: a ceiling taken from its own price "
                "history moves up with the runaway",
                replaces=("FEED013", "FEED005"),
            )
        )
        detect = "Page on-call when a price moves more than 10% in a day or leaves its band"
    elif slow and priced:
        assert p50 is not None
        delay = f"{duration(p50)} to show (median" + (f", {duration(p95)} at p95)" if p95 else ")")
        moves.append(
            Move(
                "limit",
                anchors,
                f"Its outcomes take {delay}, far longer than it takes to act: cap how often it "
                f"may {_action(s)} per week and segment, and halve the cap while its error on "
                "the outcomes that have matured exceeds its validation error",
                replaces=("FEED013",),
            )
        )
        detect = (
            "Page, and pause it, when the share of its decisions that are taken up (an offer "
            "accepted, a price paid) passes 1.5 times its 26-week rate: being "
            "taken up more often is the first sign that it is paying too much or judging too "
            "kindly, months before the outcomes show it"
        )
    elif priced:
        moves.append(
            Move(
                "limit",
                anchors,
                "Enforce, after the model and before a price is published, a ceiling (the 99.9th "
                f"percentile of the prices it set over the last 90 days of {log}, outside "
                "incidents) and a largest change per update (the 99.9th percentile of that "
                f"log's changes); a price held at the ceiling for {window} needs a person's "
                "approval",
                replaces=("FEED013",),
            )
        )
        season = "that hour and weekday"
        watched = (
            f", or when {either(inputs, 'or')} leaves its range for {season}" if inputs else ""
        )
        detect = f"Page on-call when its prices stay at the ceiling for {window}{watched}"
    else:
        moves.append(
            Move(
                "limit",
                anchors,
                f"Cap {domain.cap} per hour at twice the highest hourly count in the last 90 "
                f"days of {log}, and send the excess to human review instead of acting on it",
                replaces=("FEED013",),
            )
        )
        if slow:
            moves.append(
                Move(
                    "limit",
                    anchors,
                    f"Its outcomes take {duration(p50 or 0.0)} to show (median), so add a weekly "
                    f"cap per segment on how often it may {_action(s)}, halved while its error "
                    "on the outcomes that have matured exceeds its validation error",
                )
            )
        detect = (
            "Page on-call when the cap is hit, or when its hourly count passes 1.5 times the "
            "count for that hour and weekday"
        )
    moves.append(Move("detect", anchors, f"{detect}: the page must not wait for the outcomes"))
    runbook = "; write the runbook for events its data has never seen, an emergency among them"
    moves.append(_off_switch(anchors, endpoints, runbook))
    return Playbook(tuple(moves), _runaway_proof(s, who, window, loop=loop, slow=slow))


def _off_switch(anchors: tuple[str, ...], endpoints: list[Endpoint], then: str = "") -> Move:
    fallback = _fallback_words(endpoints)
    return Move(
        "recover",
        anchors,
        "Give on-call one switch, usable without a deploy, per segment and for the whole "
        "system, that stops it acting by itself and "
        + (f"falls back to {fallback}" if fallback else "routes every decision to a person")
        + f" within one decision cycle{then}",
    )


def _runaway_proof(s: Situation, who: str, window: str, *, loop: bool, slow: bool) -> str:
    p50 = s.label_delay()[0]
    if loop:
        return (
            "replay a week of its inputs in staging with a second seller whose price follows "
            "its own by a fixed factor above 1 (the loop closed): no price may leave its band "
            "or move more than 10% in a day, and the page must fire on the first day"
        )
    if slow and s.domain.name == "price":
        return (
            "backtest the last two years with the market turned from one month on (the target "
            "falling 1% a month): the take-up page must fire within weeks of the turn, the "
            f"weekly cap must halve as soon as the first outcomes after it mature (about "
            f"{duration(p50 or 0.0)} in), and what it {s.domain.act}d in between must stay under "
            "the cap, whose worst case is then the loss the plan accepts"
        )
    if s.domain.name == "price":
        return (
            f"replay a normal peak hour of {who}'s inputs in staging, then one segment's demand "
            "at 10 times its peak with supply held flat (a shock the supply side does not "
            f"answer): no price may pass the ceiling, the page must fire within {window}, the "
            "switch must restore the fallback within one decision cycle, and other segments "
            "must not move"
        )
    return (
        f"replay a day of {who}'s logged requests on canary with the scores shifted by the "
        "largest weekly shift in the last year of logs: the cap must hold with the excess sent "
        "to review, and the page must fire within the hour"
    )


def _drift(s: Situation) -> Playbook:
    p95 = s.label_delay()[1]
    matured = f"the labels of the last {duration(p95)}" if p95 else "its latest matured labels"
    models = s.models()
    window = next((m.training.window for m in models if m.training and m.training.window), None)
    moves = [
        Move(
            "detect",
            s.anchors,
            f"Page when its error on {matured} passes its validation error by 10% (relative), "
            "or when a top input's PSI against the training window passes 0.2; either one "
            "starts a retrain, not only the calendar",
            replaces=("FEED014",),
        ),
        Move(
            "prevent",
            s.anchors,
            "Weight training toward recent data"
            + (
                f" (a half-life of a quarter of its {duration(float(window))} window)"
                if window
                else " (a half-life of a quarter of the training window)"
            )
            + ", so a retrain after a shift learns the new world rather than the average of both",
        ),
    ]
    fast = p95 is not None and p95 <= 7 * DAY
    if fast and s.domain.name in ("block/approve", "approve/decline"):
        moves.insert(
            1,
            Move(
                "limit",
                s.anchors,
                "From the page until a retrained model passes its gate, re-set the decision "
                "threshold each day on the outcomes matured since the page (7 days at most) so "
                "that precision holds at its validated level: a shift moves the scores under a "
                "fixed threshold days before a retrain can ship",
            ),
        )
    verify = (
        "replay last quarter with an abrupt step on one day (the target's level halved for the "
        "most-predicted tenth of entities, a shock, not a drift): the alert must fire within "
        + (f"{duration(p95)} of the step" if p95 else "the label delay of the step")
        + ", and the retrained model's error on the weeks after it must be back within its "
        "validation margin"
    )
    return Playbook(tuple(moves), verify)


def _training_inputs(s: Situation) -> list[str]:
    out: list[str] = []
    for ident in s.components:
        c = s.system.get(ident)
        if isinstance(c, Pipeline):
            out += [i for i in c.inputs if s.system.get(i) is not None]
    return list(dict.fromkeys(out))


def _poisoning(s: Situation) -> Playbook:
    """Users who can steer what the model learns (FEED012): an input counts only once many
    unrelated accounts send it, and learning stops itself when the model starts to say what it
    should not."""
    loops = [f.id for f in s.loops()] or list(s.anchors)
    moves = [
        Move(
            "prevent",
            tuple(loops),
            "Learn from a user's input only once at least 20 unrelated, established accounts "
            "have sent something like it; drop near-duplicates and echo requests (inputs that "
            "ask it to repeat a text), and cap any one account's share of a training batch "
            "at 0.1%",
            replaces=("FEED012", "DATA003"),
        ),
        Move(
            "limit",
            s.anchors,
            "Score a fixed probe set every hour and pause learning by itself when the share "
            "of flagged answers passes 0.5%; keep an hourly snapshot of the model to roll "
            "back to",
        ),
    ]
    decision = s.system.manifest.system.decision
    acting = [e for e in s.endpoints() if decision and decision.automated_action]
    if acting:
        names = tuple(e.id for e in acting)
        moves.append(
            Move(
                "limit",
                names,
                f"Before {either(list(names), 'and')} acts ({_action(s)}), screen each output, "
                "echoed text included (a request to repeat something is a path from a user to "
                "the output that skips training); hold back what the screen flags, and stop it "
                "acting by itself when more than 0.5% of an hour's outputs are held",
            )
        )
        moves.append(_off_switch(names, acting))
    return Playbook(tuple(moves), keeps_gaps=True)


def _bad_training_data(s: Situation) -> Playbook:
    if "FEED012" in s.rules:
        return _poisoning(s)
    sources = _training_inputs(s)
    named = either(sources, "and", limit=4) if sources else "each input"
    moves = [
        Move(
            "prevent",
            tuple(c for c in s.components if isinstance(s.system.get(c), Pipeline)) or s.anchors,
            f"Before training reads them, check each partition of {named} against its last 28 "
            "days (row count within 50% of the same weekday's median, each feature's PSI under "
            "0.25, no value outside the range seen so far) and quarantine a failing partition "
            "and page its owner, so one source's bad day cannot reach the model; hold the run "
            "when more than 5% of its window's rows are quarantined",
            replaces=("DATA003",),
        )
    ]
    moves.append(
        Move(
            "prevent",
            s.anchors,
            "Gate each candidate on a fixed evaluation set the training inputs cannot "
            "change (a frozen month of matured outcomes) against the serving model, per "
            "segment as well as overall, and block promotion when it is worse by more than 2% "
            "(relative) on any segment that carries more than 1% of the traffic: a bad input "
            "that reaches one segment moves the overall figure too little to fail it",
        )
    )
    first = sources[0] if sources else "one input"
    verify = (
        f"replay one day of {first} in staging with one feature's values multiplied by 100 and "
        "a tenth of its rows duplicated: the check must quarantine the partition before the "
        "training run reads it, and the serving model must not change"
    )
    return Playbook(tuple(moves), verify)


def _bad_artefact(s: Situation) -> Playbook:
    return Playbook(
        (
            # Validation against the consumer's own limits stops the bad output reaching any
            # location: it is this week's first step, ahead of the staged rollout.
            Move("limit", s.anchors, "", replaces=("DATA022",)),
            Move(
                "limit",
                s.anchors,
                "Roll each new output out in stages: one location (or a tenth of the fleet) "
                "first, the rest only after it has loaded and served there for 10 minutes with "
                "no rise in errors, so a bad one fails one place rather than every request",
            ),
            Move(
                "recover",
                s.anchors,
                "Give on-call a switch, usable without a deploy, that pins every consumer to the "
                "last good version and stops new ones being published",
            ),
        )
    )


def _comparison_cadence(system: System, source: str) -> str:
    """How often to compare what a source feeds: each day, or on each run of the jobs that
    read it when even the most frequent runs less often (a weekly series has no daily value)."""
    readers = [p for p in system.manifest.pipelines if source in p.inputs]
    periods = [p.schedule.period if p.schedule else 0.0 for p in readers]
    if not readers or min(periods) <= DAY:
        return "each day"  # a stream or an unscheduled job reads it as it comes
    first = readers[periods.index(min(periods))]
    assert first.schedule is not None
    return f"on each run of {first.id} ({first.schedule.phrase})"


def _upstream_change(s: Situation) -> Playbook:
    fed = s.system.features_fed_by(s.anchors[0])
    named = either(list(fed), "and", limit=3) if fed else f"each feature built from {s.anchor}"
    when = _comparison_cadence(s.system, s.anchors[0])
    moves = [
        Move(
            "detect",
            s.anchors,
            f"Compare {named} {when} with the training window: a PSI above 0.2, or a mean "
            "more than three weekly standard deviations away, pages the model's owner and "
            "holds the next training run until someone has looked",
        )
    ]
    fed_ids = set(fed)
    models = [m for m in s.system.manifest.models if s.system.model_feature_ids(m) & fed_ids]
    moves += _matured_error_page(s, models)
    return Playbook(tuple(moves))


def _matured_error_page(s: Situation, models: list[Model]) -> list[Move]:
    """A change of meaning that keeps each input's distribution ordinary still shows in the
    error once outcomes mature; where no label-based quality alert pages, the plan adds one."""
    quality = s.system.manifest.monitoring.quality if s.system.manifest.monitoring else None
    if quality is not None and quality.label_based in (True, "alert"):
        return []
    ids = {m.id for m in models}
    loops = [
        f
        for f in s.system.manifest.feedback
        if f.model in ids and f.label and f.label.delay and f.label.delay.p50
    ]
    if not loops:
        return []
    loop = loops[0]
    assert loop.label and loop.label.delay and loop.label.delay.p50
    who = either([m.id for m in models], "and")
    return [
        Move(
            "detect",
            tuple(m.id for m in models),
            f"Score {who} against each outcome from {loop.id} as it matures "
            f"({duration(float(loop.label.delay.p50))} median) and page when its error over the "
            "last 28 days of matured outcomes passes its validation error by 10% (relative): a "
            "change of meaning upstream shows there even when every input looks ordinary",
        )
    ]


def _stale_source(s: Situation) -> Playbook:
    source = s.system.get(s.anchors[0])
    normal = source.freshness if isinstance(source, Source) else None
    fed = list(s.system.features_fed_by(s.anchors[0]))
    budgets = [
        float(f.freshness_budget)
        for f in s.system.manifest.features
        if f.id in fed and f.freshness_budget is not None
    ]
    if normal is not None:
        page_at = 1.5 * float(normal)
        why = f"1.5 times the {duration(float(normal))} it is normally behind"
    elif budgets:
        page_at = min(budgets)
        why = "the tightest freshness budget of what it feeds"
    else:
        page_at, why = DAY, "a day, until its normal lag is declared"
    at = duration(page_at)
    named = either(fed, "and", limit=3) if fed else "what it feeds"
    moves = (
        Move(
            "detect",
            s.anchors,
            f"In the job that reads it, read its newest partition date (or last update time), "
            f"publish that age as a metric and page when it passes {at} ({why})",
            replaces=("DATA004",),
        ),
        Move(
            "detect",
            s.anchors,
            "Compare each load with the previous one: alert when fewer than half of its keys "
            "changed any value (a copy rewritten unchanged passes an age check) or when a "
            "column's null rate passes twice its 28-day baseline",
        ),
        Move(
            "prevent",
            s.anchors,
            f"When the age page fires, mark {named} stale in the store, so training leaves "
            "those days out instead of learning them",
        ),
    )
    verify = (
        f"point the reading job at a frozen copy of {s.anchor} for three simulated days in "
        "staging, then null one column for a tenth of its keys: the age page must fire by "
        f"{at}, the change check must fire on both faults, and the next training set must "
        "leave the stale days out"
    )
    return Playbook(moves, verify)


def _bad_release(s: Situation) -> Playbook | None:
    if "SKEW013" not in s.rules:
        return None
    platforms = any(serving_platforms(s.system, e) for e in s.endpoints())
    # A model served on several platforms: the gate that keeps a platform's change from its
    # users is the reference diff (the rule's fix, with its thresholds), ahead of the probes.
    moves = [Move("limit", s.anchors, "", replaces=("SKEW013",))] if platforms else []
    tolerance = (
        "its outputs leave the reference diff's bounds (the same KL and top-1 agreement)"
        if platforms
        else "its scores leave the golden-set tolerance"
    )
    moves.append(
        Move(
            "detect",
            s.anchors,
            "Send a fixed probe set to each serving stack continuously (about one request a "
            f"second, no user data) and page when {tolerance} for 30 minutes: a runtime or "
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
    return Playbook(tuple(moves))


def _silent_default(s: Situation) -> Playbook:
    source = s.system.get(s.anchors[0])
    if not isinstance(source, Source):
        return Playbook((), keeps_gaps=True)
    fed = list(s.system.features_fed_by(source.id))
    theirs = source.owner and source.owned_by_model_team is not True
    shared = f"; share the page with {source.owner}" if theirs else ""
    share = (
        f", and when the share of {either(fed, 'or', limit=3)} served at the default passes "
        "twice its rate in training"
        if fed and "SKEW015" not in s.rules
        else ""
    )
    after = (
        "served predictions must take the missing-value path (the served default share stays "
        "at the training rate) and the next training run must flag or drop the failed examples"
    )
    if source.kind in ("online_api", "third_party"):
        seen = (
            "the error and timeout rate of the calls to it as serving sees them, over 1% for "
            "5 minutes"
        )
        fault = f"make a third of the calls to {s.anchor} fail for an hour on canary traffic"
    elif source.kind == "stream":
        seen = "its consumer lag and on gaps in its events as serving sees them, past 5 minutes"
        fault = f"stop {s.anchor} for ten minutes on canary traffic"
    else:
        return Playbook((), keeps_gaps=True)
    moves = [Move("detect", s.anchors, f"Page on {seen}{share}{shared}", replaces=("DATA004",))]
    if {"DATA002", "SKEW008"} <= s.rules:
        # The default at the source and the two paths' missing-value policies are one defect;
        # their fixes, one step (the observed skew's own step, SKEW015, keeps its figures).
        named = [f for f in fed if f in s.components] or fed
        moves.append(
            Move(
                "prevent",
                (source.id, *named),
                f"Use one imputation function for {either(named, 'and', limit=3)} on both "
                "paths, with a missing-value indicator in place of the in-range default; drop "
                f"or flag the rows defaulted while {s.anchor} was down before training reads "
                "them",
                replaces=("DATA002", "SKEW008"),
            )
        )
    verify = f"{fault}: a page must fire within five minutes, {after}"
    return Playbook(tuple(moves), verify, keeps_gaps=True)


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
        f"run a game day on a tenth of {e.id}'s fleet at twice that tenth's share of the "
        f"launch forecast ({number(check.missed_qps / 10)} QPS against a ceiling of "
        f"{number(check.ceiling_qps / 10)}), with clients retrying as they do in production: "
        f"admission must hold at {ADMIT_SHARE:.0%} of the ceiling, admitted requests must keep "
        f"p99 {slo}, refused ones must fail in under a second, and goodput must stay at 95% of "
        "the ceiling or more"
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
    moves = [*launch, Move("prevent" if launch else "limit", s.anchors, "", replaces=("SCALE012",))]
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
        return Playbook(tuple(moves), verify=launch_verify, keeps_gaps=True)
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
        f"run a game day on a tenth of {s.anchor}'s fleet: offer twice that tenth's share of "
        "the growth target, with clients retrying as they do in production: refused requests "
        f"must fail in under a second, admitted ones must keep p99 {within}, and goodput must "
        "stay at 95% of capacity or more"
    )
    return Playbook(tuple(moves), verify, keeps_gaps=True)


def _schedule_race(s: Situation) -> Playbook:
    """A reader started on the clock before its input's run can finish: the fix (DATA021) and
    a check at the reader that the input is the night's, with a safe answer when it is not."""
    readers = [
        c
        for c in s.components
        if c not in s.anchors and isinstance(s.system.get(c), (Pipeline, Endpoint))
    ]
    moves = [
        Move("limit", tuple(readers) or s.anchors, "", replaces=("DATA021",)),
        Move(
            "detect",
            tuple(readers) or s.anchors,
            f"Before it reads {s.anchor}'s output, assert that it is the latest run's (its newest "
            "date is the one expected) and that each segment holds at least 90% of its median "
            "row count for the same weekday over the last four weeks; if not, keep the last "
            "good output, hold what depends on it, and page",
        ),
    ]
    return Playbook(tuple(moves), keeps_gaps=True)


def _leakage(s: Situation) -> Playbook:
    """A feature joined as it is now, not as it was at the prediction: the as-of join (SKEW005)
    and the gate's figure re-measured without the leak. A random split is SKEW010's finding, in
    its own scenario."""
    models = [m for m in s.system.manifest.models if s.system.model_feature_ids(m) & set(s.anchors)]
    moves = (
        Move("prevent", s.anchors, "", replaces=("SKEW005",)),
        Move(
            "prevent",
            tuple(m.id for m in models) or s.anchors,
            "Re-measure the offline metric on the rebuilt, as-of training set and move the "
            "promotion gate's bar to it: a bar set on leaked figures passes any candidate",
        ),
    )
    return Playbook(moves, keeps_gaps=True)


def _stale_feature(s: Situation) -> Playbook:
    """Features served past their budget: DATA009 watches the job's age; what serving reads is
    watched too, where a missed refresh shows first as defaults."""
    features = [f.id for f in s.system.manifest.features if f.id in s.components]
    if not features:
        return Playbook((), keeps_gaps=True)
    named = either(features, "and", limit=3)
    move = Move(
        "detect",
        tuple(features),
        f"Page when the share of {named} served at their default passes three times its 7-day "
        "baseline over 15 minutes: measured where serving reads them, a missed or late refresh "
        "shows there before any alert on the job",
    )
    if not s.rules & {"SKEW001", "SKEW002"}:
        return Playbook((move,), keeps_gaps=True)
    # Computed twice and served stale: one definition removes the first half, and a gate on
    # served against trained values measures both halves at once, feature by feature.
    twice = tuple(
        f.id
        for f in s.system.manifest.features
        if f.id in s.components and f.shared_definition is not True and f.serving is not None
    ) or tuple(features)
    coded = either(list(twice), "and", limit=3)
    moves = (
        Move(
            "prevent",
            twice,
            f"Define {coded} once: one definition that both the training set and "
            f"{s.anchor} compute from (a feature-store definition or a shared library in one "
            "language), and retire the second implementation",
            replaces=("SKEW001", "SKEW002"),
        ),
        # The gate keeps a launch from users until served and trained values agree: this
        # week's, and it needs the served values logged (SKEW003's change).
        Move(
            "limit",
            twice,
            "Gate the launch per feature: log the served values for 1% of requests with their "
            "request id and model version, join them to the training code's values for the "
            "same entity and time, and block the launch when more than 1% of rows differ by "
            "more than 1% on any one feature; stale and differently computed values both fail "
            "it, each feature named",
            replaces=("SKEW003",),
        ),
        move,
    )
    return Playbook(moves, keeps_gaps=True)


def _selective_labels(s: Situation) -> Playbook:
    """Outcomes seen only where the model let a case through: the exploration arm (FEED001's
    fix, with its cost), banded by score where the decision is a threshold, and the estimate it
    exists for reported beside the biased one. A holdout of all traffic answers another question
    (the model's lift), so it is left to the findings."""
    moves = [Move("prevent", s.anchors, "", replaces=("FEED001",))]
    if s.domain.name in ("block/approve", "approve/decline"):
        moves.append(
            Move(
                "prevent",
                s.anchors,
                "Spend that share unevenly by score: more just past the threshold, less at the "
                "top (three bands at about four, one and a fifth times the average rate), so "
                "the outcomes land where the threshold decides and the loss stays bounded",
            )
        )
    if s.domain.name not in ("block/approve", "approve/decline", "moderate"):
        return Playbook(tuple(moves))
    moves.append(
        Move(
            "prevent",
            s.anchors,
            "Report precision and recall from the explored share, weighted by inverse "
            "propensity, beside the figures from labelled traffic, and alert when they differ "
            "by more than the explored share's 95% interval",
        )
    )
    return Playbook(tuple(moves))


def _offline_gap(s: Situation) -> Playbook | None:
    """Training examples that are not the served population: a filter copied from another
    system drops served cases (SKEW016), or another context's examples are pooled in with
    nothing to tell them apart (SKEW017). The fix changes the examples; the gate and a coverage
    check keep the gap from coming back, because the offline figure alone cannot show it."""
    model = s.anchor
    population = next(
        (m.training.population for m in s.models() if m.training and m.training.population),
        None,
    )
    if "SKEW016" in s.rules:
        excluded = population.excluded if population and population.excluded else None
        kept = population.share_kept if population else None
        cases = excluded or "the cases the filter drops"
        moves = (
            Move(
                "prevent",
                s.anchors,
                f"Stop keeping {cases} out of {model}'s training examples (or add them back "
                "from logged serving traffic), so it learns every case it serves",
                replaces=("SKEW016",),
            ),
            Move(
                "detect",
                s.anchors,
                f"Compare the mix of {model}'s training examples with its logged serving "
                "traffic each day, bucketed by what the filter tested: alert when the examples "
                "cover less than 95% of the served traffic or a bucket's share differs by more "
                "than 5 points",
            ),
            Move(
                "prevent",
                s.anchors,
                f"Gate each candidate per bucket on logged serving traffic, {cases} included: "
                "fail it when it is worse than the serving model by more than 1% (relative) on "
                "any bucket that carries at least 5% of the served traffic",
            ),
        )
        was = f"from {kept:.0%} " if kept is not None else ""
        verify = (
            f"retrain on a week of examples with the filter removed and run both checks: the "
            f"coverage must rise {was}to at least 95% of served traffic, and the per-bucket gate "
            f"must fail a candidate trained with the filter still on, on {cases}"
        )
        return Playbook(moves, verify)
    if "SKEW017" in s.rules:
        pooled = population.pooled if population and population.pooled else "the other context"
        moves = (
            Move(
                "prevent",
                s.anchors,
                f"Train {model} on the served context's examples only, or add the context as a "
                "feature (crossed with the strongest ones) and serve it",
                replaces=("SKEW017",),
            ),
            Move(
                "prevent",
                s.anchors,
                f"Gate each candidate on the served context's held-out examples alone, not the "
                f"pooled set: fail it when it is worse there than the serving model by more "
                f"than 1% (relative), whatever it gains on {pooled}",
            ),
            Move(
                "prevent",
                s.anchors,
                f"Admit an example to {model}'s training only when its context (page, surface) "
                "is on a list of the contexts it serves, so a log from a new surface cannot join "
                "the examples unnoticed",
            ),
        )
        return Playbook(moves)
    return None


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
            f"{e.id}'s requests answered that way"
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
        f"on a game day, kill {s.anchor} for a tenth of {e.id}'s traffic for 30 minutes: "
        "those requests must get the fallback within the latency SLO, the circuit must open "
        "within 10 seconds and close within a minute of recovery, someone must be paged, and "
        "the quality lost must match the cost measured offline"
    )
    return Playbook(tuple(moves), verify, keeps_gaps=True)


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
    verify = (
        f"on a game day, block the API servers of one production cluster for an hour: {serving} "
        "must keep answering from cached lookups, a rollout in progress must halt at its stage, "
        "and the break-glass path must remove a change without those API servers"
    )
    return Playbook(tuple(moves), verify, keeps_gaps=True)


PLAYBOOKS: dict[str, Callable[[Situation], Playbook | None]] = {
    "fleet-rollout": _fleet_rollout,
    "dependency-outage": _dependency_outage,
    "runaway-automation": _runaway,
    "unadapted-drift": _drift,
    "bad-training-data": _bad_training_data,
    "bad-artefact": _bad_artefact,
    "upstream-change": _upstream_change,
    "stale-source": _stale_source,
    "silent-default": _silent_default,
    "capacity": _capacity,
    "schedule-race": _schedule_race,
    "leakage": _leakage,
    "stale-feature": _stale_feature,
    "selective-labels": _selective_labels,
    "bad-release": _bad_release,
    "offline-online-gap": _offline_gap,
}


def playbook(situation: Situation) -> Playbook | None:
    make = PLAYBOOKS.get(situation.family)
    return make(situation) if make else None


__all__ = ["Move", "Playbook", "Situation", "playbook"]
