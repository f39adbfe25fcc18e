"""Properties every plan holds on every incident and example manifest (engine/plan.py,
docs/plans.md): each finding and missing control of the top risk is closed by a step, within a
plan a team reads in one go; the step that removes most of the risk leads and is due this week,
and the schedule follows the order; and the proof reproduces the root's own fault with a pass
criterion bounded in time."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from mlreview.engine.plan import MAX_STEPS, NETS, SLOT_DAYS, Plan, Step, _folded, _root, _schedule
from tests.conftest import EXAMPLES, ROOT, reviewed

INCIDENTS = ROOT / "benchmarks" / "incidents"
MANIFESTS = [*sorted(INCIDENTS.glob("*/system.yaml")), *EXAMPLES]

TIMED = re.compile(
    r"\b(within|by|in under|for)\b[^,:;]{0,40}?"
    r"(\d[\d,.]*\s*(ms|s|min|minutes?|h|hours?|d|days?|weeks?)\b|run \d+|"
    r"\b(second|minute|hour|day|week|year|run time|decision cycle)s?\b)"
)
"""A pass criterion bounded in time: 'within 20 min', 'by 36 h', 'in under a second', 'within
that day', 'by run 3'."""


def _plan(path: Path) -> Plan:
    done = reviewed(path)
    assert done.plan is not None, path
    return done.plan


def _id(path: Path) -> str:
    return path.parent.name


@pytest.mark.parametrize("path", MANIFESTS, ids=_id)
def test_every_finding_and_gap_of_the_top_risk_is_closed_by_a_step(path: Path) -> None:
    done = reviewed(path)
    top, plan = done.scenarios[0], _plan(path)
    listed = {f.rule for f in [*top.findings, *top.gaps]}
    closed = {rule for s in plan.steps for rule in s.closes}
    assert listed <= closed, sorted(listed - closed)
    assert len(plan.steps) <= MAX_STEPS
    changes = [s.change for s in plan.steps]
    assert len(changes) == len(set(changes))
    # A rule is closed by one step, not printed again in a second.
    closes = [rule for s in plan.steps for rule in s.closes]
    assert len(closes) == len(set(closes))


@pytest.mark.parametrize("path", MANIFESTS, ids=_id)
def test_the_step_that_closes_the_cause_leads_then_the_one_that_removes_most(path: Path) -> None:
    done = reviewed(path)
    top, plan = done.scenarios[0], _plan(path)
    first = plan.steps[0]
    assert first.when == "this week"
    causes = {f.rule for f in top.findings if f.role == "cause"}
    closing = any(set(s.closes) & causes for s in plan.steps)
    if closing:
        # The step that closes the top risk's cause leads, whatever the re-runs credit it.
        assert set(first.closes) & causes, first.text
    rest = plan.steps[1:] if closing else plan.steps
    removes = [s.removes or 0 for s in rest]
    if any(removes):
        assert removes[0] == max(removes)
    elif not closing:
        # Nothing measured: the lead is a step against the mechanism itself, not a watcher.
        assert first.move and first.part != "detect"
    slots = list(SLOT_DAYS)
    due = [slots.index(s.when) for s in plan.steps]
    assert due == sorted(due), [s.when for s in plan.steps]
    # Every step whose change removes part of the risk, and every switch, limit and alert
    # (configuration, which shortens harm at once), is due this week.
    for s in plan.steps:
        if s.removes or s.part != "prevent":
            assert s.when == "this week", s.text


@pytest.mark.parametrize("path", MANIFESTS, ids=_id)
def test_every_proof_injects_the_roots_fault_with_a_timed_pass_criterion(path: Path) -> None:
    done = reviewed(path)
    top, plan = done.scenarios[0], _plan(path)
    assert plan.verify.startswith("Prove it: ")
    named = [*top.anchors, *top.components]
    assert any(re.search(rf"\b{re.escape(c)}\b", plan.verify) for c in named), plan.verify
    criteria = plan.verify.partition(": ")[2].partition(": ")[2]
    assert criteria, plan.verify
    assert TIMED.search(criteria), criteria
    assert "within weeks" not in plan.verify


def test_a_proof_deploys_the_change_that_causes_the_load_not_an_outage() -> None:
    plan = _plan(INCIDENTS / "openai-kubernetes-telemetry-2024" / "system.yaml")
    assert "block the API servers" not in plan.verify
    assert "an agent build whose calls to cluster_service_discovery grow" in plan.verify


def test_a_seasonal_proxy_is_proved_over_a_year_not_a_week() -> None:
    plan = _plan(INCIDENTS / "google-flu-trends" / "system.yaml")
    assert plan.verify.startswith("Prove it: replay a year of search_query_logs")
    assert "within 14 d of the step (two of its runs)" in plan.verify


def test_a_slow_market_page_is_due_within_a_quarter_of_the_label_delay() -> None:
    plan = _plan(INCIDENTS / "zillow-offers-2021" / "system.yaml")
    assert "acceptance page must fire within 30 d of the turn" in plan.verify
    assert "a quarter of the 120 d its outcomes take to show" in plan.verify


def test_key_controls_are_due_this_week() -> None:
    tay = _plan(INCIDENTS / "microsoft-tay-2016" / "system.yaml")
    learn = next(s for s in tay.steps if "20 unrelated, established accounts" in s.change)
    assert learn is tay.steps[0] and learn.when == "this week"
    uber = _plan(INCIDENTS / "uber-sydney-surge-2014" / "system.yaml")
    switch = next(s for s in uber.steps if s.change.startswith("Give on-call one switch"))
    assert switch.when == "this week"


def test_a_fix_meets_its_budget_rather_than_moving_it() -> None:
    plan = _plan(INCIDENTS / "doordash-ads-online-offline-2024" / "system.yaml")
    text = " ".join(s.change for s in plan.steps)
    assert "Raise the budget" not in text and "raise the budget" not in text
    assert "still lands within the budget" in text


def test_missing_controls_on_the_top_risks_model_join_its_plan_only_for_wrong_predictions() -> None:
    unity = _plan(INCIDENTS / "unity-audience-pinpointer-2022" / "system.yaml")
    closed = {rule for s in unity.steps for rule in s.closes}
    assert "SKEW003" in closed
    # A persistent holdout is no net: it joins only where the top risk's own findings hold it.
    assert "FEED010" not in closed
    # An outage (capacity) and a late input (a schedule race) need none of them.
    for path in (
        INCIDENTS / "chatgpt-devday-capacity-2023" / "system.yaml",
        ROOT / "examples" / "demand-forecast" / "system.yaml",
    ):
        assert not any(set(s.closes) & set(NETS) for s in _plan(path).steps), path


def _step(part: str, closes: str, *, move: bool = False) -> Step:
    return Step("this week", (f"c{closes}",), f"Do {closes}", (closes,), part=part, move=move)


def test_folding_keeps_every_rule_closed_and_folds_a_fix_into_its_kind() -> None:
    steps = [
        _step("limit", "A", move=True),
        _step("detect", "B", move=True),
        _step("prevent", "C", move=True),
        _step("detect", "D"),
        _step("recover", "E"),
        _step("prevent", "F"),
        _step("detect", "G"),
        _step("limit", "H"),
    ]
    folded = _folded(steps)
    assert len(folded) == MAX_STEPS
    assert sorted(r for s in folded for r in s.closes) == list("ABCDEFGH")
    # The last two rule fixes join the first step of their kind.
    assert folded[0].closes == ("A", "H") and folded[0].change == "Do A. Do H"
    assert folded[1].closes == ("B", "G")


@pytest.mark.parametrize("path", sorted(INCIDENTS.glob("*/system.yaml")), ids=_id)
def test_the_first_step_closes_one_of_the_incidents_causing_rules(path: Path) -> None:
    # The case's root cause, as its case.yaml names it: the first step closes one of its rules
    # (round 12's judges: a canary first leaves features computed twice free to diverge).
    cause_rules = set(yaml.safe_load((path.parent / "case.yaml").read_text())["cause_rules"])
    first = _plan(path).steps[0]
    assert cause_rules & set(first.closes), (first.text, cause_rules)


def test_the_cause_is_closed_by_the_playbooks_removal_before_a_bound_or_a_measured_fix() -> None:
    steps = [
        _step("limit", "CANARY"),
        _step("limit", "GATE", move=True),
        _step("prevent", "ONCE", move=True),
        _step("detect", "WATCH", move=True),
    ]
    steps[0] = replace(steps[0], removes=25)
    # A playbook move that removes the cause, before one that bounds it and before the
    # generic fix the re-runs credit most; a step closing no cause never leads.
    assert _root(steps, {"CANARY", "GATE", "ONCE"}) == 2
    assert _root(steps, {"CANARY", "GATE"}) == 1
    assert _root(steps, {"CANARY"}) == 0
    assert _root(steps, {"OTHER"}) is None
    planned = _schedule(steps, mechanism={1, 2, 3}, root=2)
    # The root leads this week; the measured order follows it, then the cheaper kinds.
    assert [s.closes[0] for s in planned] == ["ONCE", "CANARY", "WATCH", "GATE"]
    assert planned[0].when == "this week"


def test_the_schedule_follows_the_reduction_then_the_cost() -> None:
    steps = [
        _step("detect", "A", move=True),
        _step("prevent", "B", move=True),
        _step("recover", "C", move=True),
        _step("prevent", "D"),
    ]
    steps[1] = replace(steps[1], removes=10)
    planned = _schedule(steps, mechanism={1, 2})
    # The measured reduction first; then the switch against the mechanism before the alert
    # that watches for it; the design change that removes nothing measurable last.
    assert [s.closes[0] for s in planned] == ["B", "C", "A", "D"]
    # The prevention that removes the risk is due this week; one that removes nothing
    # measurable comes after the configuration steps.
    assert [s.when for s in planned] == ["this week"] * 3 + ["within two weeks"]
