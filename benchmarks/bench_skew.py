"""Speed and memory of `mlreview skew` against a bare polars scan of the same data.

Writes two Parquet files of ROWS x 20 columns (15 numeric, 5 string), then times, in fresh
processes measured the same way:

- the baseline: a polars scan computing five quantiles and the mean of each numeric column and
  the value counts of each string column, for both files;
- `mlreview skew training.parquet serving.parquet -f json` (profile both, compare, diagnose).

Peak memory is each process's maximum resident set size (from wait4). Run with
`python -m benchmarks.bench_skew [rows]`; `--stream [files]` instead profiles a folder of
files x 1M rows (20M by default) to show memory stays bounded. docs/skew.md records runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

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
            frame = frame.with_columns(pl.col("num_01") * 1000, pl.col("cat_0").str.to_uppercase())
        path = folder / f"{'training' if seed == 1 else 'serving'}.parquet"
        frame.write_parquet(path)
        paths.append(path)
    return paths[0], paths[1]


def measure(args: list[str]) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MB) over RUNS fresh processes."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    walls, peaks = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{args[0]} failed")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks)


def stream(files: int) -> int:
    """Peak memory of `mlreview profile` over a folder of ``files`` x ROWS rows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for i in range(files):
            write = [sys.executable, "-m", "benchmarks.bench_skew", "--write", tmp, str(ROWS)]
            subprocess.run(write, check=True)
            (Path(tmp) / "training.parquet").rename(folder / f"part-{i:03d}.parquet")
        profile = [
            sys.executable,
            "-m",
            "mlreview",
            "profile",
            str(folder),
            "-o",
            str(Path(tmp) / "p.json"),
        ]
        seconds, peak = measure(profile)
    print(
        f"| `mlreview profile` of {files * ROWS:,} rows in {files} Parquet files | "
        f"{seconds:.1f} | {peak:.0f} |"
    )
    print(f"\npeak {peak:.0f} MB (goal: < 2048)")
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--write"]:
        write_data(Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    if sys.argv[1:2] == ["--stream"]:
        return stream(int(sys.argv[2]) if len(sys.argv) > 2 else 20)
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child process: a child forked from a parent holding the data would count
        # the parent's pages in its own peak memory.
        write = [sys.executable, "-m", "benchmarks.bench_skew", "--write", tmp, str(rows)]
        subprocess.run(write, check=True)
        training, serving = Path(tmp) / "training.parquet", Path(tmp) / "serving.parquet"
        base_s, base_mb = measure([sys.executable, "-c", BASELINE, str(training), str(serving)])
        cli = [sys.executable, "-m", "mlreview", "skew", str(training), str(serving), "-f", "json"]
        ours_s, ours_mb = measure(cli)
    print(f"{rows:,} rows x 20 columns (15 numeric, 5 string), two Parquet files, median of {RUNS}")
    print()
    print("| what | wall s | peak MB |")
    print("|---|---|---|")
    print(
        f"| bare polars scan (5 quantiles + mean per numeric, value counts per string) | "
        f"{base_s:.2f} | {base_mb:.0f} |"
    )
    print(f"| `mlreview skew` (profile both, compare, diagnose) | {ours_s:.2f} | {ours_mb:.0f} |")
    print()
    print(f"ratio {ours_s / base_s:.1f}x (goal: at most 2x); peak {ours_mb:.0f} MB (goal: < 600)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
