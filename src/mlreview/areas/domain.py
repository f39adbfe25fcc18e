"""What kind of decision a system makes, so plans speak its language: a fraud check blocks or
approves, a recommender ranks, a forecast orders stock, a pricer sets prices, a moderator removes.
Nothing here is offered to a system of another kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from mlreview.areas.scenario_families import FAMILIES, Family
from mlreview.document.cells import duration
from mlreview.system.manifest import FeedbackLoop
from mlreview.system.system import System


@dataclass(frozen=True)
class Wording:
    """A mechanism as this kind of system meets it: the scenario's title, its effect and the
    step that proves the fix (the family's fields of the same names)."""

    title: str
    effect: str
    verify: str


@dataclass(frozen=True)
class Domain:
    name: str
    act: str
    """The automated action, as a verb phrase."""
    explore: str
    """How to act at random (the share is said before it) so outcomes are seen regardless of the
    model."""
    watch: str
    """What to watch for the loop narrowing."""
    cap: str
    """The action whose rate an action limit caps."""
    unseen: str = "only where the model let the case through"
    """Which outcomes selective labels leave out, for the feedback verdict."""
    try_at_random: str = "let through or show at random, independent of the score"
    """The exploration arm of a loop design, in a few words."""
    unexplored_fix: str = (
        "For {share} of decisions, {explore}; evaluate and retrain with inverse-propensity weights."
    )
    """The fix for selective labels; {share} is the exploration share, {explore} the above."""
    wording: Mapping[str, Wording] = field(default_factory=lambda: MappingProxyType({}))
    """Mechanisms this kind of system meets differently, by scenario family."""


DOMAINS = {
    "block": Domain(
        "block/approve",
        "block",
        "let would-be blocks through at random, below a value cap, and log each one's propensity",
        "the block rate per merchant and card segment",
        "blocks",
    ),
    "approve": Domain(
        "approve/decline",
        "approve",
        "approve would-be declines at random within a loss budget, and log each one's propensity",
        "approval rates per applicant segment",
        "approvals and declines",
        unseen="only for cases the model approved",
    ),
    "rank": Domain(
        "rank",
        "rank",
        "show a randomly chosen candidate in one slot, and log the propensity of every item shown",
        "catalogue coverage and exposure concentration",
        "changes in what is shown",
        unseen="only for items the model showed",
    ),
    "replenish": Domain(
        "forecast and replenish",
        "order",
        "order at the unconstrained forecast for store-items chosen at random, so stock-outs "
        "stop censoring the sales that become labels",
        "forecast bias on items that stocked out",
        "order quantities",
        unseen="censored by stock-outs (sales stop at the stock on hand, so they undercount "
        "demand)",
        try_at_random="order at the unconstrained forecast for store-items chosen at random",
        unexplored_fix="Flag stock-out days (stock on hand at zero before close) in the labels "
        "and treat their sales as censored, not as demand: train with a censored-demand loss "
        "or leave those days out of the target; to measure the bias that remains, order at the "
        "unconstrained forecast for {share} of store-items.",
        wording=MappingProxyType(
            {
                "selective-labels": Wording(
                    "{anchor} records sales, not demand: stock-outs censor the labels",
                    "where an item sells out, the recorded sales stop at the stock on hand, so "
                    "the labels undercount demand; the next model learns the shortfall "
                    "as low demand, orders less and stocks out more",
                    "replay the last 90 days with stock-out days flagged as censored: the "
                    "corrected forecast's bias on items that stocked out must fall to within 5% "
                    "of its bias on items that did not",
                ),
            }
        ),
    ),
    "price": Domain(
        "price",
        "price",
        "randomise the price within a narrow band, and log the band",
        "price dispersion and conversion per segment",
        "price changes",
        unseen="only at the prices the model set",
        wording=MappingProxyType(
            {
                "runaway-automation": Wording(
                    "{anchor} sets prices with no cap on how far or how fast they move",
                    "{anchor} sets prices by itself with no ceiling and no limit on each change, "
                    "so a demand spike, a drifted input or a bad release moves every price at "
                    "once and keeps moving it until someone notices",
                    "replay a day of {anchor}'s inputs on canary with every price it sets 10% "
                    "above the last: the cap on price changes must hold and page",
                ),
            }
        ),
    ),
    "moderate": Domain(
        "moderate",
        "remove",
        "send automatically actioned items to human review at random",
        "removal and appeal rates per category",
        "removals",
        unseen="only for items the model left up or sent to review",
    ),
    "predict": Domain(
        "predict",
        "act",
        "act independently of the model at random, and log each action's propensity",
        "the action rate per segment",
        "actions",
    ),
}
WORDS = {
    "block": ("block", "fraud", "decline", "deny", "flag", "reject"),
    "approve": ("approve", "credit", "loan", "limit", "underwrit", "lend"),
    "replenish": ("order", "replenish", "stock", "inventory"),
    "price": ("price", "pricing", "surge", "bid", "offer", "quote"),
    "moderate": ("moderat", "remove", "takedown", "spam", "abuse"),
    "rank": ("rank", "recommend", "feed", "search", "ads", "show"),
}


def family_for(key: str, system: System) -> Family:
    """The scenario family ``key`` in this system's words: its title, effect and proof where
    its kind of decision meets the mechanism differently; the scores are the family's."""
    family = FAMILIES[key]
    if key == "runaway-automation" and (slow := _slow_outcome(system)) is not None:
        return replace(
            family,
            title=SLOW_RUNAWAY[0].format(delay=duration(slow), anchor="{anchor}"),
            effect=SLOW_RUNAWAY[1].format(delay=duration(slow), anchor="{anchor}"),
        )
    words = domain_of(system).wording.get(key)
    if words is None:
        return family
    return replace(family, title=words.title, effect=words.effect, verify=words.verify)


SLOW_OUTCOME_S = 7 * 86400.0
"""Outcomes slower than a week: many decisions are taken before the first is judged."""
SLOW_RUNAWAY = (
    "{anchor} acts with no cap for {delay} before its first outcome shows",
    "{anchor} acts by itself with no cap on how often or how much, and an outcome takes "
    "{delay} to show (median), so a turn in the world or a drifted input is repeated on every "
    "decision long before the first of them is judged",
)
"""A runaway's title and effect where outcomes are slow: the exposure is the volume of
decisions taken before the first is judged (Zillow Offers), whatever the kind of decision."""


def slowest_delays(loops: Iterable[FeedbackLoop]) -> tuple[float | None, float | None]:
    """Seconds until the median and the 95th-percentile label arrive, the slowest loop's of
    each; None where no loop declares it."""
    delays = [loop.label.delay for loop in loops if loop.label and loop.label.delay]
    p50s = [float(d.p50) for d in delays if d.p50 is not None]
    p95s = [float(d.p95) for d in delays if d.p95 is not None]
    return max(p50s, default=None), max(p95s, default=None)


def _slow_outcome(system: System) -> float | None:
    """The slowest median label delay of the system, when it is slower than a week."""
    slowest = slowest_delays(system.manifest.feedback)[0]
    return slowest if slowest is not None and slowest > SLOW_OUTCOME_S else None


def domain_of(system: System) -> Domain:
    """The system's decision kind, from its declared decision and the words of its action."""
    decision = system.manifest.system.decision
    text = " ".join(t for t in (decision.action if decision else None, system.name) if t).lower()
    # The kind whose word comes first in the action: 'approve or decline a credit application'
    # approves, though 'decline' is a blocking word too.
    first = {
        key: min(text.find(w) for w in WORDS[key] if w in text)
        for key in ("block", "approve", "replenish", "price", "moderate", "rank")
        if any(w in text for w in WORDS[key])
    }
    if first:
        return DOMAINS[min(first, key=first.__getitem__)]
    kind = decision.type if decision else None
    if kind == "ranking":
        return DOMAINS["rank"]
    if kind == "filtering":
        return DOMAINS["moderate"]
    return DOMAINS["predict"]
