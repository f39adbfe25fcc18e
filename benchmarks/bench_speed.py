"""Speed of the command line: `mlreview --help` and reviews of an example and a 300-feature
manifest, with and without the what-if runs behind the clarifying questions.

Run with `make bench`. Prints a Markdown table; docs/benchmarks.md records a run. Each figure is
the median of repeated wall-clock runs of the installed console script, as a user would run it.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate_manifest import manifest
from mlreview.api import load, loads, review
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs

HELP_BUDGET_S = 0.3
REVIEW_BUDGET_S = 1.0
EXAMPLE_BUDGET_S = 2.0
QUESTIONS_BUDGET_S = 15.0
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "card-fraud" / "system.yaml"


def command() -> list[str]:
    script = Path(sys.executable).parent / "mlreview"
    if script.exists():
        return [str(script)]
    found = shutil.which("mlreview")
    return [found] if found else [sys.executable, "-m", "mlreview"]


def wall(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of a command, with compiled modules cached as after a normal
    install (this workplace sets PYTHONDONTWRITEBYTECODE=1, which would recompile mlreview on
    every run). CPU time is reported too: on a shared virtual machine it varies less."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(args, check=False, capture_output=True, env=env)  # warm the OS file cache
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def in_process(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        review(load(path), questions=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    cli = command()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "generated.yaml"
        big.write_text(manifest(), encoding="utf-8")
        size_kb = big.stat().st_size / 1024
        check = [*cli, "check", str(big), "-f", "json", "-o", str(Path(tmp) / "r.json")]
        example = [*cli, "check", str(EXAMPLE), "-f", "json", "-o", str(Path(tmp) / "e.json")]
        help_s, help_cpu = wall([*cli, "--help"], runs=15)
        check_s, check_cpu = wall([*check, "--no-questions"], 9)
        warm_s = in_process(big, runs=5)
        example_s, example_cpu = wall(example, 5)
        asked_s, asked_cpu = wall(check, 3)
    big_name = f"300 features / 50 sources / 20 pipelines ({size_kb:.0f} KB)"
    rows = [
        ("`mlreview --help`", help_s, help_cpu, HELP_BUDGET_S),
        (f"`mlreview check --no-questions` {big_name}", check_s, check_cpu, REVIEW_BUDGET_S),
        ("load + review of the same manifest, in process", warm_s, None, REVIEW_BUDGET_S),
        (
            "`mlreview check` card-fraud example, questions included",
            example_s,
            example_cpu,
            EXAMPLE_BUDGET_S,
        ),
        (
            f"`mlreview check` {big_name}, questions included",
            asked_s,
            asked_cpu,
            QUESTIONS_BUDGET_S,
        ),
    ]
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print()
    print("| what | median wall s | median CPU s | budget s | within |")
    print("|---|---|---|---|---|")
    ok = True
    for what, seconds, cpu, budget in rows:
        within = seconds < budget
        ok &= within
        cpu_text = f"{cpu:.3f}" if cpu is not None else "-"
        print(f"| {what} | {seconds:.3f} | {cpu_text} | {budget} | {'yes' if within else 'NO'} |")
    print()
    for name, system in (("generated manifest", loads(manifest())), ("card-fraud", load(EXAMPLE))):
        found = unknowns(system, Sensitivity(system).log)
        runs = sum(len(what_ifs(u, system)) for u in found)
        print(f"questions on the {name}: {len(found)} unknown field kinds, {runs} what-if reviews")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
