"""Many features' comparisons over one persisted DataFrame of pairs, their folds run in rounds:
one Spark job a round, whatever the number of features.

`relation.compare_pairs` is a sequence of folds, each chosen by the results of the ones before.
Each feature's comparison runs in a driver thread of its own; a fold there waits until every
feature's thread waits on a fold or has finished, and then all the waiting folds run as one
``mapInArrow`` pass: each partition folds its frames with every waiting fold's step and sends
one pickled list of partials, added up in a tree fold by fold. So the passes number the steps
of the longest comparison (about twenty), not features times steps. Which folds share a round
is decided by the results alone, never by the threads' timing, and every result is the same
whatever the split of the pairs (`datasets.relation`), so the output is too.

An error in a step (a comparison that does not apply to a column's type) is caught where the
step ran and raised again in that feature's thread, as the single-machine comparison raises it.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from mlreview.datasets.pairs import PAIR_SLICE
from mlreview.datasets.relation import SERVING, TRAINING
from mlreview.spark.partials import column, frames, merge_depth, partial_batches, partials

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

T = TypeVar("T")
CELLS_PER_FRAME = PAIR_SLICE * 16
"""Cells of pairs a worker holds at once: PAIR_SLICE rows of 8 features, fewer rows when more
features share a round."""


@dataclass(frozen=True)
class Fold:
    """One feature's fold: its two columns of the pairs (as TRAINING and SERVING, beside the
    keys), the changes its view makes of each frame, and the step and the addition."""

    columns: tuple[str, str]
    changes: tuple[Callable[[Any], Any], ...]
    step: Callable[[Any], Any]
    add: Callable[[Any, Any], Any]


@dataclass
class Failed:
    """A step's error, carried from where it ran to the feature's thread."""

    error: BaseException


def _carried(error: Exception) -> Failed:
    try:
        pickle.dumps(error)
    except Exception:  # an error that cannot travel is told by its type and message
        return Failed(RuntimeError(f"{type(error).__name__}: {error}"))
    return Failed(error)


@dataclass
class _Waiting:
    fold: Fold
    done: bool = False
    result: Any = None


def _add_all(folds: Sequence[Fold]) -> Callable[[list[Any] | None, list[Any] | None], Any]:
    def add(left: list[Any] | None, right: list[Any] | None) -> list[Any] | None:
        if left is None:
            return right
        if right is None:
            return left
        out = []
        for fold, a, b in zip(folds, left, right, strict=True):
            if isinstance(a, Failed) or b is None:
                out.append(a)
            elif isinstance(b, Failed) or a is None:
                out.append(b)
            else:
                out.append(fold.add(a, b))
        return out

    return add


def partition_folder(
    keys: list[str], folds: Sequence[Fold], rows: int
) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """The function ``mapInArrow`` runs on each partition of a round: every fold's step of each
    frame of ``rows`` pairs, added up; one record batch out, the pickled list of partials (none
    for a partition without pairs)."""
    add = _add_all(folds)

    def run(batches: Iterable[Any]) -> Iterator[Any]:
        out: list[Any] | None = None
        for frame in frames(batches, rows):
            parts: list[Any] = []
            for i, fold in enumerate(folds):
                if out is not None and isinstance(out[i], Failed):
                    parts.append(None)
                    continue
                try:
                    item: Any = frame.select(
                        *keys,
                        pl.col(fold.columns[0]).alias(TRAINING),
                        pl.col(fold.columns[1]).alias(SERVING),
                    )
                    for change in fold.changes:
                        item = change(item)
                    parts.append(fold.step(item))
                except Exception as exc:
                    parts.append(_carried(exc))
            out = add(out, parts)
        if out is not None:
            yield from partial_batches(pickle.dumps(out))

    return run


@dataclass
class Rounds:
    """The folds of comparisons over ``pairs`` (the key columns and every feature's two
    columns), gathered into one Spark job a round; `run` runs the comparisons."""

    pairs: DataFrame
    keys: list[str]
    passes: int = 0
    """Spark jobs run so far, one a round."""
    _ready: threading.Condition = field(default_factory=threading.Condition)
    _waiting: list[_Waiting] = field(default_factory=list)
    _busy: int = 0

    def fold(self, fold: Fold) -> Any:
        """The fold's result once its round has run (called from a comparison's thread)."""
        waiting = _Waiting(fold)
        with self._ready:
            self._waiting.append(waiting)
            self._busy -= 1
            self._ready.notify_all()
            while not waiting.done:
                self._ready.wait()
        if isinstance(waiting.result, Failed):
            raise waiting.result.error
        return waiting.result

    def run(self, comparisons: Sequence[Callable[[], T]]) -> list[T]:
        """Each comparison's result, in order; the first comparison (in order) to fail raises
        its error, as comparing them one after the other would."""
        results: list[Any] = [None] * len(comparisons)
        errors: list[BaseException | None] = [None] * len(comparisons)

        def work(i: int) -> None:
            try:
                results[i] = comparisons[i]()
            except BaseException as exc:  # raised in the caller's thread, in order, below
                errors[i] = exc
            finally:
                with self._ready:
                    self._busy -= 1
                    self._ready.notify_all()

        self._busy = len(comparisons)
        threads = [
            threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(comparisons))
        ]
        for thread in threads:
            thread.start()
        while True:
            with self._ready:
                while self._busy:
                    self._ready.wait()
                round_, self._waiting = self._waiting, []
            if not round_:
                break
            try:
                found = self._pass([w.fold for w in round_])
            except BaseException as exc:  # the job itself failed: every waiting fold raises it
                found = [Failed(exc)] * len(round_)
            with self._ready:
                for waiting, result in zip(round_, found, strict=True):
                    waiting.result, waiting.done = result, True
                self._busy = len(round_)
                self._ready.notify_all()
        for thread in threads:
            thread.join()
        for error in errors:
            if error is not None:
                raise error
        return results

    def _pass(self, folds: list[Fold]) -> list[Any]:
        needed = sorted({name for fold in folds for name in fold.columns})
        chosen = self.pairs.select(*[column(k) for k in [*self.keys, *needed]])
        rows = max(1, min(PAIR_SLICE, CELLS_PER_FRAME // (len(self.keys) + len(needed))))
        sent = partials(chosen, partition_folder(self.keys, folds, rows)).map(pickle.loads)
        add = _add_all(folds)
        self.passes += 1
        total = sent.treeAggregate(None, add, add, depth=merge_depth(sent.getNumPartitions()))
        return [None] * len(folds) if total is None else list(total)
