"""A profile is a function of the multiset of rows: any split into parts, merged in any order
(through the saved form partial profiles travel in), gives the bytes of the unsplit profile."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets import dataset, exact, partial, read
from mlreview.datasets.dataset import profile_data, profile_paths, write_profile
from mlreview.datasets.exact import SQUARE_SCALE, SUM_SCALE, exact_squares, exact_sum
from mlreview.datasets.profile import Moments, Profile
from mlreview.datasets.sketch import QuantileSketch

SPECIAL = [0.0, -0.0, -1.0, 999.0, 1e300, -1e300, 1e-310, 5e-324, 1.7e308, np.nan, np.inf, None]


def _frame(rng: np.random.Generator, rows: int, spread: int) -> pl.DataFrame:
    """Numbers with repeats (some frequent, some frequent only in places), NaN, inf, nulls and
    values near the float range; integers; text; timestamps; booleans."""
    numbers: list[float | None] = rng.normal(0, 1e3, rows).tolist()
    for i in range(rows):
        r = rng.random()
        if r < 0.2:
            numbers[i] = SPECIAL[int(rng.integers(len(SPECIAL)))]
        elif r < 0.4:
            numbers[i] = float(rng.integers(spread))
    # A value frequent only in the last rows: pending after the first pass.
    for i in range(rows - rows // 8, rows):
        numbers[i] = 4242.0
    words = [
        None if rng.random() < 0.1 else f"w{int(rng.zipf(1.3)) % (spread * 3)}" for _ in range(rows)
    ]
    base = dt.datetime(2026, 1, 1)
    times = [base + dt.timedelta(seconds=int(s)) for s in rng.integers(0, 10**7, rows)]
    return pl.DataFrame(
        {
            "x": pl.Series(numbers, dtype=pl.Float64),
            "i": rng.integers(-5, spread, rows),
            "s": words,
            "t": times,
            "b": rng.random(rows) < 0.3,
        }
    )


def _travel(profile: Profile) -> Profile:
    """A partial profile through the JSON it travels in between machines."""
    return Profile.from_dict(orjson.loads(orjson.dumps(profile.to_dict())))


def _split_and_merge(frame: pl.DataFrame, rng: np.random.Generator, cuts: int) -> bytes:
    points = sorted(set(rng.integers(0, frame.height + 1, cuts).tolist()) | {0, frame.height})
    parts = [frame.slice(a, b - a) for a, b in itertools.pairwise(points)]
    partials = [_travel(partial.profile_part(p, workers=1)) for p in parts]
    # Merged as a random tree: pairs of random partials, until one is left.
    while len(partials) > 1:
        a = partials.pop(int(rng.integers(len(partials))))
        b = partials.pop(int(rng.integers(len(partials))))
        partials.append(_travel(partial.merge_parts([a, b])))
    merged = partials[0]
    todo = orjson.loads(orjson.dumps(partial.pending(merged)))
    order = rng.permutation(len(parts)).tolist()
    counts = partial.add_counts(partial.count_part(parts[i], todo) for i in order)
    return write_profile(partial.finish(merged, counts))


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 3000),
    st.sampled_from([3, 40, 400, 5000]),
    st.integers(0, 12),
)
def test_any_split_merged_in_any_order_gives_the_same_bytes(
    seed: int, rows: int, spread: int, cuts: int
) -> None:
    rng = np.random.default_rng(seed)
    frame = _frame(rng, rows, spread)
    assert _split_and_merge(frame, rng, cuts) == write_profile(profile_data(frame))


def test_a_value_frequent_only_late_is_counted_exactly_in_a_second_pass() -> None:
    frame = _frame(np.random.default_rng(5), 4000, 5000)
    whole = profile_data(frame)
    top = whole.columns["x"].top
    assert top.counts[4242.0] == 500 and not top.complete
    assert all(c * 1000 >= top.rows for c in top.counts.values())
    assert _split_and_merge(frame, np.random.default_rng(6), 9) == write_profile(whole)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_files_read_in_small_batches_profile_as_the_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    frame = (
        _frame(np.random.default_rng(11), 5000, 5000)
        .drop("t")
        .with_columns(
            pl.col("x").fill_nan(None).replace([np.inf, 1e-310, 5e-324, -0.0], [None] * 4)
        )
    )
    path = tmp_path / f"data.{suffix}"
    getattr(frame, f"write_{suffix}")(path)
    whole = profile_paths([str(path)], workers=1)
    monkeypatch.setattr(read, "BATCH_ROWS", 700)
    split = profile_paths([str(path)], workers=2)
    assert write_profile(split) == write_profile(whole)


def test_counted_lengths_add_as_the_float_path_does() -> None:
    rng = np.random.default_rng(2)
    lengths, counts = rng.integers(0, 3000, 10_000), rng.integers(1, 40, 10_000)
    fast, slow = Moments(), Moments()
    fast.add_counted(lengths, counts)
    slow.add(np.repeat(lengths, counts).astype(np.float64))
    assert (fast.n, fast.total, fast.squares) == (slow.n, slow.total, slow.squares)
    huge = Moments()
    huge.add_counted(np.array([2**40, 3]), np.array([2, 1]))  # past int64: Python integers
    assert (huge.n, Fraction(huge.squares, 2**SQUARE_SCALE)) == (3, 2 * 2**80 + 9)
    assert Fraction(huge.total, 2**SUM_SCALE) == 2 * 2**40 + 3


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e154, 1e300, 5e-324]),
        max_size=50,
    )
)
def test_sums_and_squares_are_exact(values: list[float]) -> None:
    array = np.array(values, dtype=np.float64)
    assert Fraction(exact_sum(array), 2**SUM_SCALE) == sum(map(Fraction, values))
    squares = sum(Fraction(v) ** 2 for v in values)
    assert Fraction(exact_squares(array), 2**SQUARE_SCALE) == squares


def _scaled(value: float, scale: int, power: int = 1) -> int:
    """``value**power * 2**scale`` as an integer, by Python's exact integer arithmetic."""
    numerator, denominator = value.as_integer_ratio()
    return (numerator**power << scale) // denominator**power


EXTREMES = [0.0, -0.0, 5e-324, -5e-324, 2.0**-1022, np.nextafter(2.0**-1022, 0), 1e-310, 1.7e308]
EXTREMES += [-1.7976931348623157e308, 2.0**1022, 2.0**960, np.nextafter(2.0**960, 0), 1e154]
EXTREMES += [2.0**-400, np.nextafter(2.0**-400, 0), 2.0**400, np.nextafter(2.0**400, 3e200)]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1) | st.sampled_from(EXTREMES), min_size=1, max_size=40),
    st.integers(1, 6000),
    st.integers(0, 2**32 - 1),
)
def test_sums_and_squares_of_many_values_are_exact(
    pool: list[int | float], rows: int, seed: int
) -> None:
    """Many values a sign and exponent (a pool of any bit patterns, extremes and neighbours of
    the scaling bounds, drawn with repeats), so that each group's float sums hold thousands of
    terms, and sums near the float range overflow and are added again scaled down."""
    floats = [np.uint64(v).view(np.float64) if isinstance(v, int) else v for v in pool]
    finite = np.array([v for v in floats if np.isfinite(v)] or [1.0], dtype=np.float64)
    values = np.random.default_rng(seed).choice(finite, rows)
    assert exact_sum(values) == sum(_scaled(v, SUM_SCALE) for v in values.tolist())
    squares = sum(_scaled(v, SQUARE_SCALE, 2) for v in values.tolist())
    assert exact_squares(values) == squares


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 300_000),
    st.integers(-1080, 1000),
    st.integers(0, 52),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_sums_of_ordinary_ranges_are_exact_by_extraction_alone(
    rows: int, exponent: int, cleared: int, signed: bool, seed: int
) -> None:
    """Values within a usual range (a normal or lognormal scaled by a power of two, down to the
    subnormals and up to 2**1000, some of their low mantissa bits cleared, as rounded or
    integer data have): the extraction levels take the whole sum without the groups (which
    raise here), up to batch sizes and beyond."""
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 3, rows) if signed else rng.lognormal(2, 1, rows)
    values = np.ldexp(values, min(exponent, 1000 - 30))
    mask = np.uint64(((1 << 64) - 1) ^ ((1 << cleared) - 1))
    values = (values.view(np.uint64) & mask).view(np.float64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exact, "_binned", _refused)
        assert exact_sum(values) == sum(_scaled(v, SUM_SCALE) for v in values.tolist())
        squares = sum(_scaled(v, SQUARE_SCALE, 2) for v in values.tolist())
        assert exact_squares(values) == squares


def _refused(values: np.ndarray, shift: int) -> int:
    raise AssertionError(f"{values.size} values reached the groups")


def test_a_range_too_wide_for_the_levels_ends_in_the_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = np.array([1e300, 1e-300, 3.0, -7e150, 2.0**-1074, 1e-200] * 1000)
    calls: list[int] = []
    binned = exact._binned
    monkeypatch.setattr(exact, "_binned", lambda v, s: calls.append(v.size) or binned(v, s))
    assert exact_sum(values) == sum(_scaled(v, SUM_SCALE) for v in values.tolist())
    assert exact_squares(values) == sum(_scaled(v, SQUARE_SCALE, 2) for v in values.tolist())
    assert calls


def test_values_each_near_the_share_need_no_second_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 values about equally frequent (each near 0.1%): every batch lists all of them, so
    no value is left to count again, and the list is the exact one (those at 0.1% or more)."""
    rng = np.random.default_rng(3)
    words = [f"v{i}" for i in rng.integers(0, 1000, 40_000)]
    numbers = rng.integers(0, 1000, 40_000).astype(np.float64)
    frame = pl.DataFrame({"s": words, "x": numbers})
    path = tmp_path / "data.parquet"
    frame.write_parquet(path)
    monkeypatch.setattr(read, "BATCH_ROWS", 7_000)
    recounted: list[dict[str, list[object]]] = []
    recount = dataset._recount
    monkeypatch.setattr(dataset, "_recount", lambda f, p: recounted.append(p) or recount(f, p))
    profile = profile_paths([str(path)], workers=2)
    assert recounted == [{}]
    for name in ("s", "x"):
        counts = frame[name].value_counts(name="n")
        frequent = {v: n for v, n in counts.iter_rows() if n * 1000 >= 40_000}
        assert 0 < len(frequent) < 1000
        assert profile.columns[name].top.counts == frequent


def test_a_sketch_support_follows_every_add_and_merge() -> None:
    """The support is built once per state of a sketch; every change gives a new one."""
    sketch, other = QuantileSketch(), QuantileSketch()
    sketch.add(np.array([1.0, 2.0]))
    assert sketch.support()[1].tolist() == [1.0, 1.0]
    sketch.add(np.array([2.0]))
    assert sketch.support()[1].tolist() == [1.0, 2.0]
    other.add(np.array([-5.0, 1.0]))
    sketch.merge(other)
    values, counts = sketch.support()
    assert counts.tolist() == [1.0, 2.0, 2.0] and values[0] < 0
    values[0] = 7.0  # the caller's copy
    assert sketch.support()[0][0] < 0
    sketch.width = 10.0
    assert sketch.support()[0].tolist() == [(k + 0.5) * 10.0 for k in sorted(sketch.counts)]
