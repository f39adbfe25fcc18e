"""Locust's CSV output (`locust --csv PREFIX`): PREFIX_stats.csv, and PREFIX_stats_history.csv.

The stats file's Aggregated row summarises the whole run. The history file has one row per
interval; its last Aggregated row carries the run's totals, but its percentiles cover only a
recent window, so the run's p99 is not in it (the run records that).
"""

from __future__ import annotations

import csv
import io

from mlreview.datasets.loadtest.fields import Fields
from mlreview.datasets.loadtest.run import LoadTestRun

STATS_HEADER = "Type,Name,Request Count"
HISTORY_HEADER = "Timestamp,User Count,Type,Name"
OTHER_FILES = {
    "Count,Message,Traceback": "Locust's exceptions CSV (PREFIX_exceptions.csv)",
    "Method,Name,Error,Occurrences": "Locust's failures CSV (PREFIX_failures.csv)",
}


def _aggregated(text: str, f: Fields, columns: tuple[str, ...]) -> tuple[int, dict[str, str]]:
    """(line, row) of the last Aggregated row; every needed column must be there."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise f.fail(f"no {missing[0]!r} column; expected Locust's --csv output")
    rows = [(reader.line_num, r) for r in reader if r.get("Name") == "Aggregated"]
    if not rows:
        raise f.fail("no 'Aggregated' row; expected Locust's --csv PREFIX_stats.csv")
    return rows[-1]


def stats(text: str, file: str) -> LoadTestRun:
    f = Fields(file)
    columns = ("Request Count", "Failure Count", "Requests/s", "50%", "Average Response Time")
    line, row = _aggregated(text, f, columns)
    requests = f.count(row["Request Count"], "Request Count", line, low=1)
    failures = f.count(row["Failure Count"], "Failure Count", line)
    f.at_most(failures, requests, "Failure Count", line)
    p50 = f.ms(row["50%"], "50%", line)
    p99 = f.ms(row["99%"], "99%", line) if row.get("99%") not in (None, "N/A") else None
    f.ordered(p50, p99, "99%", line)
    return LoadTestRun(
        tool="locust",
        file=file,
        requests=requests,
        failures=failures,
        throughput_qps=f.rate(row["Requests/s"], "Requests/s", line),
        p50_ms=p50,
        p99_ms=p99,
        mean_ms=f.ms(row["Average Response Time"], "Average Response Time", line),
        open_loop=False,
    )


def history(text: str, file: str) -> LoadTestRun:
    f = Fields(file)
    columns = (
        "Timestamp",
        "User Count",
        "Total Request Count",
        "Total Failure Count",
        "Total Median Response Time",
        "Total Average Response Time",
    )
    line, row = _aggregated(text, f, columns)
    first = next(csv.DictReader(io.StringIO(text)))
    start = f.number(first["Timestamp"], "Timestamp", 2)
    end = f.number(row["Timestamp"], "Timestamp", line)
    requests = f.count(row["Total Request Count"], "Total Request Count", line, low=1)
    failures = f.count(row["Total Failure Count"], "Total Failure Count", line)
    f.at_most(failures, requests, "Total Failure Count", line)
    if end <= start:
        raise f.fail(f"Timestamp: the last row ({end:g}) is not after the first ({start:g})", line)
    return LoadTestRun(
        tool="locust",
        file=file,
        requests=requests,
        failures=failures,
        throughput_qps=f.rate(requests / (end - start), "Total Request Count / duration", line),
        p50_ms=f.ms(row["Total Median Response Time"], "Total Median Response Time", line),
        p99_ms=None,
        mean_ms=f.ms(row["Total Average Response Time"], "Total Average Response Time", line),
        open_loop=False,
        concurrency=f.count(row["User Count"], "User Count", line),
        notes=(
            "Locust's stats history has no whole-run p99 (its percentiles cover a recent "
            "window); link PREFIX_stats.csv for it",
            f"throughput is the total requests over the {end - start:g} s between the first "
            "and last rows",
        ),
    )
