"""Read datasets in bounded memory: Parquet, CSV, Arrow IPC and JSON lines, as files, folders or
globs, streamed in batches; and DataFrames passed through the API."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import polars as pl

from mlreview.problems import InputError, first_line

T = TypeVar("T")
BATCH_ROWS = 250_000
FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
    ".jsonl": "ndjson",
    ".ndjson": "ndjson",
    ".json": "ndjson",
}

KNOWN = ", ".join(sorted(FORMATS))


@dataclass(frozen=True)
class DataFile:
    path: Path
    format: str

    @property
    def name(self) -> str:
        return str(self.path)


def resolve(spec: str) -> list[DataFile]:
    """The data files a path, folder or glob names, in sorted order."""
    path = Path(spec)
    if any(ch in spec for ch in "*?["):
        parts = Path(spec).parts
        fixed = next(i for i, part in enumerate(parts) if any(ch in part for ch in "*?["))
        base = Path(*parts[:fixed]) if fixed else Path()
        matches = sorted(base.glob(str(Path(*parts[fixed:]))))
        if not matches:
            raise InputError.single(spec, "no file matches this pattern; expected data files")
        candidates = [p for p in matches if p.is_file()]
    elif path.is_dir():
        candidates = sorted(
            p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
        )
        candidates = [p for p in candidates if p.suffix.lower() in FORMATS]
        if not candidates:
            known = ", ".join(sorted(set(FORMATS)))
            raise InputError.single(
                spec, f"folder holds no data files; expected files ending {known}"
            )
    elif path.is_file():
        candidates = [path]
    elif path.exists():
        # A FIFO or device (/dev/null, <(cmd)) may never end; reading one could hang.
        raise InputError.single(
            spec, "is not a regular file (a pipe or device); expected a dataset"
        )
    else:
        raise InputError.single(spec, "no such file or folder; expected a dataset")
    out = []
    for p in candidates:
        fmt = FORMATS.get(p.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(set(FORMATS)))
            raise InputError.single(
                str(p), f"unknown data format {p.suffix!r}; expected one of {known}"
            )
        out.append(DataFile(p, fmt))
    return out


def _separator(file: DataFile) -> str:
    return "\t" if file.path.suffix.lower() == ".tsv" else ","


def csv_header(file: DataFile) -> list[str] | None:
    """The column names of a CSV file's header, None when it has no line at all.

    Read with the csv module because polars keeps a quoted name's doubled quotes (`"a""b"` is
    `a""b` to it, `a"b` to Parquet and every CSV writer) and renames a repeated name to
    `a_duplicated_0`; a name used twice cannot be told apart, so it is an InputError."""
    try:
        with file.path.open(encoding="utf-8-sig", newline="") as handle:
            row = next((r for r in csv.reader(handle, delimiter=_separator(file)) if r), None)
    except UnicodeDecodeError as exc:
        # Decoded from the file's first block, where the header is, so the offset is the file's.
        with file.path.open("rb") as handle:
            line = handle.read(exc.start).count(b"\n") + 1
        raise InputError.single(
            file.name, f"byte {exc.start} is not UTF-8; expected a UTF-8 CSV file", line
        ) from None
    except (OSError, csv.Error) as exc:
        raise _problem(file, exc) from None
    if row is None:
        return None
    first: dict[str, int] = {}
    for number, name in enumerate(row, 1):
        if name in first:
            raise InputError.single(
                file.name,
                f"column {name!r} is named twice in the header (columns {first[name]} and "
                f"{number}); expected each column named once",
            )
        first[name] = number
    return row


def scan(file: DataFile) -> pl.LazyFrame:
    if file.format == "parquet":
        return pl.scan_parquet(file.path)
    if file.format == "csv":
        return pl.scan_csv(
            file.path,
            separator=_separator(file),
            infer_schema_length=10_000,
            try_parse_dates=True,
            new_columns=csv_header(file),
        )
    if file.format == "ipc":
        return pl.scan_ipc(file.path)
    return pl.scan_ndjson(file.path, infer_schema_length=10_000)


def json_document(path: Path) -> bool:
    """Whether a `.json` file holds one JSON document (a saved profile, or a mistake) rather
    than JSON lines: its first line is not a whole JSON value, or it is the only line. Reads
    two lines, so a large data file is not loaded."""
    try:
        with path.open("rb") as handle:
            first = next((line for line in handle if line.strip()), None)
            if first is None:
                return False
            try:
                json.loads(first)
            except (ValueError, RecursionError):
                return True
            return not any(line.strip() for line in handle)
    except OSError:
        return False  # the data reader names what is wrong with the file


def _problem(file: DataFile, exc: Exception, line: int = 1) -> InputError:
    return InputError.single(file.name, f"cannot read as {file.format}: {first_line(exc)}", line)


_UNPARSED = re.compile(r"could not parse `(?P<value>.*)` as dtype .* \(column number (?P<n>\d+)\)")


def _csv_line(file: DataFile, message: str) -> int:
    """The line of the first record holding the value polars could not parse (its message
    names the value and column, not the line), or 1 when it cannot be found."""
    found = _UNPARSED.search(message)
    if found is None:
        return 1
    index, value = int(found["n"]) - 1, found["value"]
    with file.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=_separator(file))
        start, header = 1, True
        for row in reader:
            if row and not header and index < len(row) and row[index] == value:
                return start
            header = header and not row
            start = reader.line_num + 1
    return 1


def _empty(file: DataFile) -> pl.DataFrame:
    """No rows, but the file's columns: a header-only CSV or an empty Parquet file still
    declares them, and polars streams no batch at all for it."""
    return pl.DataFrame(schema=scan(file).collect_schema())


def batches(
    files: list[DataFile], on_rows: Callable[[int], None] | None = None
) -> Iterator[tuple[DataFile, pl.DataFrame]]:
    """(file, batch) for every batch of rows of every file, each BATCH_ROWS rows but the last;
    a file without rows is one empty batch holding its columns.

    Each batch is read when asked for and not before, so memory holds one batch and one block
    of the file whatever the file's size: a streaming query would run ahead of the consumer."""
    for file in files:
        try:
            if file.path.suffix.lower() == ".json" and json_document(file.path):
                raise InputError.single(
                    file.name,
                    "holds one JSON document, not JSON lines; expected one JSON record per "
                    "line (a saved profile is compared with `mlreview skew PROFILE DATA`)",
                )
            stream = _slices(file) if file.format in ("parquet", "ipc") else _text(file)
            rows = False
            for batch in stream:
                rows = True
                frame = _parse_dates(batch) if file.format == "ndjson" else batch
                if on_rows is not None:
                    on_rows(frame.height)
                yield file, frame
            if not rows:
                yield file, _empty(file)
        except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
            line = _csv_line(file, str(exc)) if file.format == "csv" else 1
            raise _problem(file, exc, line) from None


def rows_in(files: list[DataFile]) -> int | None:
    """The files' row count, when their metadata holds it (Parquet, Arrow IPC); else None."""
    if any(f.format not in ("parquet", "ipc") for f in files):
        return None
    try:
        return sum(int(scan(f).select(pl.len()).collect().item()) for f in files)
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None  # the read that follows names the problem


def _slices(file: DataFile) -> Iterator[pl.DataFrame]:
    """Batches of a columnar file, each a slice read on its own: only the row groups (or
    record batches) holding it are decoded."""
    frame = scan(file)
    rows = int(frame.select(pl.len()).collect().item())
    for offset in range(0, rows, BATCH_ROWS):
        yield frame.slice(offset, BATCH_ROWS).collect()


READ_BYTES = 16 << 20
"""Bytes of a text file read at a time."""
NEWLINE, QUOTE = ord("\n"), ord('"')


def _record_end(block: bytes, quoted: bool) -> int:
    """The offset just past the last whole record of ``block`` (which starts at a record), or 0.

    A newline inside a quoted CSV field is not a record's end: one is only where the quotes
    before it pair up (an escaped quote is two quotes, so the parity holds)."""
    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == NEWLINE)
    if quoted and ends.size and QUOTE in data:
        inside = np.cumsum(data == QUOTE, dtype=np.int64)[ends] & 1
        ends = ends[inside == 0]
    return int(ends[-1]) + 1 if ends.size else 0


def _text(file: DataFile) -> Iterator[pl.DataFrame]:
    """Batches of a CSV or JSON-lines file, parsed block by block with the types polars infers
    from the file's start, and cut into BATCH_ROWS-row batches."""
    schema = scan(file).collect_schema()
    is_csv = file.format == "csv"

    def parse(block: bytes) -> pl.DataFrame:
        if is_csv:
            return pl.read_csv(block, has_header=False, schema=schema, separator=_separator(file))
        return pl.read_ndjson(block, schema=schema)

    def blocks() -> Iterator[pl.DataFrame]:
        with file.path.open("rb") as handle:
            if is_csv:
                _skip_header(handle)
            carry = b""
            while chunk := handle.read(READ_BYTES):
                block = carry + chunk if carry else chunk
                end = _record_end(block, is_csv)
                if end:
                    yield parse(block[:end])
                carry = block[end:]
            if carry.strip():
                yield parse(carry)

    yield from rebatch(blocks(), BATCH_ROWS)


def _skip_header(handle: Any) -> None:
    """Move past the header record (its quoted names may hold newlines)."""
    line = handle.readline()
    while line and line.count(b'"') % 2:
        more = handle.readline()
        if not more:
            return
        line += more


def rebatch(chunks: Iterable[pl.DataFrame], rows: int) -> Iterator[pl.DataFrame]:
    """The rows of ``chunks`` in batches of ``rows`` rows (the last may be shorter)."""
    pending: pl.DataFrame | None = None
    for chunk in chunks:
        pending = chunk if pending is None else pl.concat([pending, chunk], rechunk=False)
        while pending.height >= rows:
            yield pending.slice(0, rows).rechunk()
            pending = pending.slice(rows)
    if pending is not None and pending.height:
        yield pending.rechunk()


def ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, each next one fetched on a thread while the caller works on the last: one
    item ahead, never more."""
    end = object()
    with ThreadPoolExecutor(1) as pool:
        coming = pool.submit(next, items, end)
        while (item := coming.result()) is not end:
            coming = pool.submit(next, items, end)
            yield cast(T, item)


ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"


def _parse_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """JSON has no timestamp type: string columns whose every value is an ISO timestamp
    become timestamps, as CSV columns do."""
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        present = frame[name].drop_nulls()
        if present.len() == 0 or not present.str.contains(ISO_TIMESTAMP).all():
            continue
        parsed = present.str.to_datetime(strict=False, time_unit="us")
        if parsed.null_count() == 0:
            frame = frame.with_columns(pl.col(name).str.to_datetime(strict=False, time_unit="us"))
    return frame


def _pandas_column(column: Any) -> pl.Series:
    values = column.to_numpy()
    if values.dtype.kind in "biuf":
        return pl.Series(values)
    missing = column.isna().to_numpy()
    return pl.Series([None if gone else v for v, gone in zip(values, missing, strict=True)])


def frame_of(data: Any) -> pl.DataFrame:
    """A polars DataFrame from a polars or pandas DataFrame given through the API."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    if type(data).__module__.startswith("pandas"):
        try:
            return pl.from_pandas(data)
        except ImportError:  # arrow-backed columns need pyarrow; rebuild them from Python values
            return pl.DataFrame({str(name): _pandas_column(data[name]) for name in data.columns})
    raise TypeError(f"expected a polars or pandas DataFrame, got {type(data).__name__}")
