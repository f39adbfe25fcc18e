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

from mlreview.document.cells import duration
from mlreview.system.cron import cron_times

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
    "mo": 365.25 / 12 * 86400.0,
    "month": 365.25 / 12 * 86400.0,
    "y": 365.25 * 86400.0,
    "yr": 365.25 * 86400.0,
    "year": 365.25 * 86400.0,
}
"""Seconds per unit. A month and a year are calendar averages, so '12mo' is '1y' and a label
that matures 'within 12 months' is written as said, not as a count of days."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")
_NAMED_PERIODS = {
    "continuous": (0.0, 0.0),
    "streaming": (0.0, 0.0),
    "hourly": (3600.0, 3600.0),
    "daily": (86400.0, 86400.0),
    "nightly": (86400.0, 86400.0),
    "weekly": (604800.0, 604800.0),
    "monthly": (365.25 / 12 * 86400.0, 31 * 86400.0),
}
"""Named schedules: (mean seconds between runs, longest gap). The @-forms are cron aliases."""
_DURATION_HINT = "a duration with a unit, such as '90s', '15m', '26h' or '30d'"
_SCHEDULE_HINT = (
    "a schedule: 'continuous', 'hourly', 'daily', 'weekly', 'monthly', 'every <duration>' "
    "or a cron expression such as '0 2 * * MON-FRI' or '@yearly'"
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
    """A short human duration: '45s', '12 min', '26 h', '3 d' (``document.cells.duration``)."""
    return duration(seconds)


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


class Schedule(_ParsedText, str):
    """A run schedule: ``period`` is the mean seconds between runs (0 for continuous), for
    rates; ``longest_gap`` the longest time between two runs (a weekday cron's weekend), for
    staleness. Cron expressions are read by croniter (``system.cron``)."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "string",
        "description": f"Expected {_SCHEDULE_HINT}.",
        "examples": ["daily", "every 6h", "0 2 * * *", "continuous"],
    }

    period: float
    longest_gap: float
    missed_run_gap: float
    """The longest time between two runs when the run between them fails."""

    def __new__(
        cls,
        text: str,
        period: float,
        longest_gap: float | None = None,
        missed_run_gap: float | None = None,
    ) -> Schedule:
        obj = super().__new__(cls, text)
        obj.period = period
        obj.longest_gap = period if longest_gap is None else longest_gap
        obj.missed_run_gap = 2 * obj.longest_gap if missed_run_gap is None else missed_run_gap
        return obj

    @property
    def cron(self) -> bool:
        """A cron expression (runs at set times of day), not a named period or 'every ...'."""
        lowered = self.lower()
        return lowered not in _NAMED_PERIODS and not lowered.startswith("every ")

    @property
    def continuous(self) -> bool:
        return self.period == 0.0

    @property
    def phrase(self) -> str:
        """Reads inside a sentence: 'daily', 'every 6h', "on cron '0 2 * * *'", 'continuously'."""
        if self.continuous:
            return "continuously"
        return f"on cron '{self}'" if self.cron else str(self)

    @property
    def gap_phrase(self) -> str:
        """The gap staleness is judged by: 'every 24 h', or 'up to 72 h apart' when the gaps
        vary."""
        if self.longest_gap > self.period * 1.001:
            return f"up to {format_seconds(self.longest_gap)} apart"
        return f"every {format_seconds(self.longest_gap)}"

    @classmethod
    def parse(cls, value: Any) -> Schedule:
        if isinstance(value, Schedule):
            return value
        if isinstance(value, str):
            text = value.strip()
            lowered = text.lower()
            if lowered in _NAMED_PERIODS:
                return cls(text, *_NAMED_PERIODS[lowered])
            if lowered.startswith("every "):
                seconds = parse_duration_seconds(lowered[len("every ") :])
                if seconds is not None and not 1 <= seconds <= MAX_SECONDS:
                    raise ValueError(
                        f"expected a schedule of every 1s to every 100 years, got {_shown(value)}"
                    )
                if seconds:
                    return cls(text, seconds)
            elif text:
                times = cron_times(text)
                if times is not None:
                    return cls(text, times.mean_s, times.longest_gap_s, times.missed_run_gap_s)
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
