"""Shortcuts of the what-if reviews behind the questions that must not change what they find:
an unknown read under no label a what-if re-runs by is not tried (its what-ifs would reuse the
whole review), a what-if copy of the system indexes its components from the original's, and a
rule scored again keeps the findings of the hits that score as before."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest

from mlreview.engine import runner
from mlreview.engine.rules import every_rule
from mlreview.engine.whatif.questions import Sensitivity, Unknown, unknowns, what_ifs
from mlreview.engine.whatif.variants import with_values
from mlreview.system.loader import load_text
from mlreview.system.system import System


@cache
def _sensitivity() -> Sensitivity:
    return Sensitivity(load_text(manifest(60, 10, 6), "gen60.yaml"))


@cache
def _unknowns() -> list[Unknown]:
    sense = _sensitivity()
    return unknowns(sense.system, sense.log)


def test_some_unknowns_are_read_only_outside_what_if_labels() -> None:
    """The suppressions' walk over every field reads each unknown field of the manifest under
    the review's own label: many unknowns are read there alone."""
    sense = _sensitivity()
    inert = [u for u in _unknowns() if sense.inert(u)]
    assert inert
    assert len(inert) < len(_unknowns())
    assert any(not sense.inert(u) for u in _unknowns())


def test_an_inert_unknown_asked_with_its_what_ifs_is_not_asked_either() -> None:
    """Trying every value of an inert unknown (the shortcut off) gives no question, and every
    what-if of it keeps the review's scenarios and findings."""
    sense = _sensitivity()
    inert = [u for u in _unknowns() if sense.inert(u)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Sensitivity, "inert", lambda self, unknown: False)
        for u in inert[:25]:
            assert sense.ask(u) is None
            for value in what_ifs(u, sense.system)[:2]:
                review = sense.what_if(dict.fromkeys(u.paths, value))
                assert review.findings is sense.review.findings
                assert [s.key for s in review.scenarios] == [s.key for s in sense.review.scenarios]


def test_an_inert_unknown_costs_nothing_to_schedule() -> None:
    sense = _sensitivity()
    for u in _unknowns():
        assert (sense.cost(u) == 0) == sense.inert(u)


def _some_changes(limit: int = 30) -> list[dict[Any, Any]]:
    sense = _sensitivity()
    out = []
    for u in _unknowns():
        values = what_ifs(u, sense.system)
        if values:
            out.append(dict.fromkeys(u.paths, values[0]))
    return out[:limit]


def test_a_what_if_copy_indexes_its_components_as_a_fresh_system_would() -> None:
    system = _sensitivity().system
    for values in _some_changes():
        variant = with_values(system, values)
        fresh = System(variant.manifest, variant.doc, variant.defaults)
        assert list(variant.components) == list(fresh.components)
        assert all(variant.components[k] is fresh.components[k] for k in fresh.components)


def test_the_index_is_walked_again_when_ids_differ() -> None:
    system = _sensitivity().system
    renamed = system.manifest.features[0].model_copy(update={"id": "renamed_feature"})
    features = [renamed, *system.manifest.features[1:]]
    other = system.manifest.model_copy(update={"features": features})
    assert system._components_of(other) is None
    copy = system.with_manifest(other)
    assert copy.components["renamed_feature"] is renamed
    assert system.manifest.features[0].id not in copy.components


def test_a_rule_scored_again_keeps_the_findings_that_score_as_before() -> None:
    """``_scored`` given the findings of the same hits: one that scores alike is the same
    object; a score that moved makes a new finding."""
    sense = _sensitivity()
    system = sense.system
    results = sense.review.rule_results
    code, result = next(
        (c, r)
        for c, r in sorted(results.items())
        if r.active and not r.suppressed and len(r.hits) == len(r.active)
    )
    rule = next(r for r in every_rule() if r.code == code)
    owners = sense.prior.owners
    assert owners is not None
    checked = (result.hits, frozenset[str]())
    again = runner._scored(rule, checked, system, owners, result.active)
    assert all(a is b for a, b in zip(again.active, result.active, strict=True))
    moved = [replace(f, score=(9, 9, 9)) for f in result.active]  # as if scored otherwise
    fresh = runner._scored(rule, checked, system, owners, moved)
    assert fresh.active == result.active
    assert all(a is not b for a, b in zip(fresh.active, moved, strict=True))
    assert all(a is not b for a, b in zip(fresh.active, result.active, strict=True))
