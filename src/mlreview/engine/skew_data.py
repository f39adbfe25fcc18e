"""`mlreview skew`: profile (or load) both sides, compare them, and rank by importance."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from mlreview.data.dataset import profile_paths, read_profile
from mlreview.data.join import join
from mlreview.data.profile import Profile
from mlreview.data.read import resolve
from mlreview.data.skew import SkewReport, Thresholds, compare
from mlreview.problems import InputError


def load_side(spec: str, on_rows: Callable[[int], None] | None = None) -> Profile:
    """A saved profile, or the profile of the data a path, folder or glob names."""
    saved = read_profile(Path(spec))
    return saved if saved is not None else profile_paths([spec], on_rows)


def read_importances(path: Path) -> dict[str, float]:
    """Feature importances from a JSON object {feature: importance} or a two-column CSV."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(name, f"cannot read: {exc}; expected feature importances") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.single(name, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
        if not isinstance(data, dict):
            raise InputError.single(name, "expected a JSON object {feature: importance}")
        out = {}
        for key, value in data.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InputError.single(name, f"{key!r}: {value!r}; expected a number")
            out[str(key)] = float(value)
        return out
    out = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or (number == 1 and not _is_number(row[-1])):
            continue
        if len(row) != 2 or not _is_number(row[1]):
            raise InputError.single(name, f"expected 'feature,importance', got {row!r}", number)
        out[row[0]] = float(row[1])
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def skew_report(
    training: str,
    serving: str,
    *,
    thresholds: Thresholds | None = None,
    importances: dict[str, float] | None = None,
    on_rows: Callable[[int], None] | None = None,
    keys: list[str] | None = None,
) -> SkewReport:
    pairs = None
    if keys:
        for spec in (training, serving):
            if read_profile(Path(spec)) is not None:
                raise InputError.single(spec, "is a saved profile; --key needs the rows themselves")
        pairs = join(resolve(training), resolve(serving), keys)
    return compare(
        load_side(training, on_rows), load_side(serving, on_rows), thresholds, importances, pairs
    )
