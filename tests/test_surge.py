"""A price raised to draw supply (system.decision.draws_supply) with no cap: the top risk says
what an emergency does to it, and the plan holds it at its default when supply does not answer
(areas/domain.py, areas/playbooks/automation.py)."""

from __future__ import annotations

from mlreview.api import review
from mlreview.areas.playbooks.base import _page_window
from mlreview.document.cells import duration
from mlreview.system.loader import load_text
from tests.conftest import ROOT

SURGE = ROOT / "benchmarks" / "incidents" / "uber-sydney-surge-2014" / "system.yaml"
DRAWS = "    draws_supply: true"
OVERRIDE = "  emergency_override: false"


def _manifest(*, draws: bool = True, override: bool = True) -> str:
    lines = SURGE.read_text(encoding="utf-8").splitlines(keepends=True)
    assert any(x.startswith(DRAWS) for x in lines) and any(x.startswith(OVERRIDE) for x in lines)
    dropped = ([DRAWS] if not draws else []) + ([OVERRIDE] if not override else [])
    return "".join(x for x in lines if not any(x.startswith(d) for d in dropped))


def test_the_top_risk_is_a_shock_supply_cannot_answer() -> None:
    top = review(load_text(_manifest())).top_risk
    assert top is not None
    assert top.title == (
        "pricing_service raises prices with no cap and no emergency switch when supply cannot "
        "respond"
    )
    assert "to draw supply in and ration demand" in top.effect
    assert "a higher price draws no one and only prices people out" in top.effect
    assert "no switch for a declared emergency" in top.effect
    working = " ".join(top.risk.working)
    assert "demand shock its supply cannot answer" in working
    assert "drift of its inputs" not in working


def test_the_plan_holds_a_segment_at_its_default_when_supply_does_not_rise() -> None:
    done = review(load_text(_manifest()))
    assert done.plan is not None
    window = duration(_page_window(20 * 60.0))  # completed_trips' median label delay
    hold = [s for s in done.plan.steps if s.change.startswith("Hold it at")]
    assert len(hold) == 1
    assert hold[0].change.startswith("Hold it at its declared default action in a segment")
    assert (
        "passes 5 times its level for that hour and weekday and supply does not rise within "
        f"{window}" in hold[0].change
    )
    assert "hold every segment a declared emergency covers at once" in hold[0].change
    assert f"held at the fallback within {window} with no one acting" in done.plan.verify


def test_a_switch_not_declared_missing_is_not_named_missing() -> None:
    top = review(load_text(_manifest(override=False))).top_risk
    assert top is not None
    assert top.title == "pricing_service raises prices with no cap when supply cannot respond"
    assert "no switch" not in top.effect


def test_a_price_not_meant_to_draw_supply_keeps_the_price_words() -> None:
    done = review(load_text(_manifest(draws=False)))
    top = done.top_risk
    assert top is not None
    assert top.title == "pricing_service sets prices with no cap on how far or how fast they move"
    assert done.plan is not None
    assert not any(s.change.startswith("Hold it at") for s in done.plan.steps)
