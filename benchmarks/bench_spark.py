"""`mlreview profile` and `mlreview skew` on Spark (local[2]) against the single-machine path, on
the same Parquet files.

Writes one Parquet file of FILE_ROWS x 20 columns (bench_skew's training data: 15 numeric, 5
string) and a folder holding it ROWS // FILE_ROWS times (hard links), then, each in a fresh
process:

- `mlreview profile FOLDER -o OUT` (single machine) and the same with `--engine spark
  --spark-master local[2]`: wall time, and the peak resident memory of the driver (the Python
  process), of the JVM (in local mode the driver's and the executors' JVM are one) and of the
  largest Python worker (an executor's profiler), polled from /proc every 0.1 s;
- `mlreview skew FOLDER FOLDER -f json` the same two ways (two profiles and a comparison);
- whether the two profiles are the same bytes.

Then, in this process: the size of one partial profile (a FILE_ROWS-row partition's, in the
JSON form executors send), and the time to merge MERGES such partials in a tree of FAN_IN, as
treeAggregate does (the total merge work, and the driver's share: its last level), each
partial decoded once and the decoded profiles merged, against OLD_MERGES merged as the tree
did before (decoded and re-encoded at every node), with whether the two give the same bytes.
Run with `python -m benchmarks.bench_spark [rows] [merges]` (default 2M rows and 10,000
merges; docs/skew.md records what was run, and at which sizes).

`python -m benchmarks.bench_spark keyed ROWS` instead writes benchmarks/join_data.py's pair
(ROWS rows a side, a `request_id` key, files of at most FILE_ROWS rows) and times `mlreview skew
TRAINING SERVING --key request_id -f json` on one machine and on Spark local[2] the same way,
and whether the two reports are the same bytes; `python -m benchmarks.bench_spark merge
[merges]` makes only the partial-profile and merge measurements, `python -m
benchmarks.bench_spark profile ROWS` only the two profiles and their comparison, and `python -m
benchmarks.bench_spark skew ROWS` only the two skew runs and whether their reports are the same
bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bench_skew import write_data
from benchmarks.join_data import write_pair
from mlreview.datasets.dataset import profile_paths
from mlreview.datasets.profile import merge_batch
from mlreview.spark.partials import FAN_IN
from mlreview.spark.profile import add_partial, decode, encode, merge_profiles

FILE_ROWS = 1_000_000
MERGES = 10_000
OLD_MERGES = 200


@dataclass
class Peak:
    wall: float
    driver: float  # MB
    jvm: float
    worker: float


def _tree(root: int) -> dict[int, int]:
    """pid -> parent pid for every process under ``root``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    under, frontier = {root: 0}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in under:
                under[child] = pid
                frontier.append(child)
    return under


def _rss(pid: int) -> tuple[str, float]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "", 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return name, int(line.split()[1]) / 1024
    return name, 0.0


def measure(args: list[str]) -> Peak:
    """Wall time and peak RSS (MB) of the process, its JVM and its largest Python worker."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"driver": 0.0, "jvm": 0.0, "worker": 0.0}

    def poll() -> None:
        while child.poll() is None:
            for pid in _tree(child.pid):
                name, rss = _rss(pid)
                kind = "driver" if pid == child.pid else "jvm" if name == "java" else "worker"
                peak[kind] = max(peak[kind], rss)
            time.sleep(0.1)

    watcher = threading.Thread(target=poll)
    watcher.start()
    code = child.wait()
    watcher.join()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with exit code {code}")
    return Peak(time.perf_counter() - start, peak["driver"], peak["jvm"], peak["worker"])


def merge_encoded(left: bytes, right: bytes) -> bytes:
    """The merge the tree made before: two encoded partials decoded, merged and re-encoded."""
    if not left:
        return right
    total = decode(left)
    merge_batch(total, decode(right), "<bench>")
    return encode(total)


def merge_tree(partial: bytes, count: int, encoded: bool) -> tuple[float, float, int, bytes]:
    """(seconds for all merges, seconds for the last level's, merges in it, the result encoded)
    of ``count`` copies of ``partial`` merged in a tree of FAN_IN as treeAggregate does: with
    ``encoded``, every node decodes and re-encodes; otherwise each partial is decoded once
    (timed with the first level), the decoded profiles are merged and the root encoded once."""
    level: list[Any] = [partial] * count
    total = last = 0.0
    merges = 0
    first = True
    while len(level) > 1 or first:
        start = time.perf_counter()
        merges = 0
        nodes: list[Any] = []
        for i in range(0, len(level), FAN_IN):
            merged: Any = b"" if encoded else None
            for item in level[i : i + FAN_IN]:
                if encoded:
                    merged = merge_encoded(merged, item)
                elif first:
                    merged = add_partial(merged, item)
                else:
                    merged = merge_profiles(merged, item)
                merges += 1
            nodes.append(merged)
        level, first = nodes, False
        if len(level) == 1 and not encoded:
            level = [encode(level[0])]
        last = time.perf_counter() - start
        total += last
    return total, last, merges, level[0]


def merges(source: Path, count: int) -> None:
    """The partial profile of ``source`` (one partition's), and ``count`` of them merged."""
    partial = encode(profile_paths([str(source)], workers=1))
    print(f"one partial profile ({FILE_ROWS:,} rows x 20 columns): {len(partial):,} bytes")
    before = min(count, OLD_MERGES)
    old, _, _, old_bytes = merge_tree(partial, before, encoded=True)
    check, _, _, new_bytes = merge_tree(partial, before, encoded=False)
    print(
        f"merging {before:,} partials, decoded and re-encoded at every node: {old:.1f} s "
        f"({old / before * 1000:.1f} ms a merge); decoded once, encoded at the root: "
        f"{check:.2f} s; same bytes: {old_bytes == new_bytes}"
    )
    total, last, at_root, _ = merge_tree(partial, count, encoded=False)
    print(
        f"merging {count:,} partials in a tree of {FAN_IN}, decoded once: {total:.1f} s in "
        f"all ({total / count * 1000:.1f} ms a partial), the driver's last level "
        f"{at_root} merges and the encoding in {last:.2f} s"
    )


def keyed(rows: int) -> None:
    cli = [sys.executable, "-m", "mlreview"]
    spark = ["--engine", "spark", "--spark-master", "local[2]"]
    with tempfile.TemporaryDirectory(prefix="mlreview-bench-spark-") as tmp:
        folder = Path(tmp)
        training, serving = write_pair(folder, rows, max(1, rows // FILE_ROWS))
        print(f"{rows:,} rows a side x 21 columns, keyed by request_id")
        print(f"{'run':<30}{'wall s':>8}{'driver MB':>11}{'JVM MB':>9}{'worker MB':>11}")
        outputs = {}
        for engine, extra in (("single machine", []), ("spark local[2]", spark)):
            out = folder / f"{engine[:5]}.json"
            argv = [*cli, "skew", str(training), str(serving), "--key", "request_id"]
            done = measure([*argv, "-f", "json", "-o", str(out), *extra])
            outputs[engine] = out.read_bytes()
            print(
                f"{'skew --key, ' + engine:<30}{done.wall:>8.1f}{done.driver:>11.0f}"
                f"{done.jvm:>9.0f}{done.worker:>11.0f}"
            )
        same = outputs["single machine"] == outputs["spark local[2]"]
        print(f"keyed reports byte-identical: {same}")


def main() -> None:
    if sys.argv[1:2] == ["keyed"]:
        keyed(int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["merge"]:
        count = int(sys.argv[2]) if len(sys.argv) > 2 else MERGES
        with tempfile.TemporaryDirectory(prefix="mlreview-bench-spark-") as tmp:
            merges(write_data(Path(tmp), FILE_ROWS)[0], count)
        return
    # `profile ROWS`: the profiles only, for sizes where the two skew runs would double the wait;
    # `skew ROWS`: the two skew runs only.
    mode = sys.argv[1] if sys.argv[1:2] in (["profile"], ["skew"]) else "all"
    with_profile, with_skew = mode != "skew", mode != "profile"
    args = sys.argv[1:] if mode == "all" else sys.argv[2:]
    rows = int(args[0]) if args else 2_000_000
    count = int(args[1]) if len(args) > 1 else MERGES
    cli = [sys.executable, "-m", "mlreview"]
    spark = ["--engine", "spark", "--spark-master", "local[2]"]
    with tempfile.TemporaryDirectory(prefix="mlreview-bench-spark-") as tmp:
        folder = Path(tmp)
        source, _ = write_data(folder, FILE_ROWS)
        data = folder / "data"
        data.mkdir()
        for i in range(max(1, rows // FILE_ROWS)):
            os.link(source, data / f"part-{i:04d}.parquet")
        rows = FILE_ROWS * len(list(data.iterdir()))
        print(f"{rows:,} rows x 20 columns, {rows // FILE_ROWS} Parquet files")
        print(f"{'run':<28}{'wall s':>8}{'driver MB':>11}{'JVM MB':>9}{'worker MB':>11}")
        outputs = {}
        engines: tuple[tuple[str, list[str]], ...] = (
            ("single machine", []),
            ("spark local[2]", spark),
        )
        for engine, extra in engines if with_profile else ():
            out = folder / f"{engine[:5]}.json"
            done = measure([*cli, "profile", str(data), "-o", str(out), *extra])
            outputs[engine] = out.read_bytes()
            print(
                f"{'profile, ' + engine:<28}{done.wall:>8.1f}{done.driver:>11.0f}"
                f"{done.jvm:>9.0f}{done.worker:>11.0f}"
            )
        reports = {}
        for engine, extra in engines if with_skew else ():
            out = folder / f"{engine[:5]}-skew.json"
            done = measure(
                [*cli, "skew", str(data), str(data), "-f", "json", "-o", str(out), *extra]
            )
            reports[engine] = out.read_bytes()
            print(
                f"{'skew, ' + engine:<28}{done.wall:>8.1f}{done.driver:>11.0f}"
                f"{done.jvm:>9.0f}{done.worker:>11.0f}"
            )
        if with_skew:
            same = reports["single machine"] == reports["spark local[2]"]
            print(f"skew reports byte-identical: {same}")
        if with_profile:
            same = outputs["single machine"] == outputs["spark local[2]"]
            print(f"profiles byte-identical: {same}")
        if mode == "all":
            merges(source, count)


if __name__ == "__main__":
    main()
