"""Checked reading of the numbers in a load-test file: each impossible value is an InputError
naming the file, the line where known, and the field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mlreview.problems import InputError

# The manifest's own bounds (system/manifest/base.py): no real run exceeds them, and a value
# beyond them would overflow the queueing maths.
MAX_QPS = 1e9
MAX_MS = 86_400_000.0
MIN_MS = 0.001
MAX_REQUESTS = 10**15


class Fields:
    """Numbers from one file, refused unless finite, in range and of the right kind."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, line: int = 1) -> InputError:
        return InputError.single(self.file, message, line)

    def number(
        self, value: Any, what: str, line: int = 1, *, low: float = 0.0, high: float = math.inf
    ) -> float:
        """``value`` as a float in [low, high]; strings are read as numbers (CSV cells)."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(f"{what}: expected a number, got {_shown(value)}", line)
        try:
            number = float(value)
        except (ValueError, OverflowError):
            raise self.fail(f"{what}: expected a number, got {_shown(value)}", line) from None
        if not math.isfinite(number):
            raise self.fail(f"{what}: expected a finite number, got {_shown(value)}", line)
        if not low <= number <= high:
            raise self.fail(f"{what}: expected {_range(low, high)}, got {_shown(value)}", line)
        return number

    def count(self, value: Any, what: str, line: int = 1, *, low: int = 0) -> int:
        """``value`` as a whole number of requests."""
        number = self.number(value, what, line, low=low, high=MAX_REQUESTS)
        if not number.is_integer():
            raise self.fail(f"{what}: expected a whole number, got {_shown(value)}", line)
        return int(number)

    def fraction(self, value: Any, what: str, line: int = 1) -> float:
        return self.number(value, what, line, high=1.0)

    def rate(self, value: Any, what: str, line: int = 1) -> float:
        """Requests per second of a run that sent requests: more than 0."""
        rate = self.number(value, what, line, high=MAX_QPS)
        if rate <= 0:
            raise self.fail(f"{what}: expected more than 0 for a run that sent requests", line)
        return rate

    def ms(self, value: Any, what: str, line: int = 1, *, unit: str = "ms") -> float:
        """A latency in milliseconds from ``value`` written in ``unit`` (ms, s or ns)."""
        number = self.number(value, what, line)
        ms = number * 1000.0 if unit == "s" else number / 1e6 if unit == "ns" else number
        if not MIN_MS <= ms <= MAX_MS:
            raise self.fail(
                f"{what}: expected a latency from 1 microsecond to 1 day, got {_shown(value)}",
                line,
            )
        return ms

    def seconds(self, value: Any, what: str, line: int = 1) -> float:
        """A latency written in seconds, checked as ``ms`` checks it, kept in seconds."""
        self.ms(value, what, line, unit="s")
        return float(value)

    def mapping(self, value: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what}: expected a JSON object, got {_shown(value)}")
        return value

    def ordered(self, p50: float, p99: float | None, what: str, line: int = 1) -> None:
        """A 99th percentile below the median is not a distribution."""
        if p99 is not None and p99 < p50:
            raise self.fail(
                f"{what}: p99 {p99:g} ms is below p50 {p50:g} ms; expected p99 >= p50", line
            )

    def at_most(self, failures: int, requests: int, what: str, line: int = 1) -> None:
        if failures > requests:
            raise self.fail(
                f"{what}: {failures} failures out of {requests} requests; expected at most "
                f"{requests}",
                line,
            )


def _range(low: float, high: float) -> str:
    if high == math.inf:
        return f"a number of at least {low:g}"
    return f"a number from {low:g} to {high:g}"


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a JSON object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
