"""The HyperLogLog rank as `DistinctSketch` computed it before it was read from the float
exponent: the reference that tests/test_hll_rank.py checks `sketch._rank` against and that
benchmarks/bench_hll_rank.py times it beside."""

from __future__ import annotations

import numpy as np

from mlreview.datasets.sketch import scratch


def smear_rank(rest: np.ndarray) -> np.ndarray:
    """The earlier implementation, as it was in src (its own scratch slots, so that its result
    never shares memory with ``_rank``'s): the bit length from a six-step bit smear, and the
    float logarithm where the 40 bits below the leading one are all set. ``rest`` is
    overwritten."""
    smear = scratch("reference_smear", rest.size, np.uint64)
    spare = scratch("reference_spare", rest.size, np.uint64)
    np.copyto(smear, rest)
    for step in (1, 2, 4, 8, 16, 32):
        np.right_shift(smear, np.uint64(step), out=spare)
        smear |= spare
    rank = scratch("reference_rank", rest.size, np.int64)
    np.subtract(65, np.bitwise_count(smear), out=rank, dtype=np.int64)
    np.right_shift(smear, np.uint64(1), out=spare)
    smear ^= spare
    smear >>= np.uint64(40)
    np.invert(rest, out=rest)
    spare &= rest
    near = spare < smear
    if near.any():
        np.invert(rest, out=rest)
        rank[near] = 64 - np.floor(np.log2(rest[near].astype(np.float64))).astype(np.int64)
    return rank
