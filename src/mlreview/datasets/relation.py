"""How one feature's joined pairs compare: the mismatches, the relation that fits them, samples.

The pairs come bucket by bucket (one bucket unless the join was partitioned by key hash), as
frames of the key columns, TRAINING and SERVING. Every figure is a count summed over the buckets
or a median of values gathered from all of them, computed with the same array operations
whatever the split, so the result does not depend on it. Each step of a relation reads the
pairs again, and only when the steps before it did not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

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

Parts = Callable[[], Iterator[pl.DataFrame]]
Arrays = Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]

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


def _share(test: Callable[[np.ndarray, np.ndarray], np.ndarray], arrays: Arrays) -> float:
    hits = total = 0
    for a, b in arrays():
        fit = test(a, b)
        hits += int(fit.sum())
        total += fit.size
    return hits / total if total else 0.0


def _median(
    values: Callable[[np.ndarray, np.ndarray], np.ndarray], arrays: Arrays, most: int
) -> float:
    """The median of ``values`` (at most ``most`` of them) over every bucket, as numpy computes
    it over one array; filled in place, so the values are held once. Past HELD_MOST values it is
    selected over several passes instead, holding at most HELD_MOST of them."""
    if most > HELD_MOST:
        return select.median(lambda: (values(a, b) for a, b in arrays()), HELD_MOST)
    held = np.empty(most, dtype=np.float64)
    end = 0
    for a, b in arrays():
        piece = values(a, b)
        held[end : end + piece.size] = piece
        end += piece.size
    return float(np.median(held[:end], overwrite_input=True))


def _rounded(places: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return lambda a, b: np.isclose(np.round(a, places), b, rtol=1e-9, atol=1e-12)


def _numeric_relation(arrays: Arrays, pairs: int) -> dict[str, Any]:
    close = _share(_close, arrays)
    if close >= AGREE:
        return {"kind": "exact", "share": round(close, 6)}
    for places in range(4):
        fit = _share(_rounded(places), arrays)
        if fit >= AGREE:
            return {"kind": "rounding", "decimals": places, "share": round(fit, 6)}
    if any(bool((np.abs(a) > 1e-12).any()) for a, _ in arrays()):
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


def _both(parts: Parts, keep: bool) -> Parts:
    def frames() -> Iterator[pl.DataFrame]:
        for frame in parts():
            a, b = frame[TRAINING], frame[SERVING]
            both = a.is_not_null() & b.is_not_null()
            yield frame.filter(both) if a.null_count() or b.null_count() else frame

    return _kept(frames, keep)


def compare_pairs(name: str, keys: list[str], parts: Parts, keep: bool) -> JoinedFeature:
    """One feature's verdict over its pairs, bucket by bucket; with ``keep`` (one bucket) the
    pairs are read once and held for every step."""
    parts = _kept(parts, keep)
    one_null = pairs = 0
    dtypes: tuple[pl.DataType, pl.DataType] = (pl.Null(), pl.Null())
    for frame in parts():
        a, b = frame[TRAINING], frame[SERVING]
        one_null += int((a.is_null() ^ b.is_null()).sum())
        pairs += int((a.is_not_null() & b.is_not_null()).sum())
        dtypes = (a.dtype, b.dtype)
    if pairs == 0:
        return JoinedFeature(name, 0, 0, {"kind": "no_pairs"}, [], one_null)
    both = _both(parts, keep)
    if dtypes[0].is_temporal() and dtypes[1].is_temporal():
        mismatch_of = _temporal_mismatch
    elif dtypes[0].is_numeric() and dtypes[1].is_numeric():
        mismatch_of = _numeric_mismatch
    else:
        mismatch_of = _text_mismatch
    mismatches, candidates = 0, []
    for frame in both():
        mask = mismatch_of(frame)
        mismatches += int(mask.sum())
        candidates.append(frame.filter(mask).bottom_k(SAMPLES, by=keys))
    relation: dict[str, Any]
    if mismatch_of is _temporal_mismatch:
        share = mismatches / pairs
        relation = (
            {"kind": "exact", "share": round(1 - share, 6)}
            if share < 1 - AGREE
            else {
                "kind": "lag",
                "seconds": round(_median(lambda s, _: s, partial(_seconds_of, both), pairs), 3),
                "share": round(share, 6),
            }
        )
    elif mismatch_of is _numeric_mismatch:
        relation = _numeric(both, pairs, mismatches, keep)
    else:
        same = (pairs - mismatches) / pairs
        relation = _text_relation(both, same, pairs)
    rows = pl.concat(candidates).sort(keys).head(SAMPLES)
    samples = [
        {
            "key": {k: _sample_value(r[k]) for k in keys},
            "training": _sample_value(r[TRAINING]),
            "serving": _sample_value(r[SERVING]),
        }
        for r in rows.iter_rows(named=True)
    ]
    return JoinedFeature(name, pairs, mismatches, relation, samples, one_null)


def _seconds_of(both: Parts) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for frame in both():
        seconds = _seconds(frame)
        yield seconds, seconds


def _text_relation(both: Parts, same: float, pairs: int) -> dict[str, Any]:
    if same >= AGREE:
        return {"kind": "exact", "share": round(same, 6)}
    normal = sum(_normal_equal(frame) for frame in both()) / pairs
    if normal >= AGREE:
        return {"kind": "case_format", "share": round(normal, 6)}
    return {"kind": "unexplained", "share": round(1 - same, 6)}


def _numeric(both: Parts, pairs: int, mismatches: int, keep: bool) -> dict[str, Any]:
    def arrays() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for frame in both():
            x, y = _floats(frame)
            usable = np.isfinite(x) & np.isfinite(y)
            yield (x, y) if usable.all() else (x[usable], y[usable])

    finite = _kept(arrays, keep)

    # NaN and inf pair with themselves; only finite pairs can fit a relation.
    if not any(a.size for a, _ in finite()):
        return {"kind": "exact" if not mismatches else "unexplained", "share": 1.0}
    return _numeric_relation(finite, pairs)
