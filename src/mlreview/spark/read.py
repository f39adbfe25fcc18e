"""Datasets read by Spark for `--engine spark`: Parquet, CSV and JSON lines, as local files,
folders and globs (listed as the single-machine reader lists them, so a profile names the same
files) or as URIs of any filesystem the session is configured for (s3a://, gs://, hdfs://...)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from pyspark.errors import PySparkException

from mlreview.datasets.read import FORMATS, resolve
from mlreview.problems import InputError, first_line

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SPARK_FORMATS = {"parquet": "parquet", "csv": "csv", "ndjson": "json"}


def _format_of(spec: str, suffix: str) -> str:
    fmt = FORMATS.get(suffix.lower(), "parquet" if not suffix else None)
    if fmt is None or fmt not in SPARK_FORMATS:
        known = ", ".join(s for s, f in sorted(FORMATS.items()) if f in SPARK_FORMATS)
        raise InputError.single(
            spec, f"Spark does not read {suffix or 'this'} files here; expected one of {known}"
        )
    return fmt


def _read(spark: SparkSession, fmt: str, paths: list[str], spec: str) -> DataFrame:
    reader = spark.read
    if fmt == "csv":
        tsv = all(p.lower().endswith(".tsv") for p in paths)
        reader = reader.options(header=True, inferSchema=True, sep="\t" if tsv else ",")
    try:
        return reader.format(SPARK_FORMATS[fmt]).load(paths)
    except PySparkException as exc:
        raise InputError.single(spec, f"cannot read with Spark: {first_line(exc)}") from None


def read_specs(spark: SparkSession, specs: list[str]) -> tuple[DataFrame, list[str]]:
    """One DataFrame over every file the specs name (columns matched by name, missing ones
    null), and the files' names as a profile lists them."""
    frames, names = [], []
    for spec in specs:
        if URI.match(spec) and not spec.startswith("file://"):
            fmt = _format_of(spec, PurePosixPath(spec.rstrip("/")).suffix)
            frame = _read(spark, fmt, [spec], spec)
            frames.append(frame)
            names.extend(sorted(frame.inputFiles()))
            continue
        files = resolve(spec)
        by_format: dict[str, list[str]] = {}
        for file in files:
            _format_of(file.name, file.path.suffix)
            by_format.setdefault(file.format, []).append(str(file.path.resolve()))
        for fmt, paths in by_format.items():
            frames.append(_read(spark, fmt, paths, spec))
        names.extend(f.name for f in files)
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame, allowMissingColumns=True)
    return out, names
