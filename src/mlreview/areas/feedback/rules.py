"""Feedback-loop rules: how outcomes flow back into the model and what biases them."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.citations import BRECK17, GCP, LAKK17, SCULLEY, ZINK
from mlreview.areas.common import third_party_label, trained_here, unfiltered, watched
from mlreview.areas.domain import domain_of
from mlreview.areas.feedback.assessment import FeedbackAssessment
from mlreview.areas.feedback.design import daily_predictions, exploration_share
from mlreview.areas.findings import Severity
from mlreview.areas.rule import Context, Hit, Probe, RuleSet
from mlreview.document.cells import number
from mlreview.document.cells import share as share_text
from mlreview.system.manifest import Model
from mlreview.system.units import format_seconds

RULES: RuleSet[FeedbackAssessment] = RuleSet(area="feedback", prefix="FEED")

DAILY_RETRAIN = 86400.0
"""A retrain schedule at least this frequent (seconds between runs) follows a shift within a
day, so retraining on the calendar alone is no finding (FEED014)."""


def _holdout_plan(ctx: Context[FeedbackAssessment], loop_id: str) -> str:
    """' Here: hold out 0.1% ... in 96 days.' from the designed loop, or '' if it is unsized."""
    design = ctx.assessment.design_for(loop_id)
    h = design.holdout if design else None
    if not h or h.fraction is None or h.days_to_detect is None or h.outcomes_needed is None:
        return ""
    return (
        f" Here: {h.phrase} detects a {share_text(h.min_detectable_effect)} "
        f"change in {number(h.days_to_detect)} days ({h.outcomes_needed:,} labelled outcomes)."
    )


def _exploration_cost(ctx: Context[FeedbackAssessment], model_id: str, share: float) -> str | None:
    """Decisions a day taken at random, and the positives among them at the base rate."""
    model = ctx.system.get(model_id)
    if not isinstance(model, Model):
        return None
    daily, basis = daily_predictions(ctx.system, model)
    if daily is None:
        return None
    per_day = daily * share
    text = f"{per_day:,.0f} of {daily:,.0f} decisions a day taken at random ({basis})"
    base = next(
        (
            loop.label.base_rate
            for loop in ctx.system.manifest.feedback
            if loop.model == model_id and loop.label and loop.label.base_rate
        ),
        None,
    )
    if base and domain_of(ctx.system).name in ("block/approve", "approve/decline"):
        # Only the would-be blocks among the random share are let through, and the positives
        # among them cannot outnumber the positives in the whole share.
        text += (
            f"; only the would-be blocks among them go through, so at the {base:g} base rate "
            f"at most about {per_day * base:,.0f} more positives a day get past it"
        )
    elif base:
        text += f"; at the {base:g} base rate about {per_day * base:,.0f} of them are positives"
    return text


def _exploration_share(ctx: Context[FeedbackAssessment], loop_id: str) -> float:
    return exploration_share(ctx.assessment.design_for(loop_id))


def _model(ctx: Context[FeedbackAssessment], ident: str) -> Model:
    m = ctx.system.get(ident)
    assert isinstance(m, Model)
    return m


@RULES.rule(
    1,
    "selective-labels-without-holdout",
    severity=Severity.HIGH,
    summary="Outcomes are seen only where the model let something through, with no holdout.",
    rationale="A fraud model that blocks a transaction never learns whether it was fraud; "
    "retraining on approved traffic only teaches the model its own blind spots, and its "
    "measured precision cannot be checked.",
    sources=(LAKK17, f"{ZINK} #34", "Stripe Radar: evaluating blocking models with randomness"),
    fix="Act on a small randomised share of cases regardless of the model, log the probability "
    "of each action, and evaluate and retrain with inverse-propensity weights.",
    mitigation="prevent",
    scenario="selective-labels",
    likelihood=9,
    silent=True,
)
def selective_labels(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        when = p.get(loop, "label.observed_only_when")
        if not when:
            continue
        holdout = p.get(loop, "holdout.enabled", assume=False)
        explore = p.get(loop, "exploration.enabled", assume=False)
        if holdout or explore:
            continue
        automated = (
            ctx.system.manifest.system.decision
            and ctx.system.manifest.system.decision.automated_action
        )
        domain = domain_of(ctx.system)
        share = _exploration_share(ctx, loop.id)
        yield p.hit(
            [loop.id, loop.model],
            f"Labels for {loop.model} arrive only when '{when}', and no holdout or exploration "
            "shows what happens otherwise.",
            loop.label or loop,
            "observed_only_when",
            severity=Severity.CRITICAL if automated else None,
            fix=domain.unexplored_fix.format(share=share_text(share), explore=domain.explore),
            enact={
                (*loop.path, "exploration", "enabled"): True,
                (*loop.path, "exploration", "fraction"): share,
                (*loop.path, "exploration", "propensity_logged"): True,
            },
            cost=_exploration_cost(ctx, loop.model, share),
        )


@RULES.rule(
    2,
    "exploration-without-propensity",
    severity=Severity.MEDIUM,
    summary="Exploration runs without logging the probability of each action.",
    rationale="Counterfactual evaluation and unbiased retraining weight each example by the "
    "inverse of its action probability; without it the explored data is biased too.",
    sources=("Joachims et al., Unbiased Learning-to-Rank (WSDM 2017)", f"{ZINK} #30"),
    fix="Log the action probability with every decision and carry it into the label join.",
    mitigation="prevent",
    scenario="biased-feedback",
    likelihood=6,
    silent=True,
)
def exploration_without_propensity(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        if not p.get(loop, "exploration.enabled"):
            continue
        if p.get(loop, "exploration.propensity_logged", assume=False):
            continue
        yield p.hit(
            [loop.id],
            f"Loop {loop.id} explores without logging propensities.",
            loop.exploration or loop,
            "propensity_logged",
        )


@RULES.rule(
    3,
    "click-position-bias",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="A ranker learns from clicks without handling position bias.",
    rationale="Users click what is shown first; a ranker trained on raw clicks learns its own "
    "past ordering.",
    sources=(f"{ZINK} #36", "Joachims et al., Unbiased Learning-to-Rank (WSDM 2017)"),
    fix="Model position separately (a positional feature set to a fixed value at serving) or "
    "weight clicks by inverse examination propensity from a small randomisation.",
    mitigation="prevent",
    scenario="biased-feedback",
    likelihood=8,
    silent=True,
)
def click_position_bias(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    decision = ctx.system.manifest.system.decision
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        kind = p.get(loop, "label.kind")
        ranking = decision is not None and decision.type == "ranking"
        if kind != "implicit" or not ranking:
            continue
        if p.get(loop, "position_bias", assume="none") != "none":
            continue
        yield p.hit(
            [loop.id, loop.model],
            f"Ranker {loop.model} learns from implicit feedback in {loop.id} with no "
            "position-bias correction.",
            loop,
            "position_bias",
        )


@RULES.rule(
    4,
    "self-reinforcing-loop",
    learned_only=True,
    severity=Severity.HIGH,
    summary="The model shapes its own training data with no exploration.",
    rationale="Items the model never shows never get feedback; the loop narrows to what it "
    "already prefers (a degenerate feedback loop).",
    sources=(
        f"{SCULLEY} (direct feedback loops)",
        "Jiang et al., Degenerate Feedback Loops (AIES 2019)",
    ),
    fix="Reserve a small exploration share the model does not choose, and monitor how "
    "concentrated its decisions become.",
    mitigation="prevent",
    scenario="biased-feedback",
    likelihood=7,
    silent=True,
)
def self_reinforcing(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        if not p.get(loop, "model_shapes_own_data"):
            continue
        enabled = p.get(loop, "exploration.enabled", assume=False)
        fraction = p.get(loop, "exploration.fraction") if enabled else None
        if enabled and fraction != 0:
            continue
        domain = domain_of(ctx.system)
        share = _exploration_share(ctx, loop.id)
        yield p.hit(
            [loop.id, loop.model],
            f"Model {loop.model} decides what it later learns from, with no exploration.",
            loop,
            "model_shapes_own_data",
            fix=f"For {share_text(share)} of decisions, {domain.explore}; "
            f"watch {domain.watch} week on week.",
            enact={
                (*loop.path, "exploration", "enabled"): True,
                (*loop.path, "exploration", "fraction"): share,
                (*loop.path, "exploration", "propensity_logged"): True,
            },
        )


@RULES.rule(
    5,
    "hidden-feedback-loop",
    severity=Severity.MEDIUM,
    summary="Predictions reach other systems that feed data back into this model.",
    rationale="A hidden loop couples two systems' behaviour: a change in either moves the "
    "other's training data, and neither team sees the cause.",
    sources=(f"{SCULLEY} (hidden feedback loops)",),
    fix="Map the loop, version the features coming back from those systems, coordinate "
    "releases and monitor prediction bias on both sides.",
    mitigation="detect",
    scenario="biased-feedback",
    likelihood=5,
    silent=True,
)
def hidden_loop(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        through = p.get(loop, "feeds_back_through")
        if through:
            manifest = ctx.system.manifest
            decision = manifest.system.decision
            limited = bool(manifest.monitoring and manifest.monitoring.action_limits)
            acting = [e.id for e in ctx.system.manifest.endpoints if e.model == loop.model]
            runaway = bool(decision and decision.automated_action and not limited and acting)
            yield p.hit(
                [loop.id, loop.model, *acting],
                f"Predictions of {loop.model} feed back through {', '.join(through)}"
                + (
                    ", and its automated actions have no limit, so the loop can run away."
                    if runaway
                    else "."
                ),
                loop,
                "feeds_back_through",
                scenario="runaway-automation" if runaway else None,
                anchor=acting[0] if runaway else None,
            )


@RULES.rule(
    6,
    "undeclared-consumers",
    severity=Severity.MEDIUM,
    summary="Who consumes the predictions is unknown or uncontrolled.",
    rationale="Undeclared consumers make every model change a change to systems nobody "
    "tested, and can close loops nobody mapped.",
    sources=(f"{SCULLEY} (undeclared consumers)", "AWS ML Lens MLREL01-BP01"),
    fix="Serve predictions through a versioned, authenticated API with a consumer registry.",
    mitigation="prevent",
    scenario="biased-feedback",
    role="gap",
    likelihood=4,
)
def undeclared_consumers(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    # Fires only on a model whose predictions something can read: declared consumers, or a
    # batch job's output that another job, feature or endpoint reads. A model whose one use is
    # its own decision (a repricer writing its listings, a model answering its own users) has
    # no consumers to register, and an unset field there is no finding.
    shared = _read_prediction_stores(ctx)
    for m in ctx.system.manifest.models:
        endpoints = ctx.system.endpoints_of(m)
        if not endpoints:
            continue
        if m.consumers is None and not (shared and any(e.mode == "batch" for e in endpoints)):
            continue
        p = ctx.probe()
        consumers = p.get(m, "consumers")
        controlled = p.get(m, "consumers_access_controlled", assume=False)
        if consumers and controlled:
            continue
        what = (
            "declares no consumers" if not consumers else "does not control access to predictions"
        )
        yield p.hit([m.id], f"Model {m.id} {what}.", m, "consumers" if m.consumers else None)


def _read_prediction_stores(ctx: Context[FeedbackAssessment]) -> list[str]:
    """Stores a batch-scoring job writes that another job, feature or endpoint reads."""
    system = ctx.system
    written = [
        o for p in system.manifest.pipelines if p.kind == "batch_inference" for o in p.outputs
    ]
    read = {i for p in system.manifest.pipelines if p.kind != "batch_inference" for i in p.inputs}
    read |= {s for f in system.manifest.features for s in f.sources}
    read |= {d.target for e in system.manifest.endpoints for d in e.dependencies or ()}
    return [o for o in dict.fromkeys(written) if o in read]


@RULES.rule(
    7,
    "immature-labels",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Retraining uses labels before they have had time to arrive.",
    rationale="When the label delay exceeds the retrain interval, recent rows still look "
    "negative; the model learns that recent behaviour is safe.",
    sources=(
        "Chapelle, Modeling Delayed Feedback (KDD 2014)",
        "Yasui et al., Feedback Shift (2020)",
    ),
    fix="Exclude rows younger than a maturity window set from the delay distribution (at "
    "least its p95), or model the delay explicitly.",
    mitigation="prevent",
    scenario="stale-model",
    likelihood=7,
    silent=True,
)
def immature_labels(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        model = _model(ctx, loop.model)
        p = ctx.probe()
        p95 = p.get(loop, "label.delay.p95") or p.get(loop, "label.delay.p50")
        cadence = p.get(model, "training.cadence")
        if p95 is None or cadence is None or cadence.continuous or float(p95) <= cadence.period:
            continue
        maturity = p.get(loop, "label.maturity_window")
        if maturity is not None and float(maturity) >= float(p95):
            continue
        have = f" a {maturity} maturity window" if maturity is not None else " no maturity window"
        yield p.hit(
            [loop.id, model.id],
            f"Labels for {model.id} take up to {p95} to arrive but it retrains {cadence.phrase} "
            f"(every {format_seconds(cadence.period)}) with{have}.",
            loop.label or loop,
            "maturity_window" if maturity is not None else "delay",
            fix=f"Train only on rows older than {p95} (the label delay p95), or model the delay "
            "explicitly.",
            enact={(*loop.path, "label", "maturity_window"): p95},
        )


@RULES.rule(
    8,
    "slow-labels-only",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="Model quality is seen only through labels that arrive late.",
    rationale="With a label delay of weeks, a broken model runs for weeks before quality "
    "metrics move; prediction-distribution and proxy monitors see it in hours.",
    sources=(f"{BRECK17} Monitor 7", GCP),
    fix="Monitor the prediction distribution and a fast proxy metric, and sample for human "
    "rating while labels mature.",
    mitigation="detect",
    scenario="stale-model",
    role="gap",
    likelihood=6,
)
def slow_labels_only(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    manifest = ctx.system.manifest
    for loop in manifest.feedback:
        p = ctx.probe()
        p50 = p.get(loop, "label.delay.p50")
        if p50 is None or float(p50) <= 86400:
            continue
        drift = p.get(manifest, "monitoring.drift.predictions", assume=False)
        proxy = p.get(manifest, "monitoring.quality.proxy", assume=False)
        if drift or proxy:
            continue
        yield p.hit(
            [loop.id, loop.model],
            f"Quality of {loop.model} is visible only after labels arrive (median {p50}); "
            "no prediction-drift or proxy monitor is declared.",
            loop.label or loop,
            "delay",
        )


@RULES.rule(
    9,
    "unjoinable-labels",
    severity=Severity.MEDIUM,
    summary="Labels cannot be joined to the exact prediction that earned them.",
    rationale="Joining on entity or time guesses which prediction (and which model version) "
    "an outcome belongs to; evaluation and retraining inherit the guess.",
    sources=(f"{ZINK} #29", f"{BRECK17} Monitor 3"),
    fix="Emit a prediction id and model version with each prediction and carry them into the "
    "label event.",
    mitigation="prevent",
    scenario="biased-feedback",
    role="gap",
    likelihood=6,
    silent=True,
)
def unjoinable_labels(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        model = _model(ctx, loop.model)
        p = ctx.probe()
        key = p.get(loop, "label.join_key", assume="entity")
        gaps = [] if key == "prediction_id" else [f"joined on {key}"]
        for e in ctx.system.endpoints_of(model):
            if not p.get(e, "logging.request_id", assume=False):
                gaps.append(f"{e.id} logs no request id")
            if not p.get(e, "logging.model_version", assume=False):
                gaps.append(f"{e.id} logs no model version")
        if gaps:
            yield p.hit(
                [loop.id, model.id],
                f"Labels in {loop.id} cannot be tied to a prediction: {'; '.join(gaps)}.",
                loop.label or loop,
                "join_key",
            )


@RULES.rule(
    10,
    "no-persistent-holdout",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="No persistent holdout measures the model's long-term effect.",
    rationale="Launch metrics are a proxy; a small persistent holdout shows what the model "
    "does to the outcome over months.",
    sources=(f"{ZINK} #39", "Statsig: global holdouts"),
    fix="Hold out a random share of traffic from the model persistently, sized by a power "
    "calculation for the smallest change worth knowing, and refresh it twice a year.",
    mitigation="detect",
    scenario="selective-labels",
    role="gap",
    likelihood=5,
)
def no_persistent_holdout(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        enabled = p.get(loop, "holdout.enabled", assume=False)
        persistent = p.get(loop, "holdout.persistent", assume=False) if enabled else False
        if enabled and persistent:
            continue
        what = "no holdout" if not enabled else "a holdout that is not persistent"
        yield p.hit(
            [loop.id, loop.model],
            f"Loop {loop.id} has {what}.",
            loop.holdout or loop,
            fix=RULES.named("no-persistent-holdout").fix + _holdout_plan(ctx, loop.id),
        )


@RULES.rule(
    11,
    "fixed-threshold",
    severity=Severity.MEDIUM,
    summary="A fixed decision threshold survives automated retrains.",
    rationale="Each retrain moves the score distribution; the same threshold then blocks or "
    "approves a different share of traffic.",
    sources=(f"{SCULLEY} (fixed thresholds in dynamic systems)",),
    fix="Re-derive the threshold on held-out data at every retrain, version it with the model "
    "and monitor the action rate.",
    mitigation="prevent",
    scenario="runaway-automation",
    likelihood=3,
    silent=True,
)
def fixed_threshold(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    decision = ctx.system.manifest.system.decision
    if decision is not None and decision.type in ("regression", "forecast"):
        # A price or a forecast is acted on as a value (a forecast less a margin), not cut at a
        # score: there is no score distribution for a retrain to move under a fixed cut-off.
        return
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        if p.get(m, "threshold.kind") != "fixed":
            continue
        if p.get(m, "threshold.recalibrated_on_retrain", assume=False):
            continue
        if not p.get(m, "training.automated"):
            continue
        acting = [e.id for e in ctx.system.endpoints_of(m)]
        yield p.hit(
            [m.id, *acting],
            f"Model {m.id} retrains automatically but keeps a fixed threshold.",
            m.threshold or m,
            "kind",
            anchor=acting[0] if acting else m.id,
            enact={(*m.path, "threshold", "recalibrated_on_retrain"): True},
        )


@RULES.rule(
    12,
    "unfiltered-feedback",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="User feedback is learned from without bot or poisoning filters.",
    rationale="Implicit and explicit feedback can be manufactured; whoever controls it "
    "controls the next model. A bot filter is asked of every such loop; a poisoning check "
    "only where the labels arrive through a third party's platform (a source of kind "
    "`third_party`), whose content people outside the organisation write. A model declared "
    "to retrain only by hand (`training.automated: false`) is not faulted: each retrain is a "
    "person's chance to filter what it learns from.",
    sources=(f"{ZINK} #15", "AWS ML Lens (data poisoning)"),
    fix="Filter bots and spam, cap each user's influence, and gate retrains on a clean holdout.",
    mitigation="prevent",
    scenario="bad-training-data",
    likelihood=4,
    silent=True,
)
def unfiltered_feedback(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for loop in ctx.system.manifest.feedback:
        p = ctx.probe()
        if p.get(loop, "label.kind") not in ("implicit", "explicit"):
            continue
        model = ctx.system.get(loop.model)
        if isinstance(model, Model) and p.get(model, "training.automated") is False:
            continue
        # Read through the probe so an undeclared filter is assumed absent and asked about.
        p.get(loop, "quality_filters.bots", assume=False)
        third = third_party_label(ctx.system, loop)
        if third is not None:
            p.get(loop, "quality_filters.poisoning", assume=False)
        gaps = unfiltered(ctx.system, loop)
        if gaps:
            # The label's source is named when another party's platform carries it: what
            # arrives there is written by people the organisation does not control, and only
            # there is a poisoning check asked for. The system's own log of what its users did
            # needs a bot filter, not a check against its own records.
            named = [third] if third is not None else []
            yield p.hit(
                [loop.id, loop.model, *named],
                f"Feedback in {loop.id} has no {' or '.join(gaps)} filter.",
                loop.quality_filters or loop,
                anchor=loop.model,
                enact={(*loop.path, "quality_filters", k): True for k in ("bots", "poisoning")},
            )


@RULES.rule(
    13,
    "no-action-limits",
    severity=Severity.HIGH,
    summary="Automated decisions have no cap on how many they take.",
    rationale="A model that suddenly blocks ten times as much keeps doing so until a person "
    "notices; an action limit turns that into an alert.",
    sources=(f"{SCULLEY} (action limits)", "AWS Well-Architected REL05-BP07"),
    fix="Cap the action rate and the size of each action per window, tighten the cap while "
    "the model's error on its latest matured labels is above its validation error, alert and "
    "route to review when the cap is hit, and keep a kill switch.",
    mitigation="limit",
    scenario="runaway-automation",
    likelihood=3,
)
def no_action_limits(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    manifest = ctx.system.manifest
    p = ctx.probe()
    if not p.get(manifest, "system.decision.automated_action"):
        return
    if p.get(manifest, "monitoring.action_limits", assume=False):
        return
    action = manifest.system.decision.action if manifest.system.decision else None
    what = f" ({action})" if action else ""
    acting = [e.id for e in manifest.endpoints] or ["system"]
    if domain_of(ctx.system).name == "block/approve":
        # A blocker's runaway is its block rate rising: a cap on blocks would let the fraud it
        # stops through once reached, so what bounds it is an alert on the rate and a switch.
        if p.get(manifest, "monitoring.drift.predictions") == "alert":
            return
        yield p.hit(
            acting,
            f"Automated decisions{what} by {', '.join(acting)} have no alert on how often they "
            "block: if that rate jumps, the wrong cases are blocked until someone looks.",
            manifest.system.decision or manifest.system,
            "automated_action",
            severity=Severity.MEDIUM,
            fix="Alert when the block rate moves by more than a set share (20%, say) against its "
            "trailing weekly rate, per segment, and keep a switch back to the previous model.",
            enact={("monitoring", "drift", "predictions"): "alert"},
        )
        return
    yield p.hit(
        acting,
        f"Automated decisions{what} by {', '.join(acting)} have no action limit.",
        manifest.system.decision or manifest.system,
        "automated_action",
        enact={("monitoring", "action_limits"): True},
    )


def _people_watch_and_retrain(ctx: Context[FeedbackAssessment], p: Probe, m: Model) -> bool:
    """A model retrained by hand, whose outputs people act on, with a shift in its inputs or
    its labelled quality shown to someone (an alert, a dashboard or a manual check)."""
    if p.get(m, "training.automated") is not False:
        return False
    if p.get(ctx.system.manifest, "system.decision.automated_action") is not False:
        return False
    seen = [
        p.get(ctx.system.manifest, f"monitoring.{name}")
        for name in ("drift.features", "drift.predictions", "quality.label_based")
    ]
    return any(watched(v) for v in seen)


@RULES.rule(
    14,
    "retrain-not-evidence-triggered",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="Retraining is not triggered by drift or performance, only by hand or the calendar.",
    rationale="A model retrained only when someone remembers, or only when its schedule comes "
    "round, keeps predicting the old world after a shift; a long training window averages the "
    "new data away even then. A model declared to be retrained by people (`training.automated: "
    "false`) whose outputs people act on, with its drift or labelled quality watched, is not "
    "faulted: each retrain is a person's decision made with a shift in view, and a missing "
    "trigger alone is a fact of every such system, not evidence of a risk.",
    sources=(GCP, "AWS ML Lens MLPERF06-BP05", "Instacart: availability model, March 2020"),
    fix="Add drift and performance triggers to the retrain schedule, weight or window recent "
    "data, and keep a blocking validation gate.",
    mitigation="recover",
    scenario="unadapted-drift",
    trigger="event",
    likelihood=4,
)
def retrain_not_triggered(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        triggers = p.get(m, "retrain_triggers")
        # A model that learns from each batch of new data follows a shift as fast as the data
        # comes (what it then learns is the feedback rules' subject, Tay's for one).
        if triggers is None or set(triggers) & {"drift", "performance", "new_data"}:
            continue
        manual = not (set(triggers) - {"manual"})
        cadence = m.training.cadence if m.training else None
        if not manual and cadence is not None and cadence.period <= DAILY_RETRAIN:
            # Retrained every day or more often, a shift is in the model by the next run: a
            # drift trigger could bring that run forward by hours, not weeks, and a performance
            # trigger no earlier than its labels arrive.
            continue
        if manual and _people_watch_and_retrain(ctx, p, m):
            continue
        how = "only on manual request" if manual else "only on its schedule"
        endpoints = [e.id for e in ctx.system.endpoints_of(m)]
        yield p.hit(
            [m.id, *endpoints],
            f"Model {m.id} retrains {how}; no drift or performance trigger is declared.",
            m,
            "retrain_triggers",
            enact={(*m.path, "retrain_triggers"): [*triggers, "drift", "performance"]},
        )


@RULES.rule(
    15,
    "no-label-path",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="A served model has no declared way to learn its outcomes.",
    rationale="Without labels flowing back, nobody can measure the model's quality in "
    "production or retrain it on current data.",
    sources=(f"{BRECK17} Monitor 7", GCP),
    fix="Declare where outcomes come from, their delay and how they join to predictions.",
    mitigation="detect",
    scenario="stale-model",
    likelihood=5,
)
def no_label_path(ctx: Context[FeedbackAssessment]) -> Iterator[Hit]:
    looped = {loop.model for loop in ctx.system.manifest.feedback}
    for m in ctx.system.manifest.models:
        ends = ctx.system.endpoints_of(m)
        if m.id in looped or not ends or not trained_here(m):
            continue
        p = ctx.probe()
        yield p.hit(
            [m.id],
            f"Model {m.id} is served by {', '.join(e.id for e in ends)} but no feedback loop "
            "brings its outcomes back.",
            m,
        )
