"""Risk scenarios: merging, detectability from declared controls, ranking, and the plan."""

from __future__ import annotations

from mlreview.areas.findings import Finding, Severity
from mlreview.engine.scenarios import FAMILIES, PLAN_PARTS, Scenario, build, why_first
from mlreview.system.loader import load_text

SYSTEM = load_text("version: 1\nsystem: {name: s}\nsources: [{id: a, kind: stream}]\n", "s.yaml")


def finding(
    rule: str, scenario: str, score: tuple[int, int, int], *, detected: bool = False
) -> Finding:
    return Finding(
        rule=rule,
        name=rule.lower(),
        area="skew",
        severity=Severity.HIGH,
        components=("a",),
        message="m",
        fix="fix it",
        file="s.yaml",
        line=1,
        mitigation="prevent",
        scenario=scenario,
        score=score,
        detected_by=("monitoring.x",) if detected else (),
    )


def test_findings_with_one_root_cause_merge() -> None:
    scenarios = build([finding("A1", "skew", (7, 5, 9)), finding("A2", "skew", (5, 8, 9))], SYSTEM)
    assert len(scenarios) == 1
    s = scenarios[0]
    assert (s.severity, s.likelihood, s.detectability) == (7, 8, 9)
    assert s.rules == ["A1", "A2"]


def test_only_a_declared_monitor_lowers_detectability() -> None:
    loud = [finding("A1", "skew", (7, 5, 9)), finding("A2", "skew", (5, 5, 6))]
    assert build(loud, SYSTEM)[0].detectability == 9
    watched = [finding("A1", "skew", (7, 5, 9)), finding("A2", "skew", (5, 5, 2), detected=True)]
    assert build(watched, SYSTEM)[0].detectability == 2


def test_severe_and_silent_ranks_above_a_higher_score() -> None:
    silent = finding("A1", "skew", (9, 3, 9))
    frequent = finding("B1", "capacity", (8, 10, 8))
    top, runner = build([frequent, silent], SYSTEM)
    assert top.key == "skew" and top.rpn < runner.rpn
    assert "severe and silent" in why_first(top, runner)


def test_ties_break_by_blast_radius_then_key() -> None:
    a = Scenario("b-key", "B", "e", [], 5, 5, 5, blast_radius=3, components=[])
    b = Scenario("a-key", "A", "e", [], 5, 5, 5, blast_radius=7, components=[])
    c = Scenario("c-key", "C", "e", [], 5, 5, 5, blast_radius=7, components=[])
    assert [s.key for s in sorted([a, c, b], key=Scenario.rank_key)] == ["a-key", "c-key", "b-key"]


def test_every_family_has_a_four_part_plan() -> None:
    for key, family in FAMILIES.items():
        if key != "review-hygiene":
            assert set(family.plan) == set(PLAN_PARTS), key


def test_anchor_names_the_component() -> None:
    (s,) = build([finding("D1", "source-outage:a", (8, 5, 9))], SYSTEM)
    assert s.title == "Source a fails and predictions degrade silently"
    (t,) = build([finding("D2", "source-outage", (8, 5, 9))], SYSTEM)
    assert t.title == "A source fails and bad inputs reach the model unnoticed"
