"""Playbooks for decisions taken by themselves: runaway automation (caps in the decision's own
units, a page that does not wait for outcomes, an off switch) and users who steer what it learns."""

from __future__ import annotations

from mlreview.areas.common import either, possessive
from mlreview.areas.domain import SLOW_OUTCOME_S
from mlreview.areas.playbooks.base import (
    Move,
    Playbook,
    Situation,
    _action,
    _off_switch,
    _page_window,
)
from mlreview.document.cells import duration


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
            f"replay a normal peak hour of {possessive(who)} inputs in staging, then one segment's "
            "demand "
            "at 10 times its peak with supply held flat (a shock the supply side does not "
            f"answer): no price may pass the ceiling, the page must fire within {window}, the "
            "switch must restore the fallback within one decision cycle, and other segments "
            "must not move"
        )
    return (
        f"replay a day of {possessive(who)} logged requests on canary with the scores shifted by "
        "the "
        "largest weekly shift in the last year of logs: the cap must hold with the excess sent "
        "to review, and the page must fire within the hour"
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
