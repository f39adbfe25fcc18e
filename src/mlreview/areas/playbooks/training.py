"""Playbooks for what a model learns from: drift it does not adapt to, bad training data, leakage,
selective labels, and training examples that are not the served population."""

from __future__ import annotations

from mlreview.areas.common import either, ingested, lag_words, possessive, windowed_features
from mlreview.areas.feedback.design import design, exploration_share
from mlreview.areas.playbooks.automation import _poisoning
from mlreview.areas.playbooks.base import DAY, Move, Playbook, Situation
from mlreview.document.cells import duration
from mlreview.system.manifest import Model, Pipeline


def short_window(window: float) -> float:
    """The short window set beside a long one to see a step in days (docs/plans.md): a week
    beside a window of four weeks or more, a day beside one of four days or more, else a
    quarter of it."""
    if window >= 28 * DAY:
        return 7 * DAY
    if window >= 4 * DAY:
        return DAY
    return window / 4


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
    windowed = [fw for m in models for fw in windowed_features(s.system, m)]
    if windowed:
        feature, w = windowed[0]
        short = short_window(w)
        moves.insert(
            1,
            Move(
                "detect",
                (feature.id,),
                f"Compute {feature.id} over the last {duration(short)} beside its "
                f"{duration(w)} and page when the two differ, across the entities scored, by "
                "more than three times the largest such gap in the training window: a mean over "
                f"{duration(w)} has moved {lag_words(short, w)} of the way to a new level "
                f"{duration(short)} after a step, and the short one all of it",
            ),
        )
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
        f"replay last quarter of {possessive(s.anchor)} traffic with an abrupt step on one day "
        "(the target's level halved for the most-predicted tenth of entities, a shock, not a "
        "drift): the alert must fire within "
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
    outside = [c for c in s.components if c not in sources]
    if "DATA003" in s.rules and any(ingested(s.system, m, outside) for m in s.models()):
        # Another party's feed the labels or features are built from: the scenario's own proof
        # (scenario_families' DATA003 headline) corrupts what that feed sends.
        return Playbook(tuple(moves))
    first = sources[0] if sources else "one input"
    verify = (
        f"replay one day of {first} in staging with one feature's values multiplied by 100 and "
        "a tenth of its rows duplicated: the check must quarantine the partition within the "
        "hour it lands, before the training run reads it, and the serving model must not "
        "change"
    )
    return Playbook(tuple(moves), verify)


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
    return Playbook(moves)


BAND_WEIGHTS = (400.0, 100.0, 20.0)
"""Percent per unit of the exploration share in each score band, from just past the threshold
to the top: four times, once and a fifth of the average (docs/plans.md)."""


def _explored_share(s: Situation) -> float:
    """The exploration share FEED001's fix asks for on the scenario's first loop."""
    for loop in s.loops():
        model = s.system.get(loop.model)
        if isinstance(model, Model):
            return exploration_share(design(s.system, loop, model))
    return exploration_share(None)


def _selective_labels(s: Situation) -> Playbook:
    """Outcomes seen only where the model let a case through: the exploration arm (FEED001's
    fix, with its cost), banded by score where the decision is a threshold, and the estimate it
    exists for reported beside the biased one. A holdout of all traffic answers another question
    (the model's lift), so it is left to the findings."""
    moves = [Move("prevent", s.anchors, "", replaces=("FEED001",))]
    if s.domain.name in ("block/approve", "approve/decline"):
        share = _explored_share(s)
        bands = either([f"{weight * share:.2g}%" for weight in BAND_WEIGHTS], "and")
        moves.append(
            Move(
                "prevent",
                s.anchors,
                f"Spend that share unevenly by score, in three bands from just past the "
                f"threshold to the top: {bands} of each band's decisions (four times, once and "
                f"a fifth of the {100 * share:.2g}% average, the band edges set so the total "
                "stays at it), so the outcomes land where the threshold decides and the loss "
                "at the top stays bounded",
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
    return Playbook(tuple(moves), _censored_proof(s))


def _censored_proof(s: Situation) -> str:
    """The selective-labels proof: the censoring reproduced offline on labelled history, then
    the explored share's first outcomes checked as they arrive (the labels' p95 delay)."""
    p95 = s.label_delay()[1]
    online = (
        f"; then, with the share live, the recall from its first outcomes must be reported "
        f"within {duration(p95)} (the labels' p95 delay) of the first case let through and "
        "fall within the same interval"
        if p95
        else ""
    )
    return (
        f"before any case is let through, take a month of labelled history of {s.anchor}, "
        "hide the outcomes of the cases a stricter model would have stopped, apply the "
        "exploration share to them and recompute recall with inverse-propensity weights from "
        "what is left: it must fall within the 95% interval of the recall on the full month, "
        f"or the weights are wrong{online}"
    )


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
                f"Stop keeping {cases} out of {possessive(model)} training examples (or add them "
                "back "
                "from logged serving traffic), so it learns every case it serves",
                replaces=("SKEW016",),
            ),
            Move(
                "detect",
                s.anchors,
                f"Compare the mix of {possessive(model)} training examples with its logged serving "
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
            f"retrain {model} on a week of examples with the filter removed and run both "
            f"checks: the coverage must rise {was}to at least 95% of served traffic, the "
            f"per-bucket gate must fail a candidate trained with the filter still on, on "
            f"{cases}, and a day of examples with the filter put back must raise the coverage "
            "alert within that day"
        )
        return Playbook(moves, verify)
    if "SKEW017" in s.rules:
        pooled = population.pooled if population and population.pooled else "the other context"
        pooling: tuple[Move, ...] = (
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
                f"Admit an example to {possessive(model)} training only when its context (page, "
                "surface) "
                "is on a list of the contexts it serves, so a log from a new surface cannot join "
                "the examples unnoticed",
            ),
            Move(
                "detect",
                s.anchors,
                f"Compare the mix of {possessive(model)} training examples by context with its "
                "logged serving traffic each day: alert when a context it does not serve passes "
                "1% of the examples, or a served context's share differs by more than 5 points",
            ),
        )
        verify = (
            f"train {model} on the same four weeks twice, on the pooled examples and on the "
            "served context's alone, and score both on the served context's held-out examples: "
            "the gate must fail the pooled candidate when it is worse there by more than 1% "
            f"(relative); then add a day in which {pooled} make up half the examples: the mix "
            "check must alert within that day, before the next training run reads them"
        )
        return Playbook(pooling, verify)
    return None
