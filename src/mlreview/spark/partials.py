"""What every Spark pass here shares: a partition's Arrow record batches read as polars frames,
the one-column DataFrame of the partials partitions send back, and the depth of the tree that
adds them up."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import polars as pl
from pyspark.sql import functions
from pyspark.sql.types import BinaryType, StructField, StructType

from mlreview.datasets.read import rebatch

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PARTIAL = "partial"
"""The one column of a pass's output: a partition's partial, as bytes."""
FAN_IN = 32
"""Partials added up at each node of the merge tree."""


def column(name: str) -> Any:
    """A column by its exact name: a dot or backtick in it is not Spark syntax here."""
    return functions.col("`" + name.replace("`", "``") + "`")


def frames(batches: Iterable[Any], rows: int) -> Iterator[pl.DataFrame]:
    """Frames of exactly ``rows`` rows (the last may be shorter) from Arrow record batches."""
    return rebatch((pl.DataFrame(pl.from_arrow(b)) for b in batches if b.num_rows), rows)


def partial_batches(data: bytes) -> Iterator[Any]:
    """A partition's partial as the Arrow record batches ``mapInArrow`` sends back."""
    out = pl.DataFrame({PARTIAL: [data]}, schema={PARTIAL: pl.Binary})
    yield from out.to_arrow(compat_level=pl.CompatLevel.oldest()).to_batches()


def merge_depth(partitions: int) -> int:
    """The merge tree's depth: FAN_IN partials at most at each node."""
    return max(2, math.ceil(math.log(max(partitions, 2), FAN_IN)))


def partials(frame: DataFrame, run: Callable[[Iterable[Any]], Iterator[Any]]) -> Any:
    """The RDD of the bytes ``run`` (given to ``mapInArrow``) sends from each partition."""
    with warnings.catch_warnings():
        # mapInArrow checks the pandas version though this path never uses pandas; pyspark 4.1
        # warns about pandas 3, which a user would otherwise see on every run.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        return frame.mapInArrow(run, StructType([StructField(PARTIAL, BinaryType())])).rdd.map(
            lambda row: bytes(row[0])
        )
