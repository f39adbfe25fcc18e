"""Speed and memory of `mlreview skew` against its floors: a bare polars scan and a pyarrow read.

Writes two Parquet files of ROWS x 20 columns (15 numeric, 5 string; serving has four injected
skews), then times, in fresh processes measured the same way, in RUNS rounds that each run every
case once (so that a change in the machine's load falls on all of them alike), the median of each:

- the floor: pyarrow reading both files into memory (needs the ``bench`` extra's pyarrow);
- the baseline: a polars scan computing five quantiles and the mean of each numeric column and
  the value counts of each string column, for both files;
- `mlreview skew training.parquet serving.parquet -f json` (profile both, compare, diagnose), on
  one thread and as shipped, and with ``--before SRC`` also imported from another checkout's
  sources (the code before a change, timed in the same rounds).

CPU is the child's user + system time (from wait4), so CPU / wall above 1 shows more than one
core at work. Then, for memory, `mlreview profile` of 20M-row files (the 1M file repeated) as
one Parquet file, one CSV file, and folders of FOLDER_FILES of each, beside the 1M-row file:
peak resident memory is each process's maximum RSS. All data is written under a temporary
folder in /tmp and deleted at the end. Run with `python -m benchmarks.bench_skew [rows]`
(`--no-memory` skips the 20M-row part; `--help` lists the options). The one-thread run sets
MLREVIEW_WORKERS=1. docs/skew.md records runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from mlreview.cpus import WORKERS_VARIABLE

ROWS = 1_000_000
RUNS = 3
BASELINE = """
import sys, polars as pl
for path in sys.argv[1:]:
    lf = pl.scan_parquet(path)
    schema = lf.collect_schema()
    numeric = [c for c, t in schema.items() if t.is_numeric()]
    text = [c for c, t in schema.items() if t == pl.String]
    exprs = [pl.col(c).quantile(q).alias(f"{c}_{q}") for c in numeric
             for q in (0.05, 0.25, 0.5, 0.75, 0.95)]
    exprs += [pl.col(c).mean().alias(f"{c}_mean") for c in numeric]
    lf.select(exprs).collect()
    for c in text:
        lf.select(pl.col(c).value_counts()).collect()
"""


def write_data(folder: Path, rows: int) -> tuple[Path, Path]:
    paths = []
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        columns: dict[str, object] = {}
        for i in range(15):
            columns[f"num_{i:02d}"] = (
                rng.lognormal(i % 5, 1, rows) if i % 2 else rng.normal(i, 3, rows)
            )
        for i in range(5):
            vocab = np.array([f"v{j}" for j in range(10 ** (1 + i % 3))])
            columns[f"cat_{i}"] = vocab[rng.integers(0, vocab.size, rows)]
        frame = pl.DataFrame(columns)
        if seed == 2:
            # Four skews: a unit change, upper-cased categories, rounding and a default value.
            frame = frame.with_columns(
                pl.col("num_01") * 1000,
                pl.col("cat_0").str.to_uppercase(),
                pl.col("num_04").round(0),
                pl.when(pl.col("num_06") < 0.5)
                .then(-1.0)
                .otherwise(pl.col("num_06"))
                .alias("num_06"),
            )
        path = folder / f"{'training' if seed == 1 else 'serving'}.parquet"
        frame.write_parquet(path)
        paths.append(path)
    return paths[0], paths[1]


PYARROW_READ = """
import sys, pyarrow.parquet as pq
for path in sys.argv[1:]:
    pq.read_table(path)
"""
BIG_ROWS = 20_000_000
FOLDER_FILES = 2


@dataclass
class Run:
    wall: float
    cpu: float
    peak: float  # MB

    @property
    def cores(self) -> float:
        return self.cpu / self.wall


def once(args: list[str], workers: int | None = None, source: str | None = None) -> Run:
    """Wall and CPU seconds and peak RSS (MB) of one fresh process, on ``workers`` threads
    (default: the library's, one per core), importing mlreview from ``source`` when given."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop(WORKERS_VARIABLE, None)
    if workers is not None:
        env[WORKERS_VARIABLE] = str(workers)
    if source is not None:
        env["PYTHONPATH"] = source
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(done: list[Run]) -> Run:
    """Median wall and CPU seconds and the largest peak."""
    return Run(
        statistics.median(r.wall for r in done),
        statistics.median(r.cpu for r in done),
        max(r.peak for r in done),
    )


def measure(args: list[str], runs: int = RUNS, workers: int | None = None) -> Run:
    """``once`` ``runs`` times: the median."""
    return median([once(args, workers) for _ in range(runs)])


def rounds(cases: dict[str, tuple[list[str], int | None, str | None]]) -> dict[str, Run]:
    """Each case (command, workers, source) once per round, RUNS rounds, so that a change in
    the machine's load falls on every case alike; the median of each."""
    done: dict[str, list[Run]] = {name: [] for name in cases}
    for _ in range(RUNS):
        for name, (args, workers, source) in cases.items():
            done[name].append(once(args, workers, source))
    return {name: median(runs) for name, runs in done.items()}


def write_big(source: Path, folder: Path) -> dict[str, Path]:
    """20M-row Parquet and CSV files (``source`` repeated) and folders of FOLDER_FILES of each,
    written by a child process for the reason given in main."""
    code = (
        "import sys, polars as pl\n"
        "src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "lf = pl.concat([pl.scan_parquet(src)] * n)\n"
        "lf.sink_parquet(out + '/big.parquet')\n"
        "pl.scan_parquet(out + '/big.parquet').sink_csv(out + '/big.csv')\n"
        "pl.scan_parquet(src).sink_csv(out + '/small.csv')\n"
    )
    repeat = BIG_ROWS // pl.scan_parquet(source).select(pl.len()).collect().item()
    subprocess.run([sys.executable, "-c", code, str(source), str(folder), str(repeat)], check=True)
    out = {
        "parquet": folder / "big.parquet",
        "csv": folder / "big.csv",
        "small csv": folder / "small.csv",
    }
    for fmt in ("parquet", "csv"):
        parts = folder / f"{fmt}_folder"
        parts.mkdir()
        for i in range(FOLDER_FILES):
            os.link(out[fmt], parts / f"part-{i}.{fmt}")  # the same bytes, no more disk
        out[f"{fmt} folder"] = parts
    return out


def memory(tmp: Path, training: Path) -> list[tuple[str, int, Run]]:
    big = write_big(training, tmp)
    rows = pl.scan_parquet(training).select(pl.len()).collect().item()
    cases: list[tuple[str, int, Path]] = [("Parquet file", rows, training)]
    cases += [
        ("Parquet file", BIG_ROWS, big["parquet"]),
        (f"folder of {FOLDER_FILES} Parquet files", BIG_ROWS * FOLDER_FILES, big["parquet folder"]),
        ("CSV file", rows, big["small csv"]),
        ("CSV file", BIG_ROWS, big["csv"]),
        (f"folder of {FOLDER_FILES} CSV files", BIG_ROWS * FOLDER_FILES, big["csv folder"]),
    ]
    out = []
    for name, n, path in cases:
        cli = [sys.executable, "-m", "mlreview", "profile", str(path), "-o", str(tmp / "p.json")]
        out.append((name, n, measure(cli, runs=1)))
    return out


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_skew",
        description="Speed and memory of `mlreview skew` against a polars scan and a pyarrow read.",
    )
    parser.add_argument("rows", nargs="?", type=int, default=ROWS, help=f"default {ROWS:,}")
    parser.add_argument(
        "--no-memory", action="store_true", help=f"skip the {BIG_ROWS:,}-row memory part"
    )
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="also time `mlreview skew` imported from SRC (another checkout's src folder) in "
        "the same rounds",
    )
    parser.add_argument(
        "--write",
        metavar="FOLDER",
        help="only write the training/serving pair of ROWS rows into FOLDER (used internally)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    rows = options.rows
    if options.write:
        write_data(Path(options.write), rows)
        return 0
    with tempfile.TemporaryDirectory(dir="/tmp") as name:
        tmp = Path(name)
        # Written by a child process: a child forked from a parent holding the data would count
        # the parent's pages in its own peak memory.
        write = [sys.executable, "-m", "benchmarks.bench_skew", str(rows), "--write", name]
        subprocess.run(write, check=True)
        training, serving = tmp / "training.parquet", tmp / "serving.parquet"
        both = [str(training), str(serving)]
        skew = [sys.executable, "-m", "mlreview", "skew", *both, "-f", "json"]
        cases: dict[str, tuple[list[str], int | None, str | None]] = {
            "arrow": ([sys.executable, "-c", PYARROW_READ, *both], None, None),
            "scan": ([sys.executable, "-c", BASELINE, *both], None, None),
            "alone": (skew, 1, None),
            "ours": (skew, None, None),
        }
        if options.before:
            cases["before"] = (skew, None, options.before)
        runs = rounds(cases)
        arrow, scan, alone, ours = (runs[k] for k in ("arrow", "scan", "alone", "ours"))
        big = [] if options.no_memory else memory(tmp, training)
    print(
        f"{rows:,} rows x 20 columns (15 numeric, 5 string), two Parquet files, median of "
        f"{RUNS} rounds (each case once a round)"
    )
    print()
    print("| what | wall s | CPU s | CPU / wall | peak MB | `mlreview skew` takes |")
    print("|---|---|---|---|---|---|")
    table = [
        ("pyarrow read of both files (floor)", arrow),
        ("bare polars scan (5 quantiles + mean per numeric, value counts per string)", scan),
        ("`mlreview skew` on one thread", alone),
    ]
    if options.before:
        table.append((f"`mlreview skew` from {options.before} (before)", runs["before"]))
    table.append(("`mlreview skew` (profile both, compare, diagnose)", ours))
    for what, run in table:
        ratio = f"{ours.wall / run.wall:.2f}x" if run is not ours else ""
        print(
            f"| {what} | {run.wall:.2f} | {run.cpu:.2f} | {run.cores:.2f} | {run.peak:.0f} | "
            f"{ratio} |"
        )
    print()
    print(
        f"`mlreview skew` / polars scan {ours.wall / scan.wall:.2f}x (goal: at most 1.0x); "
        f"/ pyarrow read {ours.wall / arrow.wall:.2f}x (goal: at most 2x); "
        f"peak {ours.peak:.0f} MB (goal: < 600); both cores: "
        f"{alone.wall / ours.wall:.2f}x faster than on one thread"
    )
    if big:
        print()
        print("| `mlreview profile` of | rows | wall s | CPU s | peak MB |")
        print("|---|---|---|---|---|")
        for name, n, run in big:
            print(f"| {name} | {n:,} | {run.wall:.1f} | {run.cpu:.1f} | {run.peak:.0f} |")
        print()
        worst = max(run.peak for _, _, run in big)
        print(f"largest peak {worst:.0f} MB (goal: < 600 at any size)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
