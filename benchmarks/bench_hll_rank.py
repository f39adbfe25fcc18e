"""CPU time of the HyperLogLog rank (`sketch._rank`, read from the float exponent) beside the
six-step bit smear it replaced (kept in benchmarks/hll_rank_reference.py as the tests'
reference), on the same hashes shaped as `DistinctSketch.add` shapes them. Process CPU
seconds, best of RUNS, so other processes' load moves the figures less than wall time.

    python -m benchmarks.bench_hll_rank [values]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from benchmarks.hll_rank_reference import smear_rank
from mlreview.datasets.sketch import _rank

RUNS = 5


def best(function: object, rest: np.ndarray) -> float:
    assert callable(function)
    times = []
    for _ in range(RUNS):
        work = rest.copy()
        start = time.process_time()
        function(work)
        times.append(time.process_time() - start)
    return min(times)


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(3)
    rest = rng.integers(0, 1 << 64, size, dtype=np.uint64, endpoint=False) << np.uint64(12)
    rest |= np.uint64(1 << 11)
    assert np.array_equal(_rank(rest.copy()), smear_rank(rest.copy()))
    new, old = best(_rank, rest), best(smear_rank, rest)
    print(f"{size:,} hashes, CPU s, best of {RUNS} (the same scratch arrays reused)")
    print("| rank | CPU s |")
    print("|---|---|")
    print(f"| bit smear (before) | {old:.4f} |")
    print(f"| float exponent (`_rank`) | {new:.4f} |")
    print(f"float exponent / bit smear: {new / old:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
