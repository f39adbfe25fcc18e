"""Two mechanisms a senior reviewer works out with arithmetic when the top risk is about what a
model's decisions do over time, each from fields any system may declare: adverse selection
(the counterparty accepts the offers it gains from, so accepted offers skew to over-estimates)
and trend extrapolation (a trend carried forward over the time until the outcome is realised).
Each is a paragraph for the top risk, with its formula and inputs, and a plan step; a value the
manifest does not state is labelled assumed and asked for (docs/risk-model.md)."""

from __future__ import annotations

import re

from mlreview.areas.assumed import component_field, field_of
from mlreview.areas.playbooks.base import Mechanism, Move, Situation
from mlreview.areas.playbooks.meeting import meeting_mechanisms
from mlreview.document.cells import duration
from mlreview.quant.selection import HALF_NORMAL, accepted_overpayment, compounded
from mlreview.system.manifest import Feature, FeedbackLoop, Model

FAMILIES = frozenset(
    {"runaway-automation", "selective-labels", "biased-feedback", "unadapted-drift", "stale-model"}
)
"""Top risks about what the decisions do over time: the mechanisms below explain their size."""

ASSUMED_SD = 0.05
"""The error's standard deviation, as a share of the true value, when none is declared."""
ASSUMED_RATE = 0.01
"""A trend's growth per period when none is declared."""
PERIOD_S = 30 * 86400.0
"""A trend's period when none is declared: 30 days."""

ACCEPTS = re.compile(r"\baccept(?:s|ed|ing|ance)?\b", re.IGNORECASE)
"""Words saying the outcome is seen only once the counterparty accepts."""
WHO = (
    re.compile(
        r"\b(?:the|a|an|whose|their|our)\s+([a-z]+)\s+(?:has\s+|had\s+|have\s+)?accept",
        re.IGNORECASE,
    ),
    re.compile(r"\baccept(?:s|ed)?\s+by\s+(?:the\s+|a\s+|an\s+)?([a-z]+)", re.IGNORECASE),
)


def accepting(loop: FeedbackLoop) -> str | None:
    """Who accepts, when the loop's outcomes are seen only on accepted offers: the word
    before 'accepted' ('the seller accepted the offer': seller), else 'counterparty'."""
    when = loop.label.observed_only_when if loop.label else None
    if not when or not ACCEPTS.search(when):
        return None
    for pattern in WHO:
        if (m := pattern.search(when)) is not None:
            word = m.group(1).lower()
            # 'whose sellers accepted': one seller, as the plural is made again where needed.
            return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return "counterparty"


def plural(noun: str) -> str:
    """'sellers', 'counterparties'."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


def _percent(value: float) -> str:
    """A worked result: '4.0%'."""
    return f"{value * 100:.1f}%"


def _given(value: float) -> str:
    """An input as declared or assumed: '5%', '1.5%'."""
    return f"{value * 100:.3g}%"


def _periods(seconds: float, per: float) -> str:
    n = seconds / per
    return f"{n:.0f}" if abs(n - round(n)) < 0.05 else f"{n:.1f}"


def _values_an_amount(s: Situation) -> bool:
    decision = s.system.manifest.system.decision
    return s.domain.name == "price" or bool(decision and decision.type == "regression")


def _adverse_selection(s: Situation, model: Model, loop: FeedbackLoop, who: str) -> Mechanism:
    system = s.system
    when = loop.label.observed_only_when if loop.label else ""
    sd_field = component_field(system, model.id, "validation_error_sd") or "validation_error_sd"
    sigma = model.validation_error_sd
    if sigma is None:
        sigma = ASSUMED_SD
        given = (
            f"sd assumed {_given(sigma)}: what is {model.id}'s validation error, as a share of "
            f"the true value? Set {sd_field}"
        )
    else:
        given = f"sd {_given(sigma)}, declared in {sd_field}"
    over = accepted_overpayment(sigma)
    text = (
        f"Adverse selection: {model.id}'s outcomes are seen only when {when}, and "
        f"{plural(who)} accept more readily when offered more than they could get "
        "elsewhere, so the accepted offers skew to its over-estimates. A symmetric error of "
        "standard deviation sd is off by sd x sqrt(2/pi) = 0.8 sd on average; if only "
        "over-estimates are accepted, that is the mean overpayment on every accepted offer: "
        f"{_given(sigma)} x {HALF_NORMAL:.3f} = {_percent(over)} ({given})."
    )
    step = (
        "Until the overpayment on accepted offers is measured, add it to the margin of every "
        f"offer ({_percent(over)} at an error sd of {_given(sigma)}), and log every offer, "
        "accepted and declined, with the value later realised for a sample of the declined "
        "ones, to measure how acceptance selects"
    )
    return Mechanism("adverse-selection", (model.id,), text, step)


def _trend(s: Situation, model: Model, feature: Feature) -> Mechanism:
    system = s.system
    trend = feature.trend
    assert trend is not None
    per = float(trend.per) if trend.per is not None else PERIOD_S
    period = duration(per)
    rate_field = field_of(system, trend, "rate")
    if trend.rate is None:
        rate = ASSUMED_RATE
        given = (
            f"r assumed {_given(rate)} per {period}: how fast does {feature.id} grow per "
            f"{period}? Set {rate_field}"
        )
    else:
        rate = trend.rate
        given = f"r {_given(rate)} per {period}, declared in {rate_field}"
    if trend.per is None and trend.rate is not None:
        given += f"; the period assumed {period}: set {field_of(system, trend, 'per')}"
    loops = [f for f in system.manifest.feedback if f.model == model.id]
    p50s = [float(d.p50) for f in loops if f.label and (d := f.label.delay) and d.p50 is not None]
    p95s = [float(d.p95) for f in loops if f.label and (d := f.label.delay) and d.p95 is not None]
    base = f"{1 + rate:g}"
    lead = f"Trend extrapolation: {model.id} carries the recent trend of {feature.id} forward"
    if not p50s:
        asked = (
            field_of(system, loops[0], "label.delay.p50") if loops else "feedback[].label.delay.p50"
        )
        text = (
            f"{lead} to an outcome realised later; if the trend stops when it predicts, each "
            f"prediction is off by (1 + r)^n - 1 after n periods of {period}, "
            f"{base}^1 - 1 = {_percent(compounded(rate, 1))} after the first ({given}). "
            f"How long after the prediction is its outcome realised? Set {asked}."
        )
        step = (
            f"Price every prediction under a flat {feature.id} as well, acting on the lower of "
            "the two, until the horizon it extrapolates over is known"
        )
        return Mechanism("trend-extrapolation", (model.id, feature.id), text, step)
    p50 = max(p50s)
    n50 = _periods(p50, per)
    worked = f"{base}^{n50} - 1 = {_percent(compounded(rate, float(n50)))} at the median"
    horizon = f"{duration(p50)} later (the label's median delay"
    if p95s:
        p95 = max(p95s)
        n95 = _periods(p95, per)
        worked += f" and {base}^{n95} - 1 = {_percent(compounded(rate, float(n95)))} at p95"
        horizon += f"; {duration(p95)} at p95"
    text = (
        f"{lead} to an outcome realised {horizon}); if the trend stops when it predicts, each "
        f"prediction is off by (1 + r)^(H / {period}) - 1: {worked} ({given})."
    )
    if p50 > per:
        step = (
            f"Carry the trend of {feature.id} forward at most one period ({period}) of the "
            f"{duration(p50)} horizon, and price every prediction under a flat trend as well, "
            f"acting on the lower: a trend that stops then costs {_percent(compounded(rate, 1))} "
            f"({base}^1 - 1), not {_percent(compounded(rate, float(n50)))}"
        )
    else:
        step = (
            f"Price every prediction under a flat {feature.id} as well, and act on the lower "
            "of the two"
        )
    return Mechanism("trend-extrapolation", (model.id, feature.id), text, step)


def mechanisms(s: Situation) -> list[Mechanism]:
    """The mechanisms that size the top risk ``s``, at most one of each kind: those of the
    decisions over time, then those where it meets what others run or send (meeting.py)."""
    return [*_over_time(s), *meeting_mechanisms(s)]


def _over_time(s: Situation) -> list[Mechanism]:
    if s.family not in FAMILIES:
        return []
    found: list[Mechanism] = []
    # A risk on the system as a whole (no endpoint declared: its findings name 'system') is
    # every model's.
    models = s.models() or (list(s.system.manifest.models) if "system" in s.components else [])
    if _values_an_amount(s):
        selected = [
            (m, loop, who)
            for m in models
            for loop in s.system.manifest.feedback
            if loop.model == m.id and (who := accepting(loop)) is not None
        ]
        if selected:
            found.append(_adverse_selection(s, *selected[0]))
    trending = [
        (m, f)
        for m in models
        for f in s.system.model_features(m)
        if f.trend is not None and (f.trend.extrapolated or f.trend.rate is not None)
    ]
    if trending:
        found.append(_trend(s, *trending[0]))
    return found


def mechanism_moves(s: Situation) -> tuple[Move, ...]:
    """A prevention step per mechanism, for the components it names."""
    anchors = s.anchors
    return tuple(Move("prevent", anchors, m.step) for m in mechanisms(s) if m.step)
