"""The HyperLogLog rank read from the float exponent equals the bit-smear rank it replaced."""

from __future__ import annotations

import numpy as np
from benchmarks.hll_rank_reference import smear_rank
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets.sketch import _rank


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
