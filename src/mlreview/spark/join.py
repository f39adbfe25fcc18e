"""`skew --key` on Spark: training and serving rows joined by key in Spark, each feature's pairs
compared where they lie by the single-machine comparison (`datasets.relation`).

Keys are matched by the single-machine join's type rules (`datasets.join.common_type`), counted
and deduplicated as `datasets.pairs` does: a key held by more than one row of a side is counted
and left out of the pairs, a key on one side only is counted, a null key matches nothing. The
matched pairs are persisted once; the features' comparisons then run together, their folds
gathered into rounds of one Spark job each (`spark.rounds`), whose partitions fold their Arrow
batches and send pickled partials (counts, the first mismatches in key order, a median's digit
counts) to be tree-added. Only those partials reach the driver: no row, beyond the sample pairs
the report prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
from pyspark import StorageLevel
from pyspark.sql import functions
from pyspark.sql.types import DoubleType, LongType, StringType

from mlreview.datasets.join import JoinReport, common_type, not_whole
from mlreview.datasets.relation import JoinedFeature, Source, compare_pairs
from mlreview.problems import InputError, first_line
from mlreview.spark.partials import column
from mlreview.spark.rounds import Fold, Rounds

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

T = TypeVar("T")
Made = TypeVar("Made")
HELD_ON_DRIVER = 65_536
"""Values of a median's last group gathered on the driver (512 KB); larger groups are narrowed
by further passes of counts."""
PREFIX = "__pair_"
"""The start of the join's own column names (a key's count, each feature's two columns),
lengthened until no key column's name starts with it, so that none of them is a key's name."""
SPARK_TYPES = {pl.Int64(): LongType(), pl.Float64(): DoubleType(), pl.String(): StringType()}


@dataclass(frozen=True)
class SparkPairs:
    """A feature's pairs: its two columns of the persisted pairs, and the changes a view makes
    of each frame of them; a `relation.Source` whose folds run in ``rounds``."""

    rounds: Rounds
    columns: tuple[str, str]
    changes: tuple[Callable[[Any], Any], ...] = ()

    @property
    def held_most(self) -> int:
        return HELD_ON_DRIVER

    def view(self, change: Callable[[Any], Made], hold: bool = False) -> Source[Made]:
        # The pairs are persisted already: nothing more to hold.
        return SparkPairs(self.rounds, self.columns, (*self.changes, change))

    def fold(self, step: Callable[[Any], T], add: Callable[[T, T], T]) -> T | None:
        out: T | None = self.rounds.fold(Fold(self.columns, self.changes, step, add))
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


def own_prefix(keys: list[str]) -> str:
    """PREFIX, with as many more underscores as it takes for no key to start with it."""
    prefix = PREFIX
    while any(key.startswith(prefix) for key in keys):
        prefix += "_"
    return prefix


def _counts(frame: DataFrame, keys: list[str], count: str) -> DataFrame:
    return frame.groupBy(*[column(k) for k in keys]).agg(functions.count("*").alias(count))


def _sum(frame: DataFrame, count: str) -> int:
    total = frame.agg(functions.sum(column(count))).collect()[0][0]
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
    prefix = own_prefix(keys)
    count = prefix + "count"
    sides = [(f"{prefix}t{i}", f"{prefix}s{i}") for i in range(len(features))]
    left = training.select(
        *key_columns[0], *[column(f).alias(t) for f, (t, _) in zip(features, sides, strict=True)]
    )
    right = serving.select(
        *key_columns[1], *[column(f).alias(s) for f, (_, s) in zip(features, sides, strict=True)]
    )
    counts_left, counts_right = _counts(left, keys, count), _counts(right, keys, count)
    dup_left = counts_left.filter(column(count) > 1)
    dup_right = counts_right.filter(column(count) > 1)
    unique_left = left.join(dup_left.select(*keys), on=keys, how="left_anti")
    unique_right = right.join(dup_right.select(*keys), on=keys, how="left_anti")
    # As many partitions of pairs as the larger side was read in, not the join's shuffle
    # partitions (200 by default): each task of a Python pass starts with a fixed cost (pyspark
    # re-reads the zip directories on its import path), which 200 tasks a round made the most
    # of a 1M-row keyed run.
    partitions = max(training.rdd.getNumPartitions(), serving.rdd.getNumPartitions())
    pairs = (
        unique_left.join(unique_right, on=keys, how="inner")
        .coalesce(partitions)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        counts = {
            "training": training.count(),
            "serving": serving.count(),
            "matched": pairs.count(),
            "training_only": _sum(
                counts_left.join(counts_right.select(*keys), keys, "left_anti"), count
            ),
            "serving_only": _sum(
                counts_right.join(counts_left.select(*keys), keys, "left_anti"), count
            ),
            "training_duplicate_rows": _sum(dup_left, count),
            "serving_duplicate_rows": _sum(dup_right, count),
        }
        rounds = Rounds(pairs, keys)
        joined = rounds.run(
            [
                partial(_compare, rounds, keys, columns, f, names[0])
                for f, columns in zip(features, sides, strict=True)
            ]
        )
    finally:
        pairs.unpersist()
    return JoinReport(keys, counts, joined)


def _compare(
    rounds: Rounds, keys: list[str], columns: tuple[str, str], name: str, where: str
) -> JoinedFeature:
    try:
        return compare_pairs(name, keys, SparkPairs(rounds, columns))
    except pl.exceptions.PolarsError as exc:  # a column no comparison applies to (a list)
        raise InputError.single(
            where, f"cannot compare column {name!r} row by row: {first_line(exc)}"
        ) from None
