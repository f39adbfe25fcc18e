"""Plans as wide as the mechanism needs (issue 15, docs/plans.md): no two steps say the same
action; exploration where the decision hides the outcomes of what it acts on, costed from the
traffic; a weekly mark to market where the system buys and holds with outcomes months away; a
page on a stream the top risk's models read whose lag nobody is alerted on."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlreview.engine.plan import Plan, Step, _action, _deduped
from tests.conftest import EXAMPLES, ROOT, reviewed

INCIDENTS = ROOT / "benchmarks" / "incidents"
MANIFESTS = [*sorted(INCIDENTS.glob("*/system.yaml")), *EXAMPLES]


def _plan(path: Path) -> Plan:
    done = reviewed(path)
    assert done.plan is not None, path
    return done.plan


def _case(name: str) -> Plan:
    return _plan(INCIDENTS / name / "system.yaml")


def _step(plan: Plan, words: str) -> Step:
    found = [s for s in plan.steps if words in s.change]
    assert len(found) == 1, [s.change for s in plan.steps]
    return found[0]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_no_rule_fix_says_what_another_step_says(path: Path) -> None:
    steps = _plan(path).steps
    for i, a in enumerate(steps):
        for b in steps[i + 1 :]:
            assert (a.move and b.move) or _action(a) != _action(b), (a.change, b.change)


def test_doordash_refreshes_once_closing_both_freshness_findings() -> None:
    plan = _case("doordash-ads-online-offline-2024")
    refresh = [s for s in plan.steps if s.change.startswith("Refresh")]
    assert len(refresh) == 1
    assert {"DATA009", "SKEW014"} <= set(refresh[0].closes)
    # The alert and the limit (DATA009's, due this week) is kept over the design change.
    assert "still lands within the budget" in refresh[0].change


def test_a_playbook_step_is_kept_over_a_rule_fix_that_says_the_same() -> None:
    move = Step(
        "this week", ("m",), "Page when the share served at the default triples", (), move=True
    )
    fix = Step("this week", ("m",), "Page on the default rate", ("DATA004", "DATA002"))
    other = Step("this week", ("n",), "Page on the default rate", ("DATA004",))
    kept = _deduped([fix, move, other])
    assert [s.change for s in kept] == [move.change, other.change]
    assert kept[0].closes == ("DATA004", "DATA002") and kept[0].move


def test_two_playbook_steps_with_the_same_verb_are_both_kept() -> None:
    a = Step("this week", ("m",), "Page when error passes validation", (), move=True)
    b = Step("this week", ("m",), "Page when the short window departs", (), move=True)
    assert _deduped([a, b]) == [a, b]


def test_instacart_explores_what_the_flag_hides_at_a_cost_from_its_traffic() -> None:
    plan = _case("instacart-availability-2020")
    step = _step(plan, "withhold its action")
    assert "the item was ordered and a shopper looked for it" in step.change
    assert "inverse-propensity weights" in step.change
    # share x declared daily predictions: 0.01 x 9,600,000,000.
    assert step.cost is not None and "0.01 x 9,600,000,000 = 96,000,000" in step.cost
    assert {"FEED001", "FEED004"} <= set(step.closes)
    changes = dict(step.enact)
    assert changes[("feedback", 0, "exploration", "enabled")] is True
    assert changes[("feedback", 0, "exploration", "fraction")] == 0.01


@pytest.mark.parametrize(
    "name",
    ["stripe-fraud-selective-labels", "amazon-repricing-fly-book-2011", "zillow-offers-2021"],
)
def test_no_second_exploration_step_where_the_plan_has_its_own_or_prices(name: str) -> None:
    assert not [s for s in _case(name).steps if "withhold its action" in s.change]


def test_zillow_marks_its_homes_to_market_weekly_with_a_stop() -> None:
    step = _step(_case("zillow-offers-2021"), "Mark what it holds to market every week")
    assert "each home bought and not yet sold" in step.change
    assert "passes 2% of what was paid" in step.change and "stop buying there at 4%" in step.change
    assert "120 d (median)" in step.change


@pytest.mark.parametrize("name", ["amazon-repricing-fly-book-2011", "uber-sydney-surge-2014"])
def test_a_seller_has_no_mark_to_market(name: str) -> None:
    assert not [s for s in _case(name).steps if "to market" in s.change]


def test_doordash_pages_on_the_flink_lag_at_the_features_budget() -> None:
    step = _step(_case("doordash-ads-online-offline-2024"), "consumer lag passes")
    assert step.components == ("realtime_features",)
    assert "passes 5 min (the freshness budget of realtime_session_features" in step.change
    assert "DATA016" in step.closes
    assert dict(step.enact) == {("pipelines", 2, "alerts", "consumer_lag"): "alert"}
