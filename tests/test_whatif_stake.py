"""What-ifs on the system's stake and decision re-score only what they move: a scenario whose
other reads are untouched is scored again from its kept breakdown (``risk.staked``), and a
field below an absent decision that leaves the stake and every family's words as they were
re-makes no scenario (``whatif.reads.derived``). Either way the scenarios must be those of a
whole review of the changed manifest."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest

from mlreview.engine import risk, scenarios
from mlreview.engine.runner import run
from mlreview.engine.scenarios import Scenario
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.engine.whatif.variants import with_values
from mlreview.system.loader import load_text
from mlreview.system.paths import Path as FieldPath


@cache
def _sensitivity() -> Sensitivity:
    return Sensitivity(load_text(manifest(60, 10, 6), "gen60.yaml"))


def _changes(prefix: FieldPath) -> list[dict[FieldPath, Any]]:
    sense = _sensitivity()
    return [
        dict.fromkeys(u.paths, v)
        for u in unknowns(sense.system, sense.log)
        if u.paths[0][: len(prefix)] == prefix
        for v in what_ifs(u, sense.system)
    ]


def _shown(s: Scenario) -> tuple[object, ...]:
    r = s.risk
    return (s.key, s.title, s.effect, s.verify, r.score, r.working, r.assumed, r.defaults, r.stake)


def _counted(values: dict[FieldPath, Any]) -> tuple[list[Scenario], int, int]:
    """The what-if's scenarios, the scores worked out whole and the scores re-staked."""
    scored = restaked = 0
    whole, again = risk.RiskModel.score, scenarios.staked

    def score(self: risk.RiskModel, *args: Any) -> risk.Risk:
        nonlocal scored
        scored += 1
        return whole(self, *args)

    def staked(*args: Any) -> risk.Risk:
        nonlocal restaked
        restaked += 1
        return again(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(risk.RiskModel, "score", score)
        patch.setattr(scenarios, "staked", staked)
        review = _sensitivity().what_if(values)
    return review.built, scored, restaked


def _as_whole(values: dict[FieldPath, Any], built: list[Scenario]) -> None:
    whole = run(with_values(_sensitivity().system, values), plan=False).built
    assert [_shown(s) for s in built] == [_shown(s) for s in whole]


def test_a_criticality_what_if_scores_as_a_whole_review() -> None:
    changes = _changes(("system", "criticality"))
    assert len(changes) == 4
    restaked = 0
    for values in changes:
        built, _, again = _counted(values)
        _as_whole(values, built)
        restaked += again
    # Where the findings' own scores stay as they were, every scenario is re-staked alone.
    assert restaked >= len(_sensitivity().review.built)


def test_an_automation_what_if_is_re_staked_alone() -> None:
    changes = _changes(("system", "decision", "automated_action"))
    assert changes
    for values in changes:
        built, scored, restaked = _counted(values)
        _as_whole(values, built)
        assert restaked > scored


def test_a_decision_field_that_moves_no_family_nor_the_stake_re_makes_no_scenario() -> None:
    """``system.decision`` is absent: every score read it (the stake, a family's words), so
    every field set below it touched every scenario."""
    sense = _sensitivity()
    assert sense.system.manifest.system.decision is None
    quiet = 0
    for values in _changes(("system", "decision")):
        built, scored, restaked = _counted(values)
        _as_whole(values, built)
        if not scored and not restaked:
            quiet += 1
            assert all(a is b for a, b in zip(built, sense.review.built, strict=True))
    assert quiet
