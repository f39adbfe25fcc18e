"""Per-column profiles built in one pass over batches of rows, merged across batches and files.

A profile keeps counts, null/NaN/inf counts, min/max, mean and variance (merged exactly with
Chan's formula), a 1%-relative-error quantile sketch, a distinct-count sketch, the most frequent
values with their counts, the share of values with 0, 1, 2 or more decimals, string shape (case,
whitespace, length, numeric-looking) and, for timestamps, hour-of-day and day-of-week counts.
Comparing two saved profiles needs no raw data.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from mlreview.datasets.sketch import DistinctSketch, QuantileSketch, TopValues, scratch
from mlreview.problems import InputError

PROFILE_VERSION = 1
# The header that makes a saved profile recognisable: any other JSON is not one.
PROFILE_FORMAT = "mlreview profile"
SHAPES = ("lower", "upper", "title", "mixed", "padded", "empty", "numeric_like")


@dataclass
class Moments:
    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: np.ndarray, largest: float | None = None) -> None:
        """Add ``values``; ``largest`` is their largest magnitude when already known."""
        if values.size:
            # Scaled by the largest magnitude, so values near the float range do not overflow
            # in the sums; a variance beyond it becomes inf in Python floats, without a warning.
            if largest is None:
                largest = float(np.abs(values).max())
            scale = largest or 1.0
            unit = values / scale
            mean = float(unit.mean()) * scale
            m2 = float(unit.var()) * scale * scale * values.size
            self.merge(Moments(int(values.size), mean, m2))

    def merge(self, other: Moments) -> None:
        if other.n == 0:
            return
        n = self.n + other.n
        delta = other.mean - self.mean
        self.mean += delta * other.n / n
        self.m2 += other.m2 + delta * delta * self.n * other.n / n
        self.n = n

    @property
    def std(self) -> float:
        return (self.m2 / self.n) ** 0.5 if self.n else 0.0


def _moments(saved: list[Any]) -> Moments:
    """Moments read back: JSON has no NaN or infinity, so a variance that overflowed was
    saved as null."""
    n, mean, m2 = saved
    return Moments(n, math.nan if mean is None else mean, math.nan if m2 is None else m2)


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
    top: TopValues = field(default_factory=TopValues)
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
            "moments": [self.moments.n, self.moments.mean, self.moments.m2],
            "distinct": self.distinct.estimate(),
            "sketch": self.sketch.to_dict(),
            "hll": self.distinct.to_dict(),
            "top": self.top.to_dict(),
        }
        if self.kind == "numeric":
            out["decimals"] = self.decimals
        if self.kind == "string":
            out["shapes"] = self.shapes
            out["length"] = [self.length.n, self.length.mean, self.length.m2]
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
            _moments(data["moments"]),
            QuantileSketch.from_dict(data["sketch"]),
            DistinctSketch.from_dict(data["hll"]),
            TopValues.from_dict(data["top"]),
        )
        if "decimals" in data:
            col.decimals = list(data["decimals"])
        if "shapes" in data:
            col.shapes = dict(data["shapes"])
            col.length = _moments(data["length"])
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


def _top(series: pl.Series) -> dict[Any, int]:
    # Renamed, so a column called 'n' does not collide with the counts.
    counts = series.rename("value").value_counts(sort=True, name="n").head(TOP_BATCH)
    return dict(zip(counts["value"].to_list(), counts["n"].to_list(), strict=True))


TOP_BATCH = 512
PROBE_ROWS = 20_000


def _heavy(series: pl.Series) -> dict[Any, int]:
    """Exact counts of the values that repeat in a fixed sample of the batch.

    Continuous numbers rarely repeat, and counting every distinct one is most of the cost of a
    profile. A value holding 0.1% of a batch shows up about 20 times in the sample, so the
    defaults, caps and whole hours the causes look for are all counted; values rarer than about
    0.01% may be left out."""
    if series.len() <= PROBE_ROWS:
        return _top(series)
    probe = series.rename("value").sample(PROBE_ROWS, seed=0).value_counts(name="n")
    repeated = probe.filter(pl.col("n") >= 2)["value"]
    if repeated.len() == 0:
        return {}
    return _top(series.filter(series.is_in(repeated.implode())))


def _decimals(finite: np.ndarray) -> list[int]:
    """How many values have 0, 1, 2 or more decimals, computed in reused scratch arrays."""
    magnitude = np.abs(finite, out=scratch("magnitude", finite.size, np.float64))
    # Floats this large are whole numbers already, and scaling them by 100 would overflow.
    huge = magnitude >= 2.0**53
    big = int(np.count_nonzero(huge))
    rest = finite[~huge] if big else finite
    size = np.abs(rest) if big else magnitude
    scaled, gap, bound = (scratch(slot, rest.size, np.float64) for slot in ("x", "gap", "bound"))
    exact = []
    for k in (1, 10, 100):
        np.multiply(rest, k, out=scaled)
        np.rint(scaled, out=gap)
        np.subtract(scaled, gap, out=gap)
        np.abs(gap, out=gap)
        np.multiply(size, k, out=bound)  # |x * k|, exactly
        np.maximum(bound, 1.0, out=bound)
        bound *= 1e-9
        exact.append(big + int(np.count_nonzero(gap < bound)))
    return [exact[0], exact[1] - exact[0], exact[2] - exact[1], int(finite.size) - exact[2]]


def _numeric(col: ColumnProfile, series: pl.Series) -> None:
    values = series.drop_nulls().cast(pl.Float64).to_numpy()
    finite_mask = np.isfinite(values)
    kept = int(np.count_nonzero(finite_mask))
    finite = values
    if kept < values.size:
        nan = int(np.count_nonzero(np.isnan(values)))
        col.nan += nan
        col.inf += int(values.size) - kept - nan
        finite = values[finite_mask]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        col.min = low if col.min is None else min(col.min, low)
        col.max = high if col.max is None else max(col.max, high)
        col.moments.add(finite, max(-low, high))
    col.sketch.add(finite)
    # Integers are whole at every scale; counting them would find the same.
    split = [finite.size, 0, 0, 0] if series.dtype.is_integer() else _decimals(finite)
    col.decimals = [a + b for a, b in zip(col.decimals, split, strict=True)]
    col.top.add_counts(_heavy(pl.Series(series.name, finite)))


def _string(col: ColumnProfile, series: pl.Series) -> None:
    text = series.drop_nulls().cast(pl.String).rename("value")
    # Shapes depend only on the value, so they are counted over the distinct values weighted
    # by their counts, which the frequent values need anyway.
    counts = text.value_counts(sort=True, name="n")
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
    col.length.add(text.str.len_chars().cast(pl.Float64).to_numpy())
    top = counts.head(TOP_BATCH)
    col.top.add_counts(dict(zip(top["value"].to_list(), top["n"].to_list(), strict=True)))


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
    for hour, n in _top(present.dt.hour().rename("h")).items():
        col.hours[int(hour)] += n
    for day, n in _top(present.dt.weekday().rename("d")).items():
        col.weekdays[int(day) - 1] += n


TIMESTAMP_BUCKET_SECONDS = 600.0


def _column(frame: pl.DataFrame, name: str) -> ColumnProfile:
    series = frame[name]
    kind = kind_of(series.dtype)
    col = ColumnProfile(name, kind, str(series.dtype), count=frame.height)
    if kind == "datetime":
        col.sketch = QuantileSketch(width=TIMESTAMP_BUCKET_SECONDS)
    col.nulls = series.null_count()
    present = series.drop_nulls()
    if present.len():
        col.distinct.add(present.hash(seed=0).to_numpy())
    if kind == "numeric":
        _numeric(col, series)
    elif kind == "string":
        _string(col, series)
    elif kind == "datetime":
        _datetime(col, series)
    elif kind == "boolean":
        col.top.add_counts(_top(present))
    return col


def workers_default() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@functools.cache  # threads kept from batch to batch keep their scratch arrays (sketch.scratch)
def _pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(threads, thread_name_prefix="mlreview-profile")


def profile_frame(frame: pl.DataFrame, source: str = "", workers: int | None = None) -> Profile:
    """The profile of one batch of rows, its columns profiled on ``workers`` threads (default:
    one per core; numpy and polars release the GIL for the work on whole columns). Each column
    is profiled on its own, so the result does not depend on the number of threads."""
    out = Profile(rows=frame.height, files=[source] if source else [])
    threads = min(workers or workers_default(), len(frame.columns))
    if threads <= 1:
        columns = [_column(frame, name) for name in frame.columns]
    else:
        columns = list(_pool(threads).map(lambda name: _column(frame, name), frame.columns))
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
