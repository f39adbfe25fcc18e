"""Playbooks for the data on the way in: a bad artefact, an upstream change, a stale source or
feature, a silent default, and a reader started before its input is written."""

from __future__ import annotations

from mlreview.areas.common import either, possessive, proxied
from mlreview.areas.playbooks.base import DAY, Move, Playbook, Situation
from mlreview.document.cells import duration
from mlreview.system.manifest import Endpoint, Model, Pipeline, Source
from mlreview.system.system import System


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


def _comparison_period(system: System, source: str) -> float:
    """Seconds between two comparisons of what a source feeds (``_comparison_cadence``)."""
    periods = [
        p.schedule.period if p.schedule else 0.0
        for p in system.manifest.pipelines
        if source in p.inputs
    ]
    return max(DAY, min(periods)) if periods else DAY


SEASONAL_WINDOW = 365 * DAY
"""A forecast trained on at least a year of data has seen its seasons: the whole window's mean
sits between them, so an input is compared with the same time a year earlier instead."""


def _seasonal(models: list[Model]) -> float | None:
    """The training window of a forecast that spans a year or more, else None."""
    windows = [
        float(m.training.window) for m in models if m.training and m.training.window is not None
    ]
    return min(windows) if windows and min(windows) >= SEASONAL_WINDOW else None


def _upstream_change(s: Situation) -> Playbook:
    fed = s.system.features_fed_by(s.anchors[0])
    named = either(list(fed), "and", limit=3) if fed else f"each feature built from {s.anchor}"
    when = _comparison_cadence(s.system, s.anchors[0])
    fed_ids = set(fed)
    models = [m for m in s.system.manifest.models if s.system.model_feature_ids(m) & fed_ids]
    decision = s.system.manifest.system.decision
    window = _seasonal(models) if decision and decision.type == "forecast" else None
    if window is None:
        against = (
            "with the training window: a PSI above 0.2, or a mean more than three weekly "
            "standard deviations away,"
        )
    else:
        against = (
            f"with the same time a year earlier (a forecast trained on {duration(window)} has "
            "seasons, and against the whole window's mean every peak would page): a PSI above "
            "0.2 against that period, or a change from a year earlier more than three times "
            "the largest such change in the training window,"
        )
    manual = bool(models) and all(m.training and m.training.automated is False for m in models)
    hold = (
        "marks the series so that nobody refits on it until someone has looked"
        if manual
        else "holds the next training run until someone has looked"
    )
    moves = [
        Move(
            "detect",
            s.anchors,
            f"Compare {named} {when} {against} pages the model's owner and {hold}",
        )
    ]
    errors = _matured_error_page(s, models)
    moves += errors
    moves += _truth_refit(s, window)
    return Playbook(tuple(moves), _upstream_proof(s, named, window, errors=bool(errors)))


def _upstream_proof(s: Situation, named: str, seasonal: float | None, *, errors: bool) -> str:
    """A change of meaning replayed over the span its checks need: a year for a seasonal
    forecast (the comparison is with the same time a year earlier, and one week shows no
    season), else a week; each check must fire within two of its runs, the error page within
    the outcomes' median delay on top."""
    period = _comparison_period(s.system, s.anchors[0])
    span = "a year" if seasonal is not None else "a week"
    step = "one week in its peak season" if seasonal is not None else "the second day"
    p50 = next(
        (
            float(f.label.delay.p50)
            for f in s.loops()
            if f.label and f.label.delay and f.label.delay.p50 is not None
        ),
        None,
    )
    error = (
        f", and the matured-error page within {duration(p50 + 2 * period)} (the outcomes' "
        f"{duration(p50)} median delay and two runs)"
        if errors and p50 is not None
        else ""
    )
    return (
        f"replay {span} of {s.anchor} in staging with {named} stepped up by 30% from {step} "
        "on and the schema unchanged, a change of meaning no schema check sees: the comparison "
        f"must page within {duration(2 * period)} of the step (two of its runs), before "
        f"training or serving uses it{error}"
    )


QUARTER_CAP = 90 * DAY
"""The longest refit cadence set for a model that has no seasons to wait for."""


def _truth_refit(s: Situation, seasonal: float | None) -> list[Move]:
    """A model refit only by hand whose changed input stands in for an outcome measured
    elsewhere (``common.proxied``): the plan refits it on a cadence against that truth, alerts on
    its age, and gives it the truth's last published value as an input (docs/plans.md)."""
    found = proxied(s.system, s.anchors[0])
    if found is None:
        return []
    truth, label = found.truth, found.loop.label
    p95 = float(label.delay.p95) if label and label.delay and label.delay.p95 else None
    windows = [float(m.training.window) for m in found.models if m.training and m.training.window]
    if seasonal is not None:
        cadence, how = 365 * DAY, "each year, ahead of its season"
    elif windows:
        cadence = min(min(windows) / 4, QUARTER_CAP)
        how = f"every {duration(cadence)} (a quarter of its window, at most 90 d)"
    else:
        cadence, how = QUARTER_CAP, "every 90 d"
    ids = tuple(sorted(m.id for m in found.models))
    who = either(list(ids), "and")
    age = (
        f"{duration(cadence)} + its {duration(p95)} label delay = {duration(cadence + p95)}"
        if p95
        else duration(cadence)
    )
    lag = f", lagged by its {duration(p95)} delay" if p95 else ""
    return [
        Move(
            "recover",
            ids,
            f"Refit {who} on {truth.id}, its ground truth, {how}, not when someone thinks it "
            f"needs it, and alert when the serving model is older than {age}: {s.anchor} "
            f"stands in for what {truth.id} measures, and anything that moves it without the "
            "outcome bends the fitted relation until the next refit",
        ),
        Move(
            "prevent",
            ids,
            f"Give {who} the last published value of {truth.id} as an input{lag}, so each "
            f"estimate is anchored to the truth series and {s.anchor} only adds what it has "
            "not yet published",
        ),
    ]


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


def _silent_default(s: Situation) -> Playbook:
    source = s.system.get(s.anchors[0])
    if not isinstance(source, Source):
        return Playbook(())
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
        return Playbook(())
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
                replaces=("DATA002", "SKEW008", "DATA020"),
            )
        )
    else:
        # The source's single point of failure (DATA020) is this default: its fix is the
        # default's, a value the model can tell from data, not a second fallback.
        moves.append(Move("prevent", s.anchors, "", replaces=("DATA002", "DATA020")))
    verify = f"{fault}: a page must fire within five minutes, {after}"
    return Playbook(tuple(moves), verify)


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
            f"Before it reads {possessive(s.anchor)} output, assert that it is the latest run's "
            "(its newest "
            "date is the one expected) and that each segment holds at least 90% of its median "
            "row count for the same weekday over the last four weeks; if not, keep the last "
            "good output, hold what depends on it, and page",
        ),
    ]
    return Playbook(tuple(moves))


def _stale_feature(s: Situation) -> Playbook:
    """Features served past their budget: DATA009 watches the job's age; what serving reads is
    watched too, where a missed refresh shows first as defaults."""
    features = [f.id for f in s.system.manifest.features if f.id in s.components]
    if not features:
        return Playbook(())
    named = either(features, "and", limit=3)
    move = Move(
        "detect",
        tuple(features),
        f"Page when the share of {named} served at their default passes three times its 7-day "
        "baseline over 15 minutes: measured where serving reads them, a missed or late refresh "
        "shows there before any alert on the job",
    )
    if not s.rules & {"SKEW001", "SKEW002"}:
        return Playbook((move,))
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
    return Playbook(moves)
