"""vegeta's `report -type=json`: latencies in nanoseconds; an open loop at a fixed rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlreview.datasets.loadtest.fields import Fields
from mlreview.datasets.loadtest.run import LoadTestRun


def read(data: Mapping[str, Any], file: str) -> LoadTestRun:
    f = Fields(file)
    lat = f.mapping(data["latencies"], "latencies")
    requests = f.count(data.get("requests"), "requests", low=1)
    success = f.fraction(data.get("success", 1.0), "success")
    field = "throughput" if "throughput" in data else "rate"
    rate = f.rate(data.get(field), field)
    p50 = f.ms(lat.get("50th"), "latencies.50th", unit="ns")
    p99 = f.ms(lat.get("99th"), "latencies.99th", unit="ns")
    f.ordered(p50, p99, "latencies")
    return LoadTestRun(
        tool="vegeta",
        file=file,
        requests=requests,
        failures=round((1.0 - success) * requests),
        throughput_qps=rate,
        p50_ms=p50,
        p99_ms=p99,
        mean_ms=f.ms(lat.get("mean"), "latencies.mean", unit="ns"),
        open_loop=True,
    )
