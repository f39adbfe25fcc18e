"""hey's per-request CSV (`hey -o csv`): response times in seconds, start offsets per request."""

from __future__ import annotations

import csv
import io
import math

from mlreview.datasets.loadtest.fields import Fields
from mlreview.datasets.loadtest.run import LoadTestRun

HEADER = "response-time,"
S = 1000.0  # milliseconds per second


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list (0.99 * 100 is rank 99, not 100)."""
    rank = math.ceil(p * len(ordered) - 1e-9)
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


def read(text: str, file: str) -> LoadTestRun:
    f = Fields(file)
    reader = csv.DictReader(io.StringIO(text))
    times: list[float] = []
    ends: list[float] = []
    failures = 0
    for row in reader:
        line = reader.line_num
        took = f.seconds(row.get("response-time"), "response-time", line)
        times.append(took)
        if row.get("offset") not in (None, ""):
            ends.append(f.number(row["offset"], "offset", line, high=86_400.0) + took)
        code = row.get("status-code")
        if code and not code.startswith(("2", "3")):
            failures += 1
    if not times:
        raise f.fail("no rows; expected hey -o csv output")
    span = max(ends) if ends else sum(times)
    times.sort()
    return LoadTestRun(
        tool="hey",
        file=file,
        requests=len(times),
        failures=failures,
        throughput_qps=f.rate(len(times) / span, "requests / duration"),
        p50_ms=percentile(times, 0.5) * S,
        p99_ms=percentile(times, 0.99) * S,
        mean_ms=sum(times) / len(times) * S,
        open_loop=False,
    )
