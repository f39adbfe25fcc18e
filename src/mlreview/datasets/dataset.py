"""Profiles of datasets on disk or in memory, and saved profiles read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from mlreview.datasets.join import join
from mlreview.datasets.profile import (
    PROFILE_VERSION,
    Profile,
    merge_batch,
    profile_frame,
    workers_default,
)
from mlreview.datasets.read import ahead, batches, frame_of, resolve, rows_in
from mlreview.datasets.skew import SkewReport, Thresholds, compare
from mlreview.problems import InputError


def profile_paths(
    specs: list[str], on_rows: Callable[[int], None] | None = None, workers: int | None = None
) -> Profile:
    """One profile over every file the paths, folders and globs name, read batch by batch.

    With more than one worker (default: one per core) the next batch is read while one is
    profiled, and a batch's columns are profiled in parallel; the profile is the same."""
    files = [f for spec in specs for f in resolve(spec)]
    total = Profile()
    seen: set[str] = set()
    stream = batches(files, on_rows)
    if (workers or workers_default()) > 1:
        stream = ahead(stream)
    for file, frame in stream:
        batch = profile_frame(frame, workers=workers)
        if file.name not in seen:
            seen.add(file.name)
            batch.files = [file.name]
        merge_batch(total, batch, file.name)
    for file in files:
        if file.name not in seen:
            total.files.append(file.name)
    return total


def rows_to_read(specs: list[str]) -> int | None:
    """Rows the data among ``specs`` holds (saved profiles hold none to read), when the files'
    metadata tells; else None."""
    files = [f for spec in specs if read_profile(Path(spec)) is None for f in resolve(spec)]
    return rows_in(files)


def profile_data(data: Any) -> Profile:
    """The profile of a polars or pandas DataFrame."""
    return profile_frame(frame_of(data))


def read_profile(path: Path) -> Profile | None:
    """A profile saved by `mlreview profile`, or None when the file is not one.

    A saved profile is indented JSON, so its first line is a lone '{'; a JSON-lines data file's
    first line is a whole record. Only the first line is read to tell them apart, so a large
    data file is not loaded here."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    with path.open(encoding="utf-8", errors="replace") as handle:
        if handle.readline().strip() != "{":
            return None
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "columns" not in data or "version" not in data:
        return None
    if data["version"] != PROFILE_VERSION:
        raise InputError.single(
            str(path), f"profile version {data['version']!r}; expected {PROFILE_VERSION}"
        )
    try:
        return Profile.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.single(str(path), f"not a valid mlreview profile ({exc})") from None


def load_side(spec: str, on_rows: Callable[[int], None] | None = None) -> Profile:
    """A saved profile, or the profile of the data a path, folder or glob names."""
    saved = read_profile(Path(spec))
    return saved if saved is not None else profile_paths([spec], on_rows)


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
    return compare(
        load_side(training, on_rows), load_side(serving, on_rows), thresholds, importances, pairs
    )


def write_profile(profile: Profile) -> bytes:
    return orjson.dumps(profile.to_dict(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
