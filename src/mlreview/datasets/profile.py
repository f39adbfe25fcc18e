"""Per-column profiles built in one pass over batches of rows, merged across batches and files.

A profile keeps counts, null/NaN/inf counts, min/max, the sum and the sum of squares as exact
integers (datasets/exact.py, so merging batches in any order gives the same mean and variance),
a 1%-relative-error quantile sketch, a distinct-count sketch, the most frequent
values with their counts, the share of values with 0, 1, 2 or more decimals, string shape (case,
whitespace, length, numeric-looking) and, for timestamps, hour-of-day and day-of-week counts.
Comparing two saved profiles needs no raw data.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl

from mlreview.cpus import requested_workers, usable_cpus
from mlreview.datasets.exact import SQUARE_SCALE, SUM_SCALE, exact_squares, exact_sum
from mlreview.datasets.sketch import (
    PART_VALUES,
    SHARE,
    DistinctSketch,
    FrequentValues,
    QuantileSketch,
    scratch,
)
from mlreview.problems import InputError

PROFILE_VERSION = 2
# The header that makes a saved profile recognisable: any other JSON is not one.
PROFILE_FORMAT = "mlreview profile"
SHAPES = ("lower", "upper", "title", "mixed", "padded", "empty", "numeric_like")


@dataclass
class Moments:
    """Count, sum and sum of squares of finite values, held exactly as integers
    (``total = sum * 2**SUM_SCALE``, ``squares = sum of squares * 2**SQUARE_SCALE``): merging
    adds integers, so the mean and variance do not depend on how the rows were split or in
    which order the parts were merged; they are rounded to floats once, from the exact sums."""

    n: int = 0
    total: int = 0
    squares: int = 0

    def add(self, values: np.ndarray, largest: float | None = None) -> None:
        """Add ``values``; ``largest`` is their largest magnitude when already known."""
        if values.size:
            self.n += int(values.size)
            self.total += exact_sum(values, largest)
            self.squares += exact_squares(values, largest)

    def add_counted(self, lengths: np.ndarray, counts: np.ndarray) -> None:
        """Add each of ``lengths`` (non-negative whole numbers, string lengths) ``counts``
        times. While the squares add up to less than 2**63, int64 sums are exact and cheaper
        than the float path, with equal results."""
        if not lengths.size:
            return
        values, times = lengths.astype(np.int64), counts.astype(np.int64)
        rows = int(times.sum())
        if int(values.max()) ** 2 * rows >= 1 << 63:
            pairs = list(zip(values.tolist(), times.tolist(), strict=True))
            total, squares = sum(v * t for v, t in pairs), sum(v * v * t for v, t in pairs)
        else:
            weighted = values * times
            total, squares = int(weighted.sum()), int(np.dot(weighted, values))
        self.n += rows
        self.total += total << SUM_SCALE
        self.squares += squares << SQUARE_SCALE

    def merge(self, other: Moments) -> None:
        self.n += other.n
        self.total += other.total
        self.squares += other.squares

    @property
    def mean(self) -> float:
        return self.total / (self.n << SUM_SCALE) if self.n else 0.0

    def _variance(self) -> Fraction:
        """The population variance, exactly."""
        mean = Fraction(self.total, self.n << SUM_SCALE)
        return Fraction(self.squares, (self.n << SQUARE_SCALE)) - mean * mean

    @property
    def std(self) -> float:
        if not self.n:
            return 0.0
        variance = self._variance()
        # Halving the exponent first keeps the square root of a variance beyond the float range
        # (values near 1e308) finite, as the standard deviation itself is.
        bits = variance.numerator.bit_length() - variance.denominator.bit_length()
        half = max(bits - 1000, 0) // 2
        return math.ldexp(math.sqrt(_rounded(variance / (1 << (2 * half)))), half)

    def to_dict(self) -> list[Any]:
        return [self.n, _exact_text(self.total, SUM_SCALE), _exact_text(self.squares, SQUARE_SCALE)]

    @classmethod
    def from_dict(cls, saved: list[Any]) -> Moments:
        n, total, squares = saved
        return cls(n, _exact_value(total, SUM_SCALE), _exact_value(squares, SQUARE_SCALE))


def _rounded(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _exact_text(units: int, scale: int) -> str:
    """``units * 2**-scale`` as hexadecimal digits and a power of two: "-1bp-3" is -27/8."""
    if units == 0:
        return "0p0"
    zeros = (units & -units).bit_length() - 1
    sign = "-" if units < 0 else ""
    return f"{sign}{abs(units) >> zeros:x}p{zeros - scale}"


def _exact_value(text: str, scale: int) -> int:
    digits, power = text.split("p")
    units, shift = int(digits, 16), int(power) + scale
    return units << shift if shift >= 0 else units >> -shift


@dataclass
class ColumnProfile:
    name: str
    kind: str
    dtype: str
    count: int = 0
    nulls: int = 0
    nan: int = 0
    inf: int = 0
    min: float | None = None
    max: float | None = None
    moments: Moments = field(default_factory=Moments)
    sketch: QuantileSketch = field(default_factory=QuantileSketch)
    distinct: DistinctSketch = field(default_factory=DistinctSketch)
    top: FrequentValues = field(default_factory=FrequentValues)
    decimals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    shapes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHAPES, 0))
    length: Moments = field(default_factory=Moments)
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    weekdays: list[int] = field(default_factory=lambda: [0] * 7)

    @property
    def values(self) -> int:
        """Non-null values."""
        return self.count - self.nulls

    def merge(self, other: ColumnProfile) -> None:
        if other.values and not self.values:
            # A part holding only nulls has no type of its own: the column takes the other's,
            # whichever part came first.
            self.kind, self.dtype, self.sketch.width = other.kind, other.dtype, other.sketch.width
        self.count += other.count
        self.nulls += other.nulls
        self.nan += other.nan
        self.inf += other.inf
        lows = [v for v in (self.min, other.min) if v is not None]
        highs = [v for v in (self.max, other.max) if v is not None]
        self.min = min(lows) if lows else None
        self.max = max(highs) if highs else None
        self.moments.merge(other.moments)
        self.sketch.merge(other.sketch)
        self.distinct.merge(other.distinct)
        self.top.merge(other.top)
        self.decimals = [a + b for a, b in zip(self.decimals, other.decimals, strict=True)]
        self.shapes = {k: self.shapes[k] + other.shapes[k] for k in SHAPES}
        self.length.merge(other.length)
        self.hours = [a + b for a, b in zip(self.hours, other.hours, strict=True)]
        self.weekdays = [a + b for a, b in zip(self.weekdays, other.weekdays, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "dtype": self.dtype,
            "count": self.count,
            "nulls": self.nulls,
            "nan": self.nan,
            "inf": self.inf,
            "min": self.min,
            "max": self.max,
            "mean": self.moments.mean if self.moments.n else None,
            "std": self.moments.std if self.moments.n else None,
            "moments": self.moments.to_dict(),
            "distinct": self.distinct.estimate(),
            "sketch": self.sketch.to_dict(),
            "hll": self.distinct.to_dict(),
            "top": self.top.to_dict(),
        }
        if self.kind == "numeric":
            out["decimals"] = self.decimals
        if self.kind == "string":
            out["shapes"] = self.shapes
            out["length"] = self.length.to_dict()
        if self.kind == "datetime":
            out["hours"] = self.hours
            out["weekdays"] = self.weekdays
        return out

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> ColumnProfile:
        col = cls(
            name,
            data["kind"],
            data["dtype"],
            data["count"],
            data["nulls"],
            data["nan"],
            data["inf"],
            data["min"],
            data["max"],
            Moments.from_dict(data["moments"]),
            QuantileSketch.from_dict(data["sketch"]),
            DistinctSketch.from_dict(data["hll"]),
            FrequentValues.from_dict(data["top"]),
        )
        if "decimals" in data:
            col.decimals = list(data["decimals"])
        if "shapes" in data:
            col.shapes = dict(data["shapes"])
            col.length = Moments.from_dict(data["length"])
        if "hours" in data:
            col.hours, col.weekdays = list(data["hours"]), list(data["weekdays"])
        return col


@dataclass
class Profile:
    """A dataset's columns, and what was read to build them."""

    columns: dict[str, ColumnProfile] = field(default_factory=dict)
    rows: int = 0
    files: list[str] = field(default_factory=list)

    def merge(self, other: Profile) -> None:
        for name, col in other.columns.items():
            if name in self.columns:
                self.columns[name].merge(col)
            else:
                missing = ColumnProfile(name, col.kind, col.dtype, count=self.rows, nulls=self.rows)
                missing.sketch = QuantileSketch(width=col.sketch.width)
                missing.merge(col)
                self.columns[name] = missing
        for name, col in self.columns.items():
            if name not in other.columns:
                col.count += other.rows
                col.nulls += other.rows
        self.rows += other.rows
        self.files += other.files

    def pending(self) -> dict[str, list[Any]]:
        """Per column, the values that may be frequent but were not counted in every part."""
        return {n: values for n, c in self.columns.items() if (values := c.top.pending())}

    def settle(self, counts: dict[str, dict[Any, int]]) -> None:
        """Finish the profile with the counts of the pending values over the whole data."""
        for name, col in self.columns.items():
            col.top.settle(counts.get(name, {}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PROFILE_FORMAT,
            "version": PROFILE_VERSION,
            "rows": self.rows,
            "files": self.files,
            "columns": {name: col.to_dict() for name, col in self.columns.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        columns = {n: ColumnProfile.from_dict(n, c) for n, c in data["columns"].items()}
        return cls(columns, int(data["rows"]), list(data["files"]))


def kind_of(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal() and dtype not in (pl.Duration, pl.Time):
        return "datetime"
    if dtype in (pl.String, pl.Categorical, pl.Enum) or isinstance(dtype, pl.Categorical):
        return "string"
    if dtype == pl.Boolean:
        return "boolean"
    return "other"


def _counts(values: pl.Series) -> dict[Any, int]:
    # Renamed, so a column called 'n' does not collide with the counts.
    counts = values.rename("value").value_counts(name="n")
    return dict(zip(counts["value"].to_list(), counts["n"].to_list(), strict=True))


def _chosen(
    counts: dict[Any, int], rows: int, candidates: Collection[Any], whole: bool = True
) -> dict[Any, int]:
    """All of ``counts`` when they are the whole batch's and few; else the frequent ones and
    the ``candidates`` (counted 0 when absent)."""
    if whole and len(counts) <= PART_VALUES:
        return counts
    kept = {v: c for v, c in counts.items() if c * SHARE >= rows}
    for value in candidates:
        kept[value] = counts.get(value, 0)
    return kept


BUCKET_BITS = 16
MIX = np.uint64(0x9E3779B97F4A7C15)


def _buckets(bits: np.ndarray) -> np.ndarray:
    """A hash bucket of each value's bits (Fibonacci hashing of the bits folded in half)."""
    mixed = scratch("mixed", bits.size, np.uint64)
    np.right_shift(bits, np.uint64(32), out=mixed)
    mixed ^= bits
    mixed *= MIX
    mixed >>= np.uint64(64 - BUCKET_BITS)
    index = scratch("bucket index", bits.size, np.intp)
    np.copyto(index, mixed, casting="unsafe")
    return index


def _frequent_numbers(finite: np.ndarray, candidates: Collection[float]) -> dict[Any, int]:
    """Exact counts of a batch's numbers: all of them when they are few, else those holding
    1/SHARE of the batch, and the ``candidates``.

    Counting every distinct float of a batch is most of the cost of a profile, so values are
    first hashed into 65,536 buckets: a value holding 1/SHARE of the batch fills its bucket to
    that share, and only the values in such buckets (and in the candidates') are counted."""
    rows = int(finite.size)
    values = np.add(finite, 0.0, out=scratch("frequent", rows, np.float64))  # -0.0 as 0.0
    index = _buckets(values.view(np.uint64))
    filled = np.bincount(index, minlength=1 << BUCKET_BITS)
    if np.count_nonzero(filled) <= PART_VALUES:
        return _chosen(_counts(pl.Series(values)), rows, candidates)
    marked = filled * SHARE >= rows
    if candidates:
        wanted = np.array(list(candidates), dtype=np.float64)
        marked[_buckets(wanted.view(np.uint64))] = True
    if not marked.any():
        return {}
    return _chosen(_counts(pl.Series(values[marked[index]])), rows, candidates, whole=False)


WHOLE = 2.0**53


def _within(values: np.ndarray, gap: np.ndarray, k: int) -> int:
    """How many of ``values`` times ``k`` are whole to 1e-9 of their size (at least 1), given
    ``gap``, each one's distance to the nearest whole number."""
    bound = np.multiply(np.abs(values), k)  # |x * k|, exactly
    np.maximum(bound, 1.0, out=bound)
    bound *= 1e-9
    return int(np.count_nonzero(gap < bound))


def _decimals(finite: np.ndarray, largest: float | None = None) -> list[int]:
    """How many values have 0, 1, 2 or more decimals, computed in reused scratch arrays;
    ``largest`` is their largest magnitude when already known.

    A value's bound is at most the bound of the largest magnitude (rounding is monotonic), so
    only the values closer than that to a whole number are tested against their own bound:
    for most measured data none are, and for rounded data all."""
    if not finite.size:
        return [0, 0, 0, 0]
    if largest is None:
        largest = max(-float(finite.min()), float(finite.max()))
    big = 0
    rest = finite
    if largest >= WHOLE:
        # Floats this large are whole numbers already, and scaling them by 100 would overflow.
        huge = np.abs(finite) >= WHOLE
        big = int(np.count_nonzero(huge))
        rest = finite[~huge]
        largest = WHOLE
    scaled, gap = (scratch(slot, rest.size, np.float64) for slot in ("x", "gap"))
    near = scratch("near", rest.size, np.bool_)
    exact = []
    for k in (1, 10, 100):
        if k > 1:
            np.multiply(rest, k, out=scaled)
        x = rest if k == 1 else scaled
        np.rint(x, out=gap)
        np.subtract(x, gap, out=gap)
        np.abs(gap, out=gap)
        np.less(gap, max(largest * k, 1.0) * 1e-9, out=near)
        hits = int(np.count_nonzero(near))
        if hits == rest.size:
            exact.append(big + _within(rest, gap, k))
        elif hits:
            where = np.flatnonzero(near)
            exact.append(big + _within(rest[where], gap[where], k))
        else:
            exact.append(big)
    return [exact[0], exact[1] - exact[0], exact[2] - exact[1], int(finite.size) - exact[2]]


def _numeric(col: ColumnProfile, series: pl.Series, candidates: Collection[Any]) -> None:
    values = series.drop_nulls().cast(pl.Float64).to_numpy()
    finite_mask = np.isfinite(values)
    kept = int(np.count_nonzero(finite_mask))
    finite = values
    if kept < values.size:
        nan = int(np.count_nonzero(np.isnan(values)))
        col.nan += nan
        col.inf += int(values.size) - kept - nan
        finite = values[finite_mask]
    low: float | None = None
    largest: float | None = None
    if finite.size:
        # -0.0 and 0.0 are one value (as for the frequent values): which one numpy's min or
        # max returns depends on the order of the rows.
        low, high = float(finite.min()) + 0.0, float(finite.max()) + 0.0
        col.min = low if col.min is None else min(col.min, low)
        col.max = high if col.max is None else max(col.max, high)
        largest = max(-low, high)
        col.moments.add(finite, largest)
    col.sketch.add(finite, low)
    # Integers are whole at every scale; counting them would find the same.
    split = [finite.size, 0, 0, 0] if series.dtype.is_integer() else _decimals(finite, largest)
    col.decimals = [a + b for a, b in zip(col.decimals, split, strict=True)]
    col.top = FrequentValues.of_part(_frequent_numbers(finite, candidates), int(finite.size))


def _string(col: ColumnProfile, series: pl.Series, candidates: Collection[Any]) -> None:
    text = series.drop_nulls().cast(pl.String).rename("value")
    # Shapes depend only on the value, so they are counted over the distinct values weighted
    # by their counts, which the frequent values need anyway.
    counts = text.value_counts(name="n")
    s, n = pl.col("value"), pl.col("n")
    stripped = s.str.strip_chars()
    row = (
        counts.lazy()
        .select(
            lower=n.filter(s == s.str.to_lowercase()).sum(),
            upper=n.filter(s == s.str.to_uppercase()).sum(),
            title=n.filter(s == s.str.to_titlecase()).sum(),
            padded=n.filter(s != stripped).sum(),
            empty=n.filter(stripped == "").sum(),
            numeric_like=n.filter(stripped.str.contains(r"^[-+]?\d+(?:[.,]\d+)?$")).sum(),
        )
        .collect()
        .row(0, named=True)
    )
    for key in ("lower", "upper", "title", "padded", "empty", "numeric_like"):
        col.shapes[key] += int(row[key] or 0)
    col.shapes["mixed"] += int(text.len()) - int(row["lower"] or 0) - int(row["upper"] or 0)
    col.length.add_counted(counts["value"].str.len_chars().to_numpy(), counts["n"].to_numpy())
    if series.dtype == pl.String:
        # A value's hash is the same in every row, so the distinct values' hashes set the same
        # registers as every row's.
        col.distinct.add(counts["value"].hash(seed=0).to_numpy())
    rows = int(text.len())
    whole = counts.height <= PART_VALUES
    if not whole:
        wanted = pl.Series(list(candidates), dtype=pl.String).implode()
        counts = counts.filter((n * SHARE >= rows) | s.is_in(wanted))
    found = dict(zip(counts["value"].to_list(), counts["n"].to_list(), strict=True))
    col.top = FrequentValues.of_part(_chosen(found, rows, candidates, whole), rows)


def _datetime(col: ColumnProfile, series: pl.Series) -> None:
    present = series.drop_nulls()
    if present.dtype == pl.Date:
        present = present.cast(pl.Datetime("us"))
    seconds = present.dt.epoch("s").cast(pl.Float64).to_numpy()
    if seconds.size:
        col.min = float(seconds.min()) if col.min is None else min(col.min, float(seconds.min()))
        col.max = float(seconds.max()) if col.max is None else max(col.max, float(seconds.max()))
    col.moments.add(seconds)
    col.sketch.add(seconds)
    for hour, n in _counts(present.dt.hour()).items():
        col.hours[int(hour)] += n
    for day, n in _counts(present.dt.weekday()).items():
        col.weekdays[int(day) - 1] += n


TIMESTAMP_BUCKET_SECONDS = 600.0


def _column(frame: pl.DataFrame, name: str, candidates: Collection[Any] = ()) -> ColumnProfile:
    series = frame[name]
    kind = kind_of(series.dtype)
    col = ColumnProfile(name, kind, str(series.dtype), count=frame.height)
    if kind == "datetime":
        col.sketch = QuantileSketch(width=TIMESTAMP_BUCKET_SECONDS)
    col.nulls = series.null_count()
    present = series.drop_nulls()
    if present.len() and series.dtype != pl.String:  # text: `_string` hashes distinct values
        col.distinct.add(present.hash(seed=0).to_numpy())
    if kind == "numeric":
        _numeric(col, series, candidates)
    elif kind == "string":
        _string(col, series, candidates)
    elif kind == "datetime":
        _datetime(col, series)
    elif kind == "boolean":
        col.top = FrequentValues.of_part(_counts(present), int(present.len()))
    return col


def workers_default() -> int:
    """The threads to profile on: ``MLREVIEW_WORKERS`` when set (1 runs everything on the
    calling thread, reading included), else the cores this process may run on."""
    return requested_workers("threads") or usable_cpus()


@functools.cache  # threads kept from batch to batch keep their scratch arrays (sketch.scratch)
def _pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(threads, thread_name_prefix="mlreview-profile")


def profile_frame(
    frame: pl.DataFrame,
    source: str = "",
    workers: int | None = None,
    candidates: Mapping[str, Collection[Any]] | None = None,
) -> Profile:
    """The profile of one batch of rows, its columns profiled on ``workers`` threads (default:
    one per core; numpy and polars release the GIL for the work on whole columns). Each column
    is profiled on its own, so the result does not depend on the number of threads.

    ``candidates`` are values per column to count in this batch even when they are not
    frequent in it (those frequent in batches before), so that fewer need counting again at
    the end (``Profile.pending``). The profile is finished (``Profile.settle``) only when it is
    the whole data's."""
    out = Profile(rows=frame.height, files=[source] if source else [])
    threads = min(workers or workers_default(), len(frame.columns))
    wanted = candidates or {}

    def one(name: str) -> ColumnProfile:
        return _column(frame, name, wanted.get(name, ()))

    if threads <= 1:
        columns = [one(name) for name in frame.columns]
    else:
        columns = list(_pool(threads).map(one, frame.columns))
    for col in columns:
        out.columns[col.name] = col
    return out


def merge_batch(total: Profile, batch: Profile, where: str) -> None:
    """Add a batch's profile to ``total``; a column whose kind changes is an input error."""
    for name, col in batch.columns.items():
        known = total.columns.get(name)
        if known is not None and known.kind != col.kind and col.values and known.values:
            raise InputError.single(
                where,
                f"column {name!r} holds {col.kind} values ({col.dtype}) here but "
                f"{known.kind} ({known.dtype}) earlier; expected one type per column",
            )
    total.merge(batch)


def counted_values(series: pl.Series) -> pl.Series | None:
    """The values a column's frequent values are counted over: finite numbers as floats (-0.0
    as 0.0), non-null text, non-null booleans; None for other kinds."""
    kind = kind_of(series.dtype)
    if kind == "numeric":
        numbers = series.drop_nulls().cast(pl.Float64)
        return numbers.filter(numbers.is_finite()) + 0.0
    if kind == "string":
        return series.drop_nulls().cast(pl.String)
    if kind == "boolean":
        return series.drop_nulls()
    return None


def count_values(frame: pl.DataFrame, wanted: dict[str, list[Any]]) -> dict[str, dict[Any, int]]:
    """How often each of the ``wanted`` values of each column occurs in ``frame``."""
    out: dict[str, dict[Any, int]] = {}
    for name, values in wanted.items():
        population = counted_values(frame[name]) if name in frame.columns else None
        if population is None or not values:
            out[name] = {}
            continue
        targets = pl.Series(values, dtype=population.dtype).implode()
        out[name] = _counts(population.filter(population.is_in(targets)))
    return out
