"""A what-if review regroups only the scenarios its changes reach (``scenarios._regrouped``) and
merges again only the alike groups whose scenarios changed (``scenarios._merged_again``): it must
give the same scenarios, in the same order, as grouping and merging every finding again."""

from __future__ import annotations

import itertools
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlreview.areas.registry import SERVING
from mlreview.engine import runner, scenarios
from mlreview.engine.result import Review, RuleResult
from mlreview.engine.scenarios import Scenario
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.system.loader import load_text
from mlreview.system.paths import Path as FieldPath
from mlreview.system.system import System
from tests.conftest import EXAMPLES

GENERATED = "generated"


@cache
def _sensitivity(name: str) -> Sensitivity:
    if name == GENERATED:
        return Sensitivity(load_text(manifest(60, 10, 6), "gen60.yaml"))
    path = next(p for p in EXAMPLES if p.parent.name == name)
    return Sensitivity(load_text(Path(path).read_text(encoding="utf-8"), str(path)))


@cache
def _changes(name: str) -> list[dict[FieldPath, Any]]:
    """Every what-if the questions try on ``name``: each unknown field at each of its values."""
    sense = _sensitivity(name)
    return [
        dict.fromkeys(u.paths, v)
        for u in unknowns(sense.system, sense.log)
        for v in what_ifs(u, sense.system)
    ]


def _full(*_: object, **__: object) -> None:
    """``_regrouped`` declining: ``build`` then groups every finding."""
    return None


def _merged_whole(ranked: list[Scenario], _: scenarios.Merging, system: System) -> list[Scenario]:
    """``merge_alike`` without an earlier merge."""
    return scenarios.merge_alike(ranked, system)


def _both(sense: Sensitivity, values: dict[FieldPath, Any]) -> tuple[Review, Review, bool]:
    """The what-if review regrouped and grouped whole (and merged whole), and whether it was
    regrouped."""
    taken: list[bool] = []
    regroup = scenarios._regrouped

    def spy(*args: Any, **kwargs: Any) -> list[Scenario] | None:
        out = regroup(*args, **kwargs)
        taken.append(out is not None)
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scenarios, "_regrouped", spy)
        incremental = sense.what_if(values)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scenarios, "_regrouped", _full)
        patch.setattr(scenarios, "_merged_again", _merged_whole)
        full = sense.what_if(values)
    return incremental, full, any(taken)


def _same(a: list[Scenario], b: list[Scenario]) -> None:
    assert [s.key for s in a] == [s.key for s in b]
    for x, y in zip(a, b, strict=True):
        assert x is y or x == y, x.key


def _check(sense: Sensitivity, values: dict[FieldPath, Any]) -> bool:
    incremental, full, taken = _both(sense, values)
    _same(incremental.built, full.built)
    _same(incremental.scenarios, full.scenarios)
    return taken


NAMES = [p.parent.name for p in EXAMPLES] + [GENERATED]


@pytest.mark.parametrize("name", NAMES)
def test_every_what_if_of_the_questions_regroups_as_the_whole(name: str) -> None:
    sense = _sensitivity(name)
    changes = _changes(name)
    assert changes
    taken = [_check(sense, values) for values in changes]
    # Many take the incremental path (the others reuse every scenario or join anew).
    assert sum(taken) >= len(taken) // 10


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    name=st.sampled_from(NAMES),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=4),
)
def test_several_fields_changed_at_once_regroup_as_the_whole(name: str, picks: list[int]) -> None:
    """Several what-ifs together (as a plan's steps set several fields): more findings come and
    go, of more rules, and more missing controls."""
    sense = _sensitivity(name)
    changes = _changes(name)
    values: dict[FieldPath, Any] = {}
    for i in picks:
        values.update(changes[i % len(changes)])
    _check(sense, values)


def test_a_missing_control_that_comes_or_goes_regroups_the_scenarios_it_joins() -> None:
    """The what-ifs that change which missing controls the review finds, on every example: the
    scenarios those controls join are made again, the others kept."""
    seen = 0
    for name in NAMES:
        sense = _sensitivity(name)
        before = {id(g) for g in sense.prior.ranked.gaps}
        for values in itertools.islice(_changes(name), 200):
            incremental, full, _ = _both(sense, values)
            gaps = [f for f in incremental.findings if f.role == "gap"]
            if {id(g) for g in gaps} != before:
                seen += 1
                _same(incremental.built, full.built)
    assert seen


def _as_got(code: str, got: RuleResult, *_: object) -> RuleResult:
    """``runner._as_earlier`` keeping every re-run rule's result as it came out."""
    return got


@pytest.mark.parametrize("name", NAMES)
def test_a_rule_re_run_to_equal_findings_gives_the_same_what_if(name: str) -> None:
    """A re-run rule's findings equal to its earlier ones are the earlier objects (``runner.
    _as_earlier``): the what-if review has the same findings, scenarios and top risk as
    with the findings as the rule made them."""
    sense = _sensitivity(name)
    for values in itertools.islice(_changes(name), 120):
        kept = sense.what_if(values)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runner, "_as_earlier", _as_got)
            made = sense.what_if(values)
        assert kept.findings == made.findings
        _same(kept.built, made.built)
        _same(kept.scenarios, made.scenarios)
        assert kept.assessment(SERVING) == made.assessment(SERVING)


def test_equal_findings_become_the_earlier_objects_one_for_one() -> None:
    sense = _sensitivity(NAMES[0])
    before = sense.prior.ranked.findings[:6]
    again = [replace(f) for f in [*before[:3], before[0]]]
    other = replace(before[4], message=before[4].message + " (changed)")
    out = runner._as_before([*again, other], before)
    assert out[:3] == before[:3] and all(a is b for a, b in zip(out, before[:3], strict=False))
    # The second copy of before[0] has no earlier finding left to stand for.
    assert out[3] == before[0] and out[3] is not before[0]
    assert out[4] is other
