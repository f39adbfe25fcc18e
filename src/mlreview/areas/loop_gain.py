"""How a loop through other systems compounds: the action is a multiple k of what the other
systems output, and they answer with a multiple c of the action, so after n rounds the action is
(k x c)^n times where it started. Above 1 it grows without bound, below 1 it falls towards zero.
The factors come from the loop's declared ``factors``; where they are not declared the words use
ASSUMED_OURS and ASSUMED_THEIRS, labelled assumed with the field that would replace them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlreview.areas.common import either
from mlreview.areas.decision_kind import kind_of
from mlreview.system.manifest import FeedbackLoop
from mlreview.system.system import System

ASSUMED_OURS = 1.10
"""A premium of 10% over the other systems' output, for a review with no declared factor."""
ASSUMED_THEIRS = 0.99
"""Other systems undercutting the action by 1%, for a review with no declared factor."""
LIMIT_PER_ROUND = 0.10
"""The largest change per round the plan allows (10% a day for a daily job)."""
CEILING_TIMES = 3.0
"""The plan's ceiling, as a multiple of a reference the loop cannot move."""
DETECT_ROUNDS = 3
"""Rounds of the price and what it follows moving together before the loop detector freezes it."""


@dataclass(frozen=True)
class LoopGain:
    """The compounding of one loop through other systems."""

    loop: FeedbackLoop
    ours: float
    theirs: float
    ours_declared: bool
    theirs_declared: bool

    @property
    def gain(self) -> float:
        return self.ours * self.theirs

    @property
    def declared(self) -> bool:
        return self.ours_declared and self.theirs_declared

    @property
    def through(self) -> str:
        return either(list(self.loop.feeds_back_through or []), "and")

    def rounds_to(self, times: float, gain: float | None = None) -> float | None:
        """Rounds for the action to reach ``times`` its start at ``gain`` a round (the loop's
        own by default); None when it does not grow."""
        g = self.gain if gain is None else gain
        return math.log(times) / math.log(g) if g > 1.0 else None

    def _inputs(self) -> str:
        """'declared', or 'both assumed: set feedback.x.factors.ours and .theirs'."""
        unset = [
            name
            for name, declared in (("ours", self.ours_declared), ("theirs", self.theirs_declared))
            if not declared
        ]
        if not unset:
            return "declared"
        where = f"feedback.{self.loop.id}.factors." + " and .".join(unset)
        return f"{'both ' if len(unset) == 2 else ''}assumed: set {where}"

    def working(self) -> str:
        """The compounding with its inputs: 'k x c = 1.1 x 0.99 = 1.089 a round (both assumed:
        set ...), so after n rounds it is (k x c)^n times where it started: x10 in ln 10 /
        ln 1.089 = 27 rounds'."""
        k, c = f"{self.ours:.10g}", f"{self.theirs:.10g}"
        lead = f"k x c = {k} x {c} = {self.gain:.4g} a round ({self._inputs()})"
        if self.gain > 1.0:
            rounds = self.rounds_to(10.0)
            assert rounds is not None
            return (
                f"{lead}, so after n rounds it is (k x c)^n times where it started: x10 in "
                f"ln 10 / ln {self.gain:.4g} = {rounds:.2g} rounds"
            )
        if self.gain < 1.0:
            half = math.log(2.0) / -math.log(self.gain)
            return (
                f"{lead}, so it falls towards zero: halved in ln 2 / -ln {self.gain:.4g} = "
                f"{half:.2g} rounds"
            )
        return f"{lead}: it holds still, until either factor moves"

    def limit_working(self) -> str:
        """Whether the plan's change limit binds and what the loop detector buys, from the
        gain; '' where the loop does not grow."""
        free = self.rounds_to(CEILING_TIMES)
        if free is None:
            return ""
        rise = self.gain - 1.0
        alone = (
            f"left alone it passes {CEILING_TIMES:g} times its reference in "
            f"ln {CEILING_TIMES:g} / ln {self.gain:.4g} = {free:.2g} rounds"
        )
        detector = f"the detector's {DETECT_ROUNDS} rounds come first"
        if rise <= LIMIT_PER_ROUND:
            return (
                f"; the loop moves a price {rise:.1%} a round (k x c - 1), under the "
                f"{LIMIT_PER_ROUND:.0%} limit, so only the band and the detector stop it: "
                f"{alone}, and {detector}"
            )
        capped = self.rounds_to(CEILING_TIMES, 1.0 + LIMIT_PER_ROUND)
        assert capped is not None
        return (
            f"; the loop moves a price {rise:.1%} a round (k x c - 1), above the "
            f"{LIMIT_PER_ROUND:.0%} limit, so the limit binds on its first round: {alone}, "
            f"at the limit in ln {CEILING_TIMES:g} / ln {1.0 + LIMIT_PER_ROUND:g} = "
            f"{capped:.3g}, and {detector}"
        )


def loop_gain(system: System, models: set[str] | None = None) -> LoopGain | None:
    """The first loop through other systems of one of ``models`` (any model when None), its
    factors declared or assumed; None when no loop goes through other systems."""
    for loop in system.manifest.feedback:
        if not loop.feeds_back_through or (models is not None and loop.model not in models):
            continue
        f = loop.factors
        ours = f.ours if f is not None else None
        theirs = f.theirs if f is not None else None
        return LoopGain(
            loop,
            ours if ours is not None else ASSUMED_OURS,
            theirs if theirs is not None else ASSUMED_THEIRS,
            ours is not None,
            theirs is not None,
        )
    return None


def compounds(system: System, components: set[str] | None = None) -> LoopGain | None:
    """The compounding of the system's loop through other systems that answer its actions in
    kind: one whose factors are declared, or a price set from others' prices. Only where it acts
    by itself (FEED005's runaway); None otherwise. ``components`` narrows it to their models'
    loops."""
    decision = system.manifest.system.decision
    if not (decision and decision.automated_action):
        return None
    gain = loop_gain(system, components)
    if gain is None:
        return None
    f = gain.loop.factors
    declared = f is not None and (f.ours is not None or f.theirs is not None)
    return gain if declared or kind_of(system) == "price" else None
