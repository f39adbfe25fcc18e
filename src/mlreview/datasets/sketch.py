"""Mergeable summaries of a column: a relative-error quantile sketch, a distinct-count sketch and
the frequent values with their counts. Merging two summaries gives exactly the summary of the
concatenated data, whatever the split and the order of merging (the frequent values after
``FrequentValues.settle``).
"""

from __future__ import annotations

import functools
import math
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

RELATIVE_ACCURACY = 0.01
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
LOG_GAMMA = math.log(GAMMA)
TINY = 1e-9
SHIFT = math.floor(math.log(TINY) / LOG_GAMMA)
HLL_BITS = 12
# A column with at most TOP_VALUES distinct values lists them all; else those holding at least
# 1/SHARE of its values (0.1%: defaults, caps and sentinels the causes look for hold 2% or more).
TOP_VALUES = 256
SHARE = 1000
# A part of the data (a batch, or parts merged) lists every value while it has at most
# PART_VALUES. A column whose values each hold about 1/SHARE has about SHARE of them; listing
# only those at 1/SHARE of each part would leave many uncounted in some parts, to be counted
# again in a second pass over the data. Finished, a list keeps every value only up to TOP_VALUES.
PART_VALUES = 2 * SHARE


_scratch = threading.local()


def scratch(slot: str, size: int, dtype: type[np.generic]) -> np.ndarray:
    """A per-thread array of ``size`` items for one step of a computation, reused from batch to
    batch: a fresh array of a batch's size costs a page fault per 4 KB on every call. Its
    content is whatever the last use left."""
    pool: dict[str, np.ndarray] = _scratch.__dict__.setdefault("pool", {})
    held = pool.get(slot)
    if held is None or held.size < size or held.dtype != dtype:
        held = pool[slot] = np.empty(size, dtype)
    return held[:size]


def bucket_of(values: np.ndarray, reuse: bool = False, low: float | None = None) -> np.ndarray:
    """Signed log-bucket index of each value: 0 for |x| < TINY, +i above zero, -i below.

    With ``reuse`` the work and the result are in this thread's scratch arrays. ``low``, the
    smallest value when known, spares the steps for negative and tiny values when it is at
    least TINY (every value then is)."""
    size = values.size
    positive = low is not None and low >= TINY
    logs = scratch("logs", size, np.float64) if reuse else np.empty(size)
    if positive:
        np.log(values, out=logs)
    else:
        spare = scratch("bucket magnitude", size, np.float64) if reuse else None
        magnitude = np.abs(values, out=spare)
        np.maximum(magnitude, TINY, out=logs)
        np.log(logs, out=logs)
    logs /= LOG_GAMMA
    np.ceil(logs, out=logs)
    index = scratch("bucket", size, np.int64) if reuse else np.empty(size, np.int64)
    np.copyto(index, logs, casting="unsafe")  # as astype(np.int64)
    index -= SHIFT  # >= 1 for |x| >= TINY
    if not positive:
        np.negative(index, out=index, where=values < 0)
        index[magnitude < TINY] = 0
    return index


@functools.cache  # comparisons ask for the same few hundred buckets thousands of times
def bucket_value(index: int) -> float:
    """A value inside bucket ``index`` with relative error at most RELATIVE_ACCURACY."""
    if index == 0:
        return 0.0
    k = abs(index) + SHIFT
    # The top buckets' middles pass the largest float (as inf, or an OverflowError): they are
    # kept inside the range, so distances stay finite.
    try:
        value = min(2 * GAMMA**k / (GAMMA + 1), sys.float_info.max)
    except OverflowError:
        value = sys.float_info.max
    return value if index > 0 else -value


@dataclass
class QuantileSketch:
    """DDSketch-style log buckets: every quantile within 1% relative error; merge adds counts.

    With ``width`` the buckets are instead that wide (timestamps: a relative error of 1% of the
    epoch is months, so they get fixed ten-minute buckets)."""

    counts: dict[int, int] = field(default_factory=dict)
    width: float = 0.0
    _support: tuple[tuple[float, int, int], np.ndarray, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )

    def _index(self, values: np.ndarray, low: float | None) -> np.ndarray:
        if self.width:
            return np.floor(values / self.width).astype(np.int64)
        return bucket_of(values, reuse=True, low=low)

    def _value(self, index: int) -> float:
        return (index + 0.5) * self.width if self.width else bucket_value(index)

    def add(self, values: np.ndarray, low: float | None = None) -> None:
        """Count ``values``; ``low`` is the smallest of them when already known."""
        if values.size == 0:
            return
        index = self._index(values, low)
        first = int(index.min())
        index -= first
        counts = np.bincount(index)
        present = np.flatnonzero(counts)
        found = zip((present + first).tolist(), counts[present].tolist(), strict=True)
        if not self.counts:  # a batch's own sketch
            self.counts = dict(found)
            return
        for i, c in found:
            self.counts[i] = self.counts.get(i, 0) + c

    def merge(self, other: QuantileSketch) -> None:
        if not other.counts:
            return
        if self.width != other.width:
            raise ValueError("cannot merge sketches with different bucket widths")
        if not self.counts:  # the first part merged into a total
            self.counts = dict(other.counts)
            return
        mine = self.counts
        for i, c in other.counts.items():
            mine[i] = mine.get(i, 0) + c

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """(bucket values ascending, counts), as new arrays."""
        # A comparison asks a sketch for its support hundreds of times; it is built once per
        # state of the sketch (every add or merge changes the number of values counted).
        state = (self.width, len(self.counts), sum(self.counts.values()))
        if self._support is None or self._support[0] != state:
            keys = sorted(self.counts)
            values = np.array([self._value(k) for k in keys], dtype=float)
            counts = np.array([self.counts[k] for k in keys], dtype=float)
            self._support = (state, values, counts)
        return self._support[1].copy(), self._support[2].copy()

    def quantile(self, q: float) -> float | None:
        values, counts = self.support()
        if counts.size == 0:
            return None
        rank = q * (counts.sum() - 1)
        position = int(np.searchsorted(np.cumsum(counts), rank, side="right"))
        return float(values[min(position, values.size - 1)])

    def to_dict(self) -> dict[str, Any]:
        return {"width": self.width, "counts": {str(k): v for k, v in sorted(self.counts.items())}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuantileSketch:
        return cls({int(k): int(v) for k, v in data["counts"].items()}, float(data["width"]))


def _rank(rest: np.ndarray) -> np.ndarray:
    """64 - floor(log2(rest)) of each value, as the float logarithm gives it; 65 for 0.

    floor(log2) of a positive float is its exponent, read from its bits in one pass instead of
    taking the logarithm; only a value whose float's top 40 mantissa bits are all set, where the
    float logarithm may round up to the next power of two, is recomputed with it. numpy turns
    uint64 into floats ten times slower than int64, so a value from 2**63 up is halved first,
    its lowest bit kept as a sticky bit (the rounding of these floats is decided far above it),
    and its exponent raised by one. The result is a scratch array."""
    size = rest.size
    top = np.right_shift(rest, np.uint64(63), out=scratch("rank_top", size, np.uint64))
    half = np.right_shift(rest, top, out=scratch("rank_half", size, np.uint64))
    bits = scratch("rank_bits", size, np.float64)
    bits_u = bits.view(np.uint64)
    np.bitwise_and(rest, top, out=bits_u)
    half |= bits_u  # below 2**63: an int64
    np.copyto(bits, half.view(np.int64), casting="unsafe")
    rank = scratch("rank", size, np.int64)
    np.right_shift(bits_u, np.uint64(52), out=rank.view(np.uint64))  # the biased exponent
    np.maximum(rank, 1022, out=rank)  # 0 has exponent field 0; 1022 gives it rank 65
    np.subtract(1023 + 64, rank, out=rank)
    rank -= top.view(np.int64)
    bits_u &= np.uint64((1 << 52) - 1)  # the mantissa
    near = bits_u >= np.uint64(((1 << 40) - 1) << 12)
    if near.any():
        rank[near] = 64 - np.floor(np.log2(rest[near].astype(np.float64))).astype(np.int64)
    return rank


@dataclass
class DistinctSketch:
    """HyperLogLog over 64-bit hashes; merge takes the register maximum."""

    registers: np.ndarray = field(default_factory=lambda: np.zeros(1 << HLL_BITS, np.uint8))

    def add(self, hashes: np.ndarray) -> None:
        if hashes.size == 0:
            return
        h = hashes.astype(np.uint64, copy=False)
        index = scratch("register", h.size, np.int64)
        np.right_shift(h, np.uint64(64 - HLL_BITS), out=index.view(np.uint64))
        rest = scratch("rest", h.size, np.uint64)
        np.left_shift(h, np.uint64(HLL_BITS), out=rest)
        rest |= np.uint64(1 << (HLL_BITS - 1))
        index <<= 6
        index += _rank(rest)
        # Each register's largest rank, from which (register, rank) pairs occur: a table of
        # 4,096 x 64 flags instead of a scatter-maximum over every hash.
        seen = np.zeros((1 << HLL_BITS) * 64, dtype=bool)
        seen[index] = True
        flags = seen.reshape(1 << HLL_BITS, 64)
        best = 63 - np.argmax(flags[:, ::-1], axis=1)
        best[~flags.any(axis=1)] = 0
        np.maximum(self.registers, best.astype(np.uint8), out=self.registers)

    def merge(self, other: DistinctSketch) -> None:
        np.maximum(self.registers, other.registers, out=self.registers)

    def estimate(self) -> int:
        m = float(self.registers.size)
        alpha = 0.7213 / (1 + 1.079 / m)
        raw = alpha * m * m / float(np.sum(np.power(2.0, -self.registers.astype(float))))
        zeros = int(np.count_nonzero(self.registers == 0))
        if raw <= 2.5 * m and zeros:
            return round(m * math.log(m / zeros))
        return round(raw)

    def to_dict(self) -> str:
        return bytes(self.registers.tobytes()).hex()

    @classmethod
    def from_dict(cls, data: str) -> DistinctSketch:
        return cls(np.frombuffer(bytes.fromhex(data), dtype=np.uint8).copy())


@dataclass
class FrequentValues:
    """The values holding at least 1/SHARE of a column's counted values, with exact counts; or
    every value, when the column has at most TOP_VALUES distinct ones. Both are functions of the
    multiset of values, whatever batches they were counted in and in whatever order merged.

    A part of the data lists every value of it (it has at most PART_VALUES), or the values
    holding 1/SHARE of it, exactly counted, and maybe more. A value with 1/SHARE of the whole
    holds 1/SHARE of some part (else the parts' shares would add to less), so the parts' lists
    hold every frequent value; but a value frequent in one part has no count from parts that
    did not list it. ``covered`` holds, for such values, the number of rows their count is
    known over (a value missing there is known over every row). A value a merge leaves under
    1/SHARE even counting 1/SHARE of every row it is not known over is dropped; the rest
    still ``pending`` are counted again over the whole data (``settle``), so the list is exact.
    ``rows`` is the number of values counted; ``dropped`` the rows of values not listed."""

    counts: dict[Any, int] = field(default_factory=dict)
    rows: int = 0
    covered: dict[Any, int] = field(default_factory=dict)

    @classmethod
    def of_part(cls, counts: dict[Any, int], rows: int) -> FrequentValues:
        """A part's list: every value (when ``counts`` sums to ``rows``), or exact counts of its
        frequent values and of any others ``counts`` holds."""
        kept = {v: c for v, c in counts.items() if c} if sum(counts.values()) == rows else counts
        return cls(kept, rows)

    @property
    def complete(self) -> bool:
        """Every value is listed, with its exact count."""
        return sum(self.counts.values()) == self.rows

    @property
    def dropped(self) -> int:
        return self.rows - sum(self.counts.values())

    def _known(self, value: Any, complete: bool) -> int:
        """Rows ``value``'s count is known over; ``complete`` is `complete`, asked once by the
        caller (it sums every count)."""
        if complete:
            return self.rows
        if value in self.covered:
            return self.covered[value]
        return self.rows if value in self.counts else 0

    def merge(self, other: FrequentValues) -> None:
        rows = self.rows + other.rows
        values = sorted(self.counts.keys() | other.counts.keys(), key=repr)
        counts = {v: self.counts.get(v, 0) + other.counts.get(v, 0) for v in values}
        mine, theirs = self.complete, other.complete
        if mine and theirs and len(counts) <= PART_VALUES:
            self.counts, self.rows, self.covered = counts, rows, {}
            return
        known = {v: self._known(v, mine) + other._known(v, theirs) for v in values}
        self.counts, self.rows, self.covered = {}, rows, {}
        for v in values:
            if _may_be_frequent(counts[v], known[v], rows):
                self.counts[v] = counts[v]
                if known[v] < rows:
                    self.covered[v] = known[v]
        if self.complete:
            self.covered = {}

    def pending(self) -> list[Any]:
        """The values whose count is not known over every row, in a fixed order."""
        return sorted(self.covered, key=repr)

    def settle(self, exact: dict[Any, int]) -> None:
        """Take the counts of the pending values over every row, and keep the frequent ones."""
        for value in self.pending():
            self.counts[value] = exact.get(value, 0)
        self.covered = {}
        kept = list(self.counts.items())
        if not self.complete or len(kept) > TOP_VALUES:
            kept = [(v, c) for v, c in kept if c * SHARE >= self.rows]
        self.counts = dict(sorted(kept, key=lambda kv: (-kv[1], repr(kv[0]))))

    def share(self, value: Any, total: int) -> float:
        return self.counts.get(value, 0) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        items = sorted(self.counts.items(), key=lambda kv: (-kv[1], repr(kv[0])))
        values = [[v, c, self.covered[v]] if v in self.covered else [v, c] for v, c in items]
        return {"values": values, "dropped": self.dropped}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrequentValues:
        counts = {item[0]: int(item[1]) for item in data["values"]}
        covered = {item[0]: int(item[2]) for item in data["values"] if len(item) > 2}
        return cls(counts, int(data["dropped"]) + sum(counts.values()), covered)


def _may_be_frequent(count: int, known: int, rows: int) -> bool:
    """Whether a value counted ``count`` times over ``known`` of ``rows`` rows may hold 1/SHARE
    of them: over the rows it is not known over, every part held it less than 1/SHARE."""
    if known == rows:
        return count * SHARE >= rows
    return count * SHARE > known
