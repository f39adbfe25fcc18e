"""Profiles, and skew from them, computed by Spark where lake-scale data already lives.

Each partition is profiled by the single-machine profiler inside ``mapInArrow``, in the two
passes of `datasets.partial`; only partial profiles (and, in the rare second pass, counts of
pending values) leave the executors, and they are merged in a tree (``treeAggregate``) so that
neither the driver nor any executor holds more than a few of them. Nothing here is imported
unless a Spark DataFrame is given or ``--engine spark`` is asked for: the core install does not
need pyspark.
"""

from __future__ import annotations

from typing import Any


def is_spark_frame(data: Any) -> bool:
    """Whether ``data`` is a Spark DataFrame (classic or Spark Connect), told without importing
    pyspark."""
    kind = type(data)
    return kind.__name__ == "DataFrame" and kind.__module__.startswith("pyspark.sql")
