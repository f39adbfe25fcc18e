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

Most sums never reach the groups: they are first cut by error-free extraction (as in Rump, Ogita
and Oishi's AccSum). With ``sigma = 2**s`` at least 2n times the largest magnitude,
``q = (sigma + x) - sigma`` is x rounded to a multiple of ``2**(s-53)`` and ``x - q`` its exact
remainder; every partial sum of the q's is such a multiple below ``sigma``, so numpy adds them
without rounding in any order. The remainders are cut again with a smaller ``sigma``, about 33
bits lower per level for a batch of 250,000, until none is left (three levels for most data), or
the rest is so small that its plain sum is exact, or after LEVELS (or for sums near the float
range), when the groups take what is left. Each level is five passes of ufuncs and sums,
which release Python's lock, where a group sum is two bincounts, which hold it.
"""

from __future__ import annotations

import math

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
LEVELS = 5
# sigma must stay a normal float whose grid, 2**(s-53), is no finer than the smallest float.
LOWEST_SIGMA, HIGHEST_SIGMA = -1021, 1023


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


def _integer(value: float, scale: int) -> int:
    """``value * 2**scale`` for a float that is a multiple of ``2**-scale``."""
    numerator, denominator = value.as_integer_ratio()
    return numerator << (scale + 1 - denominator.bit_length())


def _largest(values: np.ndarray) -> float:
    return max(float(values.max()), -float(values.min()))


def _extracted(values: np.ndarray, shift: int, largest: float) -> int:
    """``sum(values) * 2**(SUM_SCALE + shift)``, exactly (``values`` finite float64, contiguous;
    ``largest`` their largest magnitude), by error-free extraction, the rest by groups."""
    size = values.size
    headroom = (size - 1).bit_length() + 1  # 2**headroom >= 2 * size
    total = 0
    rest = values
    for _ in range(LEVELS):
        if largest == 0.0:
            return total
        s = math.frexp(largest)[1] + headroom  # largest < 2**(s - headroom)
        if s < LOWEST_SIGMA:
            # Every partial sum is a multiple of 2**-1074 below 2**-1022: all are floats.
            return total + _integer(float(rest.sum()), SUM_SCALE + shift)
        if s > HIGHEST_SIGMA:
            break
        sigma = math.ldexp(1.0, s)
        high = np.add(rest, sigma, out=scratch("extract high", size, np.float64))
        high -= sigma
        rest = np.subtract(rest, high, out=scratch("extract rest", size, np.float64))
        total += _integer(float(high.sum()), SUM_SCALE + shift)
        largest = _largest(rest)
    return total + (_binned(rest, shift) if largest != 0.0 else 0)


def exact_sum(values: np.ndarray, largest: float | None = None) -> int:
    """``sum(values) * 2**SUM_SCALE`` as an integer (``values`` finite float64; ``largest``
    their largest magnitude when already known)."""
    if not values.size:
        return 0
    values = np.ascontiguousarray(values, dtype=np.float64)
    return _extracted(values, 0, _largest(values) if largest is None else largest)


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
    return _extracted(square, shift, float(square.max())) + _extracted(
        error, shift, _largest(error)
    )


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
