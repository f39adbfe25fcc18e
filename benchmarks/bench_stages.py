"""Where the time of `mlreview check` goes, and what the libraries we chose not to use cost.

Run with `python -m benchmarks.bench_stages`. Each figure is the median of fresh interpreters
(so imports are paid every time, as on the command line). networkx and typer are timed only
when installed (`pip install networkx typer`); they are not dependencies of mlreview.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_speed import wall
from benchmarks.generate_manifest import manifest

RUNS = 9

STAGES = """
import json, sys, time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
from mlreview.api import load, review
from mlreview.report import formats
from mlreview.report.review_document import review_printable
import mlreview.system.manifest
t2 = time.perf_counter()
system = load(sys.argv[1])
t3 = time.perf_counter()
done = review(system, questions=False)
t4 = time.perf_counter()
formats.render(review_printable(done), "json")
t5 = time.perf_counter()
review(system)
t5q = time.perf_counter()
from mlreview.engine.contract import to_dict
from mlreview.report._json import dumps
data = to_dict(done)
t6 = time.perf_counter()
dumps(data)
t7 = time.perf_counter()
json.dumps(data, sort_keys=True, indent=2)
t8 = time.perf_counter()
print(json.dumps({
    "numpy import": t1 - t0,
    "mlreview imports (pydantic models included)": t2 - t1,
    "YAML events and validation": t3 - t2,
    "assessments and rules (their modules loaded on first use)": t4 - t3,
    "JSON rendering": t5 - t4,
    "the review again, with the clarifying questions (its what-if reviews)": t5q - t5,
    "encoding alone, orjson (sorted, indented)": t7 - t6,
    "encoding alone, standard json module": t8 - t7,
}))
"""

TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def check(manifest: str) -> None: ...
@app.command()
def rules() -> None: ...
app()
"""

ARGPARSE_APP = """
import argparse
p = argparse.ArgumentParser()
s = p.add_subparsers()
s.add_parser("check").add_argument("manifest")
s.add_parser("rules")
p.parse_args()
"""


def stages(path: Path) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as in bench_speed: compiled modules cached
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", STAGES, str(path)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        )
        for _ in range(RUNS)
    ]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def import_cost(module: str) -> float | None:
    if importlib.util.find_spec(module) is None:
        return None
    base, _ = wall([sys.executable, "-c", "pass"], RUNS)
    with_module, _ = wall([sys.executable, "-c", f"import {module}"], RUNS)
    return with_module - base


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "generated.yaml"
        big.write_text(manifest(), encoding="utf-8")
        print("`mlreview check` of the generated 300-feature manifest, stage by stage:")
        print()
        print("| stage | median s |")
        print("|---|---|")
        for stage, seconds in stages(big).items():
            print(f"| {stage} | {seconds:.3f} |")
        print()
        print("| alternative | median s |")
        print("|---|---|")
        for module in ("networkx", "typer"):
            cost = import_cost(module)
            shown = "not installed" if cost is None else f"{cost:.3f}"
            print(f"| import {module} | {shown} |")
        apps = [("argparse", ARGPARSE_APP)]
        if importlib.util.find_spec("typer") is not None:
            apps.append(("typer", TYPER_APP))
        for name, source in apps:
            script = Path(tmp) / f"{name}_app.py"
            script.write_text(source, encoding="utf-8")
            seconds, _ = wall([sys.executable, str(script), "--help"], RUNS)
            print(f"| two-command {name} app, `--help` | {seconds:.3f} |")


if __name__ == "__main__":
    main()
