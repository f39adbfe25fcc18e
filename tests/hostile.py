"""Manifests with hostile text in every free-text field, for the tests of what a reader sees
(tests/test_browser.py, tests/test_hostile_text.py).

The free-text fields are found by trying a probe in each string field of the card-fraud example,
one at a time: ids, references, enums, durations and schedules refuse it and keep their value,
and so does a field naming a file (data, load-test results), which must still exist."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml

from mlreview.problems import InputError
from mlreview.system.loader import load_text
from tests.conftest import ROOT

CARD = ROOT / "examples" / "card-fraud"
# Every kind of character a payload uses: markup, quotes, backticks, line breaks, controls.
PROBE = "<b a='x\"y'>`</b>\n```\n|#[]()!%{}\x1b]0;t\x07\x9b2J\r\u202e"

Path_ = tuple[Any, ...]


def _strings(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str):
        yield path


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: Path_, value: str) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _loads(data: Any) -> bool:
    try:
        load_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "trial.yaml")
    except InputError:
        return False
    return True


def _example() -> Any:
    return yaml.safe_load((CARD / "system.yaml").read_text(encoding="utf-8"))


@cache
def free_text_fields() -> tuple[Path_, ...]:
    data = _example()
    found = []
    for path in _strings(data):
        if (CARD / _get(data, path)).exists():
            continue
        trial = copy.deepcopy(data)
        _set(trial, path, PROBE)
        if _loads(trial):
            found.append(path)
    return tuple(found)


def hostile_manifest(value: str) -> str:
    """The card-fraud manifest (to be written in a copy of its folder) with ``value`` in every
    free-text field."""
    data = _example()
    for path in free_text_fields():
        _set(data, path, value)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
