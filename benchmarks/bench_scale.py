"""How `mlreview check` grows with the manifest: every output format, with and without the
clarifying questions, at 250 / 1,000 / 2,000 / 5,000 features (a source per 10 features, a
pipeline per 25), each step's growth beside the growth of the manifest, and the 300-feature
manifest of bench_speed against its budgets.

Run with `python -m benchmarks.bench_scale` (`--sizes 250,1000` for fewer steps, `--asked-sizes`
for the sizes the questions are timed at, `--runs N` for the median of N runs, `--timeout S` for
the longest run waited for, `--formats json,terminal` for fewer formats, `--workers 1,2` to time
the questions with each count of worker processes side by side, through MLREVIEW_WORKERS). Each
figure is the installed console script as a user runs it, wall and CPU seconds (on a shared
machine CPU varies less; with workers it is theirs and the command's together). Findings formats
(sarif, github, junit, json-lines, concise) never run the questions, so they have one column.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.bench_speed import command
from benchmarks.generate_manifest import manifest
from mlreview.report import formats

SIZES = (250, 1000, 2000, 5000)
BUDGETS_300 = (0.5, 2.0)
"""Seconds for the 300-feature manifest without and with questions (issue 20)."""
BUDGETS_5000 = (5.0, 30.0)
TIMEOUT_S = [900.0]
FORMATS = [f.name for f in formats.FORMATS]
ASKS = {f.name for f in formats.FORMATS if f.kind != "findings"}
WORKERS: list[int | None] = [None]
"""Worker counts the questions are timed with (None: the default, MLREVIEW_WORKERS unset)."""
Key = tuple[str, bool, int | None]


def shape(features: int) -> tuple[int, int, int]:
    return features, max(1, features // 10), max(2, features // 25)


def timed(args: list[str], runs: int, workers: int | None = None) -> tuple[float, float] | None:
    """Median (wall, CPU) seconds, or None when a run takes longer than TIMEOUT_S. CPU is the
    process's and its workers' (they are waited for, so RUSAGE_CHILDREN counts them)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules cached, as after an install
    env.pop("MLREVIEW_WORKERS", None)
    if workers is not None:
        env["MLREVIEW_WORKERS"] = str(workers)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            subprocess.run(args, check=True, capture_output=True, env=env, timeout=TIMEOUT_S[0])
        except subprocess.TimeoutExpired:
            return None
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


MISSING = (-1.0, -1.0)
"""Not timed at this size (--asked-sizes)."""


def show(t: tuple[float, float] | None) -> str:
    if t == MISSING:
        return "not timed"
    return f"> {TIMEOUT_S[0]:.0f}" if t is None else f"{t[0]:.2f} ({t[1]:.2f})"


def growth(a: tuple[float, float] | None, b: tuple[float, float] | None) -> str:
    """CPU time's growth (steadier than wall time on a shared machine)."""
    if a is None or b is None or MISSING in (a, b):
        return "-"
    return f"x{b[1] / a[1]:.1f}"


def measure(path: Path, out: Path, runs: int, asked: bool) -> dict[Key, tuple[float, float] | None]:
    """Each format without questions, then with them once per worker count, one after the
    other (so each pair of counts sees the same load)."""
    cli = command()
    got: dict[Key, tuple[float, float] | None] = {}
    for fmt in FORMATS:
        args = [*cli, "check", str(path), "-f", fmt, "-o", str(out)]
        got[fmt, False, None] = timed([*args, "--no-questions"], runs)
        if asked and fmt in ASKS:
            for n in WORKERS:
                got[fmt, True, n] = timed(args, runs, n)
    return got


def asked(questions: bool, workers: int | None, yes: str = "yes", no: str = "no") -> str:
    if not questions:
        return no
    if workers is None:
        return yes
    return f"{yes}, {workers} worker{'s' if workers > 1 else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--asked-sizes", default=None, help="default: every size and 300")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S[0])
    parser.add_argument("--formats", default=None, help="default: every output format")
    parser.add_argument(
        "--workers",
        default=None,
        help="worker counts for the questions, e.g. 1,2 (default: as set)",
    )
    args = parser.parse_args()
    TIMEOUT_S[0] = args.timeout
    if args.workers:
        WORKERS[:] = [int(n) for n in args.workers.split(",")]
    if args.formats:
        FORMATS[:] = [f for f in FORMATS if f in args.formats.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    asked_at = {int(s) for s in args.asked_sizes.split(",")} if args.asked_sizes else {*sizes, 300}
    ok = True
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        results = {}
        for n in sizes:
            path = Path(tmp) / f"gen{n}.yaml"
            path.write_text(manifest(*shape(n)), encoding="utf-8")
            results[n] = measure(path, out, args.runs, n in asked_at)
        small = Path(tmp) / "gen300.yaml"
        small.write_text(manifest(), encoding="utf-8")
        at_300 = measure(small, out, args.runs, 300 in asked_at)

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average at the start {load_at_start:.1f}, at the end {os.getloadavg()[0]:.1f}")
    print("wall s (CPU s: the command's and its workers'); growth of CPU s")
    print()
    steps = [f"{n:,} / {shape(n)[1]} / {shape(n)[2]}" for n in sizes]
    head = " | ".join(steps)
    growths = " | ".join(f"x{b / a:g} size" for a, b in itertools.pairwise(sizes))
    print(f"| format | questions | {head} | {growths} |")
    print("|---|---|" + "---|" * (len(sizes) + len(sizes) - 1))
    for fmt, questions, workers in dict.fromkeys(k for n in sizes for k in results[n]):
        row = [results[n].get((fmt, questions, workers), MISSING) for n in sizes]
        cells = " | ".join(show(t) for t in row)
        grown = " | ".join(growth(a, b) for a, b in itertools.pairwise(row))
        print(f"| {fmt} | {asked(questions, workers)} | {cells} | {grown} |")
    print()
    if 5000 in sizes:
        ok &= _verdicts("5,000 features / 500 sources / 200 pipelines", results[5000], BUDGETS_5000)
    ok &= _verdicts("300 features / 50 sources / 20 pipelines", at_300, BUDGETS_300)
    return 0 if ok else 1


def _verdicts(
    name: str,
    got: dict[Key, tuple[float, float] | None],
    budgets: tuple[float, float],
) -> bool:
    print(f"{name}, against {budgets[0]:g} s without questions and {budgets[1]:g} s with them:")
    print()
    columns = [(False, None, budgets[0]), *((True, n, budgets[1]) for n in WORKERS)]
    head = " | ".join(
        f"{asked(q, n, 'with questions', 'without questions')} | within" for q, n, _ in columns
    )
    print(f"| format | {head} |")
    print("|---|" + "---|---|" * len(columns))
    ok = True
    for fmt in FORMATS:
        cells = []
        for questions, workers, budget in columns:
            if (fmt, questions, workers) not in got:
                cells += ["-", "-"]
                continue
            t = got[fmt, questions, workers]
            within = t is not None and t[0] < budget
            ok &= within
            cells += [show(t), "yes" if within else "NO"]
        print(f"| {fmt} | " + " | ".join(cells) + " |")
    print()
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
