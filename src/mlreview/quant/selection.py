"""Two ways an estimate's error becomes a loss a reader can work out by hand: a counterparty
who accepts only the offers it gains from (adverse selection, the winner's curse), and a trend
carried forward over the time until the outcome is realised (docs/risk-model.md)."""

from __future__ import annotations

import math

HALF_NORMAL = math.sqrt(2.0 / math.pi)
"""E|e| / sigma for a normal error e of mean 0: sqrt(2/pi) = 0.798. It is also E[e | e > 0] /
sigma, the mean error of the offers a counterparty accepts when it accepts exactly those the
model over-estimated."""


def accepted_overpayment(sigma: float) -> float:
    """The mean over-estimate on accepted offers when the error is normal with standard
    deviation ``sigma`` (a share of the true value) and only over-estimates are accepted:
    sigma * sqrt(2/pi). Softer acceptance gives less; it is the direction and its ceiling."""
    if sigma < 0.0:
        raise ValueError("sigma must not be negative")
    return sigma * HALF_NORMAL


def compounded(rate: float, periods: float) -> float:
    """How far a trend of ``rate`` per period carried over ``periods`` periods moves a value:
    (1 + rate) ** periods - 1; the forecast's error if the trend stops at the prediction."""
    if rate <= -1.0:
        raise ValueError("rate must be above -1")
    if periods < 0.0:
        raise ValueError("periods must not be negative")
    return math.pow(1.0 + rate, periods) - 1.0
