"""Profiles of datasets on disk or in memory, and saved profiles read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from mlreview.data.profile import PROFILE_VERSION, Profile, merge_batch, profile_frame
from mlreview.data.read import batches, frame_of, resolve
from mlreview.problems import InputError


def profile_paths(specs: list[str], on_rows: Callable[[int], None] | None = None) -> Profile:
    """One profile over every file the paths, folders and globs name, read batch by batch."""
    files = [f for spec in specs for f in resolve(spec)]
    total = Profile()
    seen: set[str] = set()
    for file, frame in batches(files, on_rows):
        batch = profile_frame(frame)
        if file.name not in seen:
            seen.add(file.name)
            batch.files = [file.name]
        merge_batch(total, batch, file.name)
    for file in files:
        if file.name not in seen:
            total.files.append(file.name)
    return total


def profile_data(data: Any) -> Profile:
    """The profile of a polars or pandas DataFrame."""
    return profile_frame(frame_of(data))


def read_profile(path: Path) -> Profile | None:
    """A profile saved by `mlreview profile`, or None when the file is not one."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.lstrip().startswith("{"):
        return None
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


def write_profile(profile: Profile) -> bytes:
    return orjson.dumps(profile.to_dict(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
