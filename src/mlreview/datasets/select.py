"""The exact median of values read again and again, holding at most a bounded number of them.

Each pass counts the values by the next 16 bits of an order-preserving 64-bit key (the float's
bits, flipped so that unsigned order is numeric order) within the group that holds the rank
sought; once that group is small enough, a last pass gathers it and partitions it. The answer
is the order statistic itself, so it equals ``numpy.median`` of all the values held at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

DIGIT = 16
SIGN = np.uint64(1 << 63)

Pieces = Callable[[], Iterator[np.ndarray]]


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


def _top_digits(pieces: Pieces) -> np.ndarray:
    counts = np.zeros(1 << DIGIT, dtype=np.int64)
    for piece in pieces():
        digit = (_keys(piece) >> np.uint64(64 - DIGIT)).astype(np.int64)
        counts += np.bincount(digit, minlength=1 << DIGIT)
    return counts


def _narrow(counts: np.ndarray, prefix: int, known: int, within: int) -> tuple[int, int, int, int]:
    """The group one digit further down that holds rank ``within`` of group (prefix, known):
    its prefix, bits known, the rank within it and its size."""
    running = np.cumsum(counts)
    digit = int(np.searchsorted(running, within, side="right"))
    below = int(running[digit - 1]) if digit else 0
    return (prefix << DIGIT) | digit, known + DIGIT, within - below, int(counts[digit])


def _select(pieces: Pieces, top: np.ndarray, ranks: list[int], held_most: int) -> dict[int, float]:
    """The values at 0-based ``ranks``, given the counts ``top`` of their first digits."""
    # For each rank sought: the key bits known so far, how many, and the rank within them.
    targets: dict[int, tuple[int, int, int]] = {}
    sizes: dict[tuple[int, int], int] = {}
    for rank in ranks:
        prefix, known, within, size = _narrow(top, 0, 0, rank)
        targets[rank] = (prefix, known, within)
        sizes[(prefix, known)] = size
    found: dict[int, float] = {}
    while targets:
        groups = {(prefix, known) for prefix, known, _ in targets.values()}
        gather = {g for g in groups if sizes[g] <= held_most or g[1] == 64}
        counts = {g: np.zeros(1 << DIGIT, dtype=np.int64) for g in groups - gather}
        held: dict[tuple[int, int], list[np.ndarray]] = {g: [] for g in gather if g[1] < 64}
        if counts or held:
            for piece in pieces():
                keys = _keys(piece)
                for group, pieces_held in held.items():
                    pieces_held.append(_members(keys, *group))
                for (prefix, known), tally in counts.items():
                    member = _members(keys, prefix, known)
                    digit = (member >> np.uint64(64 - known - DIGIT)) & np.uint64(0xFFFF)
                    np.add(
                        tally, np.bincount(digit.astype(np.int64), minlength=1 << DIGIT), out=tally
                    )
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
    return _select(pieces, _top_digits(pieces), ranks, held_most)


def median(pieces: Pieces, held_most: int) -> float:
    """The median of the values ``pieces`` yields (none of them NaN), as numpy computes it: the
    middle value, or the mean of the two middle values; NaN when there are none."""
    top = _top_digits(pieces)
    count = int(top.sum())
    if not count:
        return float("nan")
    low, high = (count - 1) // 2, count // 2
    values = _select(pieces, top, sorted({low, high}), held_most)
    return values[low] if low == high else (values[low] + values[high]) / 2
