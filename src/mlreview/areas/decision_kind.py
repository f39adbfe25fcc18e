"""Which kind of decision a system makes, as a key of areas/domain.py's DOMAINS, from its declared
decision and the words of its action: here so that modules the domains import can ask it too."""

from __future__ import annotations

from functools import lru_cache

from mlreview.system.system import System

WORDS = {
    "block": ("block", "fraud", "decline", "deny", "flag", "reject"),
    "approve": ("approve", "credit", "loan", "limit", "underwrit", "lend"),
    "replenish": ("order", "replenish", "stock", "inventory"),
    "price": ("price", "pricing", "surge", "bid", "offer", "quote"),
    "moderate": ("moderat", "remove", "takedown", "spam", "abuse"),
    "rank": ("rank", "recommend", "feed", "search", "ads", "show"),
}
"""The words of an action that name each kind of decision."""


def kind_of(system: System) -> str:
    """The system's decision kind: 'block', 'approve', 'replenish', 'price', 'moderate', 'rank'
    or 'predict'."""
    decision = system.manifest.system.decision
    text = " ".join(t for t in (decision.action if decision else None, system.name) if t).lower()
    worded = _worded(text)
    if worded is not None:
        return worded
    kind = decision.type if decision else None
    if kind == "ranking":
        return "rank"
    if kind == "filtering":
        return "moderate"
    return "predict"


@lru_cache(maxsize=64)
def _worded(text: str) -> str | None:
    """The kind whose word comes first in ``text`` (the action and the system's name, lower
    case), None when no kind's word is in it: 'approve or decline a credit application'
    approves, though 'decline' is a blocking word too. Kept by text: the rules and scenarios
    ask it some 600 times a review, the fields read each time all the same."""
    first = {
        key: min(text.find(w) for w in WORDS[key] if w in text)
        for key in ("block", "approve", "replenish", "price", "moderate", "rank")
        if any(w in text for w in WORDS[key])
    }
    return min(first, key=first.__getitem__) if first else None
