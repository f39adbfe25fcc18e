"""Independent what-ifs on several cores: forked workers that start from the baseline review.

The what-if reviews behind the questions each start from the same baseline and change nothing
another one reads, so they can run in worker processes forked after the baseline (each has it
already, nothing is pickled on the way in) that send back only each call's small result. The
results come back in the order of the calls, so the review is the same as the serial run's.

``MLREVIEW_WORKERS=1`` (or ``mlreview check --workers 1``) runs them in this process.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from mlreview.cpus import requested_workers, usable_cpus

T = TypeVar("T")

DEFAULT_WORKERS = 2
"""Both cores of the machine the budgets are set for (issue 20); at most the CPUs usable."""
MIN_CALLS = 8
"""Fewer calls than this run in this process: forking would cost more than it saves."""

_JOBS: dict[int, Callable[[int], Any]] = {}
"""The work of each running ``ordered_map`` by token; a forked worker has it as it was."""
_TOKENS = itertools.count()


def can_fork() -> bool:
    """Whether workers can be forked here: not on Windows (no fork) nor macOS (system frameworks
    are not fork-safe; CPython itself spawns there)."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def workers(requested: int | None = None) -> int:
    """How many processes run the what-ifs: ``requested``, else ``MLREVIEW_WORKERS`` (as for
    profiling's threads; 1 runs everything in this process), else 2, at most the CPUs this
    process may use; 1 where it cannot fork."""
    if requested is None:
        requested = requested_workers("workers")
    if requested is not None and requested < 1:
        raise ValueError(f"workers: expected 1 or more, got {requested}")
    wanted = DEFAULT_WORKERS if requested is None else requested
    return min(wanted, usable_cpus()) if can_fork() else 1


def _call(token: int, index: int) -> Any:
    """In a worker: the call at ``index`` of the job ``token``."""
    return _JOBS[token](index)


def _dearest_first(cost: Callable[[int], float], count: int) -> list[int]:
    """The calls by falling ``cost``, ties in their order (longest first: the usual rule for
    spreading jobs of known lengths over a few workers)."""
    costs = [cost(i) for i in range(count)]
    return sorted(range(count), key=lambda i: -costs[i])


def ordered_map(
    fn: Callable[[int], T],
    count: int,
    processes: int = 1,
    on_done: Callable[[int], None] | None = None,
    cost: Callable[[int], float] | None = None,
) -> list[T]:
    """``[fn(0), ..., fn(count - 1)]``, in that order, with ``on_done(done)`` told as each
    finishes. With more than one of ``processes`` (and enough calls) they run in that many
    forked workers, each starting from this process's state as it is now; ``fn`` must change
    nothing a later call reads, and return something small that pickles. A worker's exception
    is raised here (and a worker that dies raises BrokenProcessPool); the workers are shut
    down before this returns or raises.

    ``cost(i)``, an estimate of call ``i``'s work, has the workers take the dearest calls
    first (ties in the calls' order): a dear call started last would leave one worker busy
    alone at the end (the questions' what-ifs on the system's criticality take a tenth of them
    all). The results come back in the calls' order whatever the order they ran in."""
    if processes <= 1 or count < MIN_CALLS or not can_fork():
        out = []
        for i in range(count):
            out.append(fn(i))
            if on_done is not None:
                on_done(i + 1)
        return out
    token = next(_TOKENS)
    _JOBS[token] = fn
    results: dict[int, T] = {}
    executor = ProcessPoolExecutor(
        max_workers=min(processes, count), mp_context=multiprocessing.get_context("fork")
    )
    try:
        # Long-lived objects move out of the collector's sight while the workers fork, so a
        # worker's collections neither walk nor copy the baseline's pages (Python's advice for
        # forking servers); this process takes them back once the workers are made.
        frozen = gc.get_freeze_count() == 0
        if frozen:
            gc.freeze()
        try:
            order = range(count) if cost is None else _dearest_first(cost, count)
            futures: dict[Future[Any], int] = {executor.submit(_call, token, i): i for i in order}
        finally:
            if frozen:
                gc.unfreeze()
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=futures.__getitem__):
                results[futures[future]] = future.result()
                if on_done is not None:
                    on_done(len(results))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        del _JOBS[token]
    return [results[i] for i in range(count)]
