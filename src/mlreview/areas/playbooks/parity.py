"""The playbook for features computed by separate code for training and for serving, where a
change to either side reaches all traffic unchecked: one definition, and until then a parity
gate that scores the same inputs through both codes before either side ships."""

from __future__ import annotations

from mlreview.areas.common import possessive
from mlreview.areas.playbooks.base import Move, Situation
from mlreview.system.manifest import Feature

PARITY_RECORDS = 100_000
"""Inputs in the parity set: a change of definition that moves one record in 33,000 shows in
it with 95% probability (3 / n), and both codes score that many in minutes."""


def twice_coded(s: Situation) -> list[Feature]:
    """The scenario's features with a training and a serving implementation of their own."""
    return [
        f
        for f in s.system.manifest.features
        if f.id in s.components and f.shared_definition is not True and f.serving is not None
    ]


def parity_moves(s: Situation, features: list[Feature]) -> tuple[list[Move], str]:
    """One definition (prevent) and a deploy gate on a parity set (limit), with the proof that
    a definitional change on one side fails the gate."""
    ids = tuple(f.id for f in features)
    logged = all(f.logged_at_serving for f in features)
    archived = all(f.point_in_time_join for f in features)
    if logged:
        inputs = f"{PARITY_RECORDS:,} logged serving requests"
    elif archived:
        inputs = (
            f"{PARITY_RECORDS:,} archived inputs (the point-in-time records the training code "
            "already reads; serving does not log these features)"
        )
    else:
        inputs = f"{PARITY_RECORDS:,} recorded inputs, captured at serving for the purpose"
    moves = [
        Move(
            "limit",
            ids,
            "Gate every change to either side's code on a parity set: compute these features "
            f"for {inputs} with the training code and with {s.anchor}'s, and block the "
            "deploy on any difference in a count, an age or a category (and beyond 1e-6 "
            "relative in a real value)",
            replaces=("SKEW013",),
        ),
        Move(
            "prevent",
            ids,
            "Define each once: one specification that both the training code and "
            f"{s.anchor} compute from (a shared library, or one specification compiled to both "
            "runtimes), and retire the second implementation",
            replaces=("SKEW001", "SKEW002"),
        ),
    ]
    top = min(features, key=lambda f: (f.importance_rank or 10**6, f.id)).id
    proof = (
        f"on a branch, change {possessive(s.anchor)} code for {top} the way a platform change can "
        "(a "
        "month counted as 30 days instead of the calendar month, or a window boundary moved "
        "by one): the parity gate must fail the build on it, and the same change deployed to "
        "one canary instance must page from the probes within 30 minutes"
    )
    return moves, proof
