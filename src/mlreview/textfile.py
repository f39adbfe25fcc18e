"""Reading one input text file: regular files only, bounded in size, UTF-8; every way it can
fail is an InputError naming the file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from mlreview.problems import InputError

MAX_BYTES = 16 * 1024 * 1024


def read_text(
    path: Path, display: str, what: str = "a YAML manifest file", max_bytes: int = MAX_BYTES
) -> str:
    """The UTF-8 text of a file, or InputError for every way that can fail."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError.single(display, f"no such file; expected {what}") from None
    except OSError as exc:
        raise InputError.single(display, f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError.single(display, f"is a directory; expected {what}")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO, socket or device may never end; reading one would hang.
        raise InputError.single(
            display, f"is not a regular file (a pipe or device); expected {what}"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # a file may grow, or lie about its size
    except OSError as exc:
        raise InputError.single(display, f"cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        size = max(info.st_size, len(data))
        raise InputError.single(
            display, f"file is {size} bytes; expected {what} under {max_bytes} bytes"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            display, f"byte {exc.start} is not UTF-8; expected a UTF-8 text file"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_json(text: str, display: str, what: str) -> Any:
    """The JSON value in ``text``, or InputError: malformed (at its line), nested too deeply
    for the parser (RecursionError), or an integer too long for Python to read (ValueError)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            display, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno
        ) from None
    except RecursionError:
        raise InputError.single(display, f"JSON nested too deeply; expected {what}") from None
    except ValueError:  # json.loads refuses integers of more than 4300 digits
        raise InputError.single(
            display, f"an integer of more than 4300 digits; expected {what}"
        ) from None
