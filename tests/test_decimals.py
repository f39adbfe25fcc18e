"""The decimals split tests only values near a whole number against their own bound; it equals
testing every value, on measured, rounded, integer, huge and tiny numbers alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets.profile import _decimals


def _every_value(finite: np.ndarray) -> list[int]:
    """Each value against its own bound: within 1e-9 of its size (at least 1) of a whole
    number at 1, 10 and 100 times; values from 2**53 up are whole."""
    huge = np.abs(finite) >= 2.0**53
    rest = finite[~huge]
    whole = []
    for k in (1, 10, 100):
        scaled = rest * k
        gap = np.abs(scaled - np.rint(scaled))
        bound = np.maximum(np.abs(rest) * k, 1.0) * 1e-9
        whole.append(int(np.count_nonzero(huge)) + int(np.count_nonzero(gap < bound)))
    return [whole[0], whole[1] - whole[0], whole[2] - whole[1], finite.size - whole[2]]


EDGES = [0.0, -0.0, 0.1, 0.25, 0.005, 1e-9, 1.0000000001, 5e-324, 1.7e308, 2.0**53, 1e16]
EDGES += [-9.007199254740993e15, 4.9999999995, 12.345, 1e300, -1e-300]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from(EDGES)
        | st.integers(-(10**7), 10**7).map(lambda n: n / 100)
        | st.integers(-(10**7), 10**7).map(lambda n: n / 10 + 1e-10),
        min_size=1,
        max_size=300,
    ),
    st.booleans(),
)
def test_the_split_is_every_values(values: list[float], told: bool) -> None:
    finite = np.array(values, dtype=np.float64)
    largest = float(np.abs(finite).max()) if told else None
    assert _decimals(finite, largest) == _every_value(finite)


def test_measured_rounded_and_mixed_columns() -> None:
    rng = np.random.default_rng(5)
    for finite in (
        rng.normal(0, 3, 50_000),
        np.round(rng.normal(100, 20, 50_000), 2),
        np.concatenate([rng.normal(0, 1e12, 20_000), np.round(rng.normal(0, 1e3, 20_000), 1)]),
        np.round(rng.lognormal(0, 3, 50_000), 2) + rng.choice([0, 1e-10, 5e-9], 50_000),
    ):
        assert _decimals(finite) == _every_value(finite)
