"""`--engine spark` and its settings, shared by `mlreview profile` and `mlreview skew`."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlreview.cli._common import UsageError

DEFAULT_MASTER = "local[*]"


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="where the data is profiled: on this machine (default) or by Spark, each "
        "partition by the same profiler (pip install 'mlreview[spark]'; needs Java 17+)",
    )
    parser.add_argument(
        "--spark-master",
        default=DEFAULT_MASTER,
        metavar="URL",
        help=f"with --engine spark: the Spark master (default {DEFAULT_MASTER})",
    )
    parser.add_argument(
        "--conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with --engine spark: a Spark setting, e.g. spark.executor.memory=4g (repeatable)",
    )


def check(args: argparse.Namespace) -> None:
    """Spark settings given without --engine spark are a mistake, not silently ignored."""
    if args.engine != "spark" and (args.conf or args.spark_master != DEFAULT_MASTER):
        given = "--conf" if args.conf else "--spark-master"
        raise UsageError(f"{given} needs --engine spark")


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Any]:
    """The Spark session ``args`` ask for (a pyspark SparkSession; typed Any so that the CLI
    never imports pyspark itself); what stops it from starting is a UsageError."""
    try:
        from mlreview.spark.session import SparkSetupError, parse_conf, spark_session
    except ImportError as exc:
        raise UsageError(
            f"--engine spark needs {(exc.name or 'pyspark').split('.')[0]}; expected it installed: "
            "pip install 'mlreview[spark]'"
        ) from None
    try:
        conf = parse_conf(args.conf)
        with spark_session(args.spark_master, conf) as spark:
            yield spark
    except SparkSetupError as exc:
        raise UsageError(str(exc)) from None
