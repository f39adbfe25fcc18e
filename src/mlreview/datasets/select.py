"""The exact median of values read again and again, holding at most a bounded number of them.

Each pass counts the values by the next 16 bits of an order-preserving 64-bit key (the float's
bits, flipped so that unsigned order is numeric order) within the group that holds the rank
sought; once that group is small enough, a last pass gathers it and partitions it. The answer
is the order statistic itself, so it equals ``numpy.median`` of all the values held at once.

Every pass is a fold: each piece gives counts (and, at the last pass, the members of a small
group), which add up in any order and grouping. So the pieces may be read in one process
(``median``) or where they lie, say Spark partitions, through any `Fold` (``median_folded``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Protocol, TypeVar

import numpy as np

DIGIT = 16
SIGN = np.uint64(1 << 63)

Pieces = Callable[[], Iterator[np.ndarray]]
T = TypeVar("T")
Group = tuple[int, int]
Tally = tuple[dict[Group, list[np.ndarray]], dict[Group, np.ndarray]]


class Fold(Protocol):
    """``step`` of every piece of the values, added up by ``add`` (None when there are none)."""

    def __call__(self, step: Callable[[np.ndarray], T], add: Callable[[T, T], T]) -> T | None:
        """The pieces' steps added up."""


def local_fold(pieces: Pieces) -> Fold:
    """The fold of the pieces ``pieces`` yields, read in this process."""

    def fold(step: Callable[[np.ndarray], T], add: Callable[[T, T], T]) -> T | None:
        out: T | None = None
        for piece in pieces():
            part = step(piece)
            out = part if out is None else add(out, part)
        return out

    return fold


def _keys(values: np.ndarray) -> np.ndarray:
    # Adding 0.0 turns -0.0 into 0.0, which numpy's median does not tell apart either.
    bits = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)
    keys: np.ndarray = np.where(bits >> np.uint64(63) == 1, ~bits, bits | SIGN)
    return keys


def _value(key: int) -> float:
    bits = key & ~(1 << 63) if key >> 63 else ~key & ((1 << 64) - 1)
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def _members(keys: np.ndarray, prefix: int, known: int) -> np.ndarray:
    member: np.ndarray = keys[(keys >> np.uint64(64 - known)) == np.uint64(prefix)]
    return member


def _top_digit_counts(piece: np.ndarray) -> np.ndarray:
    digit = (_keys(piece) >> np.uint64(64 - DIGIT)).astype(np.int64)
    counts: np.ndarray = np.bincount(digit, minlength=1 << DIGIT)
    return counts


def _top_digits(fold: Fold) -> np.ndarray:
    counts = fold(_top_digit_counts, np.add)
    return np.zeros(1 << DIGIT, dtype=np.int64) if counts is None else counts


def _tally(piece: np.ndarray, held: list[Group], counted: list[Group]) -> Tally:
    """One piece's members of the groups ``held`` and its next digits' counts in ``counted``."""
    keys = _keys(piece)
    members = {group: [_members(keys, *group)] for group in held}
    counts = {}
    for prefix, known in counted:
        member = _members(keys, prefix, known)
        digit = (member >> np.uint64(64 - known - DIGIT)) & np.uint64(0xFFFF)
        counts[(prefix, known)] = np.bincount(digit.astype(np.int64), minlength=1 << DIGIT)
    return members, counts


def _add_tallies(left: Tally, right: Tally) -> Tally:
    return (
        {g: left[0][g] + right[0][g] for g in left[0]},
        {g: left[1][g] + right[1][g] for g in left[1]},
    )


def _narrow(counts: np.ndarray, prefix: int, known: int, within: int) -> tuple[int, int, int, int]:
    """The group one digit further down that holds rank ``within`` of group (prefix, known):
    its prefix, bits known, the rank within it and its size."""
    running = np.cumsum(counts)
    digit = int(np.searchsorted(running, within, side="right"))
    below = int(running[digit - 1]) if digit else 0
    return (prefix << DIGIT) | digit, known + DIGIT, within - below, int(counts[digit])


def _select(fold: Fold, top: np.ndarray, ranks: list[int], held_most: int) -> dict[int, float]:
    """The values at 0-based ``ranks``, given the counts ``top`` of their first digits."""
    # For each rank sought: the key bits known so far, how many, and the rank within them.
    targets: dict[int, tuple[int, int, int]] = {}
    sizes: dict[Group, int] = {}
    for rank in ranks:
        prefix, known, within, size = _narrow(top, 0, 0, rank)
        targets[rank] = (prefix, known, within)
        sizes[(prefix, known)] = size
    found: dict[int, float] = {}
    while targets:
        groups = {(prefix, known) for prefix, known, _ in targets.values()}
        gather = {g for g in groups if sizes[g] <= held_most or g[1] == 64}
        counted = sorted(groups - gather)
        held_groups = sorted(g for g in gather if g[1] < 64)
        held: dict[Group, list[np.ndarray]] = {g: [] for g in held_groups}
        counts: dict[Group, np.ndarray] = {}
        if counted or held_groups:
            tally = fold(partial(_tally, held=held_groups, counted=counted), _add_tallies)
            if tally is not None:
                held, counts = tally
        for rank, (prefix, known, within) in list(targets.items()):
            if known == 64:  # every value in the group is the same
                found[rank] = _value(prefix)
            elif (prefix, known) in held:
                values = np.concatenate(held[(prefix, known)])
                found[rank] = _value(int(np.partition(values, within)[within]))
            else:
                step = _narrow(counts[(prefix, known)], prefix, known, within)
                sizes[step[:2]] = step[3]
                targets[rank] = step[:3]
                continue
            del targets[rank]
    return found


def order_statistics(pieces: Pieces, ranks: list[int], held_most: int) -> dict[int, float]:
    """The values at 0-based ``ranks`` (each below the count) of the values ``pieces`` yields,
    holding at most ``held_most`` of them (and 65,536 counts per rank) at a time."""
    fold = local_fold(pieces)
    return _select(fold, _top_digits(fold), ranks, held_most)


def median(pieces: Pieces, held_most: int) -> float:
    """The median of the values ``pieces`` yields (none of them NaN), as numpy computes it: the
    middle value, or the mean of the two middle values; NaN when there are none."""
    return median_folded(local_fold(pieces), held_most)


def median_folded(fold: Fold, held_most: int) -> float:
    """`median` of the values ``fold`` folds over, wherever they are read."""
    top = _top_digits(fold)
    count = int(top.sum())
    if not count:
        return float("nan")
    low, high = (count - 1) // 2, count // 2
    values = _select(fold, top, sorted({low, high}), held_most)
    return values[low] if low == high else (values[low] + values[high]) / 2
