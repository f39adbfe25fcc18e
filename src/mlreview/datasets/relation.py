"""How one feature's joined pairs compare: the mismatches, the relation that fits them, samples.

The pairs come from a `Source`: frames of the key columns, TRAINING and SERVING, read bucket by
bucket in this process (`Local`; one bucket unless the join was partitioned by key hash) or
where they lie (Spark partitions, `mlreview.spark.join`). Every step is a fold: each frame gives
a partial (counts, or the SAMPLES mismatches first in key order), and partials add up in any
order and grouping; a median is the exact order statistic, selected by folds of counts
(`datasets.select`) or, in this process up to HELD_MOST values, by numpy over all of them. So
the result does not depend on the split. Each step of a relation reads the pairs again, and only
when the steps before it did not fit.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np
import polars as pl

from mlreview.datasets import select
from mlreview.datasets.distance import normal_text

TRAINING = "__training"
SERVING = "__serving"
SAMPLES = 5
AGREE = 0.95
# A median over more values than this is selected in passes: 4M floats are 32 MB.
HELD_MOST = 4_000_000

T = TypeVar("T")
New = TypeVar("New")
Made = TypeVar("Made")
Item = TypeVar("Item")
Item_co = TypeVar("Item_co", covariant=True)
Pair = tuple[np.ndarray, np.ndarray]


class Source(Protocol[Item_co]):
    """Items read again at each step (pair frames, or arrays made from them) and folded."""

    @property
    def held_most(self) -> int:
        """Values a median's last pass may gather where the fold is added up."""

    def fold(self, step: Callable[[Item_co], T], add: Callable[[T, T], T]) -> T | None:
        """``step`` of every item, added up by ``add`` in any order; None when there are none."""

    def view(self, change: Callable[[Item_co], New], hold: bool = False) -> Source[New]:
        """The items ``change`` makes of these; ``hold``: kept after the first read, where the
        source holds its items."""


@dataclass
class Local(Generic[Item]):
    """Items read in this process from ``make``; with ``keep`` (one bucket) each held view's
    items are made once and kept for the steps after."""

    make: Callable[[], Iterator[Item]]
    keep: bool = False

    @property
    def held_most(self) -> int:
        return HELD_MOST

    def fold(self, step: Callable[[Item], T], add: Callable[[T, T], T]) -> T | None:
        out: T | None = None
        for item in self.make():
            part = step(item)
            out = part if out is None else add(out, part)
        return out

    def view(self, change: Callable[[Item], Made], hold: bool = False) -> Source[Made]:
        make = self.make
        made = Local(_kept(lambda: map(change, make()), self.keep and hold), self.keep)
        # mypy cannot match a generic class to a generic protocol inside the class's own
        # generic method (it can for any concrete item type).
        return cast("Source[Made]", made)

    @classmethod
    def of(cls, make: Callable[[], Iterator[Item]], keep: bool) -> Local[Item]:
        return cls(_kept(make, keep), keep)


# What str.split() splits on, among ASCII characters: text that is all ASCII is normalised by
# polars; other text goes through normal_text itself, so both agree with it exactly.
_ASCII_SPACE = "".join(f"\\x{ord(c):02x}" for c in map(chr, range(128)) if c.isspace())
_SPACES = f"[{_ASCII_SPACE}]+"


@dataclass
class JoinedFeature:
    name: str
    pairs: int
    mismatches: int
    relation: dict[str, Any]
    samples: list[dict[str, Any]] = field(default_factory=list)
    null_mismatches: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pairs": self.pairs,
            "mismatch_rate": round(self.mismatches / self.pairs, 6) if self.pairs else None,
            "null_mismatches": self.null_mismatches,
            "relation": self.relation,
            "samples": self.samples,
        }


def _share(test: Callable[[np.ndarray, np.ndarray], np.ndarray], arrays: Source[Pair]) -> float:
    def step(pair: Pair) -> tuple[int, int]:
        fit = test(*pair)
        return int(fit.sum()), fit.size

    hits, total = arrays.fold(step, _add_pairs) or (0, 0)
    return hits / total if total else 0.0


def _add_pairs(left: tuple[int, int], right: tuple[int, int]) -> tuple[int, int]:
    return left[0] + right[0], left[1] + right[1]


def _median(
    values: Callable[[np.ndarray, np.ndarray], np.ndarray], arrays: Source[Pair], most: int
) -> float:
    """The median of ``values`` (at most ``most`` of them) over every bucket, as numpy computes
    it over one array. In this process, up to HELD_MOST values are filled in place, so they are
    held once; past that, or where the pairs lie elsewhere, it is selected in passes instead,
    gathering at most the source's ``held_most`` of them."""
    if not isinstance(arrays, Local) or most > arrays.held_most:
        pieces = arrays.view(lambda pair: values(*pair))
        return select.median_folded(pieces.fold, arrays.held_most)
    held = np.empty(most, dtype=np.float64)
    end = 0
    for a, b in arrays.make():
        piece = values(a, b)
        held[end : end + piece.size] = piece
        end += piece.size
    return float(np.median(held[:end], overwrite_input=True))


def _rounded(places: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return lambda a, b: np.isclose(np.round(a, places), b, rtol=1e-9, atol=1e-12)


def _numeric_relation(arrays: Source[Pair], pairs: int) -> dict[str, Any]:
    close = _share(_close, arrays)
    if close >= AGREE:
        return {"kind": "exact", "share": round(close, 6)}
    for places in range(4):
        fit = _share(_rounded(places), arrays)
        if fit >= AGREE:
            return {"kind": "rounding", "decimals": places, "share": round(fit, 6)}
    if arrays.fold(lambda pair: bool((np.abs(pair[0]) > 1e-12).any()), operator.or_):
        k = _median(lambda a, b: b[np.abs(a) > 1e-12] / a[np.abs(a) > 1e-12], arrays, pairs)
        fit = _share(lambda a, b: np.isclose(a * k, b, rtol=1e-3, atol=1e-12), arrays)
        if fit >= AGREE and abs(k - 1) > 1e-6:
            return {"kind": "scale", "factor": round(k, 6), "share": round(fit, 6)}
    d = _median(lambda a, b: b - a, arrays, pairs)
    atol = 1e-9 * max(1.0, abs(d))
    fit = _share(lambda a, b: np.isclose(a + d, b, rtol=1e-6, atol=atol), arrays)
    if fit >= AGREE:
        return {"kind": "offset", "offset": round(d, 6), "share": round(fit, 6)}
    return {"kind": "unexplained", "share": round(1 - close, 6)}


def _floats(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (
        frame[TRAINING].cast(pl.Float64).to_numpy(),
        frame[SERVING].cast(pl.Float64).to_numpy(),
    )


def _numeric_mismatch(frame: pl.DataFrame) -> pl.Series:
    x, y = _floats(frame)
    if np.array_equal(x, y, equal_nan=True):  # most features: no isclose needed
        return pl.Series(np.zeros(x.size, dtype=bool))
    same = np.isclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True) | (x == y)
    return pl.Series(~same)


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if np.array_equal(a, b):  # finite and equal: close
        return np.ones(a.size, dtype=bool)
    close: np.ndarray = np.isclose(a, b, rtol=1e-9, atol=1e-12)
    return close


def _seconds(frame: pl.DataFrame) -> np.ndarray:
    a, b = frame[TRAINING].cast(pl.Datetime("us")), frame[SERVING].cast(pl.Datetime("us"))
    return ((b - a).dt.total_microseconds() / 1e6).to_numpy()


def _temporal_mismatch(frame: pl.DataFrame) -> pl.Series:
    return pl.Series(np.abs(_seconds(frame)) > 0)


def _text(frame: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    return frame[TRAINING].cast(pl.String), frame[SERVING].cast(pl.String)


def _text_mismatch(frame: pl.DataFrame) -> pl.Series:
    x, y = _text(frame)
    return x != y


def normal_series(values: pl.Series) -> pl.Series:
    """normal_text of every value: ASCII text by polars expressions, the rest (each distinct
    value once) by normal_text itself, where Unicode case rules could differ."""
    frame = pl.DataFrame({"value": values})
    ascii_only = pl.col("value").str.len_bytes() == pl.col("value").str.len_chars()
    fast = (
        pl.col("value")
        .str.to_lowercase()
        .str.replace_all("[-_.]", " ")
        .str.replace_all(_SPACES, " ")
        .str.strip_chars(" ")
    )
    rest = frame.filter(~ascii_only)["value"].unique()
    if rest.len() == 0:
        return frame.select(fast)["value"]
    slow = pl.col("value").replace_strict(
        rest, pl.Series([normal_text(v) for v in rest], dtype=pl.String), default=None
    )
    return frame.select(pl.when(ascii_only).then(fast).otherwise(slow))["value"]


def _normal_equal(frame: pl.DataFrame) -> int:
    x, y = _text(frame)
    return int((normal_series(x) == normal_series(y)).sum())


def _sample_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _kept(make: Callable[[], Iterator[Any]], keep: bool) -> Callable[[], Iterator[Any]]:
    """``make`` itself, or with ``keep`` its first run's items, kept for the runs after it."""
    if not keep:
        return make
    kept: list[Any] = []

    def again() -> Iterator[Any]:
        if not kept:
            kept.extend(make())
        return iter(kept)

    return again


def _both_present(frame: pl.DataFrame) -> pl.DataFrame:
    a, b = frame[TRAINING], frame[SERVING]
    both = a.is_not_null() & b.is_not_null()
    return frame.filter(both) if a.null_count() or b.null_count() else frame


Counted = tuple[int, int, tuple[pl.DataType, pl.DataType]]


def _counted(frame: pl.DataFrame) -> Counted:
    a, b = frame[TRAINING], frame[SERVING]
    one_null = int((a.is_null() ^ b.is_null()).sum())
    return one_null, int((a.is_not_null() & b.is_not_null()).sum()), (a.dtype, b.dtype)


def _add_counted(left: Counted, right: Counted) -> Counted:
    return left[0] + right[0], left[1] + right[1], right[2]


Found = tuple[int, pl.DataFrame]


def _mismatches(
    mismatch_of: Callable[[pl.DataFrame], pl.Series], keys: list[str]
) -> Callable[[pl.DataFrame], Found]:
    def step(frame: pl.DataFrame) -> Found:
        mask = mismatch_of(frame)
        return int(mask.sum()), frame.filter(mask).bottom_k(SAMPLES, by=keys)

    return step


def _first_found(keys: list[str]) -> Callable[[Found, Found], Found]:
    """Mismatch counts summed, and the SAMPLES mismatches first in key order (keys are unique
    among pairs, so which they are does not depend on the split)."""

    def add(left: Found, right: Found) -> Found:
        return left[0] + right[0], pl.concat([left[1], right[1]]).bottom_k(SAMPLES, by=keys)

    return add


def compare_pairs(name: str, keys: list[str], parts: Source[pl.DataFrame]) -> JoinedFeature:
    """One feature's verdict over its pairs."""
    one_null, pairs, dtypes = parts.fold(_counted, _add_counted) or (0, 0, (pl.Null(), pl.Null()))
    if pairs == 0:
        return JoinedFeature(name, 0, 0, {"kind": "no_pairs"}, [], one_null)
    both = parts.view(_both_present, hold=True)
    if dtypes[0].is_temporal() and dtypes[1].is_temporal():
        mismatch_of = _temporal_mismatch
    elif dtypes[0].is_numeric() and dtypes[1].is_numeric():
        mismatch_of = _numeric_mismatch
    else:
        mismatch_of = _text_mismatch
    found = both.fold(_mismatches(mismatch_of, keys), _first_found(keys))
    assert found is not None  # there are pairs with both values
    mismatches, candidates = found
    relation: dict[str, Any]
    if mismatch_of is _temporal_mismatch:
        share = mismatches / pairs
        relation = (
            {"kind": "exact", "share": round(1 - share, 6)}
            if share < 1 - AGREE
            else {
                "kind": "lag",
                "seconds": round(_median(lambda s, _: s, both.view(_seconds_of), pairs), 3),
                "share": round(share, 6),
            }
        )
    elif mismatch_of is _numeric_mismatch:
        relation = _numeric(both, pairs, mismatches)
    else:
        same = (pairs - mismatches) / pairs
        relation = _text_relation(both, same, pairs)
    rows = candidates.sort(keys).head(SAMPLES)
    samples = [
        {
            "key": {k: _sample_value(r[k]) for k in keys},
            "training": _sample_value(r[TRAINING]),
            "serving": _sample_value(r[SERVING]),
        }
        for r in rows.iter_rows(named=True)
    ]
    return JoinedFeature(name, pairs, mismatches, relation, samples, one_null)


def _seconds_of(frame: pl.DataFrame) -> Pair:
    seconds = _seconds(frame)
    return seconds, seconds


def _text_relation(both: Source[pl.DataFrame], same: float, pairs: int) -> dict[str, Any]:
    if same >= AGREE:
        return {"kind": "exact", "share": round(same, 6)}
    normal = (both.fold(_normal_equal, operator.add) or 0) / pairs
    if normal >= AGREE:
        return {"kind": "case_format", "share": round(normal, 6)}
    return {"kind": "unexplained", "share": round(1 - same, 6)}


def _finite(frame: pl.DataFrame) -> Pair:
    x, y = _floats(frame)
    usable = np.isfinite(x) & np.isfinite(y)
    return (x, y) if usable.all() else (x[usable], y[usable])


def _numeric(both: Source[pl.DataFrame], pairs: int, mismatches: int) -> dict[str, Any]:
    finite = both.view(_finite, hold=True)
    # NaN and inf pair with themselves; only finite pairs can fit a relation.
    if not finite.fold(lambda pair: pair[0].size > 0, operator.or_):
        return {"kind": "exact" if not mismatches else "unexplained", "share": 1.0}
    return _numeric_relation(finite, pairs)
