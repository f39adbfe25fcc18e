"""What kind of decision a system makes, so plans speak its language: a fraud check blocks or
approves, a recommender ranks, a forecast orders stock, a pricer sets prices, a moderator removes.
Nothing here is offered to a system of another kind."""

from __future__ import annotations

from dataclasses import dataclass

from mlreview.system.system import System


@dataclass(frozen=True)
class Domain:
    name: str
    act: str
    """The automated action, as a verb phrase."""
    explore: str
    """How to act at random on a small share so outcomes are seen regardless of the model."""
    watch: str
    """What to watch for the loop narrowing."""
    cap: str
    """The action whose rate an action limit caps."""


DOMAINS = {
    "block": Domain(
        "block/approve",
        "block",
        "let a random share of would-be blocks through, below a value cap, and log each one's "
        "propensity",
        "the block rate per merchant and card segment",
        "blocks",
    ),
    "approve": Domain(
        "approve/decline",
        "approve",
        "approve a random share of would-be declines within a loss budget, and log each one's "
        "propensity",
        "approval rates per applicant segment",
        "approvals and declines",
    ),
    "rank": Domain(
        "rank",
        "rank",
        "show a randomly chosen candidate in a small share of slots, and log the propensity of "
        "every item shown",
        "catalogue coverage and exposure concentration",
        "changes in what is shown",
    ),
    "replenish": Domain(
        "forecast and replenish",
        "order",
        "order at the unconstrained forecast for a random share of store-items, so stock-outs "
        "stop censoring the sales that become labels",
        "forecast bias on items that stocked out",
        "order quantities",
    ),
    "price": Domain(
        "price",
        "price",
        "randomise the price within a narrow band for a small share of sessions, and log the band",
        "price dispersion and conversion per segment",
        "price changes",
    ),
    "moderate": Domain(
        "moderate",
        "remove",
        "send a random share of automatically actioned items to human review",
        "removal and appeal rates per category",
        "removals",
    ),
    "predict": Domain(
        "predict",
        "act",
        "act independently of the model on a small random share, and log each action's propensity",
        "the action rate per segment",
        "actions",
    ),
}
WORDS = {
    "block": ("block", "fraud", "decline", "deny", "flag", "reject"),
    "approve": ("approve", "credit", "loan", "limit", "underwrit", "lend"),
    "replenish": ("order", "replenish", "stock", "inventory"),
    "price": ("price", "pricing", "surge", "bid"),
    "moderate": ("moderat", "remove", "takedown", "spam", "abuse"),
    "rank": ("rank", "recommend", "feed", "search", "ads", "show"),
}


def domain_of(system: System) -> Domain:
    """The system's decision kind, from its declared decision and the words of its action."""
    decision = system.manifest.system.decision
    text = " ".join(t for t in (decision.action if decision else None, system.name) if t).lower()
    for key in ("block", "approve", "replenish", "price", "moderate", "rank"):
        if any(w in text for w in WORDS[key]):
            return DOMAINS[key]
    kind = decision.type if decision else None
    if kind == "ranking":
        return DOMAINS["rank"]
    if kind == "forecast":
        return DOMAINS["replenish"]
    if kind == "filtering":
        return DOMAINS["moderate"]
    return DOMAINS["predict"]
