"""Two or more source trees of mlreview side by side: the CPU seconds of `mlreview check` on the
generated 300-feature manifest (benchmarks.generate_manifest), each tree in turn, round after
round, so that a machine's drift falls on every tree alike.

    python -m benchmarks.bench_trees SRC [SRC ...] [--runs 7] [--format terminal]
        [--questions] [--workers 1]

SRC is a tree's `src` folder (a `git worktree add --detach DIR REV` of the revision to compare).
Prints each tree's median and runs of user + system CPU seconds (the command's and its workers'),
and each median against the first tree's.

Compiled modules are cached, as after an install (like bench_speed and bench_scale, which unset
PYTHONDONTWRITEBYTECODE): here in a folder of the run's own (PYTHONPYCACHEPREFIX), so that no
tree is written to, and each tree runs once uncounted first to fill it. Without the cache a run
compiles every module it imports that has no `__pycache__` beside it (a tree's `__pycache__` is
never written while PYTHONDONTWRITEBYTECODE is set, as it is in this workplace): compiling the
130 modules of mlreview that `check` imports took 0.25 s of CPU on 2026-12-07 under load, paid by
a fresh worktree on every run and not by a tree that had been run without the variable, so the
two were not compared alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.generate_manifest import manifest


def cpu_seconds(src: Path, args: list[str], workers: int | None, pycache: Path) -> float:
    """User + system CPU seconds of one `python -m mlreview` run from ``src`` and its children,
    its compiled modules cached under ``pycache``."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if workers is not None:
        env["MLREVIEW_WORKERS"] = str(workers)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "mlreview", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_trees")
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--format", default="terminal")
    parser.add_argument("--questions", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "system.yaml"
        path.write_text(manifest(), encoding="utf-8")
        args = ["check", str(path), "--format", options.format]
        if not options.questions:
            args.append("--no-questions")
        pycache = Path(folder) / "pycache"
        for tree in options.trees:  # uncounted: compiles each tree's modules into the cache
            cpu_seconds(tree, args, options.workers, pycache)
        runs: dict[Path, list[float]] = {tree: [] for tree in options.trees}
        for _ in range(options.runs):
            for tree in options.trees:
                runs[tree].append(cpu_seconds(tree, args, options.workers, pycache))
    first = statistics.median(runs[options.trees[0]])
    print(f"`mlreview {' '.join(args[:1] + args[2:])}`, 300 features, CPU s")
    print("| tree | median | runs | against the first |")
    print("|---|---|---|---|")
    for tree, seconds in runs.items():
        median = statistics.median(seconds)
        shown = " ".join(f"{s:.2f}" for s in seconds)
        print(f"| {tree} | {median:.2f} | {shown} | {median / first:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
