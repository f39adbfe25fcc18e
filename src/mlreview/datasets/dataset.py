"""Profiles of datasets on disk or in memory, and saved profiles read back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from mlreview.datasets import saved
from mlreview.datasets.join import join
from mlreview.datasets.partial import add_counts
from mlreview.datasets.profile import (
    PROFILE_FORMAT,
    PROFILE_VERSION,
    Profile,
    count_values,
    merge_batch,
    profile_frame,
    workers_default,
)
from mlreview.datasets.read import (
    DataFile,
    ahead,
    batches,
    frame_of,
    json_document,
    resolve,
    rows_in,
)
from mlreview.datasets.skew import SkewReport, Thresholds, compare
from mlreview.problems import InputError
from mlreview.textfile import parse_json, read_text


class StoppedError(Exception):
    """Profiling gave up because another side's profile failed first."""


def profile_paths(
    specs: list[str],
    on_rows: Callable[[int], None] | None = None,
    workers: int | None = None,
    stop: threading.Event | None = None,
    read_ahead: bool = True,
) -> Profile:
    """One profile over every file the paths, folders and globs name, read batch by batch.

    With more than one worker (default: one per core) a batch's columns are profiled in
    parallel and, with ``read_ahead``, the next batch is read meanwhile; the profile is the
    same. Once ``stop`` is set, the next batch raises StoppedError."""
    files = [f for spec in specs for f in resolve(spec)]
    total = Profile()
    seen: set[str] = set()
    stream = batches(files, on_rows)
    if read_ahead and (workers or workers_default()) > 1:
        stream = ahead(stream)
    for file, frame in stream:
        if stop is not None and stop.is_set():
            raise StoppedError
        # The values frequent so far are counted in every later batch too, so that only those
        # first frequent in a later batch need the second pass below.
        candidates = {name: list(col.top.counts) for name, col in total.columns.items()}
        batch = profile_frame(frame, workers=workers, candidates=candidates)
        if file.name not in seen:
            seen.add(file.name)
            batch.files = [file.name]
        merge_batch(total, batch, file.name)
    for file in files:
        if file.name not in seen:
            total.files.append(file.name)
    total.settle(_recount(files, total.pending()))
    return total


def _recount(files: list[DataFile], pending: dict[str, list[Any]]) -> dict[str, dict[Any, int]]:
    """The second pass: counts of the values that may be frequent, over every batch."""
    if not pending:
        return {}
    return add_counts(count_values(frame, pending) for _, frame in batches(files))


def rows_to_read(specs: list[str]) -> int | None:
    """Rows the data among ``specs`` holds (saved profiles hold none to read), when the files'
    metadata tells; else None."""
    files = [f for spec in specs if read_profile(Path(spec)) is None for f in resolve(spec)]
    return rows_in(files)


def profile_data(data: Any) -> Profile:
    """The profile of a polars or pandas DataFrame."""
    profile = profile_frame(frame_of(data))
    profile.settle({})  # one batch counted every value it lists
    return profile


MAX_PROFILE_BYTES = 256 * 1024 * 1024
SAVED = "a profile saved by `mlreview profile`"


def read_profile(path: Path) -> Profile | None:
    """A profile saved by `mlreview profile`, or None when the file is JSON lines or another
    data format.

    A `.json` file that holds one JSON document (rather than one record per line) must be a
    profile: it is recognised by its header and version, and anything else, truncated or
    not a profile at all, is an InputError. Telling the two apart reads two lines, so a large
    data file is not loaded here."""
    if path.suffix.lower() != ".json" or not path.is_file() or not json_document(path):
        return None
    name = str(path)
    data = parse_json(read_text(path, name, SAVED, MAX_PROFILE_BYTES), name, SAVED)
    if not isinstance(data, dict) or data.get("format") != PROFILE_FORMAT:
        raise InputError.single(
            name,
            f'one JSON document without the header "format": "{PROFILE_FORMAT}"; '
            f"expected {SAVED}, or JSON lines (one record per line)",
        )
    if data.get("version") != PROFILE_VERSION:
        raise InputError.single(
            name, f"profile version {data.get('version')!r}; expected {PROFILE_VERSION}"
        )
    wrong = saved.problem(data)
    if wrong is not None:
        raise InputError.single(name, f"not a valid mlreview profile: {wrong}")
    return Profile.from_dict(data)


def load_side(
    spec: str,
    on_rows: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    read_ahead: bool = True,
) -> Profile:
    """A saved profile, or the profile of the data a path, folder or glob names."""
    saved = read_profile(Path(spec))
    if saved is not None:
        return saved
    return profile_paths([spec], on_rows, stop=stop, read_ahead=read_ahead)


COLUMNAR = ("parquet", "ipc")


def _columnar(spec: str) -> bool:
    """Whether ``spec`` names columnar files only (a saved profile, `.json`, is not one)."""
    return all(f.format in COLUMNAR for f in resolve(spec))


def load_sides(
    specs: tuple[str, str], on_rows: Callable[[int], None] | None = None
) -> tuple[Profile, Profile]:
    """Both sides, as `load_side` gives each; with more than one worker and columnar files
    (Parquet, Arrow IPC) on both sides, profiled at once.

    Each side's batches go to the same column threads, so while one side waits for its
    batch's slowest column or reads its next batch the other's columns keep the cores busy;
    neither reads ahead, so memory holds a batch a side, about what one side reading ahead
    holds. CSV and JSON lines are parsed in blocks that hold several batches' worth of rows
    (a pair of 1M-row CSV files peaked at 656 MB at once, against 478 MB in turn), so they are
    profiled in turn, each reading ahead. Each profile is built as on its own, so the bytes are
    those of one side after the other, and so is the error: the first side's when both fail
    (the second is then stopped at its next batch), else the second's."""
    if workers_default() <= 1 or not (_columnar(specs[0]) and _columnar(specs[1])):
        return load_side(specs[0], on_rows), load_side(specs[1], on_rows)
    stop = threading.Event()
    with ThreadPoolExecutor(1, thread_name_prefix="mlreview-side") as sides:
        second = sides.submit(load_side, specs[1], on_rows, stop, False)
        try:
            first = load_side(specs[0], on_rows, read_ahead=False)
        except BaseException:
            stop.set()
            raise
        return first, second.result()


def compare_specs(
    training: str,
    serving: str,
    *,
    thresholds: Thresholds | None = None,
    importances: dict[str, float] | None = None,
    on_rows: Callable[[int], None] | None = None,
    keys: list[str] | None = None,
) -> SkewReport:
    """Training against serving, each a dataset or a saved profile; with ``keys`` also joined
    row by row, which needs the rows rather than profiles."""
    pairs = None
    if keys:
        for spec in (training, serving):
            if read_profile(Path(spec)) is not None:
                raise InputError.single(spec, "is a saved profile; --key needs the rows themselves")
        pairs = join(resolve(training), resolve(serving), keys)
    sides = load_sides((training, serving), on_rows)
    for spec, side in zip((training, serving), sides, strict=True):
        if not side.rows:
            other = serving if spec == training else training
            raise InputError.single(
                spec, f"holds no rows; expected at least one row to compare with {other}"
            )
    return compare(sides[0], sides[1], thresholds, importances, pairs)


def write_profile(profile: Profile) -> bytes:
    return orjson.dumps(profile.to_dict(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
