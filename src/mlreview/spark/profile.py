"""A Spark DataFrame's profile: each partition profiled by the single-machine profiler inside
``mapInArrow``, the partial profiles merged in a tree.

A partial profile travels in the saved JSON form (`Profile.to_dict`, the shape
`datasets.saved` checks), which holds every figure a merge needs: counts, moments, sketches and
frequent values. The merge tree decodes each partition's partial once and merges the decoded
profiles (Spark pickles them between the tree's levels). Wide tables are profiled in groups of
columns, one Spark job a group, so a Python worker holds a bounded number of cells whatever the
width.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
import polars as pl

from mlreview.datasets.partial import add_counts, count_part, finish, pending
from mlreview.datasets.profile import Profile, merge_batch, profile_frame
from mlreview.datasets.read import BATCH_ROWS
from mlreview.spark.partials import column, frames, merge_depth, partial_batches, partials

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

COLUMNS_PER_GROUP = 200
"""Columns profiled by one Spark job; a wider table takes several, each reading its columns."""
CELLS_PER_BATCH = BATCH_ROWS * 16
"""Cells a worker profiles at once: a full batch of rows for 16 columns, fewer rows when wider."""


def encode(profile: Profile) -> bytes:
    return orjson.dumps(profile.to_dict())


def decode(data: bytes) -> Profile:
    return Profile.from_dict(orjson.loads(data))


def add_partial(total: Profile | None, data: bytes) -> Profile:
    """An encoded partial profile decoded and merged into ``total`` (None: nothing yet)."""
    part = decode(data)
    if total is None:
        return part
    merge_batch(total, part, "<spark partition>")
    return total


def merge_profiles(left: Profile | None, right: Profile | None) -> Profile | None:
    """Two merged partials merged, in place of ``left``; None stands for no rows at all.

    The tree merges decoded profiles and the result is encoded once: decoding and re-encoding
    JSON at every node cost 26 to 30 ms a merge (docs/skew.md)."""
    if left is None:
        return right
    if right is None:
        return left
    merge_batch(left, right, "<spark partition>")
    return left


def rows_per_batch(columns: int) -> int:
    return max(1, min(BATCH_ROWS, CELLS_PER_BATCH // max(1, columns)))


def partition_profiler(rows: int) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """The function ``mapInArrow`` runs on each partition: its Arrow record batches cut into
    frames of ``rows`` rows, each profiled and merged as `profile_paths` does with a file's
    batches; one record batch out, holding the encoded partial (none for a partition without
    rows)."""

    def run(batches: Iterable[Any]) -> Iterator[Any]:
        total = Profile()
        seen = False
        for frame in frames(batches, rows):
            seen = True
            merge_batch(total, profile_frame(frame, workers=1), "<spark partition>")
        if seen:
            yield from partial_batches(encode(total))

    return run


def partition_counter(
    rows: int, todo: dict[str, list[Any]]
) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """The second pass's function for ``mapInArrow``: how often each pending value occurs in
    the partition (`datasets.partial.count_part`), as one record batch."""

    def run(batches: Iterable[Any]) -> Iterator[Any]:
        counts = add_counts(count_part(frame, todo) for frame in frames(batches, rows))
        yield from partial_batches(pickle.dumps(counts))

    return run


def _add(
    left: dict[str, dict[Any, int]], right: dict[str, dict[Any, int]]
) -> dict[str, dict[Any, int]]:
    return add_counts([left, right])


def _group_profile(frame: DataFrame) -> Profile:
    """Pass 1 (partial profiles, tree-merged), then, only when some value may be frequent
    without having been counted everywhere, pass 2 (their counts in every partition)."""
    rows = rows_per_batch(len(frame.columns))
    profiles = partials(frame, partition_profiler(rows))
    depth = merge_depth(profiles.getNumPartitions())
    total: Profile | None = profiles.treeAggregate(None, add_partial, merge_profiles, depth=depth)
    if total is not None:
        todo = pending(total)
        counts: dict[str, dict[Any, int]] = {}
        if todo:
            found = partials(frame, partition_counter(rows, todo)).map(pickle.loads)
            counts = found.treeAggregate({}, _add, _add, depth=depth)
        return finish(total, counts)
    # No rows anywhere: the profile of an empty frame, which still names every column.
    return profile_frame(pl.DataFrame(pl.from_arrow(frame.limit(0).toArrow())))


def profile_spark(frame: DataFrame, files: list[str] | None = None) -> Profile:
    """The profile of a Spark DataFrame, computed by its executors; ``files`` are the files it
    was read from, as the single-machine profile lists them."""
    names = frame.columns
    total = Profile(rows=0 if names else frame.count())
    for start in range(0, len(names), COLUMNS_PER_GROUP):
        chosen = names[start : start + COLUMNS_PER_GROUP]
        group = _group_profile(frame.select(*[column(n) for n in chosen]))
        total.columns.update(group.columns)
        total.rows = group.rows
    total.files = list(files or [])
    return total
