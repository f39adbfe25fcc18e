"""Training and serving rows for the same example, joined by key, compared value by value.

Keys that occur more than once on a side are counted and left out of the pairs (a duplicate
would pair one serving value with several training values); keys on one side only are counted.
For each feature both sides have, the pairs give a mismatch rate and the relation that fits them:
`exact`, `rounding` (serving is training rounded to d decimals), `scale` (a constant factor),
`offset` (a constant difference), `lag` (timestamps a constant time apart: staleness),
`case_format` (text equal after normalisation), or `unexplained`.

Keys of different types on the two sides are matched by value where that is exact: integers of
any width as 64-bit integers, floats as 64-bit floats, text and categories as text, and floats
that are all whole numbers (CSV's `1.0`) with integers; other pairs of types are an error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from mlreview.datasets.pairs import Pairs, Side, collect, pair, problem
from mlreview.datasets.read import DataFile, scan
from mlreview.datasets.relation import JoinedFeature, Local, compare_pairs
from mlreview.problems import InputError, first_line


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


def _lazy(files: list[DataFile]) -> pl.LazyFrame:
    return pl.concat([scan(f) for f in files], how="diagonal_relaxed")


def _text_like(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def _whole(side: Side, key: str) -> None:
    """Refuse float keys that are not whole numbers, which no integer key could equal."""
    col = pl.col(key)
    odd = col.is_not_null() & (col.is_nan() | col.is_infinite() | (col != col.floor()))
    odd = odd | (col.abs() >= 2.0**63)
    first = collect(side, side.frame.select(col.filter(odd).first())).item()
    if first is not None:
        raise not_whole(side.name, key, first)


def common_type(
    key: str,
    names: tuple[str, str],
    dtypes: tuple[pl.DataType, ...],
    whole: Callable[[int], None],
) -> pl.DataType:
    """The type both sides' ``key`` is matched as; ``whole(i)`` refuses side i's float keys
    that are not whole numbers, when they are to match the other side's integers."""
    left, right = dtypes
    if left == pl.Null:
        return right
    if right == pl.Null:
        return left
    if left.is_integer() and right.is_integer():
        return pl.Int64()
    if left.is_float() and right.is_float():
        return pl.Float64()
    if left.is_integer() and right.is_float():
        whole(1)
        return pl.Int64()
    if left.is_float() and right.is_integer():
        whole(0)
        return pl.Int64()
    if _text_like(left) and _text_like(right):
        return pl.String()
    raise InputError.single(
        names[1],
        f"key {key!r} is {right} here but {left} in {names[0]}; expected the same type "
        "on both sides",
    )


def not_whole(side: str, key: str, first: Any) -> InputError:
    return InputError.single(
        side,
        f"key {key!r} holds {first!r}; expected whole numbers, as the other side's keys "
        "are integers",
    )


def _whole_of(sides: tuple[Side, Side], key: str, i: int) -> None:
    _whole(sides[i], key)


def _key_columns(sides: tuple[Side, Side], keys: list[str]) -> tuple[list[pl.Expr], ...]:
    """Each side's key columns, cast where the two sides' types differ."""
    schemas = [side.frame.collect_schema() for side in sides]
    out: tuple[list[pl.Expr], list[pl.Expr]] = ([], [])
    for key in keys:
        dtypes = (schemas[0][key], schemas[1][key])
        names = (sides[0].name, sides[1].name)
        whole = partial(_whole_of, sides, key)
        target = dtypes[0] if dtypes[0] == dtypes[1] else common_type(key, names, dtypes, whole)
        for i, dtype in enumerate(dtypes):
            out[i].append(pl.col(key) if dtype == target else pl.col(key).cast(target))
    return out


def _compare(name: str, pairs: Pairs, sides: tuple[Side, Side]) -> JoinedFeature:
    try:
        source = Local.of(partial(pairs.frames, name), len(pairs.buckets) == 1)
        return compare_pairs(name, pairs.keys, source)
    except pl.exceptions.PolarsError as exc:  # a column no comparison applies to (a list)
        raise InputError.single(
            sides[0].name, f"cannot compare column {name!r} row by row: {first_line(exc)}"
        ) from None


def join(training: list[DataFile], serving: list[DataFile], keys: list[str]) -> JoinReport:
    """Pairs of training and serving rows with the same key, compared per feature."""
    sides = (
        Side(training[0].name, _lazy(training), training),
        Side(serving[0].name, _lazy(serving), serving),
    )
    schemas = []
    for label, side in zip(("training", "serving"), sides, strict=True):
        try:
            schema = side.frame.collect_schema()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise problem(side, exc) from None
        missing = [k for k in keys if k not in schema]
        if missing:
            raise InputError.single(
                side.name, f"no key column {', '.join(map(repr, missing))} in {label} data"
            )
        schemas.append(schema)
    columns = _key_columns(sides, keys)
    names = [c for c in schemas[0] if c not in keys and c in schemas[1]]
    # A sink that fails on a malformed file can still be closing a part file when the error
    # reaches here; the folder is then left for the system's /tmp cleaning, not raised over it.
    with tempfile.TemporaryDirectory(prefix="mlreview-join-", ignore_cleanup_errors=True) as tmp:
        pairs = pair(sides, (columns[0], columns[1]), keys, Path(tmp))
        features = [_compare(n, pairs, sides) for n in names]
    return JoinReport(keys, pairs.counts, features)
