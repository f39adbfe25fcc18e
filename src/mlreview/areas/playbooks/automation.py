"""Playbooks for decisions taken by themselves: runaway automation (caps in the decision's own
units, a page that does not wait for outcomes, an off switch) and users who steer what it learns."""

from __future__ import annotations

from mlreview.areas.common import either, possessive
from mlreview.areas.domain import SLOW_OUTCOME_S, draws_supply
from mlreview.areas.loop_gain import CEILING_TIMES, DETECT_ROUNDS, LIMIT_PER_ROUND, loop_gain
from mlreview.areas.playbooks.base import (
    Move,
    Playbook,
    Situation,
    _action,
    _fallback_words,
    _off_switch,
    _page_window,
)
from mlreview.areas.playbooks.mechanisms import accepting, plural
from mlreview.document.cells import duration

SHOCK_TIMES = 5.0
"""Demand at this multiple of its level for the hour and weekday is no ordinary peak: with
supply not rising, a price that is meant to draw supply holds at its default instead."""


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
    gain = loop_gain(s.system, {m.id for m in s.models()}) if loop else None
    if loop:
        moves.append(
            Move(
                "limit",
                anchors,
                "Bound every price it publishes to a band around a reference its loop cannot "
                "move (a floor at its cost, a ceiling at "
                f"{CEILING_TIMES:g} times the median price it actually sold at over 90 days), "
                f"and each change to {LIMIT_PER_ROUND:.0%} a day and 30% a week: a ceiling taken "
                "from its own price history moves up with the runaway",
                replaces=("FEED013", "FEED005"),
            )
        )
        follows = f" ({gain.through})" if gain is not None else ""
        moves.append(
            Move(
                "detect",
                anchors,
                "Detect the loop itself: flag an item when its price and the price it follows"
                f"{follows} have moved the same way for {DETECT_ROUNDS} runs in a row, or their "
                f"ratio has stayed within 0.5% of constant for {DETECT_ROUNDS} runs; hold its "
                "price at the last value inside the band and ask a person"
                + (gain.limit_working() if gain is not None else ""),
            )
        )
        detect = (
            "Page on-call when a price moves more than 10% in a day, leaves its band or is "
            "held by the loop detector"
        )
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
        share, name = _take_up(s)
        accepter = _accepter(s)
        party = f"{plural(accepter)}'" if accepter else "customers'"
        detect = (
            f"Page, and pause it, when {share} passes 1.5 times its 26-week rate: {name} "
            f"rising is the first sign that it has moved in the {party} favour, months before "
            "the outcomes show it"
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
        if draws_supply(s.system):
            held = _fallback_words(endpoints) or "its normal price"
            moves.append(
                Move(
                    "limit",
                    anchors,
                    f"Hold it at {held} in a segment, by itself, when demand there passes "
                    f"{SHOCK_TIMES:g} times its level for that hour and weekday and supply does "
                    f"not rise within {window} (the time its outcomes take to show): a price "
                    "that draws no supply only rations; hold every segment a declared emergency "
                    "covers at once, and let only a person lift a hold",
                )
            )
        season = "that hour and weekday"
        watched = (
            f", or when {either(inputs, 'or')} leaves its range for {season}" if inputs else ""
        )
        detect = f"Page on-call when its prices stay at the ceiling for {window}{watched}"
    else:
        # With outcomes slower than a week, the hourly cap alone lets a month of wrong
        # decisions through before the first is judged: one step caps both.
        weekly = (
            f"; its outcomes take {duration(p50 or 0.0)} to show (median), so cap it per week "
            f"and segment as well, halving that cap while its error on the outcomes that have "
            "matured exceeds its validation error"
            if slow
            else ""
        )
        moves.append(
            Move(
                "limit",
                anchors,
                f"Cap {domain.cap} per hour at twice the highest hourly count in the last 90 "
                f"days of {log}, and send the excess to human review instead of acting on "
                f"it{weekly}",
                replaces=("FEED013",),
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


def _accepter(s: Situation) -> str | None:
    """Who accepts its offers, where its labels are seen only on accepted ones."""
    return next((w for loop in s.loops() if (w := accepting(loop)) is not None), None)


def _take_up(s: Situation) -> tuple[str, str]:
    """The share of a priced decision's answers its counterparty takes up, in the system's
    words, and what it is called: offers are accepted (by whom the labels say); prices convert."""
    who = _accepter(s)
    if who is not None:
        return f"the share of its offers that {plural(who)} accept", "acceptance"
    return "the share of its prices that convert", "conversion"


def _runaway_proof(s: Situation, who: str, window: str, *, loop: bool, slow: bool) -> str:
    p50 = s.label_delay()[0]
    if loop:
        return (
            f"replay 30 days of {possessive(who)} inputs in staging with a second seller whose "
            "price follows its own by a fixed factor, so that k x c is above 1 (the loop "
            "closed): no price may leave its band or move more than 10% in a day, the loop "
            f"detector must hold every such item by run {DETECT_ROUNDS}, and the page must fire "
            f"within {window} of the hold"
        )
    if slow and s.domain.name == "price":
        return (
            f"backtest {possessive(who)} last two years with the market turned from one month "
            f"on (the target falling 1% a month): the {_take_up(s)[1]} page must fire within "
            f"{duration((p50 or 0.0) / 4)} of the turn (a quarter of the {duration(p50 or 0.0)} "
            "its outcomes take to show), the weekly cap must halve within a week of the first "
            f"outcomes after the turn maturing (about {duration(p50 or 0.0)} in), and what it "
            f"{s.domain.act}d in between must stay under the cap, whose worst case is then the "
            "loss the plan accepts"
        )
    if s.domain.name == "price":
        return (
            f"replay a normal peak hour of {possessive(who)} inputs in staging, then one segment's "
            "demand "
            "at 10 times its peak with supply held flat (a shock the supply side does not "
            f"answer): no price may pass the ceiling, the page must fire within {window}, "
            + (
                f"the shocked segment must be held at the fallback within {window} with no one "
                "acting, "
                if draws_supply(s.system)
                else ""
            )
            + "the switch must restore the fallback within one decision cycle, and other "
            "segments must not move"
        )
    return (
        f"replay a day of {possessive(who)} logged requests on canary with the scores shifted by "
        "the "
        "largest weekly shift in the last year of logs: the cap must hold with the excess sent "
        "to review, and the page must fire within the hour"
    )


def _learns_continuously(s: Situation) -> bool:
    """Every model of the top risk updates continuously (``training.cadence: continuous``):
    there are no discrete candidates to compare before a release."""
    models = s.models()
    return bool(models) and all(
        m.training is not None and m.training.cadence == "continuous" for m in models
    )


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
            # A model that learns continuously has no candidate to bless or veto: this pause
            # is its gate, so it closes the missing validation gate too.
            replaces=("DATA008", "DATA014") if _learns_continuously(s) else ("DATA008",),
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
    return Playbook(tuple(moves))
