"""Training and serving rows for the same example, joined by key, compared value by value.

Keys that occur more than once on a side are counted and left out of the pairs (a duplicate
would pair one serving value with several training values); keys on one side only are counted.
For each feature both sides have, the pairs give a mismatch rate and the relation that fits them:
`exact`, `rounding` (serving is training rounded to d decimals), `scale` (a constant factor),
`offset` (a constant difference), `lag` (timestamps a constant time apart: staleness),
`case_format` (text equal after normalisation), or `unexplained`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from mlreview.datasets.distance import normal_text
from mlreview.datasets.read import DataFile, scan
from mlreview.problems import InputError

SERVING = "__serving"
SAMPLES = 5
AGREE = 0.95


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


@dataclass
class JoinReport:
    keys: list[str]
    counts: dict[str, int]
    features: list[JoinedFeature]

    def to_dict(self) -> dict[str, Any]:
        return {
            "keys": self.keys,
            "rows": self.counts,
            "features": [f.to_dict() for f in self.features],
        }


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else 0.0


def _numeric_relation(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    close = np.isclose(a, b, rtol=1e-9, atol=1e-12)
    if _share(close) >= AGREE:
        return {"kind": "exact", "share": round(_share(close), 6)}
    for places in range(4):
        fit = np.isclose(np.round(a, places), b, rtol=1e-9, atol=1e-12)
        if _share(fit) >= AGREE:
            return {"kind": "rounding", "decimals": places, "share": round(_share(fit), 6)}
    usable = np.abs(a) > 1e-12
    if usable.any():
        k = float(np.median(b[usable] / a[usable]))
        fit = np.isclose(a * k, b, rtol=1e-3, atol=1e-12)
        if _share(fit) >= AGREE and abs(k - 1) > 1e-6:
            return {"kind": "scale", "factor": round(k, 6), "share": round(_share(fit), 6)}
    d = float(np.median(b - a))
    fit = np.isclose(a + d, b, rtol=1e-6, atol=1e-9 * max(1.0, abs(d)))
    if _share(fit) >= AGREE:
        return {"kind": "offset", "offset": round(d, 6), "share": round(_share(fit), 6)}
    return {"kind": "unexplained", "share": round(1 - _share(close), 6)}


def _text_relation(a: list[Any], b: list[Any]) -> dict[str, Any]:
    same = np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)
    if _share(same) >= AGREE:
        return {"kind": "exact", "share": round(_share(same), 6)}
    normal = np.array(
        [normal_text(x) == normal_text(y) for x, y in zip(a, b, strict=True)], dtype=bool
    )
    if _share(normal) >= AGREE:
        return {"kind": "case_format", "share": round(_share(normal), 6)}
    return {"kind": "unexplained", "share": round(1 - _share(same), 6)}


def _sample_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _feature(frame: pl.DataFrame, keys: list[str], name: str) -> JoinedFeature:
    left, right = frame[name], frame[name + SERVING]
    one_null = int((left.is_null() ^ right.is_null()).sum())
    both = frame.filter(left.is_not_null() & right.is_not_null())
    if both.height == 0:
        return JoinedFeature(name, 0, 0, {"kind": "no_pairs"}, [], one_null)
    a, b = both[name], both[name + SERVING]
    if a.dtype.is_temporal() and b.dtype.is_temporal():
        seconds = (
            (b.cast(pl.Datetime("us")) - a.cast(pl.Datetime("us"))).dt.total_microseconds() / 1e6
        ).to_numpy()
        mismatch = np.abs(seconds) > 0
        lag = float(np.median(seconds)) if seconds.size else 0.0
        relation: dict[str, Any] = (
            {"kind": "exact", "share": round(1 - _share(mismatch), 6)}
            if _share(mismatch) < 1 - AGREE
            else {"kind": "lag", "seconds": round(lag, 3), "share": round(_share(mismatch), 6)}
        )
    elif a.dtype.is_numeric() and b.dtype.is_numeric():
        x, y = a.cast(pl.Float64).to_numpy(), b.cast(pl.Float64).to_numpy()
        # NaN and inf pair with themselves; only finite pairs can fit a relation.
        finite = np.isfinite(x) & np.isfinite(y)
        same = np.isclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True) | (x == y)
        mismatch = ~same
        relation = (
            _numeric_relation(x[finite], y[finite])
            if finite.any()
            else {"kind": "exact" if not mismatch.any() else "unexplained", "share": 1.0}
        )
    else:
        x_text, y_text = a.cast(pl.String).to_list(), b.cast(pl.String).to_list()
        mismatch = np.array([p != q for p, q in zip(x_text, y_text, strict=True)], dtype=bool)
        relation = _text_relation(x_text, y_text)
    rows = both.filter(pl.Series(mismatch)).sort(keys).head(SAMPLES)
    samples = [
        {
            "key": {k: _sample_value(r[k]) for k in keys},
            "training": _sample_value(r[name]),
            "serving": _sample_value(r[name + SERVING]),
        }
        for r in rows.iter_rows(named=True)
    ]
    return JoinedFeature(name, both.height, int(mismatch.sum()), relation, samples, one_null)


def _lazy(files: list[DataFile]) -> pl.LazyFrame:
    return pl.concat([scan(f) for f in files], how="diagonal_relaxed")


def join(training: list[DataFile], serving: list[DataFile], keys: list[str]) -> JoinReport:
    """Pairs of training and serving rows with the same key, compared per feature."""
    left, right = _lazy(training), _lazy(serving)
    for side, frame, files in (("training", left, training), ("serving", right, serving)):
        missing = [k for k in keys if k not in frame.collect_schema()]
        if missing:
            raise InputError.single(
                files[0].name, f"no key column {', '.join(map(repr, missing))} in {side} data"
            )
    try:
        counts_left = left.group_by(keys).len().collect()
        counts_right = right.group_by(keys).len().collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError.single(training[0].name, f"cannot read for the join: {exc}") from None
    dup_left = counts_left.filter(pl.col("len") > 1)
    dup_right = counts_right.filter(pl.col("len") > 1)
    unique_left = left.join(dup_left.lazy().select(keys), on=keys, how="anti")
    unique_right = right.join(dup_right.lazy().select(keys), on=keys, how="anti")
    joined = unique_left.join(unique_right, on=keys, how="inner", suffix=SERVING).collect()
    only_left = left.join(right.select(keys).unique(), on=keys, how="anti").select(pl.len())
    only_right = right.join(left.select(keys).unique(), on=keys, how="anti").select(pl.len())
    counts = {
        "training": int(counts_left["len"].sum()),
        "serving": int(counts_right["len"].sum()),
        "matched": joined.height,
        "training_only": int(only_left.collect().item()),
        "serving_only": int(only_right.collect().item()),
        "training_duplicate_rows": int(dup_left["len"].sum()),
        "serving_duplicate_rows": int(dup_right["len"].sum()),
    }
    names = [c for c in left.collect_schema() if c not in keys and c + SERVING in joined.columns]
    return JoinReport(keys, counts, [_feature(joined, keys, n) for n in names])
