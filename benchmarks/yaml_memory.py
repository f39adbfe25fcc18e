"""Peak memory and time of reading large manifests, to size the reader's node limit.

Run with `python -m benchmarks.yaml_memory`. Each case runs in a fresh interpreter and reports
its peak resident memory (ru_maxrss) less that of an interpreter which only imported the
loader, so the figure is what reading the file costs. Cases:

- ``sources N``: N sources of five keys each in block style (the 30,000-source manifest of
  issue 17 is ``sources 30000``), loaded fully (parse, validate, cross-check).
- ``flat N``: one pipeline whose ``inputs`` lists one source N times: the most values per byte
  a manifest can validly hold, so the worst memory per node that passes validation.
- ``refused N``: N plain values where a mapping is expected, refused by validation; the
  reader builds every node before pydantic sees them.

The node counts are the reader's own (every scalar, mapping and sequence written).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

CASES = [("sources", 30_000), ("sources", 90_000), ("flat", 999_000), ("flat", 1_000_001)]
CASES += [("refused", 999_000)]

PROBE = """
import resource, sys, time
from mlreview.problems import InputError
from mlreview.system import yaml_source
from mlreview.system.loader import load
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
nodes = 0
count = yaml_source._Builder._count
def counting(self, at):
    global nodes
    nodes += 1
    count(self, at)
yaml_source._Builder._count = counting
t0 = time.perf_counter()
try:
    load(sys.argv[1])
    outcome = "loaded"
except InputError as exc:
    outcome = f"refused ({len(exc.problems)} problems)"
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(nodes, (peak - base) / 1024, seconds, outcome)
"""


def text(case: str, n: int) -> str:
    head = "version: 1\nsystem: {name: big}\n"
    if case == "sources":
        rows = (
            f"  - id: s{i}\n    kind: batch_table\n    owner: team{i % 17}\n"
            f"    availability: 0.999\n    freshness: 1h\n"
            for i in range(n)
        )
        return head + "sources:\n" + "".join(rows)
    if case == "flat":
        return (
            head
            + "sources: [{id: s, kind: batch_table}]\n"
            + "pipelines:\n  - {id: p, kind: etl, inputs: ["
            + ", ".join(["s"] * n)
            + "]}\n"
        )
    return head + "sources: [" + ", ".join(["0"] * n) + "]\n"


def main() -> int:
    print(f"{'case':>9} {'N':>9} {'MB file':>8} {'nodes':>10} {'MB peak':>8} {'s':>6}  outcome")
    for case, n in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.yaml"
            path.write_text(text(case, n), encoding="utf-8")
            size = path.stat().st_size / 1e6
            out = subprocess.run(
                [sys.executable, "-c", PROBE, str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split(maxsplit=3)
            nodes, peak, seconds, outcome = int(out[0]), float(out[1]), float(out[2]), out[3]
            print(
                f"{case:>9} {n:>9,} {size:>8.1f} {nodes:>10,} {peak:>8.0f} {seconds:>6.1f}  "
                f"{outcome.strip()}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
