"""The mechanisms that size the top risk, worked with their formula and inputs: adverse
selection where outcomes are seen only on offers the counterparty accepted, and a trend carried
forward over the time until the outcome is realised (areas/playbooks/mechanisms.py,
docs/risk-model.md)."""

from __future__ import annotations

import json
import math

import pytest

from mlreview.api import loads, review
from mlreview.areas.domain import domain_of
from mlreview.engine.result import Review
from mlreview.quant.selection import HALF_NORMAL, accepted_overpayment, compounded
from mlreview.report.formats import render
from mlreview.report.review_document import review_printable

MANIFEST = """\
version: 1
system:
  name: vehicle-buying
  owner: team
  criticality: high
  decision:
    type: regression
    automated_action: true
    action: make a purchase offer for the vehicle
sources:
  - id: auctions
    kind: batch_table
    owner: team
features:
  - id: recent_sales
    sources: [auctions]
    importance_rank: 1
  - id: regional_index
    sources: [auctions]
    importance_rank: 2
TREND
models:
  - id: value_model
    features: [recent_sales, regional_index]
SD
endpoints:
  - id: offers
    model: value_model
    mode: online
feedback:
  - id: resales
    model: value_model
    label:
      kind: outcome
      delay: {p50: 60d, p95: 90d}
      observed_only_when: WHEN
monitoring:
  action_limits: false
"""


def _review(
    when: str = "the owner accepted the offer and the vehicle resold",
    trend: str = "",
    sd: str = "",
) -> Review:
    text = (
        MANIFEST.replace("WHEN", when)
        .replace("TREND", f"    trend: {trend}" if trend else "")
        .replace("SD", f"    validation_error_sd: {sd}" if sd else "")
    )
    return review(loads(text), questions=False)


def _texts(done: Review) -> dict[str, str]:
    return {m.key: m.text for m in done.mechanisms}


def _plan(done: Review) -> str:
    assert done.plan is not None
    return "\n".join(s.change for s in done.plan.steps)


def test_the_mean_error_of_accepted_over_estimates_is_sd_times_root_two_over_pi() -> None:
    assert abs(HALF_NORMAL - 0.7979) < 1e-4
    assert accepted_overpayment(0.05) == pytest.approx(0.0399, abs=1e-4)
    # E[e | e > 0] of a normal error, by quadrature: the formula's premise.
    n, sd = 20000, 0.05
    dx = 10 * sd / n
    density = [
        math.exp(-0.5 * (i * dx / sd) ** 2) / (sd * math.sqrt(2 * math.pi)) for i in range(n)
    ]
    mean = sum(i * dx * p * dx for i, p in enumerate(density)) / (sum(density) * dx)
    assert accepted_overpayment(sd) == pytest.approx(mean, rel=1e-3)
    with pytest.raises(ValueError):
        accepted_overpayment(-0.1)


def test_a_trend_carried_over_the_horizon_compounds() -> None:
    assert compounded(0.015, 4) == pytest.approx(0.0614, abs=1e-4)
    assert compounded(0.015, 8) == pytest.approx(0.1265, abs=1e-4)
    assert compounded(0.0, 12) == 0.0
    with pytest.raises(ValueError):
        compounded(-1.0, 1)


def test_outcomes_seen_only_on_accepted_offers_print_the_winners_curse_with_an_assumed_sd() -> None:
    done = _review()
    text = _texts(done)["adverse-selection"]
    assert "seen only when the owner accepted the offer" in text
    assert "owners accept more readily" in text
    assert "5% x 0.798 = 4.0%" in text
    # Not stated: labelled assumed and asked for, with the field that settles it.
    assert "sd assumed 5%" in text and "Set models[value_model].validation_error_sd" in text
    assert "add it to the margin of every offer (4.0% at an error sd of 5%)" in _plan(done)
    # On the opening screen, in the top risk's box.
    assert "5% x 0.798 = 4.0%" in render(review_printable(done), "terminal")


def test_a_declared_validation_error_is_used_and_not_asked_for() -> None:
    text = _texts(_review(sd="0.08"))["adverse-selection"]
    assert "8% x 0.798 = 6.4%" in text
    assert "declared in models[value_model].validation_error_sd" in text
    assert "assumed" not in text and "?" not in text


@pytest.mark.parametrize(
    "when", ["the item was in stock", "the charge was not blocked", "the loan was approved"]
)
def test_no_winners_curse_where_the_model_chooses_what_is_seen(when: str) -> None:
    done = _review(when=when)
    assert "adverse-selection" not in _texts(done)
    assert "overpayment" not in _plan(done)


def test_no_winners_curse_where_the_decision_is_not_an_amount() -> None:
    text = MANIFEST.replace("type: regression", "type: classification").replace(
        "make a purchase offer for the vehicle", "flag the listing for review"
    )
    text = text.replace("WHEN", "the owner accepted the offer").replace("TREND", "")
    done = review(loads(text.replace("SD", "")), questions=False)
    assert "adverse-selection" not in _texts(done)


def test_an_extrapolated_trend_compounds_over_the_label_delay_at_an_assumed_rate() -> None:
    done = _review(trend="{extrapolated: true}")
    text = _texts(done)["trend-extrapolation"]
    # 60 d and 90 d are 2 and 3 periods of 30 d.
    assert "1.01^2 - 1 = 2.0% at the median and 1.01^3 - 1 = 3.0% at p95" in text
    assert "r assumed 1% per 30 d" in text and "Set features[regional_index].trend.rate" in text
    assert "costs 1.0% (1.01^1 - 1), not 2.0%" in _plan(done)


def test_a_declared_trend_rate_and_period_are_used_and_not_asked_for() -> None:
    text = _texts(_review(trend="{rate: 0.015, per: 15d}"))["trend-extrapolation"]
    # 60 d is 4 periods of 15 d, 90 d is 6.
    assert "1.015^4 - 1 = 6.1% at the median and 1.015^6 - 1 = 9.3% at p95" in text
    assert "declared in features[regional_index].trend.rate" in text
    assert "assumed" not in text


def test_no_trend_mechanism_without_a_declared_trend() -> None:
    assert "trend-extrapolation" not in _texts(_review())
    assert "trend-extrapolation" not in _texts(_review(trend="{extrapolated: false}"))


def test_a_trend_with_no_declared_horizon_asks_for_it() -> None:
    text = MANIFEST.replace("WHEN", "the owner accepted the offer").replace(
        "      delay: {p50: 60d, p95: 90d}\n", ""
    )
    text = text.replace("TREND", "    trend: {extrapolated: true}").replace("SD", "")
    done = review(loads(text), questions=False)
    mechanism = {m.key: m for m in done.mechanisms}["trend-extrapolation"]
    assert "(1 + r)^n - 1 after n periods of 30 d, 1.01^1 - 1 = 1.0% after the first" in (
        mechanism.text
    )
    assert "How long after the prediction is its outcome realised?" in mechanism.text
    assert "Set feedback[resales].label.delay.p50" in mechanism.text


def test_an_offer_is_a_price_decision() -> None:
    text = MANIFEST.replace("WHEN", "the owner accepted the offer").replace("TREND", "")
    assert domain_of(loads(text.replace("SD", ""))).name == "price"


def test_the_acceptance_page_names_who_accepts_in_the_systems_words() -> None:
    done = _review()
    plan = _plan(done)
    assert "when the share of its offers that owners accept passes 1.5 times" in plan
    assert "moved in the owners' favour" in plan
    # No template listing every domain's words.
    assert "an offer accepted, a price paid" not in plan and "taken up" not in plan
    assert done.plan is not None and "the acceptance page must fire" in done.plan.verify


def test_a_price_with_no_acceptance_in_its_labels_pages_on_conversion() -> None:
    text = MANIFEST.replace("make a purchase offer for the vehicle", "set the price of the policy")
    text = text.replace("      observed_only_when: WHEN\n", "").replace("TREND", "")
    done = review(loads(text.replace("SD", "")), questions=False)
    assert not done.mechanisms
    plan = _plan(done)
    assert "when the share of its prices that convert passes 1.5 times" in plan
    assert "moved in the customers' favour" in plan
    assert done.plan is not None and "the conversion page must fire" in done.plan.verify


def test_a_risk_on_the_whole_system_is_sized_on_every_model() -> None:
    # A draft from prose often declares no endpoint: the runaway's findings name 'system'.
    text = MANIFEST.replace(
        "endpoints:\n  - id: offers\n    model: value_model\n    mode: online\n", ""
    )
    text = text.replace("WHEN", "the owner accepted the offer").replace("TREND", "")
    done = review(loads(text.replace("SD", "")), questions=False)
    assert "system" in done.scenarios[0].components
    assert "5% x 0.798 = 4.0%" in _texts(done)["adverse-selection"]


def test_the_json_top_risk_carries_the_mechanisms() -> None:
    done = _review(trend="{extrapolated: true}")
    data = json.loads(render(review_printable(done), "json"))
    found = {m["key"]: m for m in data["top_risk"]["mechanisms"]}
    assert set(found) == {"adverse-selection", "trend-extrapolation"}
    assert "5% x 0.798 = 4.0%" in found["adverse-selection"]["text"]
    assert found["trend-extrapolation"]["components"] == ["value_model", "regional_index"]
