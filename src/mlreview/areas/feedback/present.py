"""The feedback area as a reader sees it: each loop's delays and biases, the loop as declared
and the loop to build, drawn and listed."""

from __future__ import annotations

from collections.abc import Callable

from mlreview.areas.common import marked_inferred, plural
from mlreview.areas.domain import domain_of
from mlreview.areas.feedback.assessment import FeedbackAssessment, LoopRow, Step
from mlreview.areas.feedback.design import LoopDesign
from mlreview.areas.findings import Finding
from mlreview.document.blocks import Block, Bullets, Column, Item, Loop, LoopStep, inline
from mlreview.document.cells import Seconds, Share, duration, number, share, table_of
from mlreview.system.manifest import FeedbackLoop, Model
from mlreview.system.system import System
from mlreview.system.units import format_seconds

LOOPS: list[tuple[Column, Callable[[LoopRow], object]]] = [
    (Column("loop"), lambda r: r.loop),
    (Column("model"), lambda r: r.model),
    (Column("type"), lambda r: r.loop_type),
    (Column("label p50"), lambda r: _span(r.label_delay_p50_days)),
    (Column("label p95"), lambda r: _span(r.label_delay_p95_days)),
    (Column("retrain every"), lambda r: _span(r.retrain_period_days)),
    (Column("staleness"), lambda r: _span(r.effective_staleness_days)),
    (Column("selective"), lambda r: r.selective_labels),
    (
        Column("holdout"),
        lambda r: None if r.holdout_fraction is None else Share(r.holdout_fraction),
    ),
]


def _span(days: float | None) -> Seconds | None:
    return None if days is None else Seconds(days * 86400)


def summarise(system: System, a: FeedbackAssessment, findings: list[Finding]) -> str:
    parts = []
    for r in a.loops:
        stale = (
            f", effective staleness {duration(r.effective_staleness_days * 86400)}"
            if r.effective_staleness_days is not None
            else ""
        )
        kind = f"{r.loop_type} loop" if r.loop_type != "none" else "no model-driven loop"
        parts.append(f"{r.loop} feeds {r.model} ({kind}{stale})")
    holdout = a.holdout
    if holdout and holdout.fraction is not None and holdout.days_to_detect is not None:
        parts.append(
            f"{holdout.phrase} detects a {share(holdout.min_detectable_effect)} "
            f"change in {number(holdout.days_to_detect)} days"
        )
    if a.models_without_feedback:
        parts.append(f"no label path for {', '.join(a.models_without_feedback)}")
    body = "; ".join(parts) if parts else "no feedback declared"
    return f"{body}; {plural(len(findings), 'finding')}."


def _days(days: float | None) -> str:
    return "?" if days is None else duration(days * 86400)


def _group(title: str, items: list[str]) -> Item:
    return Item(inline(title), tuple(Item(inline(i)) for i in items))


def design_list(d: LoopDesign) -> Bullets:
    """The designed feedback loop as headed lists."""
    h = d.holdout
    if h.fraction is not None and h.days_to_detect is not None:
        verb = "keep holding out" if h.change == "keep" else "hold out"
        holdout = [
            f"{verb} {share(h.fraction)} of traffic at random, persistently; it detects a "
            f"{share(h.min_detectable_effect)} change ({h.min_detectable_effect_basis}) in "
            f"{number(h.days_to_detect)} days from {h.outcomes_needed:,} labelled outcomes",
            *h.basis,
        ]
    else:
        holdout = [f"hold out 1-5% of traffic; {'; '.join(h.basis)}"]
    groups = [
        _group("Log at serving", list(d.log_at_serving)),
        _group(
            "Join and maturity",
            [
                f"join labels on {d.join_key}",
                f"train only on rows older than {_days(d.maturity_window_days)} "
                f"({d.maturity_basis})",
            ],
        ),
        _group("Holdout", holdout),
    ]
    if d.exploration:
        e = d.exploration
        part = share(e.fraction) if e.fraction is not None else "a small share"
        groups.append(
            _group("Exploration", [f"{part}: {e.how}; log the propensity of every action"])
        )
    r = d.retrain
    groups += [
        _group(
            "Retrain",
            [
                f"schedule: {r.schedule}",
                f"train on {r.train_on}",
                *[f"trigger: {t}" for t in r.triggers],
            ],
        ),
        _group("Promotion gate", list(d.promotion_gate)),
        _group("Watch while labels mature", list(d.watch_while_immature)),
    ]
    return Bullets("The loop to build", tuple(groups))


def _steps(steps: list[Step]) -> tuple[LoopStep, ...]:
    return tuple(LoopStep(s.label, s.status) for s in steps)


def present(a: FeedbackAssessment) -> list[Block]:
    out: list[Block] = [table_of("Feedback loops", LOOPS, a.loops)]
    if a.diagram:
        if a.diagram.as_is:
            title = "The loop as declared (orange: biased or at risk)"
            out.append(Loop(title, _steps(a.diagram.as_is)))
        if a.diagram.designed:
            out.append(Loop("The loop to build (green: added)", _steps(a.diagram.designed)))
    if a.design:
        out.append(design_list(a.design))
    return out


def _delay_words(system: System, loops: dict[str, FeedbackLoop], row: LoopRow) -> str:
    """'60 min after the prediction (median, p95 20 h)', saying which of the two the manifest
    marks inferred ('both marked inferred', 'median marked inferred'), so a delay the prose
    never gave does not read as a stated figure."""
    if row.label_delay_p50_days is None:
        return ""
    loop = loops.get(row.loop)
    delay = loop.label.delay if loop and loop.label else None
    marked = {q for q in ("p50", "p95") if delay and marked_inferred(system, delay, q)}
    p50 = format_seconds(row.label_delay_p50_days * 86400)
    median = "median, marked inferred" if "p50" in marked else "median"
    if not row.label_delay_p95_days:
        return f" arrive {p50} after the prediction ({median})"
    p95 = f"p95 {format_seconds(row.label_delay_p95_days * 86400)}"
    if marked == {"p50", "p95"}:
        words = f"median, {p95}, both marked inferred"
    elif "p50" in marked:
        words = f"{median}; {p95}"
    elif "p95" in marked:
        words = f"median; {p95}, marked inferred"
    else:
        words = f"median, {p95}"
    return f" arrive {p50} after the prediction ({words})"


def verdict(system: System, a: FeedbackAssessment, findings: list[Finding]) -> str:
    parts = []
    loops = {f.id: f for f in system.manifest.feedback}
    for r in a.loops:
        delay = _delay_words(system, loops, r)
        selective = f", {domain_of(system).unseen}" if r.selective_labels else ""
        holdout = f"; a {r.holdout_fraction:.1%} holdout" if r.holdout_fraction else "; no holdout"
        fixed = system.get(r.model)
        if isinstance(fixed, Model) and fixed.learned is False:
            # A rule set by hand learns nothing from its labels: a holdout sized to measure a
            # model's effect is not asked of it.
            holdout = ""
        parts.append(f"{r.loop} labels for {r.model}{delay}{selective}{holdout}")
    if a.models_without_feedback:
        parts.append(f"no label path for {', '.join(a.models_without_feedback)}")
    return "; ".join(parts) or "no feedback declared"
