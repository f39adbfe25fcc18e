"""`mlreview skew`: profile (or load) both sides, compare them, and rank by importance."""

from __future__ import annotations

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
