"""The cores this process may run on, and the count ``MLREVIEW_WORKERS`` asks for: one
setting for profiling's threads and the what-ifs' worker processes alike."""

from __future__ import annotations

import os

from mlreview.problems import InputError

WORKERS_VARIABLE = "MLREVIEW_WORKERS"
"""1 keeps all work in one thread of this process."""


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def requested_workers(noun: str) -> int | None:
    """The whole number ``MLREVIEW_WORKERS`` sets, or None when unset; ``noun`` (threads,
    workers) names what it counts in the one-line error for anything else."""
    raw = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        message = f"expected a whole number of {noun}, at least 1; got {raw!r}"
        raise InputError.single(WORKERS_VARIABLE, message)
    return int(raw)
