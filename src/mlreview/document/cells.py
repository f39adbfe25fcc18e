"""Numbers as text: one rule per kind of quantity, used by every table cell, summary and
message, in every format.

- **Counts** (ints): every digit, thousands separated: ``2,675,635``.
- **Quantities** (rates, latencies, hours, minutes, utilisation): three significant digits,
  never fewer than the integer digits, thousands separated, no exponent: ``824``, ``4,776``,
  ``43.3``, ``0.403``, ``11.7``.
- **Shares** of a whole (0 to 1) as a percentage with three significant digits of the share,
  or of what it leaves when that is smaller: ``25.6%``, ``0.1%``, ``0.01%``, ``99.95%``.
- **Availability** as a percentage with three decimals, more when three would round a figure
  below 1 up to 100%: ``99.850%``, ``99.950%``, ``99.99995%``.
- **Durations** with a unit, the largest that keeps the number readable: ``45s``, ``12 min``,
  ``26 h``, ``3 d``.

Table columns say which kind a value is by wrapping it (``Share(x)``, ``Availability(x)``);
plain floats are quantities.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mlreview.document.blocks import Column, Table

R = TypeVar("R")
SIGNIFICANT = 3


def _decimals(value: float) -> int:
    """Decimals that show three significant digits of ``value`` (none past the point for
    numbers of three or more integer digits)."""
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))


def _fixed(value: float, decimals: int) -> str:
    text = f"{round(value, decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def number(value: float | None) -> str:
    """A quantity: three significant digits (all integer digits), thousands separated; '?'
    when unknown."""
    if value is None:
        return "?"
    if not math.isfinite(value):
        return f"{value:g}"
    return _fixed(value, _decimals(value))


def share(value: float | None) -> str:
    """A share of a whole as a percentage, three significant digits of the share or of what
    it leaves, whichever is smaller: '25.6%', '0.1%', '99.95%' (never 100% below 1)."""
    if value is None:
        return "?"
    percent = value * 100
    rest = 100 - percent
    decimals = _decimals(rest) if 0 < rest < 50 else _decimals(percent)
    return f"{_fixed(percent, decimals)}%"


def signed_share(value: float | None) -> str:
    """A relative change as a signed percentage: '+27.3%', '-41.3%'."""
    if value is None:
        return "?"
    return ("+" if value > 0 else "") + share(value)


def availability(value: float | None) -> str:
    """An availability as a percentage: '99.850%', '99.99995%' (never 100% below 1)."""
    if value is None:
        return "?"
    decimals = 3
    text = f"{value * 100:.{decimals}f}"
    while value < 1 and text.startswith("100") and decimals < 9:
        decimals += 1
        text = f"{value * 100:.{decimals}f}"
    return f"{text}%"


def duration(seconds: float | None) -> str:
    """A length of time with its unit: '45s', '12 min', '26 h', '3 d'; '?' when unknown."""
    if seconds is None:
        return "?"
    for limit, unit, size in ((120, "s", 1), (7200, "min", 60), (259200, "h", 3600)):
        if seconds < limit:
            shown = number(seconds / size)
            return f"{shown}s" if unit == "s" else f"{shown} {unit}"
    return f"{number(seconds / 86400)} d"


@dataclass(frozen=True)
class Share:
    """A table value that is a share of a whole (0 to 1)."""

    value: float


@dataclass(frozen=True)
class Availability:
    """A table value that is an availability (0 to 1)."""

    value: float


@dataclass(frozen=True)
class Seconds:
    """A table value that is a length of time."""

    value: float


def cell(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Share):
        return share(value.value)
    if isinstance(value, Availability):
        return availability(value.value)
    if isinstance(value, Seconds):
        return duration(value.value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "-"
    return str(value)


def table_of(
    title: str,
    columns: Sequence[tuple[Column, Callable[[R], object]]],
    rows: Iterable[R],
    *,
    whole: bool = False,
) -> Table:
    """A table whose cells are each column's reading of a row, formatted by ``cell``."""
    return Table(
        title,
        tuple(c for c, _ in columns),
        tuple(tuple(cell(read(r)) for _, read in columns) for r in rows),
        whole,
    )
