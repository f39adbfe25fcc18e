"""Diagnostic: where `mlreview skew TRAINING SERVING`'s CPU time goes, step by step. Runs the
command in this process on one thread (no thread for the columns nor for reading ahead) under
cProfile with a CPU-time clock, so that other processes' load moves the figures less than wall
time, and prints each step's cumulative CPU seconds and its share of the command. Steps nest:
the profile of the batches includes the numeric columns, which include the exact sums; the
distinct counts are taken for every kind of column. The profiler adds its own cost to every
Python call.

    python -m benchmarks.bench_skew --write DIR 1000000
    python -m tools.skew_breakdown DIR/training.parquet DIR/serving.parquet

docs/skew.md records a run.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlreview.cli import main as cli_main
from mlreview.cli import skew as skew_cli
from mlreview.cpus import WORKERS_VARIABLE
from mlreview.datasets import dataset, exact, profile, read, skew
from mlreview.datasets.sketch import DistinctSketch, QuantileSketch

STEPS: list[tuple[str, Callable[..., Any]]] = [
    ("`mlreview skew` (both profiles, compare, diagnose)", skew_cli.run),
    ("reading batches (both passes)", read.batches),
    ("profiling batches (`profile_frame`)", profile.profile_frame),
    ("  numeric columns (`_numeric`)", profile._numeric),
    ("    exact sums (`exact_sum`)", exact.exact_sum),
    ("    exact sums of squares (`exact_squares`)", exact.exact_squares),
    ("    quantile sketch (`QuantileSketch.add`)", QuantileSketch.add),
    ("    decimals (`_decimals`)", profile._decimals),
    ("    frequent numbers (`_frequent_numbers`)", profile._frequent_numbers),
    ("  string columns (`_string`)", profile._string),
    ("  distinct counts (`DistinctSketch.add`)", DistinctSketch.add),
    ("merging batches (`merge_batch`)", profile.merge_batch),
    ("second pass (`_recount`)", dataset._recount),
    ("comparing and diagnosing (`compare`)", skew.compare),
]


def cumulative(stats: pstats.Stats, function: Callable[..., Any]) -> float:
    """CPU seconds in ``function``, the calls it makes included."""
    code = function.__code__
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    row = table.get((code.co_filename, code.co_firstlineno, code.co_name))
    return row[3] if row else 0.0


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: python -m tools.skew_breakdown TRAINING SERVING", file=sys.stderr)
        return 2
    training, serving = sys.argv[1:]
    # One thread for the columns and for reading ahead: cProfile sees only its own thread.
    os.environ[WORKERS_VARIABLE] = "1"
    profiler = cProfile.Profile(time.process_time)
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "skew.json")
        profiler.runcall(cli_main, ["skew", training, serving, "-f", "json", "-o", out])
    stats = pstats.Stats(profiler)
    whole = cumulative(stats, STEPS[0][1])
    print("| step | CPU s | share |")
    print("|---|---|---|")
    for step, function in STEPS:
        seconds = cumulative(stats, function)
        print(f"| {step} | {seconds:.2f} | {seconds / whole:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
