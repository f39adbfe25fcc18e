"""`mlreview skew --engine spark`: each side a saved profile, or data profiled by Spark."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlreview.datasets.dataset import read_profile
from mlreview.datasets.profile import Profile
from mlreview.datasets.skew import SkewReport, Thresholds, compare
from mlreview.spark.profile import profile_spark
from mlreview.spark.read import URI, read_specs

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def side(spark: SparkSession, spec: str) -> Profile:
    """A saved profile (a local file), or the profile Spark computes of the data ``spec`` names."""
    saved = None if URI.match(spec) else read_profile(Path(spec))
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
) -> SkewReport:
    return compare(side(spark, training), side(spark, serving), thresholds, importances)
