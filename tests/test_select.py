"""The median selected in passes over re-read pieces equals numpy's median of all the values held
at once, however they are split and however few may be held (the keyed join past 4M pairs)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets.select import median, order_statistics

FLOATS = st.floats(allow_nan=False, width=64)
NEAR = st.sampled_from([0.5, 0.5 + 2**-52, 0.5 - 2**-53, -0.0, 0.0, 5e-324, -5e-324, 1e308])


def _pieces(values: list[float], cuts: list[int]) -> list[np.ndarray]:
    return np.split(np.array(values, dtype=np.float64), sorted(c % (len(values) + 1) for c in cuts))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(FLOATS, NEAR), min_size=1, max_size=80),
    st.lists(st.integers(0, 1000), max_size=4),
    st.integers(0, 6),
)
def test_the_selected_median_is_numpys(values: list[float], cuts: list[int], held: int) -> None:
    pieces = _pieces(values, cuts)
    with np.errstate(over="ignore", invalid="ignore"):  # the two middle values may sum to inf
        want = float(np.median(np.array(values)))
    got = median(lambda: iter(pieces), held)
    assert got == want or (math.isnan(got) and math.isnan(want))


@settings(max_examples=200, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=60), st.integers(0, 3))
def test_every_rank_is_the_sorted_value(values: list[float], held: int) -> None:
    pieces = _pieces(values, [len(values) // 2])
    ranks = list(range(len(values)))
    found = order_statistics(lambda: iter(pieces), ranks, held)
    assert [found[r] for r in ranks] == sorted(v + 0.0 for v in values)


def test_no_values_have_no_median() -> None:
    assert math.isnan(median(lambda: iter([np.array([])]), 4))


def test_identical_values_need_no_gathering() -> None:
    # More equal values than may be held: found from the key's 64 bits alone.
    pieces = [np.full(50, 0.25), np.full(51, 0.25)]
    assert median(lambda: iter(pieces), 3) == 0.25
