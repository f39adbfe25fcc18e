"""Load-test results from Locust, k6, vegeta, hey and llmperf, reduced to the same few numbers.

Each reader takes the text of one results file and returns a LoadTestRun; the tool is
recognised from the content, never the name. Anything unreadable or impossible (a failure count
above the request count, a p99 below the median, a non-finite or negative figure, a boolean where
a number belongs) is an InputError naming the file, the line where there is one, and the field.
Open-loop tools (vegeta, k6 arrival-rate executors) fix the offered rate; closed-loop ones
(Locust, hey, k6 VUs, llmperf) under-sample slow periods (coordinated omission), which the run
records.
"""

from __future__ import annotations

from pathlib import Path

from mlreview.datasets.loadtest import hey, k6, llmperf, locust, vegeta
from mlreview.datasets.loadtest.run import TOKENS_NOT_MODELLED, LoadTestRun, TokenTimings
from mlreview.problems import InputError
from mlreview.textfile import parse_json, read_text

__all__ = ["TOKENS_NOT_MODELLED", "LoadTestRun", "TokenTimings", "parse", "read"]

MAX_BYTES = 64 * 1024 * 1024
EXPECTED = (
    "expected Locust's PREFIX_stats.csv or _stats_history.csv, k6 summary JSON, vegeta "
    "report -type=json, hey -o csv, or llmperf's _summary.json or _individual_responses.json"
)


def _json(text: str, file: str) -> LoadTestRun:
    data = parse_json(text, file, "a load-test results file")
    if isinstance(data, dict) and "latencies" in data:
        return vegeta.read(data, file)
    if isinstance(data, dict) and "metrics" in data:
        return k6.read(data, file)
    if llmperf.is_summary(data):
        return llmperf.summary(data, file)
    if llmperf.is_responses(data):
        return llmperf.responses(data, file)
    raise InputError.single(file, f"unrecognised JSON; {EXPECTED}")


def parse(text: str, file: str) -> LoadTestRun:
    """Recognise the tool from the content and read its summary."""
    head = text.lstrip("\ufeff \t\n")
    if head.startswith(("{", "[")):
        return _json(text, file)
    first = head.split("\n", 1)[0]
    if first.startswith(locust.STATS_HEADER):
        return locust.stats(text, file)
    if first.startswith(locust.HISTORY_HEADER):
        return locust.history(text, file)
    for header, what in locust.OTHER_FILES.items():
        if first.startswith(header):
            raise InputError.single(file, f"is {what}, not results; {EXPECTED}")
    if first.startswith(hey.HEADER):
        return hey.read(text, file)
    raise InputError.single(file, f"unrecognised load-test file; {EXPECTED}")


def read(path: Path, display: str) -> LoadTestRun:
    return parse(read_text(path, display, "a load-test results file", MAX_BYTES), display)
