"""The HyperLogLog rank read from the float exponent equals the bit-smear rank it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets.sketch import _rank, scratch


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


def check(values: list[int]) -> None:
    rest = np.array(values, dtype=np.uint64)
    assert _rank(rest.copy()).tolist() == smear_rank(rest.copy()).tolist()


# Values just below and at each power of two: where the float logarithm may round up.
EDGES = [0, 1, 2, 3, (1 << 64) - 1, 1 << 63, (1 << 63) - 1]
EDGES += [(1 << k) - d for k in range(1, 65) for d in (1, 2, 3, 64, 65, 1 << 11, 1 << 12)]
EDGES += [(1 << k) + d for k in range(0, 64) for d in (0, 1)]


def test_edges() -> None:
    check([v for v in EDGES if 0 <= v < 1 << 64])


@settings(max_examples=300)
@given(st.lists(st.integers(0, (1 << 64) - 1), min_size=1, max_size=200))
def test_random_uint64(values: list[int]) -> None:
    check(values)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(1, 64), st.integers(1, 1 << 13)), min_size=1, max_size=50))
def test_just_below_powers_of_two(pairs: list[tuple[int, int]]) -> None:
    check([max((1 << k) - d, 0) for k, d in pairs])


def test_hashes_as_the_sketch_makes_them() -> None:
    rng = np.random.default_rng(7)
    rest = rng.integers(0, 1 << 64, 200_000, dtype=np.uint64, endpoint=False) << np.uint64(12)
    rest |= np.uint64(1 << 11)
    assert np.array_equal(_rank(rest.copy()), smear_rank(rest.copy()))
