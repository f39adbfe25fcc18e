"""Failure mechanisms: what a rule's findings are evidence of. A scenario is one mechanism on one
root component (the source that fails, the feature computed twice, the endpoint that runs out of
capacity); the risk model (engine/risk.py, docs/risk-model.md) scores it from how the mechanism
is triggered, what it does to a prediction and how many predictions it reaches. A rule names its
mechanism when it registers; an unknown name is refused there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mlreview.areas.common import (
    Ingested,
    either,
    ingested,
    lag_words,
    load_limit_words,
    marked_inferred,
    proxied,
    serving_platforms,
    unfiltered,
    watched,
    windowed_features,
    worded,
)
from mlreview.areas.loop_gain import compounds
from mlreview.document.cells import duration
from mlreview.system.manifest import Endpoint, Feature, FeedbackLoop, Model, Pipeline, Source

if TYPE_CHECKING:
    from mlreview.areas.findings import Finding
    from mlreview.system.system import System

Trigger = Literal["present", "outage", "event", "growth"]
"""How the harm starts: a defect acting now (present), a component failing at the rate its
availability implies (outage), a change that goes wrong at the rate of its kind (event), or
traffic reaching the growth target (growth)."""

Harm = Literal["silent", "loud", "stale", "blind", "evaluation"]
"""What an affected prediction suffers: wrong with no error (silent), no answer or an error
(loud), old inputs (stale), errors nobody can measure or learn from (blind), or decisions made
on offline figures that overstate production (evaluation)."""

Reach = Literal["endpoint", "features", "capacity", "unlabelled"]
"""How many predictions it touches: all of the endpoint's, those the affected features weigh on,
those over the SLO at the growth target, or those whose outcome is never seen."""


@dataclass(frozen=True)
class Family:
    title: str
    """The scenario's title; {anchor} names its root component."""
    effect: str
    """One sentence on what happens; {who} names the components."""
    trigger: Trigger
    harm: Harm
    reach: Reach
    verify: str
    """The step that proves the fix: the failure injected where it is safe, and what must
    happen; {anchor} names the root component."""
    damage: float
    """Harm to one reached prediction, 0-1 (docs/risk-model.md): a constant passed off as data
    destroys the feature (1); a differently computed value distorts it (0.5); no answer (0.6)."""
    occurrence: str = "bad change"
    """What one event of an event-triggered cause is, as a noun phrase: 'failed run'."""

    def heading(self, anchor: str) -> str:
        return worded(self.title, anchor=anchor)


FAMILIES: dict[str, Family] = {
    "silent-default": Family(
        "{anchor} fails and its default is scored as real data",
        "when {anchor} stops, serving substitutes an in-range value with no flag, the model "
        "scores it as data and the next training run learns it",
        "outage",
        "silent",
        "features",
        "withhold {anchor}'s next load in staging: a page must fire before serving reads "
        "the default, and the next training run must flag or drop the defaulted examples",
        1.0,
    ),
    "skew": Family(
        "{anchor} differs between training and serving",
        "serving computes or sees {anchor} differently from training, so predictions degrade "
        "with no error",
        "event",
        "silent",
        "features",
        "replay a day of logged requests through the training code: fewer than 1% of "
        "{anchor} values may differ",
        0.5,
        occurrence="change to one side's code",
    ),
    "leakage": Family(
        "{anchor} leaks the outcome into training",
        "training sees values of {anchor} that serving cannot have, so offline metrics and the "
        "promotion gate reward a model that serving cannot reproduce",
        "present",
        "evaluation",
        "features",
        "rebuild last month's training set with {anchor} joined as of each prediction's time "
        "and compare the offline metric with today's: the gap is the leak, and the rebuilt "
        "set's metric must come within 1% (relative) of what the serving model scores on the "
        "next 7 days of matured outcomes; a value of {anchor} stamped after its prediction's "
        "time, planted in staging, must be left out by the next training run, within a day",
        0.3,
    ),
    "stale-feature": Family(
        "{anchor} serves features older than their budget",
        "a late or failed refresh leaves {others} stale or missing while they are still served",
        "event",
        "stale",
        "features",
        "skip one run of {anchor}'s refresh on staging: an alert must fire before the budget "
        "passes and serving must fall back to last-known-good values",
        0.4,
        occurrence="missed refresh",
    ),
    "source-outage": Family(
        "{anchor} fails and serving has no declared answer",
        "when {anchor} stops, nothing decided what serving does, so the code decides",
        "outage",
        "loud",
        "endpoint",
        "cut {anchor} on canary traffic: serving must answer as declared and page someone",
        0.6,
    ),
    "stale-source": Family(
        "{anchor} goes stale and nothing notices",
        "when {anchor} stops updating, what it feeds keeps being {kept} as if it were current",
        "outage",
        "stale",
        "features",
        "stop {anchor}'s updates in staging: the freshness alert must fire before the first "
        "feature built from it passes its budget",
        0.4,
        occurrence="stall",
    ),
    "upstream-change": Family(
        "An upstream change to {anchor} changes what the model sees",
        "another team changes the meaning or schema of {anchor} and the model keeps scoring "
        "with it",
        "event",
        "silent",
        "features",
        "replay a week of {anchor} in staging with one column's values shifted by 30% and "
        "its schema unchanged, a change of meaning no schema check sees: the distribution "
        "check must flag it before training or serving uses it",
        0.5,
        occurrence="upstream change",
    ),
    "pipeline-outage": Family(
        "{anchor} fails or runs late and what it feeds goes stale",
        "a missed or late run of {anchor} leaves what it feeds older than its budget while it "
        "is still served",
        "event",
        "stale",
        "features",
        "fail one run of {anchor} on staging: an alert must fire and a re-run must "
        "backfill without duplicates",
        0.4,
        occurrence="failed or late run",
    ),
    "schedule-race": Family(
        "{anchor} is read before its run finishes",
        "what reads {anchor} starts on the clock before {anchor}'s run can finish, so it uses "
        "the previous run's or half-written output whenever the run takes its usual time, with "
        "no failure anywhere to alert on",
        "present",
        "stale",
        "features",
        "hold {anchor}'s run back by its usual run time in staging: what reads it must wait "
        "for it, or page within twice that run time, never run on the previous output",
        0.4,
    ),
    "dependency-outage": Family(
        "{anchor} fails and takes the predictions on its path with it",
        "a slow or failed {anchor} holds or fails every request that calls it",
        "outage",
        "loud",
        "endpoint",
        "block {anchor} for canary traffic: requests must get the fallback within the "
        "latency SLO and the circuit must close again",
        0.6,
    ),
    "fleet-rollout": Family(
        "A change to {anchor} reaches every cluster at once and takes serving down with it",
        "a change to {anchor}, or to an agent on every node that loads it, goes to every cluster "
        "at once after testing at a smaller scale, overloads it everywhere together, and what "
        "serves through it fails in every cluster; rolling back needs the control plane it "
        "overloaded",
        "event",
        "loud",
        "endpoint",
        "on a game day, block the API servers of one production cluster for an hour: serving "
        "must keep answering from cached lookups, and a change must be removable without them",
        0.6,
        occurrence="fleet-wide change",
    ),
    "endpoint-outage": Family(
        "{anchor} goes down with nothing to answer in its place",
        "when {anchor} is down, its callers get no prediction",
        "outage",
        "loud",
        "endpoint",
        "take {anchor} down for canary callers: they must get the fallback answer and "
        "someone must be paged",
        0.6,
    ),
    "capacity": Family(
        "{anchor} cannot serve the growth target",
        "at the growth target requests to {anchor} queue past the latency SLO or are dropped",
        "growth",
        "loud",
        "capacity",
        "load-test {anchor} with its dependencies to the growth target and past it: p99 "
        "must stay within the SLO up to the target, and beyond it the excess must be refused "
        "at once rather than queued past its timeout",
        0.6,
    ),
    "bad-release": Family(
        "A bad version of {anchor} reaches all traffic",
        "a version of {who} that scores differently in production goes live everywhere at once",
        "event",
        "silent",
        "endpoint",
        "ship a deliberately degraded version of {anchor} to canary: the guardrails must "
        "roll it back automatically",
        0.5,
        occurrence="bad release",
    ),
    "bad-training-data": Family(
        "Bad data trains and ships a worse {anchor}",
        "an upstream data error{data} trains {models}{jobs} and reaches serving",
        "event",
        "silent",
        "endpoint",
        "train on a corrupted partition in staging: validation must block the run or the "
        "gate must veto the model",
        0.5,
        occurrence="bad training set",
    ),
    "stale-model": Family(
        "{anchor}: late or missing labels may go unnoticed",
        "labels for {who} may come too late, or stop, for a retrain or a quality metric to "
        "see a change in time",
        "present",
        "blind",
        "endpoint",
        "hold back a week of labels in staging: the label-age alert must fire and the "
        "retrain must wait",
        0.05,
    ),
    "selective-labels": Family(
        "{anchor} records outcomes only where the model allowed them",
        "outcomes for {who} are seen only where the model's decision allowed them, so the next "
        "model learns from a sample its predecessor chose and its errors on the rest are never "
        "measured",
        "present",
        "blind",
        "endpoint",
        "before any case is let through, take a month of labelled history, hide the outcomes "
        "of the cases a stricter model would have stopped, apply the exploration share to "
        "them and recompute recall with inverse-propensity weights from what is left: it must "
        "fall within the 95% interval of the recall on the full month, or the weights are "
        "wrong",
        0.2,
    ),
    "biased-feedback": Family(
        "What {anchor} records is shaped by the model's own decisions",
        "the training data of {models} is shaped by the model's own past decisions, so the "
        "next model repeats this one's choices",
        "present",
        "blind",
        "endpoint",
        "compare the explored share with the rest after a month: exposure concentration "
        "must stay within its range",
        0.03,
    ),
    "unadapted-drift": Family(
        "{anchor} keeps predicting a world that has changed",
        "when what {anchor} predicts shifts, nothing retrains it on the new data until its "
        "schedule comes round, and the scheduled retrain still averages over the old world",
        "event",
        "silent",
        "endpoint",
        "replay last quarter's data with a month shifted by one standard deviation: the drift "
        "trigger must start a retrain within a day",
        0.5,
        occurrence="shift in the world",
    ),
    "bad-artefact": Family(
        "A bad output of {anchor} reaches serving and every request fails",
        "{anchor} writes a file or table that serving loads on every request without checking "
        "it, and serving fails closed on a bad one",
        "event",
        "loud",
        "endpoint",
        "publish an oversized or malformed output of {anchor} to one canary location: the "
        "validation must refuse it and serving must keep the last good version",
        0.6,
        occurrence="bad output",
    ),
    "unchecked-output": Family(
        "A bad run of {anchor} is served as if it were good",
        "{anchor} rewrites what serving reads without checking it, so a wrong or half-written "
        "output answers requests with no error until someone notices",
        "event",
        "silent",
        "endpoint",
        "write a deliberately corrupted output of {anchor} (half the rows, shuffled ids) to a "
        "staging copy: the check must refuse it before serving reads it",
        0.5,
        occurrence="bad output",
    ),
    "offline-online-gap": Family(
        "Offline evaluation of {anchor} overstates production quality",
        "{who} look better offline than they can be in serving, so launches and retrains are "
        "judged on figures production will not reach",
        "present",
        "evaluation",
        "endpoint",
        "evaluate the serving model on next week's traffic and compare with its offline "
        "figure: the difference must be inside the gate's margin",
        0.3,
    ),
    "runaway-automation": Family(
        "{anchor} can act at any scale when its inputs drift",
        "{anchor} acts automatically with no cap on how much, so a drifted input or a bad "
        "release turns into mass wrong actions before anyone looks",
        "event",
        "silent",
        "endpoint",
        "replay a day of traffic with the score shifted up by 0.1 on canary: the action "
        "limit must hold and page",
        1.0,
        occurrence="drift of its inputs",
    ),
    "review-hygiene": Family(
        "Review hygiene",
        "suppressions no longer match findings",
        "present",
        "evaluation",
        "endpoint",
        "re-run the review: no suppression may silence nothing",
        0.0,
    ),
}


@dataclass(frozen=True)
class Headline:
    """A title and effect that name the specific mechanism when a rule's finding is among a
    scenario's causes, where the family's own would be a template ("bad data trains a worse
    model" for users who can steer the training data). {named} names the components of that
    rule's findings other than the root (a headline that uses it needs one), {anchor} the root."""

    title: str
    effect: str
    verify: str | None = None
    """The proving step for this mechanism, where the family's would test another one."""
    fill: Callable[[System, list[Finding]], dict[str, str] | None] | None = None
    """More of the system's words for the title, effect and proving step, from the rule's
    findings: the fields they format with, or None when this headline does not apply."""


def _limit_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """The consumer's declared limit on the artefact a DATA022 finding names."""
    for f in hits:
        for ident in f.components:
            e = system.get(ident)
            if not isinstance(e, Endpoint):
                continue
            for dep in e.dependencies:
                words = load_limit_words(e.id, dep) if dep.target in f.components else None
                if words is not None:
                    return {"limit": words}
    return None


def _canaried(endpoints: list[Endpoint]) -> bool:
    return bool(endpoints) and all(e.release and e.release.canary for e in endpoints)


CANARY_MISSES = (
    "passes a canary that watches errors, latency and quality averages rather than the outputs "
    "themselves"
)


def _reference_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """A model served on several platforms is compared with a reference implementation, not
    with training; and where canaries are declared a bad change passes them rather than going
    live everywhere at once."""
    endpoints = [e for f in hits for c in f.components if isinstance(e := system.get(c), Endpoint)]
    platforms = sorted({p for e in endpoints for p in serving_platforms(system, e)})
    canaried = _canaried(endpoints)
    if platforms:
        models = sorted({e.model for e in endpoints})
        return {
            "title": "A serving change on one platform can alter what {anchor} output, and "
            "nothing compares it with a reference implementation",
            "effect": f"the same model ({' and '.join(models)}) runs on {len(platforms)} platforms "
            f"({', '.join(platforms)}), each with its own kernels, compiler and sampling code, "
            "and nothing compares a platform's outputs with a reference implementation before a "
            "change to it ships, so a change that shifts them (a runtime setting, a sampler, a "
            "compiler upgrade) "
            + (
                f"{CANARY_MISSES} and reaches that platform's users with no error"
                if canaried
                else "goes live on that platform at once with no error"
            ),
            "verify": "release on one platform's canary (one of {anchor}) a serving build with one "
            "change that shifts its outputs (an approximate top-k in the sampler, or lower "
            "precision in one kernel): the reference comparison must block it before any "
            "traffic reaches it, at a mean KL divergence above 1e-3 nats or top-1 agreement "
            "below 99.5%, and the same build run with the comparison skipped must page from "
            "the probes within 30 minutes",
        }
    return {
        "title": "A release can change what {anchor} scores, and no check compares it with "
        "training",
        "effect": "nothing scores a golden set in the production serving image of {anchor} "
        "against the training environment's scores, so a model or serving-stack change (an "
        "operator, library, compiler or runtime setting) that changes the scores "
        + (
            f"{CANARY_MISSES} and reaches all traffic"
            if canaried
            else "goes live everywhere at once"
        ),
        "verify": "release a serving image of {anchor} with one runtime setting changed that "
        "alters the scores (numeric precision or a sampling parameter): the golden-set "
        "comparison must fail the release before any traffic reaches it, and the same image "
        "sent to a canary with the comparison skipped must be rolled back within 10 minutes",
    }


def _canary_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """A release with a canary and no automatic rollback does not go 'live everywhere at once':
    it passes the canary and stays. None (the family's words) when any endpoint has no canary."""
    endpoints = [e for f in hits for c in f.components if isinstance(e := system.get(c), Endpoint)]
    return {} if _canaried(endpoints) else None


def _loop_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """A loop that answers in kind (declared factors, or a price following a price) told as its
    compounding, k x c a round (areas/loop_gain.py); any other loop through other systems as
    actions coming back to it."""
    gain = compounds(system, {c for f in hits for c in f.components})
    if gain is None:
        return {
            "loop": "feeds its actions back to it",
            "how": " on how much, and what it does comes back to it through other systems, so "
            "one drifted input or bad release compounds run after run",
        }
    monitoring = system.manifest.monitoring
    watched = bool(monitoring and monitoring.drift and monitoring.drift.predictions)
    return {
        "loop": "compounds its actions",
        "how": f", and sets what it does from what {gain.through} did in answer to its last "
        f"action, so its factor k and theirs c multiply every round: {gain.working()}; with "
        "no ceiling, no limit on a change"
        + ("" if watched else " and nothing watching what it sets")
        + ", it runs on until someone happens to see it",
    }


def _twice_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """The languages of a feature's two implementations, where declared: 'python and sql
    offline, scala online'."""
    features = [x for f in hits for c in f.components if isinstance(x := system.get(c), Feature)]
    offline = sorted({x.training.language for x in features if x.training and x.training.language})
    online = sorted({x.serving.language for x in features if x.serving and x.serving.language})
    ids = {x.id for x in features}
    # One id that is a plural noun ('features', drafted from prose) takes the plural too.
    many = len(ids) > 1 or any(i.endswith("s") and not i.endswith("ss") for i in ids)
    words = {
        "are": "are" if many else "is",
        "them": "them" if many else "it",
        "their": "their" if many else "its",
    }
    if not offline or not online:
        return {**words, "languages": ""}
    languages = f" ({' and '.join(offline)} offline, {' and '.join(online)} online)"
    return {**words, "languages": languages}


def _ingested_of(system: System, hits: list[Finding]) -> tuple[Model, list[Ingested]] | None:
    """The model a DATA003 finding trains and the sources it names that another party owns and
    that model's labels or features are built from; None when there are none."""
    for f in hits:
        models = [m for c in f.components if isinstance(m := system.get(c), Model)]
        sources = [c for c in f.components if isinstance(system.get(c), Source)]
        for m in models:
            found = ingested(system, m, sources)
            if found:
                return m, found
    return None


def _ingested_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """Unchecked data from another party's source that the model's labels or features are built
    from: the headline names the source, what of the training data it makes, the job that trains
    on it, and a proof that corrupts what it sends (the labels where it carries them)."""
    got = _ingested_of(system, hits)
    if got is None:
        return None
    model, found = got
    feed = either([i.source.id for i in found], "and")
    labels = list(dict.fromkeys(x for i in found for x in i.labels))
    features = list(dict.fromkeys(x for i in found for x in i.features))
    what = Ingested(found[0].source, tuple(labels), tuple(features)).words()
    one = found[0].source
    if len(found) == 1:
        # Free text: its braces are kept literal through the effect's format(anchor=...).
        said_owner = (one.owner or "").replace("{", "{{").replace("}", "}}")
        owner = f"owned by {said_owner}" if said_owner else "owned outside the model team"
        kind = "a third party's feed" if one.kind == "third_party" else "a source"
        unversioned = (
            " with no versioned schema"
            if one.contract is not None and one.contract.schema_versioned is False
            else ""
        )
        said = f"{feed}, {kind} {owner}{unversioned}, is"
    else:
        said = f"{feed}, owned outside the model team, are"
    built = []
    if labels:
        built.append(f"the labels of {either(labels, 'and')}")
    if features:
        built.append(either(features, "and"))
    pipe = system.training_pipeline(model)
    train = pipe.id if pipe else "training"
    promoted = ""
    if model.training and model.training.automated:
        gate = model.validation_gate
        promoted = ", and automatic promotion ships it" + (
            " past a gate on the model's own metrics" if gate and gate.enabled else ""
        )
    if labels:
        decision = system.manifest.system.decision
        regression = decision is not None and decision.type == "regression"
        corrupt = (
            "the label values it sends multiplied by 100"
            if regression
            else "a tenth of the labels it sends flipped"
        )
    else:
        corrupt = f"the values behind {either(features, 'and')} multiplied by 100"
    return {
        "feed": feed,
        "what": what,
        "effect": f"{said} ingested with no blocking check, and {' and '.join(built)} "
        f"{'are' if len(built) > 1 or len(features) > 1 else 'is'} built from it, so one bad "
        "batch from a sender (duplicated events, values in another unit) becomes what "
        f"{train} trains {{anchor}} on{promoted}",
        "verify": f"replay one day of {feed} in staging with {corrupt} and a tenth of its "
        f"events duplicated: the check must quarantine them within the hour they land, before "
        f"{train} reads them, and the serving model must not change",
    }


def _proxy_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """An upstream source standing in for an outcome measured elsewhere, feeding models refit
    only by hand (``common.proxied``): the change bends the fitted relation, not only a schema."""
    for f in hits:
        for c in f.components:
            if not isinstance(system.get(c), Source) or (found := proxied(system, c)) is None:
                continue
            models = either([m.id for m in found.models], "and")
            ids = {m.id for m in found.models}
            fed = [
                x
                for x in system.features_fed_by(c)
                if any(x in system.model_feature_ids(m) for m in found.models)
            ]
            many = len(ids) > 1
            return {
                "truth": found.truth.id,
                "models": models,
                "effect": f"the fit of {models} rests on how {either(fed, 'and')} from "
                f"{{anchor}} moves with {found.truth.id}, the "
                "outcome measured elsewhere; when another team changes {anchor}, or anything "
                "but the outcome moves it, that relation no longer holds and the estimates "
                f"drift from {found.truth.id}, with nothing to refit {'them' if many else 'it'} "
                "but someone's judgement",
            }
    return None


def _unfiltered_fill(system: System, hits: list[Finding]) -> dict[str, str]:
    """The filters a FEED012 finding's loops lack, as its rule reads them (``common.unfiltered``):
    'no bot or poisoning filter' said of a loop that filters bots contradicts its manifest."""
    gaps: list[str] = []
    for f in hits:
        for c in f.components:
            loop = system.get(c)
            if isinstance(loop, FeedbackLoop):
                gaps += [g for g in unfiltered(system, loop) if g not in gaps]
    words = " or ".join(gaps) if gaps else "bot or poisoning"
    return {"unfiltered": f"no {words} filter"}


def _loop_of(system: System, hits: list[Finding]) -> tuple[FeedbackLoop, Model] | None:
    """The first feedback loop a rule's findings name, with the model it trains."""
    for f in hits:
        for c in f.components:
            loop = system.get(c)
            if isinstance(loop, FeedbackLoop) and isinstance(
                model := system.get(loop.model), Model
            ):
                return loop, model
    return None


def _delay(system: System, loop: FeedbackLoop, which: str) -> str | None:
    """A declared label delay in words, '60 d (marked inferred)' where the manifest says so."""
    delay = loop.label.delay if loop.label else None
    value = getattr(delay, which, None) if delay else None
    if delay is None or value is None:
        return None
    tag = " (marked inferred)" if marked_inferred(system, delay, which) else ""
    return f"{duration(float(value))}{tag}"


def _immature_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """The facts FEED007 rests on, for its headline: the label delay's p95, the retrain cadence
    and the maturity window (none, or one shorter than the delay)."""
    found = _loop_of(system, hits)
    if found is None:
        return None
    loop, model = found
    p95 = _delay(system, loop, "p95") or _delay(system, loop, "p50")
    cadence = model.training.cadence if model.training else None
    if p95 is None or cadence is None or cadence.continuous:
        return None
    maturity = loop.label.maturity_window if loop.label else None
    window = f"a {duration(float(maturity))} maturity window" if maturity else "no maturity window"
    return {
        "model": model.id,
        "p95": p95,
        "cadence": f"every {duration(cadence.period)}",
        "maturity": window,
    }


def _slow_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """The median label delay FEED008 rests on, for its headline."""
    found = _loop_of(system, hits)
    if found is None:
        return None
    loop, model = found
    p50 = _delay(system, loop, "p50")
    return None if p50 is None else {"model": model.id, "p50": p50}


def _label_pipeline_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """What a DATA017 label pipeline lacks an alert on: its failures, or its lateness."""
    for f in hits:
        for c in f.components:
            pipe = system.get(c)
            if isinstance(pipe, Pipeline):
                alerts = pipe.alerts
                failed = alerts is not None and watched(alerts.on_failure)
                return {"gap": "lateness" if failed else "failure"}
    return None


DAY = 86400.0


def _lag_fill(system: System, hits: list[Finding]) -> dict[str, str] | None:
    """How far behind a step change the model's training window and its windowed features stay:
    a mean over W has moved t / W of the way t after the step, half-way at W / 2 (docs/plans.md).
    t is the retrain cadence where one is declared (the model's next chance to learn the step),
    else a day. None when neither the model's window with a cadence nor a feature's window is
    declared: the family's words then."""
    models = [m for f in hits for c in f.components if isinstance(m := system.get(c), Model)]
    if not models:
        return None
    model = models[0]
    training = model.training
    cadence = training.cadence if training and training.cadence else None
    period = float(cadence.period) if cadence and cadence.period > 0 else None
    window = float(training.window) if training and training.window else None
    parts = []
    if period is not None and window is not None and period < window:
        tag = (
            " (marked inferred)" if training and marked_inferred(system, training, "window") else ""
        )
        parts.append(
            f"a retrain {duration(period)} after a step learns from a {duration(window)} "
            f"window{tag} of which {lag_words(period, window)} is new, and half only "
            f"{duration(window / 2)} after it"
        )
    t = period if period is not None else DAY
    for feature, w in windowed_features(system, model)[:2]:
        if w <= t:
            continue
        side = feature.training if feature.training and feature.training.window else feature.serving
        tag = " (marked inferred)" if side and marked_inferred(system, side, "window") else ""
        parts.append(
            f"{feature.id}, a mean over {duration(w)}{tag}, has moved only {lag_words(t, w)} "
            f"of the way to its new level {duration(t)} after the step, and half-way "
            f"{duration(w / 2)} after it"
        )
    if not parts:
        return None
    return {
        "lag": "; ".join(parts),
    }


LAGGING = Headline(
    "{anchor} keeps predicting a world that has changed",
    "when what {anchor} predicts shifts, nothing retrains it on the new data until its schedule "
    "comes round, and the scheduled retrain still averages over the old world: {lag}",
    fill=_lag_fill,
)
"""The drift family's words with the arithmetic of how slowly its windows follow a step."""


TWICE_STALE = Headline(
    "{named} {are} computed twice{languages} and served older than {their} budget: the model is "
    "not served what it trained on",
    "{named} {are} computed by separate code for training and for serving, and {anchor} "
    "refreshes {them} less often than {their} freshness budget, so what the model is served "
    "differs from what it trained on both in how and in when each value was computed, with no "
    "error",
    "log a day of served values of {named} on a tenth of traffic and join them to the training "
    "code's values for the same entity and time, then break one feature's serving key on "
    "staging: the per-feature parity gate must pass the rest (fewer than 1% of rows more than "
    "1% apart) and block the broken one, and a refresh of {anchor} skipped on staging must "
    "page from the share served at the default within 15 minutes",
    fill=_twice_fill,
)
"""One root cause with two halves: separately coded features that are also served stale
(DoorDash's ads ranker, 2024)."""


HEADLINES: dict[tuple[str, str], Headline] = {
    ("capacity", "SCALE018"): Headline(
        "{anchor}'s launch forecast sits just under a fixed ceiling and nothing caps demand",
        "{anchor} cannot grow past its ceiling during the launch, and its demand is a forecast "
        "with nothing to cap it (no sign-up cap, per-user limit that bounds the total or load "
        "shedding is declared), so demand past the ceiling waits in the queue until it times "
        "out for everyone rather than being refused for a few",
        "run a game day on a tenth of {anchor}'s fleet at twice that tenth's share of the "
        "launch forecast, with clients retrying as they do in production: admission must hold "
        "the admitted share within the SLO, refused requests must fail in under a second, and "
        "goodput must stay at 95% of the ceiling or more",
    ),
    ("bad-release", "SKEW001"): Headline(
        "A change to how {anchor} computes its features reaches all traffic unchecked",
        "{named} are computed by separate code for training and for {anchor}, so a change to "
        "either side that computes them differently goes live everywhere at once",
        "replay a day of logged requests to {anchor} through the training code and compare "
        "{named} value by value: fewer than 0.1% may differ, and a change to either side's "
        "code that moves one must fail CI before it ships",
    ),
    ("capacity", "SCALE012"): Headline(
        "{anchor} needs more accelerators at the growth target than its quota grants",
        "at the growth target {anchor} needs more accelerators than it is granted, and quota "
        "comes in days, not minutes, so demand past what the granted fleet serves waits in the "
        "queue until it times out, unless admission refuses it at the door",
    ),
    ("stale-feature", "SKEW001"): TWICE_STALE,
    ("stale-feature", "SKEW002"): TWICE_STALE,
    ("bad-release", "SKEW013"): Headline("{title}", "{effect}", "{verify}", fill=_reference_fill),
    ("bad-artefact", "DATA022"): Headline(
        "{limit} and nothing checks {anchor}'s output against that before it ships",
        "{anchor} rewrites what serving loads on every request, so one output past that limit "
        "(a query that starts returning duplicate rows doubles the count) fails every request "
        "at once, everywhere it is copied",
        "publish an output of {anchor} with every entry duplicated (twice today's count) to "
        "one canary location: the check must refuse it before it ships, serving must keep "
        "the last good version, and the same output shipped with the check skipped must stop "
        "at that location within its 10-minute stage",
        fill=_limit_fill,
    ),
    ("bad-release", "SCALE011"): Headline(
        "A bad version of {anchor} can pass its canary, and nothing rolls it back",
        "new versions of {anchor} take a canary first, but no guardrail rolls one back "
        "automatically, so a version that scores differently in production without erring "
        "passes it, takes all traffic and stays live until someone rolls it back by hand",
        fill=_canary_fill,
    ),
    ("offline-online-gap", "SKEW017"): Headline(
        "{anchor} learns from a context it does not serve, with nothing to tell the two apart",
        "{anchor}'s training pools examples from a context serving never scores with its own, "
        "and no feature says which is which, so it learns a blend of two audiences, serves it "
        "where only one applies, and a gate on the same pooled examples passes it",
        "score the serving model on held-out examples of the served context alone and compare "
        "with its figure on the pooled examples: the gate must report the served context's "
        "figure, and a candidate trained without the other context (or with it as a feature) "
        "must not do worse on it",
    ),
    ("offline-online-gap", "SKEW016"): Headline(
        "{anchor} never trains on part of what it serves, and its gate cannot see it",
        "a filter keeps some of the cases {anchor} serves out of every training example, so it "
        "extrapolates on them in production, and an offline gate on the same filtered examples "
        "passes every candidate",
        "score the candidate on a slice of the excluded cases taken from logged serving "
        "traffic: the gate must report that slice and fail a candidate worse on it than the "
        "current model",
    ),
    ("runaway-automation", "FEED005"): Headline(
        "{anchor} acts with no cap on a loop that {loop}",
        "{anchor} acts automatically with no cap{how}",
        fill=_loop_fill,
    ),
    ("skew", "SKEW012"): Headline(
        "{anchor} loads its preprocessing apart from its artefact, so serving can transform its "
        "inputs differently from training",
        "{anchor} loads its preprocessing separately from the model artefact, so a vocabulary, "
        "scaler or encoder changed at serving transforms its features differently from the "
        "ones it trained with, and its predictions degrade with no error",
        "load {anchor} in staging with the preprocessing artefacts of the previous version: "
        "the bundle check must refuse to serve it, and replayed requests must score within 1% "
        "of the bundled version",
    ),
    ("stale-model", "DATA017"): Headline(
        "Labels from {anchor} can stop arriving without anyone being told",
        "{anchor} has no alert on {gap}, so when it stops, retraining quietly uses fewer and "
        "older outcomes and the quality metrics freeze at their last value",
        "stop {anchor} in staging: the label-age alert must fire within the expected delay, "
        "and the retrain must wait",
        fill=_label_pipeline_fill,
    ),
    ("stale-model", "FEED007"): Headline(
        "{model} retrains {cadence} on labels that take up to {p95} to arrive, with {maturity}",
        "{model} retrains {cadence} while its labels take up to {p95} to arrive and it keeps "
        "{maturity}, so each run trains on recent rows whose outcomes have not come in yet: they "
        "count as negatives, and it learns that recent cases turned out well",
        "hold back the newest {p95} of labels in a staging retrain: rows younger than the "
        "maturity window must be left out, and the candidate's metric on matured rows must "
        "not fall",
        fill=_immature_fill,
    ),
    ("stale-model", "FEED008"): Headline(
        "The quality of {model} shows only in labels {p50} after a prediction, and nothing "
        "faster watches it",
        "labels for {model} arrive {p50} after a prediction (median) and no prediction-drift "
        "or proxy monitor is declared, so a model gone wrong serves that long before any "
        "quality metric moves",
        "shift the scores of {model} on a canary slice in staging: the prediction-distribution "
        "alert must fire within a day, before any label arrives",
        fill=_slow_fill,
    ),
    ("stale-model", "FEED015"): Headline(
        "No outcome of what {anchor} predicts comes back to measure or retrain it",
        "nothing brings back what happened after {anchor} predicted, so its quality in "
        "production is never measured and no retrain learns from it",
    ),
    ("bad-training-data", "FEED012"): Headline(
        "Users can steer what {anchor} learns through {named}",
        "what users send through {named} trains {anchor} with {unfiltered}, so a coordinated "
        "few can shift what it learns and then serves",
        "before launch, have a red team of a few hundred test accounts send a coordinated "
        "burst of crafted inputs (echo requests among them) through {named} to a staging "
        "copy for two hours: the filter must drop them before anything learns from them, "
        "{anchor}'s answers on a fixed probe set must not move, and with the filter off the "
        "probe set must pause learning within an hour",
        fill=_unfiltered_fill,
    ),
    ("unadapted-drift", "FEED014"): LAGGING,
    ("upstream-change", "DATA005"): Headline(
        "An upstream change to {anchor}, a stand-in for what {truth} measures, bends {models} "
        "until someone refits it",
        "{effect}",
        fill=_proxy_fill,
    ),
    ("bad-training-data", "DATA003"): Headline(
        "Bad data ingested from {feed} corrupts {what} {anchor} trains on",
        "{effect}",
        "{verify}",
        fill=_ingested_fill,
    ),
}
"""Checked in order: the first whose rule is among a scenario's causes gives its heading."""
