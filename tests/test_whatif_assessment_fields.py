"""A rule notes which fields of its area's assessment it reads (``runner._Fields``), and a
what-if whose assessment comes out changed keeps the rules that read none of the fields that
differ: their findings must be those of a whole review of the changed manifest."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest

from mlreview.areas.registry import SERVING
from mlreview.engine import runner
from mlreview.engine.result import RuleResult
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.engine.whatif.variants import with_values
from mlreview.system.loader import load_text
from mlreview.system.paths import Path as FieldPath


@cache
def _sensitivity() -> Sensitivity:
    return Sensitivity(load_text(manifest(60, 10, 6), "gen60.yaml"))


@dataclass
class _Rows:
    rows: list[int]
    other: int

    def first(self) -> int:
        return self.rows[0]

    @property
    def last(self) -> int:
        return self.rows[-1]


def test_a_rules_view_notes_the_fields_its_methods_and_properties_read() -> None:
    view = runner._Fields(_Rows([1, 2], 3))
    assert view.first() == 1 and view.last == 2
    assert view.read == {"rows"}
    assert view.other == 3 and view.read == {"rows", "other"}
    assert view.__class__ is runner._Fields  # found without __getattr__: not a read
    assert view.read == {"rows", "other"}
    _ = view.__dict__  # neither a field nor a method of the class: the whole is read
    assert runner.WHOLE in view.read


def test_the_serving_rules_read_the_endpoint_rows_alone() -> None:
    results = _sensitivity().review.rule_results
    serving = [r for code, r in results.items() if code.startswith("SCALE") and r.read_assessment]
    assert serving
    assert {r.assessment_reads for r in serving} == {frozenset({"endpoints"})}
    unread = [r for r in results.values() if not r.read_assessment]
    assert unread and all(r.assessment_reads == frozenset() for r in unread)


def _kept_by_field() -> list[dict[FieldPath, Any]]:
    """What-ifs in which a rule that read its changed assessment was kept: none of the fields
    it read came out otherwise."""
    sense = _sensitivity()
    found = []
    spied = runner._reads_none
    for u in unknowns(sense.system, sense.log):
        for v in what_ifs(u, sense.system):
            values = dict.fromkeys(u.paths, v)
            kept: list[bool] = []

            def spy(result: RuleResult, differ: frozenset[str]) -> bool:
                out = spied(result, differ)
                kept.append(out and result.read_assessment)  # noqa: B023 (called in the loop)
                return out

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(runner, "_reads_none", spy)
                sense.what_if(values)
            if any(kept):
                found.append(values)
    return found


def test_a_rule_kept_though_its_assessment_changed_finds_as_a_whole_review() -> None:
    sense = _sensitivity()
    changes = _kept_by_field()
    assert changes
    for values in changes[:12]:
        fast = sense.what_if(values)
        whole = runner.run(with_values(sense.system, values), plan=False)
        assert fast.findings == whole.findings, values
        assert fast.assessment(SERVING) == whole.assessment(SERVING)
