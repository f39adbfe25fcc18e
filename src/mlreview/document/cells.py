"""Table cells as text: one rule per kind of value, used by every area and every format."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from mlreview.document.blocks import Column, Table

R = TypeVar("R")


def cell(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"{value:g}"
        if value.is_integer():
            return f"{int(value):,}"
        # :g alone turns 2,675,635.5 into 2.67564e+06.
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "-"
    return str(value)


def table_of(
    title: str, columns: Sequence[tuple[Column, Callable[[R], object]]], rows: Iterable[R]
) -> Table:
    """A table whose cells are each column's reading of a row, formatted by ``cell``."""
    return Table(
        title,
        tuple(c for c, _ in columns),
        tuple(tuple(cell(read(r)) for _, read in columns) for r in rows),
    )
