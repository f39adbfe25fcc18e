"""Load-test results from Locust, k6, vegeta and hey, reduced to the same few numbers.

Each reader takes the text of one results file and returns a LoadTestRun; anything unreadable
is an InputError naming the file and line. Open-loop tools (vegeta, k6 arrival-rate executors)
fix the offered rate; closed-loop ones (Locust, hey, k6 VUs) under-sample slow periods
(coordinated omission), which the run records.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlreview.problems import InputError, Problem


@dataclass(frozen=True)
class LoadTestRun:
    tool: str
    file: str
    requests: int
    failures: int
    throughput_qps: float
    p50_ms: float
    p99_ms: float | None
    mean_ms: float | None
    open_loop: bool

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


def _fail(file: str, message: str, line: int = 1) -> InputError:
    return InputError([Problem(file, line, 1, message)])


def _number(value: Any, file: str, what: str, line: int = 1) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _fail(file, f"{what}: expected a number, got {value!r}", line) from None
    if math.isnan(number) or number < 0:
        raise _fail(file, f"{what}: expected a non-negative number, got {value!r}", line)
    return number


def _locust(text: str, file: str) -> LoadTestRun:
    rows = list(csv.DictReader(io.StringIO(text)))
    aggregated = [(i, r) for i, r in enumerate(rows, start=2) if r.get("Name") == "Aggregated"]
    if not aggregated:
        raise _fail(file, "no 'Aggregated' row; expected Locust's --csv PREFIX_stats.csv")
    line, row = aggregated[-1]
    requests = int(_number(row["Request Count"], file, "Request Count", line))
    return LoadTestRun(
        tool="locust",
        file=file,
        requests=requests,
        failures=int(_number(row["Failure Count"], file, "Failure Count", line)),
        throughput_qps=_number(row["Requests/s"], file, "Requests/s", line),
        p50_ms=_number(row["50%"], file, "50%", line),
        p99_ms=_number(row["99%"], file, "99%", line)
        if row.get("99%") not in (None, "N/A")
        else None,
        mean_ms=_number(row["Average Response Time"], file, "Average Response Time", line),
        open_loop=False,
    )


def _hey(text: str, file: str) -> LoadTestRun:
    reader = csv.DictReader(io.StringIO(text))
    times: list[float] = []
    offsets: list[float] = []
    failures = 0
    for line, row in enumerate(reader, start=2):
        times.append(_number(row["response-time"], file, "response-time", line))
        if row.get("offset") not in (None, ""):
            offsets.append(_number(row["offset"], file, "offset", line))
        code = row.get("status-code")
        if code and not code.startswith(("2", "3")):
            failures += 1
    if not times:
        raise _fail(file, "no rows; expected hey -o csv output")
    times.sort()
    span = (max(offsets) + times[-1]) if offsets else sum(times)
    return LoadTestRun(
        tool="hey",
        file=file,
        requests=len(times),
        failures=failures,
        throughput_qps=len(times) / span if span > 0 else 0.0,
        p50_ms=_percentile(times, 0.5) * 1000,
        p99_ms=_percentile(times, 0.99) * 1000,
        mean_ms=sum(times) / len(times) * 1000,
        open_loop=False,
    )


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def _k6(data: dict[str, Any], file: str) -> LoadTestRun:
    metrics = data["metrics"]
    duration = metrics.get("http_req_duration")
    reqs = metrics.get("http_reqs")
    if not isinstance(duration, dict) or not isinstance(reqs, dict):
        raise _fail(file, "expected k6 --summary-export JSON with http_req_duration and http_reqs")
    values = duration.get("values", duration)
    count_values = reqs.get("values", reqs)
    failed = metrics.get("http_req_failed", {})
    failed_values = failed.get("values", failed) if isinstance(failed, dict) else {}
    requests = int(_number(count_values.get("count"), file, "http_reqs.count"))
    p99 = values.get("p(99)")
    return LoadTestRun(
        tool="k6",
        file=file,
        requests=requests,
        failures=round(_number(failed_values.get("value", 0), file, "http_req_failed") * requests),
        throughput_qps=_number(count_values.get("rate"), file, "http_reqs.rate"),
        p50_ms=_number(values.get("med"), file, "http_req_duration.med"),
        p99_ms=_number(p99, file, "http_req_duration.p(99)") if p99 is not None else None,
        mean_ms=_number(values.get("avg"), file, "http_req_duration.avg"),
        open_loop="dropped_iterations" in metrics,
    )


def _vegeta(data: dict[str, Any], file: str) -> LoadTestRun:
    lat = data["latencies"]
    requests = int(_number(data.get("requests"), file, "requests"))
    success = _number(data.get("success", 1.0), file, "success")
    rate = data.get("throughput", data.get("rate"))
    return LoadTestRun(
        tool="vegeta",
        file=file,
        requests=requests,
        failures=round((1.0 - success) * requests),
        throughput_qps=_number(rate, file, "throughput"),
        p50_ms=_number(lat.get("50th"), file, "latencies.50th") / 1e6,
        p99_ms=_number(lat.get("99th"), file, "latencies.99th") / 1e6,
        mean_ms=_number(lat.get("mean"), file, "latencies.mean") / 1e6,
        open_loop=True,
    )


def parse(text: str, file: str) -> LoadTestRun:
    """Recognise the tool from the content and read its summary."""
    head = text.lstrip()[:200]
    if head.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(file, f"malformed JSON: {exc.msg}", exc.lineno) from None
        if isinstance(data, dict) and isinstance(data.get("latencies"), dict):
            return _vegeta(data, file)
        if isinstance(data, dict) and isinstance(data.get("metrics"), dict):
            return _k6(data, file)
        raise _fail(
            file, "unrecognised JSON; expected k6 --summary-export or vegeta report -type=json"
        )
    first = head.splitlines()[0] if head else ""
    if first.startswith("Type,Name,Request Count"):
        return _locust(text, file)
    if first.startswith("response-time,"):
        return _hey(text, file)
    raise _fail(
        file,
        "unrecognised load-test file; expected Locust _stats.csv, k6 --summary-export JSON, "
        "vegeta JSON report or hey -o csv",
    )


def read(path: Path, display: str) -> LoadTestRun:
    if not path.is_file():
        raise _fail(display, "no such file; expected a load-test results file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(display, f"cannot read: {exc}") from None
    return parse(text, display)
