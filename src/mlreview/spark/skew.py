"""`mlreview skew --engine spark`: each side a saved profile, or data profiled by Spark; with
keys, the two sides' rows also joined and compared in Spark."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlreview.datasets.dataset import read_profile
from mlreview.datasets.profile import Profile
from mlreview.datasets.skew import SkewReport, Thresholds, compare
from mlreview.problems import InputError
from mlreview.spark.join import join_spark
from mlreview.spark.profile import profile_spark
from mlreview.spark.read import URI, read_specs

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _saved(spec: str) -> Profile | None:
    return None if URI.match(spec) else read_profile(Path(spec))


def side(spark: SparkSession, spec: str) -> Profile:
    """A saved profile (a local file), or the profile Spark computes of the data ``spec`` names."""
    saved = _saved(spec)
    if saved is not None:
        return saved
    frame, files = read_specs(spark, [spec])
    return profile_spark(frame, files)


def compare_spark(
    spark: SparkSession,
    training: str,
    serving: str,
    *,
    thresholds: Thresholds | None = None,
    importances: dict[str, float] | None = None,
    keys: list[str] | None = None,
) -> SkewReport:
    if not keys:
        return compare(side(spark, training), side(spark, serving), thresholds, importances)
    for spec in (training, serving):
        if _saved(spec) is not None:
            raise InputError.single(spec, "is a saved profile; --key needs the rows themselves")
    (left, left_files), (right, right_files) = (
        read_specs(spark, [training]),
        read_specs(spark, [serving]),
    )
    pairs = join_spark(left, right, keys, (left_files[0], right_files[0]))
    return compare(
        profile_spark(left, left_files),
        profile_spark(right, right_files),
        thresholds,
        importances,
        pairs,
    )
