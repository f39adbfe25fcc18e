"""Durations ("26h", "90 min", "30d") and schedules ("daily", "0 2 * * *", "every 6h").

Both keep the text the user wrote so findings can quote it, and expose a number of seconds so rules
can compare them.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")
_NAMED_PERIODS = {
    "continuous": 0.0,
    "streaming": 0.0,
    "hourly": 3600.0,
    "@hourly": 3600.0,
    "daily": 86400.0,
    "@daily": 86400.0,
    "nightly": 86400.0,
    "@midnight": 86400.0,
    "weekly": 604800.0,
    "@weekly": 604800.0,
    "monthly": 2592000.0,
    "@monthly": 2592000.0,
}
_DURATION_HINT = "a duration with a unit, such as '90s', '15m', '26h' or '30d'"
_SCHEDULE_HINT = (
    "a schedule: 'continuous', 'hourly', 'daily', 'weekly', 'monthly', 'every <duration>' "
    "or a five-field cron expression"
)


MAX_SECONDS = 100 * 365.25 * 86400.0
"""The longest duration a manifest may state: no system waits a century."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_duration_seconds(text: str) -> float | None:
    """Seconds in ``text`` like '26h' or '1.5 days'; None when it is not a duration."""
    match = _DURATION.match(text.lower())
    if not match:
        return None
    unit = match.group(2)
    factor = _UNIT_SECONDS.get(unit) or _UNIT_SECONDS.get(unit.removesuffix("s"))
    return None if factor is None else float(match.group(1)) * factor


def format_seconds(seconds: float) -> str:
    """A short human duration: '45s', '12 min', '26 h', '3 d'."""
    for limit, unit, size in ((120, "s", 1), (7200, "min", 60), (259200, "h", 3600)):
        if seconds < limit:
            return f"{seconds / size:g} {unit}".replace(" s", "s")
    return f"{seconds / 86400:.3g} d"


class _ParsedText(ABC):
    """Pydantic hooks for a value parsed from text by ``cls.parse``, with a fixed JSON Schema."""

    JSON_SCHEMA: ClassVar[dict[str, Any]]

    @classmethod
    @abstractmethod
    def parse(cls, value: Any) -> Any:
        """The value read from manifest text; ValueError saying what was expected otherwise."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(cls.JSON_SCHEMA)


class Duration(_ParsedText, float):
    """A length of time in seconds that remembers how it was written."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": r"^\s*\d+(\.\d+)?\s*[a-zA-Z]+\s*$",
        "description": f"Expected {_DURATION_HINT}.",
        "examples": ["15m", "26h", "30d"],
    }

    text: str

    def __new__(cls, seconds: float, text: str) -> Duration:
        obj = super().__new__(cls, seconds)
        obj.text = text
        return obj

    @property
    def hours(self) -> float:
        return float(self) / 3600.0

    @property
    def days(self) -> float:
        return float(self) / 86400.0

    def __repr__(self) -> str:
        return f"Duration({self.text!r})"

    def __str__(self) -> str:
        return self.text

    @classmethod
    def parse(cls, value: Any) -> Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, str):
            seconds = parse_duration_seconds(value)
            if seconds is not None and seconds > MAX_SECONDS:
                raise ValueError(f"expected a duration of at most 100 years, got {_shown(value)}")
            if seconds is not None:
                return cls(seconds, value.strip())
        raise ValueError(f"expected {_DURATION_HINT}, got {_shown(value)}")


def _cron_field_count(field: str, low: int, high: int) -> int | None:
    """How many values a cron field admits, or None when it cannot be read."""
    values: set[int] = set()
    for item in field.split(","):
        step = 1
        part = item
        if "/" in item:
            part, step_text = item.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                return None
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            if not (a.isdigit() and b.isdigit()):
                return None
            start, end = int(a), int(b)
        elif part.isdigit():
            start = end = int(part)
        else:
            return None
        if start < low or end > high or start > end:
            return None
        values.update(range(start, end + 1, step))
    return len(values)


def cron_period_seconds(expr: str) -> float | None:
    """Average interval between runs of a five-field cron expression."""
    fields = expr.split()
    if len(fields) != 5:
        return None
    bounds = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
    counts = [_cron_field_count(f, lo, hi) for f, (lo, hi) in zip(fields, bounds, strict=True)]
    if any(c is None for c in counts):
        return None
    minutes, hours, days, months, weekdays = (int(c or 0) for c in counts)
    runs_per_day = minutes * hours
    day_fraction = 1.0
    if fields[2] != "*":
        day_fraction = days / 30.4
    elif fields[4] != "*":
        day_fraction = weekdays / 7
    month_fraction = months / 12 if fields[3] != "*" else 1.0
    runs_per_second = runs_per_day * day_fraction * month_fraction / 86400.0
    return 1.0 / runs_per_second


class Schedule(_ParsedText, str):
    """A run schedule; ``period`` is the mean seconds between runs (0 for continuous)."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "string",
        "description": f"Expected {_SCHEDULE_HINT}.",
        "examples": ["daily", "every 6h", "0 2 * * *", "continuous"],
    }

    period: float

    def __new__(cls, text: str, period: float) -> Schedule:
        obj = super().__new__(cls, text)
        obj.period = period
        return obj

    @property
    def continuous(self) -> bool:
        return self.period == 0.0

    @property
    def phrase(self) -> str:
        """Reads inside a sentence: 'daily', 'every 6h', "on cron '0 2 * * *'"."""
        lowered = self.lower()
        if lowered in _NAMED_PERIODS or lowered.startswith("every "):
            return str(self)
        return f"on cron '{self}'"

    @classmethod
    def parse(cls, value: Any) -> Schedule:
        if isinstance(value, Schedule):
            return value
        if isinstance(value, str):
            text = value.strip()
            lowered = text.lower()
            if lowered in _NAMED_PERIODS:
                return cls(text, _NAMED_PERIODS[lowered])
            if lowered.startswith("every "):
                seconds = parse_duration_seconds(lowered[len("every ") :])
                if seconds is not None and not 1 <= seconds <= MAX_SECONDS:
                    raise ValueError(
                        f"expected a schedule of every 1s to every 100 years, got {_shown(value)}"
                    )
                if seconds:
                    return cls(text, seconds)
            period = cron_period_seconds(text)
            if period is not None:
                return cls(text, period)
        raise ValueError(f"expected {_SCHEDULE_HINT}, got {_shown(value)}")


def show_value(value: Any) -> str:
    """A manifest value as the manifest would spell it: '26h', 'true', '400', '[a, b]'."""
    if isinstance(value, Duration):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)
