"""Profiles of data split anywhere: the steps an engine that profiles parts of a dataset (Spark
partitions, Arrow batches) takes to get the profile `mlreview profile` gives for the whole.

Contract: for any split of a table's rows into parts, merged in any order and grouping, with
partial profiles passed through ``Profile.to_dict`` / ``Profile.from_dict`` (JSON via
``orjson``) between steps, ``write_profile(finish(...))`` is byte for byte
``write_profile(profile_data(table))``. Two passes, the second rarely needed:

1. ``profile_part(batch)`` for each part (a polars DataFrame, or a pyarrow Table or
   RecordBatch) gives a partial profile; ``merge_parts(partials)`` merges any number of them
   (partials of partials too: merging is associative and commutative).
2. ``pending(merged)`` names, per column, the values that may hold 0.1% of the column but were
   not counted in every part (a JSON-able ``{column: [values]}``, usually empty). When it is not
   empty, ``count_part(batch, todo)`` for every part gives their counts there and
   ``add_counts`` sums those; ``finish(merged, counts)`` (``counts`` empty when nothing was
   pending) finishes the profile.

A partial's ``files`` is empty: the engine names the files of the finished profile itself. A
column's type comes from the parts holding values of it; parts must agree on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from mlreview.datasets.profile import Profile, count_values, profile_frame


def _frame(batch: Any) -> pl.DataFrame:
    return batch if isinstance(batch, pl.DataFrame) else pl.DataFrame(pl.from_arrow(batch))


def profile_part(batch: Any, workers: int | None = None) -> Profile:
    """The partial profile of one part of the rows (pass 1)."""
    return profile_frame(_frame(batch), workers=workers)


def merge_parts(parts: Iterable[Profile]) -> Profile:
    """The merge of partial profiles, in any order; the parts are left unchanged."""
    total = Profile()
    for part in parts:
        total.merge(Profile.from_dict(part.to_dict()))
    return total


def pending(merged: Profile) -> dict[str, list[Any]]:
    """The values to count in every part (pass 2), per column; empty when none is needed."""
    return merged.pending()


def count_part(batch: Any, todo: dict[str, list[Any]]) -> dict[str, dict[Any, int]]:
    """How often each pending value occurs in one part (pass 2)."""
    return count_values(_frame(batch), todo)


def add_counts(parts: Iterable[dict[str, dict[Any, int]]]) -> dict[str, dict[Any, int]]:
    """The sum of parts' pass-2 counts."""
    total: dict[str, dict[Any, int]] = {}
    for part in parts:
        for name, counts in part.items():
            column = total.setdefault(name, {})
            for value, n in counts.items():
                column[value] = column.get(value, 0) + n
    return total


def finish(merged: Profile, counts: dict[str, dict[Any, int]]) -> Profile:
    """The finished profile: ``merged`` with the pending values' counts over the whole data."""
    done = Profile.from_dict(merged.to_dict())
    done.settle(counts)
    return done
