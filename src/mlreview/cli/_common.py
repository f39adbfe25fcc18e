"""What the commands share: exit codes, usage errors, reading notes, writing output."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
MAX_WIDTH = 1000
"""Widest terminal rendered: wider tables cost memory and time for no reader."""
SEVERITIES = ("critical", "high", "medium", "low", "info")


class UsageError(Exception):
    """A bad argument the parser could not catch; reported in one line with exit 2."""


def split(values: list[str]) -> list[str]:
    """Comma-separated values of a repeatable option, as one list."""
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{output}: cannot write: {exc.strerror}") from None


def width_for(requested: int | None, to_tty: bool) -> int:
    """The terminal width: as asked, else the terminal's when printing to one, else 100."""
    import shutil

    width = requested or (shutil.get_terminal_size((100, 24)).columns if to_tty else 100)
    if not 40 <= width <= MAX_WIDTH:
        raise UsageError(f"--width {width}: expected 40 to {MAX_WIDTH:,} columns")
    return width


def notes(where: str) -> tuple[str, str]:
    """(text, name for messages) of a prose description: a file, or stdin for '-'."""
    from mlreview.problems import InputError
    from mlreview.system.loader import read_text

    if where == "-":
        try:
            return sys.stdin.read(), "<stdin>"
        except UnicodeDecodeError as exc:
            raise InputError.single("<stdin>", f"byte {exc.start} is not UTF-8") from None
    return read_text(Path(where), where, "a text file describing the system"), where


def progress(
    label: str = "reading", unit: str = "rows", total: Callable[[], int | None] | None = None
) -> tuple[AbstractContextManager[Any], Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal, else nothing: (context, advance by n).

    ``total`` is asked only for a terminal (counting can cost a pass over file metadata); with
    no total the bar counts up."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    bar, task = _bar(label, unit, total() if total is not None else None)
    return bar, lambda n: bar.advance(task, n)


def steps(
    label: str, unit: str
) -> tuple[AbstractContextManager[Any], Callable[[int, int], None] | None]:
    """As ``progress``, for work that reports (done, total) as it goes."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    bar, task = _bar(label, unit, None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


def _bar(label: str, unit: str, total: int | None) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    return bar, bar.add_task(label, total=total)
