"""Diagnostic: where `skew --key`'s memory peaks. Runs the join of TRAINING and SERVING (the key
`request_id`, as benchmarks/join_data.py writes it) in this process while a thread samples the
resident set every 20 ms, and prints the highest resident set seen in each step: spilling a
side, matching a bucket's keys, comparing each feature, selecting a median, and "other" for the
rest. The resident set seldom falls back once memory is freed, so a step's figure can include
what steps before it left.

    python -m benchmarks.join_data DIR 4000000 4
    python -m tools.join_peaks DIR/training DIR/serving

docs/skew.md records a run.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import mlreview.datasets.join as join_module
import mlreview.datasets.pairs as pairs_module
import mlreview.datasets.relation as relation_module
from mlreview.datasets.read import resolve

SAMPLE_SECONDS = 0.02
STATUS = Path("/proc/self/status")


def _resident_mb() -> int:
    for line in STATUS.read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


class Steps:
    """The step running now, and the highest resident set seen in each step."""

    def __init__(self) -> None:
        self.now = "other"
        self.peaks: dict[str, int] = {}

    def sample(self) -> None:
        while True:
            mb, step = _resident_mb(), self.now
            self.peaks[step] = max(self.peaks.get(step, 0), mb)
            time.sleep(SAMPLE_SECONDS)

    def wrap(self, module: Any, name: str, label: Callable[[tuple[Any, ...]], str]) -> None:
        inner = getattr(module, name)

        @wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            before, self.now = self.now, label(args)
            try:
                return inner(*args, **kwargs)
            finally:
                self.now = before

        setattr(module, name, timed)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tools.join_peaks TRAINING SERVING", file=sys.stderr)
        return 2
    steps = Steps()
    steps.wrap(pairs_module, "_spill", lambda _: "spill")
    steps.wrap(pairs_module, "_match", lambda _: "match")
    steps.wrap(join_module, "_compare", lambda args: f"compare {args[0]}")
    steps.wrap(relation_module, "_median", lambda _: "median")
    threading.Thread(target=steps.sample, daemon=True).start()
    join_module.join(resolve(argv[0]), resolve(argv[1]), ["request_id"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak resident set {peak} MB; highest seen per step:")
    for step, mb in sorted(steps.peaks.items(), key=lambda kv: (-kv[1], kv[0]))[:12]:
        print(f"  {mb:5d} MB  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
