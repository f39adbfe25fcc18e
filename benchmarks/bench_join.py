"""Speed and memory of `mlreview skew --key` beside the same comparison without the key.

Writes the pair of benchmarks/join_data.py (ROWS rows a side, a `request_id` key, 20 features,
four injected skews), then times in fresh processes, alternating so that the shared machine's
load falls on both alike:

- `mlreview skew training serving -f json` (profile both, compare, diagnose);
- the same with `--key request_id` (also join the rows and compare each example's values);
- the join alone (`mlreview.datasets.join.join`), for its own share of time and memory.

Wall time is the median over RUNS rounds; CPU time (user + system, from wait4) is printed too,
since on a machine shared with other work it moves less than wall time. Peak memory is each
process's largest maximum resident set size (from wait4). Run with
`python -m benchmarks.bench_join [ROWS] [FILES]`; 1,000,000 rows in one file by default. With
more than `pairs.PART_ROWS` rows a side (2,000,000) the join is partitioned by key hash and
spilled to temporary Parquet files: `python -m benchmarks.bench_join 20000000 20`. docs/skew.md
records runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
JOIN_ONLY = """
import sys
from mlreview.datasets.join import join
from mlreview.datasets.read import resolve
report = join(resolve(sys.argv[1]), resolve(sys.argv[2]), ["request_id"])
print(report.counts)
"""


def run(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    runs = RUNS if rows <= 4_000_000 else 1
    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child process, so no process measured inherits the generator's pages.
        write = [sys.executable, "-m", "benchmarks.join_data", tmp, str(rows), str(files)]
        subprocess.run(write, check=True)
        training, serving = str(Path(tmp) / "training"), str(Path(tmp) / "serving")
        plain = [sys.executable, "-m", "mlreview", "skew", training, serving, "-f", "json"]
        commands = {
            "plain": plain,
            "key": [*plain, "--key", "request_id"],
            "join": [sys.executable, "-c", JOIN_ONLY, training, serving],
        }
        measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, args in commands.items():
                measured[name].append(run(args))
    wall = {n: statistics.median(r[0] for r in m) for n, m in measured.items()}
    cpu = {n: statistics.median(r[1] for r in m) for n, m in measured.items()}
    peak = {n: max(r[2] for r in m) for n, m in measured.items()}
    print(
        f"{rows:,} rows a side x 20 features + key in {files} Parquet file(s), "
        f"median of {runs}, peak of {runs}"
    )
    print()
    print("| what | wall s | CPU s | peak MB | wall vs plain | CPU vs plain | memory vs plain |")
    print("|---|---|---|---|---|---|---|")
    labels = {
        "plain": "`mlreview skew` (profile both, compare, diagnose)",
        "key": "`mlreview skew --key request_id` (also join and compare row by row)",
        "join": "the join alone (`datasets.join.join`)",
    }
    for name, label in labels.items():
        print(
            f"| {label} | {wall[name]:.2f} | {cpu[name]:.2f} | {peak[name]:.0f} | "
            f"{wall[name] / wall['plain']:.2f}x | {cpu[name] / cpu['plain']:.2f}x | "
            f"{peak[name] / peak['plain']:.2f}x |"
        )
    print()
    print(
        f"--key: {wall['key'] / wall['plain']:.2f}x the plain run's wall time and "
        f"{cpu['key'] / cpu['plain']:.2f}x its CPU time (goal: at most 1.5x), "
        f"peak {peak['key']:.0f} MB (goal: under 600)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
