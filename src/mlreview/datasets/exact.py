"""Exact sums of floats and of their squares, so that moments do not depend on how the rows were
split into batches or in which order the batches were merged.

A float is ``±(2**52 * [exponent field > 0] + fraction) * 2**(max(field, 1) - 1075)``. Grouped by
sign and exponent field (its top 12 bits), values add exactly in integers: the fraction is split
in two 26-bit halves, the implicit leading bit added to the upper one, and the halves' sums stay
exact in float64 for up to 2**26 values a call (numpy's bincount adds float weights). The total
is then an integer, ``sum * 2**SUM_SCALE``, from a few Python operations per occupied bin. A
square is split exactly into three floats (Veltkamp's split x = high + low into 26-bit halves:
x*x = high*high + 2*high*low + low*low, each product exact, on values scaled by a power of two
into the range where the products neither overflow nor underflow), summed the same way, so
``sum of squares * 2**SQUARE_SCALE`` is an integer too. Integers add in any order.
"""

from __future__ import annotations

import numpy as np

from mlreview.datasets.sketch import scratch

# The smallest float is 2**-1074; squares of values scaled up by 2**TINY_SCALE reach 2**-2274.
SUM_SCALE = 1074
TINY_SCALE = 600
BIG_SCALE = -520
SQUARE_SCALE = SUM_SCALE + 2 * TINY_SCALE
# The split's products are exact for |x| in [2**-485, 2**511]; outside, values are scaled into it.
SMALL, LARGE = 2.0**-400, 2.0**400
HALF = np.uint64((1 << 26) - 1)
LEAD = float(1 << 26)
CHUNK = 1 << 26
SPLIT = float((1 << 27) + 1)
BINS = 4096


def _binned(values: np.ndarray, shift: int) -> int:
    """``sum(values) * 2**(SUM_SCALE + shift)``, exactly (``values`` finite float64)."""
    total = 0
    for start in range(0, values.size, CHUNK):
        bits = values[start : start + CHUNK].view(np.uint64)
        size = bits.size
        spare = scratch("exact bits", size, np.uint64)
        np.right_shift(bits, np.uint64(52), out=spare)
        index = scratch("exact index", size, np.intp)
        np.copyto(index, spare, casting="unsafe")
        half = scratch("exact half", size, np.float64)
        np.right_shift(bits, np.uint64(26), out=spare)
        np.bitwise_and(spare, HALF, out=half, casting="unsafe")
        half += LEAD  # the implicit leading bit, taken back below where there is none
        high = np.bincount(index, weights=half, minlength=BINS)
        np.bitwise_and(bits, HALF, out=half, casting="unsafe")
        low = np.bincount(index, weights=half, minlength=BINS)
        for b in np.flatnonzero(high).tolist():
            field = b & 2047
            units = (int(high[b]) << 26) + int(low[b])
            if not field:  # zeros and subnormals: no leading bit
                leading = (bits >> np.uint64(52)) == np.uint64(b)
                units -= int(np.count_nonzero(leading)) << 52
            units <<= max(field, 1) - 1 + shift
            total += -units if b & 2048 else units
    return total


def exact_sum(values: np.ndarray) -> int:
    """``sum(values) * 2**SUM_SCALE`` as an integer (``values`` finite float64)."""
    return _binned(np.ascontiguousarray(values, dtype=np.float64), 0) if values.size else 0


def _squares(values: np.ndarray, scale: int) -> int:
    """``sum(values**2) * 2**SQUARE_SCALE`` for values whose scaled halves multiply exactly."""
    x = np.ldexp(values, scale) if scale else values
    size = x.size
    high = np.multiply(x, SPLIT, out=scratch("exact high", size, np.float64))
    low = np.subtract(high, x, out=scratch("exact low", size, np.float64))
    np.subtract(high, low, out=high)  # the top 26 bits of x
    np.subtract(x, high, out=low)  # the rest, 26 bits and a sign
    product = np.multiply(high, high, out=scratch("exact product", size, np.float64))
    shift = 2 * (TINY_SCALE - scale)
    total = _binned(product, shift)
    np.multiply(high, low, out=product)
    total += _binned(product, shift + 1)
    np.multiply(low, low, out=product)
    return total + _binned(product, shift)


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
