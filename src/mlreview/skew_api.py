"""The public Python API for skew from data, re-exported from ``mlreview`` (imports polars)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from mlreview.datasets import skew as skew_data
from mlreview.datasets.dataset import (
    load_side,
    load_sides,
    profile_data,
    profile_paths,
    read_profile,
)
from mlreview.datasets.join import JoinReport, join
from mlreview.datasets.profile import Profile
from mlreview.datasets.read import resolve
from mlreview.datasets.skew import Thresholds, compare
from mlreview.problems import InputError
from mlreview.report import formats
from mlreview.report.skew_document import skew_printable
from mlreview.spark import is_spark_frame


class SkewReport(skew_data.SkewReport):
    """A comparison of training with serving; renders as its HTML report in Jupyter and to any
    document format, as a review does."""

    def render(self, fmt: str = "terminal", *, width: int = 100) -> str:
        """The report in ``fmt``: terminal, markdown, json or html."""
        return formats.render(skew_printable(self), fmt, formats.RenderOptions(width=width))

    def _repr_html_(self) -> str:
        return self.render("html")


def _spark_profile(data: Any) -> Profile:
    # Only a Spark DataFrame loads pyspark: the core install has none.
    from mlreview.spark.profile import profile_spark  # noqa: PLC0415

    return profile_spark(data)


def profile(data: Any) -> Profile:
    """The profile of a dataset: a path, folder or glob of Parquet, CSV, Arrow IPC or JSON-lines
    files, a polars or pandas DataFrame, or a Spark DataFrame (profiled by its executors, each
    partition by the same profiler). ``to_dict()`` gives what `mlreview profile` saves."""
    if isinstance(data, str | Path):
        return profile_paths([str(data)])
    if is_spark_frame(data):
        return _spark_profile(data)
    return profile_data(data)


def _side(data: Any) -> Profile:
    if isinstance(data, Profile):
        return data
    if isinstance(data, str | Path):
        return load_side(str(data))
    if is_spark_frame(data):
        return _spark_profile(data)
    return profile_data(data)


def _keys(key: str | list[str] | None) -> list[str]:
    keys = [key] if isinstance(key, str) else list(key or [])
    twice = [k for i, k in enumerate(keys) if k in keys[:i]]
    if twice:
        raise ValueError(f"key {twice[0]!r} is given twice; expected each key column once")
    return keys


def _joined(training: Any, serving: Any, keys: list[str]) -> JoinReport:
    if is_spark_frame(training) and is_spark_frame(serving):
        from mlreview.spark.join import join_spark  # noqa: PLC0415

        return join_spark(training, serving, keys, ("training", "serving"))
    if isinstance(training, str | Path) and isinstance(serving, str | Path):
        for spec in (training, serving):
            if read_profile(Path(spec)) is not None:
                raise InputError.single(str(spec), "is a saved profile; key= needs the rows")
        return join(resolve(str(training)), resolve(str(serving)), keys)
    raise TypeError("key= needs two dataset paths or two Spark DataFrames")


def skew(
    training: Any,
    serving: Any,
    *,
    key: str | list[str] | None = None,
    thresholds: Thresholds | None = None,
    importances: dict[str, float] | None = None,
) -> SkewReport:
    """Compare training with serving feature by feature and name each difference's cause.

    Each side is a dataset path, a saved profile's path, a Profile, or a polars, pandas or Spark
    DataFrame. With ``key`` (a column or a list of them), the rows of two dataset paths or two
    Spark DataFrames are also joined on it and compared value by value, as `mlreview skew
    --key` does (on Spark, the join and the comparison run in Spark). ``to_dict()`` gives the
    JSON of `mlreview skew -f json`."""
    keys = _keys(key)
    pairs = _joined(training, serving, keys) if keys else None
    if isinstance(training, str | Path) and isinstance(serving, str | Path):
        sides = load_sides((str(training), str(serving)))
    else:
        sides = (_side(training), _side(serving))
    done = compare(*sides, thresholds, importances, pairs)
    return SkewReport(**{f.name: getattr(done, f.name) for f in fields(done)})
