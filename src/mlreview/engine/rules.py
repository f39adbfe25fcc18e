"""The one list of rules: every area's, then the review's own (MLR), and selection by code,
code prefix or name."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from mlreview.areas.registry import AREA_LIST
from mlreview.areas.rule import Rule
from mlreview.engine import suppressions


class SelectionError(ValueError):
    """A --select or --ignore entry that matches no rule."""


@cache
def _all() -> tuple[Rule, ...]:
    rules = [r for area in AREA_LIST for r in area.rules.rules] + suppressions.RULES.rules
    seen: dict[str, Rule] = {}
    for r in rules:
        for ident in (r.code, r.name):
            if ident in seen:
                raise ValueError(f"rule {r.code}: {ident!r} is already taken by {seen[ident].code}")
            seen[ident] = r
    return tuple(rules)


def every_rule() -> list[Rule]:
    return list(_all())


def find(code_or_name: str) -> Rule | None:
    """The rule with exactly this code (any case) or name."""
    wanted = code_or_name.strip()
    return next((r for r in _all() if r.code == wanted.upper() or r.name == wanted.lower()), None)


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    rules = every_rule()
    select, ignore = list(select), list(ignore)
    for sel in [*select, *ignore]:
        if not any(r.matches(sel) for r in rules):
            raise SelectionError(f"{sel!r} matches no rule code, code prefix or name")
    chosen = [r for r in rules if not select or any(r.matches(s) for s in select)]
    return [r for r in chosen if not any(r.matches(i) for i in ignore)]
