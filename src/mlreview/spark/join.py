"""`skew --key` on Spark: training and serving rows joined by key in Spark, each feature's pairs
compared where they lie by the single-machine comparison (`datasets.relation`).

Keys are matched by the single-machine join's type rules (`datasets.join.common_type`), counted
and deduplicated as `datasets.pairs` does: a key held by more than one row of a side is counted
and left out of the pairs, a key on one side only is counted, a null key matches nothing. The
matched pairs are persisted once; every step of a feature's comparison is then a Spark job whose
partitions fold their Arrow batches with the step (`mapInArrow`) and send one pickled partial
(counts, the first mismatches in key order, a median's digit counts) to be tree-added. Only
those partials reach the driver: no row, beyond the sample pairs the report prints.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
from pyspark import StorageLevel
from pyspark.sql import functions
from pyspark.sql.types import DoubleType, LongType, StringType

from mlreview.datasets.join import JoinReport, common_type, not_whole
from mlreview.datasets.pairs import PAIR_SLICE
from mlreview.datasets.relation import SERVING, TRAINING, JoinedFeature, Source, compare_pairs
from mlreview.problems import InputError, first_line
from mlreview.spark.profile import _depth, _frames, _partials, column

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

T = TypeVar("T")
Made = TypeVar("Made")
HELD_ON_DRIVER = 65_536
"""Values of a median's last group gathered on the driver (512 KB); larger groups are narrowed
by further passes of counts."""
COUNT = "__len"
SPARK_TYPES = {pl.Int64(): LongType(), pl.Float64(): DoubleType(), pl.String(): StringType()}


@dataclass(frozen=True)
class SparkPairs:
    """A feature's pairs in a Spark DataFrame (the key columns, TRAINING and SERVING), and the
    changes a view makes of each frame of them: a `relation.Source` folded by Spark jobs."""

    frame: DataFrame
    changes: tuple[Callable[[Any], Any], ...] = ()

    @property
    def held_most(self) -> int:
        return HELD_ON_DRIVER

    def view(self, change: Callable[[Any], Made], hold: bool = False) -> Source[Made]:
        # The pairs are persisted already: nothing more to hold.
        return SparkPairs(self.frame, (*self.changes, change))

    def fold(self, step: Callable[[Any], T], add: Callable[[T, T], T]) -> T | None:
        changes = self.changes

        def run(batches: Iterable[Any]) -> Iterator[Any]:
            out: T | None = None
            for frame in _frames(batches, PAIR_SLICE):
                item: Any = frame
                for change in changes:
                    item = change(item)
                part = step(item)
                out = part if out is None else add(out, part)
            if out is not None:
                done = pl.DataFrame({"partial": [pickle.dumps(out)]}, schema={"partial": pl.Binary})
                yield from done.to_arrow(compat_level=pl.CompatLevel.oldest()).to_batches()

        def both(left: T | None, right: T | None) -> T | None:
            if left is None:
                return right
            return left if right is None else add(left, right)

        partials = _partials(self.frame, run).map(pickle.loads)
        out: T | None = partials.treeAggregate(
            None, both, both, depth=_depth(partials.getNumPartitions())
        )
        return out


def _polars_types(frame: DataFrame) -> dict[str, pl.DataType]:
    return dict(pl.DataFrame(pl.from_arrow(frame.limit(0).toArrow())).schema)


def _whole(frames: tuple[DataFrame, DataFrame], names: tuple[str, str], key: str, i: int) -> None:
    frame, name = frames[i], names[i]
    value = column(key)
    odd = value.isNotNull() & (
        functions.isnan(value)
        | (functions.abs(value) == float("inf"))
        | (value != functions.floor(value))
        | (functions.abs(value) >= 2.0**63)
    )
    first = frame.filter(odd).select(value).limit(1).collect()
    if first:
        raise not_whole(name, key, first[0][0])


def _key_columns(
    frames: tuple[DataFrame, DataFrame], names: tuple[str, str], keys: list[str]
) -> tuple[list[Any], list[Any]]:
    """Each side's key columns, cast where the two sides' types differ, as the single-machine
    join casts them."""
    schemas = [_polars_types(f) for f in frames]
    out: tuple[list[Any], list[Any]] = ([], [])
    for key in keys:
        dtypes = (schemas[0][key], schemas[1][key])
        target = dtypes[0]
        if dtypes[0] != dtypes[1]:
            target = common_type(key, names, dtypes, partial(_whole, frames, names, key))
        for i, dtype in enumerate(dtypes):
            if dtype == target:
                out[i].append(column(key).alias(key))
            else:
                other = frames[1 - i].schema[key].dataType
                cast = SPARK_TYPES.get(target, other if dtypes[1 - i] == target else None)
                out[i].append(column(key).cast(cast).alias(key))
    return out


def _counts(frame: DataFrame, keys: list[str]) -> DataFrame:
    return frame.groupBy(*[column(k) for k in keys]).agg(functions.count("*").alias(COUNT))


def _sum(frame: DataFrame) -> int:
    total = frame.agg(functions.sum(COUNT)).collect()[0][0]
    return int(total or 0)


def join_spark(
    training: DataFrame, serving: DataFrame, keys: list[str], names: tuple[str, str]
) -> JoinReport:
    """Pairs of training and serving rows with the same key, compared per feature in Spark;
    ``names`` name the sides in errors (their first files)."""
    frames = (training, serving)
    for label, frame, name in zip(("training", "serving"), frames, names, strict=True):
        missing = [k for k in keys if k not in frame.columns]
        if missing:
            raise InputError.single(
                name, f"no key column {', '.join(map(repr, missing))} in {label} data"
            )
    key_columns = _key_columns(frames, names, keys)
    features = [c for c in training.columns if c not in keys and c in serving.columns]
    left = training.select(
        *key_columns[0], *[column(f).alias(f"__t{i}") for i, f in enumerate(features)]
    )
    right = serving.select(
        *key_columns[1], *[column(f).alias(f"__s{i}") for i, f in enumerate(features)]
    )
    counts_left, counts_right = _counts(left, keys), _counts(right, keys)
    dup_left = counts_left.filter(functions.col(COUNT) > 1)
    dup_right = counts_right.filter(functions.col(COUNT) > 1)
    unique_left = left.join(dup_left.select(*keys), on=keys, how="left_anti")
    unique_right = right.join(dup_right.select(*keys), on=keys, how="left_anti")
    pairs = unique_left.join(unique_right, on=keys, how="inner").persist(
        StorageLevel.MEMORY_AND_DISK
    )
    try:
        counts = {
            "training": training.count(),
            "serving": serving.count(),
            "matched": pairs.count(),
            "training_only": _sum(counts_left.join(counts_right.select(*keys), keys, "left_anti")),
            "serving_only": _sum(counts_right.join(counts_left.select(*keys), keys, "left_anti")),
            "training_duplicate_rows": _sum(dup_left),
            "serving_duplicate_rows": _sum(dup_right),
        }
        joined = [_compare(pairs, keys, i, f, names[0]) for i, f in enumerate(features)]
    finally:
        pairs.unpersist()
    return JoinReport(keys, counts, joined)


def _compare(pairs: DataFrame, keys: list[str], i: int, name: str, where: str) -> JoinedFeature:
    chosen = pairs.select(
        *[column(k) for k in keys],
        functions.col(f"__t{i}").alias(TRAINING),
        functions.col(f"__s{i}").alias(SERVING),
    )
    try:
        return compare_pairs(name, keys, SparkPairs(chosen))
    except pl.exceptions.PolarsError as exc:  # a column no comparison applies to (a list)
        raise InputError.single(
            where, f"cannot compare column {name!r} row by row: {first_line(exc)}"
        ) from None
