"""k6's end-of-test summary as JSON: `--summary-export` (metrics hold their values directly) or
`handleSummary`'s data (metrics hold them under `values`). Arrival-rate executors fix the offered
rate (their runs report `dropped_iterations`); VU executors are closed loops."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlreview.datasets.loadtest.fields import Fields
from mlreview.datasets.loadtest.run import LoadTestRun


def _values(f: Fields, metrics: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    metric = metrics.get(name)
    if metric is None:
        return None
    metric = f.mapping(metric, name)
    return f.mapping(metric.get("values", metric), f"{name}.values")


def read(data: Mapping[str, Any], file: str) -> LoadTestRun:
    f = Fields(file)
    metrics = f.mapping(data["metrics"], "metrics")
    duration = _values(f, metrics, "http_req_duration")
    reqs = _values(f, metrics, "http_reqs")
    if duration is None or reqs is None:
        raise f.fail("expected k6 summary JSON with http_req_duration and http_reqs metrics")
    requests = f.count(reqs.get("count"), "http_reqs.count", low=1)
    rate = f.rate(reqs.get("rate"), "http_reqs.rate")
    failures = _failures(f, _values(f, metrics, "http_req_failed"), requests)
    p50 = f.ms(duration.get("med"), "http_req_duration.med")
    p99 = duration.get("p(99)")
    p99_ms = f.ms(p99, "http_req_duration.p(99)") if p99 is not None else None
    f.ordered(p50, p99_ms, "http_req_duration")
    vus = _values(f, metrics, "vus_max") or _values(f, metrics, "vus")
    concurrency = vus.get("max", vus.get("value")) if vus else None
    return LoadTestRun(
        tool="k6",
        file=file,
        requests=requests,
        failures=failures,
        throughput_qps=rate,
        p50_ms=p50,
        p99_ms=p99_ms,
        mean_ms=f.ms(duration.get("avg"), "http_req_duration.avg"),
        open_loop="dropped_iterations" in metrics,
        concurrency=f.count(concurrency, "vus_max") if concurrency is not None else None,
        notes=() if p99 is not None else ("no p(99) in the summary (add it to summaryTrendStats)",),
    )


def _failures(f: Fields, failed: Mapping[str, Any] | None, requests: int) -> int:
    """Failed requests: http_req_failed's `passes` count the requests that failed (it is a rate
    of failures); else its rate (`rate` or `value`) times the requests."""
    if failed is None:
        return 0
    if "passes" in failed:
        failures = f.count(failed["passes"], "http_req_failed.passes")
    else:
        share = failed.get("rate", failed.get("value", 0))
        failures = round(f.fraction(share, "http_req_failed.rate") * requests)
    f.at_most(failures, requests, "http_req_failed.passes")
    return failures
