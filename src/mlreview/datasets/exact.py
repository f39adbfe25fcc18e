"""Exact sums of floats and of their squares, so that moments do not depend on how the rows were
split into batches or in which order the batches were merged.

Values are grouped by sign and exponent (a float's top 12 bits). Within a group every value is a
multiple of the group's unit in the last place and less than 2**53 of them, so each value is cut
exactly into a high part (its top 27 significant bits, the low 26 bits of the fraction cleared)
and the remainder (the value minus the high part, at most 26 bits): per group, either part adds
without rounding in float64 for up to 2**26 values a call (numpy's bincount adds float weights),
and a sum that overflowed shows as infinite, never as a wrong finite number. The total is then an
integer, ``sum * 2**SUM_SCALE``, from a few Python operations per occupied group.

A square is split exactly into two floats by Dekker's product: ``x*x = p + e`` with ``p`` the
rounded square and ``e`` its rounding error, computed without error from Veltkamp's split of x
into 26-bit halves, on values scaled by a power of two into the range where no step overflows or
underflows; ``p`` and ``e`` are summed as above, so ``sum of squares * 2**SQUARE_SCALE`` is an
integer too. Integers add in any order.
"""

from __future__ import annotations

import numpy as np

from mlreview.datasets.sketch import scratch

# The smallest float is 2**-1074; squares of values scaled up by 2**TINY_SCALE reach 2**-2274.
SUM_SCALE = 1074
TINY_SCALE = 600
BIG_SCALE = -520
SQUARE_SCALE = SUM_SCALE + 2 * TINY_SCALE
# Dekker's product of x by itself is exact for |x| in [2**-474, 2**504] (no step overflows and
# no product falls below 2**-1022); values outside [SMALL, LARGE] are scaled into that range.
SMALL, LARGE = 2.0**-400, 2.0**400
HIGH = np.uint64(~((1 << 26) - 1) & ((1 << 64) - 1))  # sign, exponent and top 26 fraction bits
CHUNK = 1 << 26
HUGE = 960
SPLIT = float((1 << 27) + 1)
BINS = 4096


def _binned(values: np.ndarray, shift: int) -> int:
    """``sum(values) * 2**(SUM_SCALE + shift)``, exactly (``values`` finite float64)."""
    total = 0
    for start in range(0, values.size, CHUNK):
        part = values[start : start + CHUNK]
        bits = part.view(np.uint64)
        size = bits.size
        index = scratch("exact index", size, np.intp)
        np.right_shift(bits, np.uint64(52), out=index.view(np.uint64))
        high = scratch("exact high bits", size, np.uint64)
        np.bitwise_and(bits, HIGH, out=high)
        upper = high.view(np.float64)
        lower = np.subtract(part, upper, out=scratch("exact lower", size, np.float64))
        upper_sums = np.bincount(index, weights=upper, minlength=BINS)
        lower_sums = np.bincount(index, weights=lower, minlength=BINS)
        if not (np.isfinite(upper_sums).all() and np.isfinite(lower_sums).all()):
            # Only sums of values near the float range overflow: those beyond 2**HUGE are
            # scaled down by 2**-64 (exactly, as they stay far from the subnormals) and added
            # apart, where a sum of up to 2**26 of them stays finite, as does the rest's.
            huge = np.abs(part) >= 2.0**HUGE
            total += _binned(part[~huge], shift)
            total += _binned(np.ldexp(part[huge], -64), shift + 64)
            continue
        # A subnormal may have no high part. Each group's sums are multiples of 2**-1074, so
        # ``numerator / 2**k`` with k <= 1074 <= SUM_SCALE: scaled, they are integers.
        occupied = np.flatnonzero((upper_sums != 0) | (lower_sums != 0))
        scale = SUM_SCALE + shift + 1
        for value in upper_sums[occupied].tolist() + lower_sums[occupied].tolist():
            numerator, denominator = value.as_integer_ratio()
            total += numerator << (scale - denominator.bit_length())
    return total


def exact_sum(values: np.ndarray) -> int:
    """``sum(values) * 2**SUM_SCALE`` as an integer (``values`` finite float64)."""
    return _binned(np.ascontiguousarray(values, dtype=np.float64), 0) if values.size else 0


def _squares(values: np.ndarray, scale: int) -> int:
    """``sum(values**2) * 2**SQUARE_SCALE`` for values whose scaled square Dekker's product
    splits exactly."""
    x = np.ldexp(values, scale) if scale else values
    size = x.size
    high = np.multiply(x, SPLIT, out=scratch("exact high", size, np.float64))
    low = np.subtract(high, x, out=scratch("exact low", size, np.float64))
    np.subtract(high, low, out=high)  # the top 26 bits of x
    np.subtract(x, high, out=low)  # the rest, 26 bits and a sign
    square = np.multiply(x, x, out=scratch("exact square", size, np.float64))
    error = np.multiply(high, high, out=scratch("exact error", size, np.float64))
    error -= square
    np.multiply(high, low, out=high)
    error += high
    error += high
    np.multiply(low, low, out=low)
    error += low  # x*x - square, exactly
    shift = 2 * (TINY_SCALE - scale)
    return _binned(square, shift) + _binned(error, shift)


def exact_squares(values: np.ndarray, largest: float | None = None) -> int:
    """``sum(values**2) * 2**SQUARE_SCALE`` as an integer (``values`` finite float64;
    ``largest`` their largest magnitude when already known)."""
    if not values.size:
        return 0
    values = np.ascontiguousarray(values, dtype=np.float64)
    if largest is None:
        largest = float(np.abs(values).max())
    if largest <= LARGE:
        smallest = float(np.abs(values).min()) if largest >= SMALL else 0.0
        if smallest >= SMALL:
            return _squares(values, 0)
    magnitude = np.abs(values)
    total = 0
    for scale, keep in (
        (TINY_SCALE, magnitude < SMALL),
        (0, (magnitude >= SMALL) & (magnitude <= LARGE)),
        (BIG_SCALE, magnitude > LARGE),
    ):
        part = values[keep]
        if part.size:
            total += _squares(part, scale)
    return total
