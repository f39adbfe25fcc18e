"""Steps a plan needs whatever the top risk's family, from what the manifest states about how its
outcomes are seen: exploration where the decision hides the outcomes of what it acts on, a
weekly mark to market where it buys and holds and the realised outcome is months away, and a
page on a stream the top risk's models read whose lag nobody is alerted on. Each is worked in
the system's figures; the thresholds and why are in docs/plans.md."""

from __future__ import annotations

import re

from mlreview.areas.common import either, possessive
from mlreview.areas.domain import SLOW_OUTCOME_S
from mlreview.areas.feedback.design import daily_predictions, design, exploration_share
from mlreview.areas.playbooks.base import Move, Situation
from mlreview.document.cells import duration
from mlreview.system.manifest import FeedbackLoop, Model, Pipeline

OVER_TIME = frozenset({"runaway-automation", "biased-feedback", "unadapted-drift", "stale-model"})
"""Top risks about what the model's beliefs do over time: a loop that stops seeing the cases it
acts on keeps a wrong belief about them after the world changes. Selective labels have the
exploration step in their own playbook."""
NOT_EXPLORED = frozenset({"price", "forecast and replenish"})
"""Decisions whose hidden outcomes have their own step: a price's accepted offers (adverse
selection) and a forecast's stock-outs (censored demand)."""
MARK_ALERT, MARK_STOP = 0.02, 0.04
"""Marked loss on held inventory, as a share of what was paid: alert, then stop buying."""
BUYS = re.compile(
    r"\b(?:buy|buys|purchase|purchases|acquire|acquires)\s+(?:the\s+|a\s+|an\s+)?(\w+)"
)
"""An action that buys something the system then holds until it sells: the word after the verb
names it ('buy the home': home)."""
ALERTED = (True, "alert")
CARRIES = frozenset({"FEED001", "FEED004", "DATA016"})
"""The rules whose fixes these steps carry out: their findings on the step's components are
closed by it wherever the review put them (engine/plan.py's ``nets_of``)."""


def signal_moves(s: Situation) -> tuple[Move, ...]:
    """The exploration, mark-to-market and stream-lag steps that apply to the top risk ``s``."""
    return (*_exploration(s), *_mark_to_market(s), *_lag_pages(s))


def _model_of(s: Situation, loop: FeedbackLoop) -> Model | None:
    model = s.system.get(loop.model)
    return model if isinstance(model, Model) else None


def _hidden(s: Situation) -> list[tuple[FeedbackLoop, Model]]:
    """The top risk's loops whose outcomes are seen only where the model let a case through,
    with neither exploration nor a holdout to see the rest."""
    found = []
    for loop in s.loops():
        model = _model_of(s, loop)
        when = loop.label.observed_only_when if loop.label else None
        explored = loop.exploration is not None and loop.exploration.enabled is True
        held = loop.holdout is not None and loop.holdout.enabled is True
        if model is not None and when and not explored and not held:
            found.append((loop, model))
    return found


def _exploration(s: Situation) -> list[Move]:
    if s.family not in OVER_TIME or s.domain.name in NOT_EXPLORED:
        return []
    hidden = _hidden(s)
    if not hidden:
        return []
    loop, model = hidden[0]
    assert loop.label is not None
    share = exploration_share(design(s.system, loop, model))
    decision = s.system.manifest.system.decision
    action = f" ({decision.action})" if decision and decision.action else ""
    daily, basis = daily_predictions(s.system, model)
    cost = (
        f"at most {share:.2g} x {daily:,.0f} = {daily * share:,.0f} decisions a day ({basis}) "
        "go without the action where it would have taken it"
        if daily
        else None
    )
    return [
        Move(
            "prevent",
            (loop.id, model.id),
            f"For {100 * share:.2g}% of the cases {model.id} would act on, chosen at random, "
            f"withhold its action{action} and log each one's propensity; retrain and evaluate "
            f"with inverse-propensity weights: its outcomes are seen only when "
            f"{loop.label.observed_only_when}, so what it acts on is seen less and a wrong "
            "call on it stays wrong after the world has changed",
            replaces=("FEED001", "FEED004"),
            spare=True,
            cost=cost,
            enact=(
                ((*loop.path, "exploration", "enabled"), True),
                ((*loop.path, "exploration", "fraction"), share),
                ((*loop.path, "exploration", "propensity_logged"), True),
            ),
        )
    ]


def _mark_to_market(s: Situation) -> list[Move]:
    """A decision that buys what it then holds until it sells (Zillow's homes): the realised
    outcome comes with the sale, months later; the held inventory can be re-priced every week."""
    decision = s.system.manifest.system.decision
    bought = BUYS.search(decision.action.lower()) if decision and decision.action else None
    p50 = s.label_delay()[0]
    if s.family not in OVER_TIME or bought is None or p50 is None or p50 <= SLOW_OUTCOME_S:
        return []
    noun = bought.group(1)
    marks = s.inputs(1)
    against = f" (what {marks[0]} reads)" if marks else ""
    return [
        Move(
            "detect",
            s.anchors,
            f"Mark what it holds to market every week: re-price each {noun} bought and not yet "
            f"sold against the latest prices the same {noun}s sold at in its segment{against}, "
            f"alert when a segment's marked loss passes {MARK_ALERT:.0%} of what was paid and "
            f"stop buying there at {MARK_STOP:.0%}: the realised outcome takes "
            f"{duration(p50)} (median) to show, the marked one a week",
            spare=True,
        )
    ]


def _lag_pages(s: Situation) -> list[Move]:
    """A stream job that writes features the top risk's models read, stated to have no lag
    alert: a page at the tightest freshness budget of what it writes."""
    models = {m.id for m in s.models()}
    features = set(s.components)
    read = {
        f
        for m in s.system.manifest.models
        if m.id in models or s.system.model_feature_ids(m) & features
        for f in s.system.model_feature_ids(m)
    }
    moves = []
    for pipe in s.system.manifest.pipelines:
        if not _unalerted_stream(pipe):
            continue
        written = [f for f in s.system.manifest.features if f.pipeline == pipe.id and f.id in read]
        budgets = [(float(f.freshness_budget), f.id) for f in written if f.freshness_budget]
        if not budgets:
            continue
        budget, tightest = min(budgets)
        readers = sorted(
            m.id for m in s.system.manifest.models if s.system.model_feature_ids(m) & {tightest}
        )
        moves.append(
            Move(
                "detect",
                (pipe.id,),
                f"Page when {possessive(pipe.id)} consumer lag passes {duration(budget)} (the "
                f"freshness budget of {tightest}, which it writes): a stream that falls behind "
                "keeps running, so its failure alert stays quiet while the features "
                f"{either(readers, 'and')} is served grow old",
                replaces=("DATA016",),
                spare=True,
                enact=(((*pipe.path, "alerts", "consumer_lag"), "alert"),),
            )
        )
    return moves


def _unalerted_stream(pipe: Pipeline) -> bool:
    """A continuous job whose manifest states that its lag pages nobody."""
    if pipe.schedule is None or not pipe.schedule.continuous or pipe.alerts is None:
        return False
    lag = pipe.alerts.consumer_lag
    return lag is not None and lag not in ALERTED
