"""The Spark session the CLI runs on: its master and settings, and one-line errors for what is
missing (pyspark, Java) or wrong (a setting Spark refuses)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import SparkSession

from mlreview.problems import first_line

# Chosen so that a profile reads the same on every machine: timestamps in UTC, and no progress
# bars or UI port for a command-line run.
QUIET = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


class SparkSetupError(Exception):
    """Spark cannot be started: pyspark or Java is missing, or a setting is refused."""


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``key=value`` settings, as given to ``--conf``."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SparkSetupError(
                f"--conf {pair!r}: expected key=value, e.g. spark.driver.memory=4g"
            )
        out[key.strip()] = value
    return out


def java_found() -> bool:
    """Whether a Java runtime can be started: JAVA_HOME's, or one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


@contextmanager
def spark_session(master: str, conf: dict[str, str]) -> Iterator[SparkSession]:
    """A session on ``master`` with ``conf``; stopped at the end only if it was started here
    (a session already running in this process, as in a notebook, is used and left running)."""
    if not java_found():
        raise SparkSetupError(
            "--engine spark needs Java 17 or later; expected `java` on PATH or in JAVA_HOME"
        )
    if master.startswith("local"):
        # Local workers run this interpreter, which has mlreview installed; `python3` on PATH
        # (Spark's default) may not.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    running = SparkSession.getActiveSession()
    builder = SparkSession.builder.master(master).appName("mlreview")
    for key, value in {**QUIET, **conf}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark's, and py4j's for a setting the JVM refuses
        raise SparkSetupError(f"cannot start Spark on {master}: {first_line(exc)}") from None
    if running is None:
        spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        if running is None:
            spark.stop()
