"""A loop through other systems compounds: k x c a round (areas/loop_gain.py), in the top risk's
words and in the plan's loop detector, from declared factors or labelled assumed ones."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic import ValidationError

from mlreview.api import review
from mlreview.areas.loop_gain import ASSUMED_OURS, ASSUMED_THEIRS, compounds, loop_gain
from mlreview.system.loader import load, load_text
from mlreview.system.manifest import LoopFactors
from tests.conftest import ROOT

REPRICER = ROOT / "benchmarks" / "incidents" / "amazon-repricing-fly-book-2011" / "system.yaml"
LOOP_LINE = "    feeds_back_through: [competitor-repricers]\n"


def _with_factors(ours: float, theirs: float) -> str:
    text = REPRICER.read_text(encoding="utf-8")
    assert LOOP_LINE in text
    return text.replace(LOOP_LINE, f"{LOOP_LINE}    factors: {{ours: {ours}, theirs: {theirs}}}\n")


def test_declared_factors_give_the_compounding_with_its_inputs() -> None:
    system = load_text(_with_factors(1.270589, 0.9983))
    gain = loop_gain(system)
    assert gain is not None and gain.declared
    assert gain.gain == pytest.approx(1.270589 * 0.9983)
    rounds = math.log(10) / math.log(1.270589 * 0.9983)
    assert f"{rounds:.2g}" == "9.7"
    assert gain.working() == (
        "k x c = 1.270589 x 0.9983 = 1.268 a round (declared), so after n rounds it is "
        "(k x c)^n times where it started: x10 in ln 10 / ln 1.268 = 9.7 rounds"
    )
    # 26.8% a round is above the 10% limit: the limit binds on the first round.
    assert "26.8% a round (k x c - 1), above the 10% limit" in gain.limit_working()
    assert "ln 3 / ln 1.268 = 4.6 rounds" in gain.limit_working()


def test_undeclared_factors_are_assumed_and_name_the_field() -> None:
    gain = loop_gain(load(REPRICER))
    assert gain is not None and not gain.declared
    assert (gain.ours, gain.theirs) == (ASSUMED_OURS, ASSUMED_THEIRS)
    text = gain.working()
    assert "k x c = 1.1 x 0.99 = 1.089 a round (both assumed: set feedback.sales.factors" in text
    assert f"ln 10 / ln 1.089 = {math.log(10) / math.log(1.089):.2g} rounds" in text
    # 8.9% a round passes under a 10% daily limit: only the band and the detector stop it.
    assert "8.9% a round (k x c - 1), under the 10% limit" in gain.limit_working()


def test_a_loop_below_one_falls_and_has_no_ceiling_working() -> None:
    gain = loop_gain(load_text(_with_factors(1.05, 0.9)))
    assert gain is not None
    assert "falls towards zero: halved in ln 2 / -ln 0.945 =" in gain.working()
    assert gain.limit_working() == ""


def test_factors_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        LoopFactors(ours=0.0)


def test_the_top_risk_names_the_compounding_not_a_drifted_input(tmp_path: Path) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(_with_factors(1.270589, 0.9983), encoding="utf-8")
    top = review(load(path)).top_risk
    assert top is not None
    assert top.title == "repricing_run acts with no cap on a loop that compounds its actions"
    assert "drifted input" not in top.effect
    assert "k x c = 1.270589 x 0.9983 = 1.268 a round (declared)" in top.effect
    assert "nothing watching what it sets" in top.effect
    # What starts it is the loop closing, not a drift of its inputs.
    assert "drift of its inputs" not in " ".join(top.risk.working)
    assert "peer system that starts answering its actions in kind" in " ".join(top.risk.working)


def test_the_plan_detects_the_loop_with_thresholds_from_its_gain(tmp_path: Path) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(_with_factors(1.270589, 0.9983), encoding="utf-8")
    plan = review(load(path)).plan
    assert plan is not None
    detector = [s for s in plan.steps if s.change.startswith("Detect the loop itself")]
    assert len(detector) == 1
    assert "moved the same way for 3 runs in a row" in detector[0].change
    assert "above the 10% limit, so the limit binds on its first round" in detector[0].change
    assert "a ceiling at 3 times the median price it actually sold at" in plan.steps[0].change
    assert "the loop detector must hold every such item by run 3" in plan.verify


def test_a_system_with_no_loop_through_others_has_no_gain() -> None:
    system = load(ROOT / "benchmarks" / "incidents" / "uber-sydney-surge-2014" / "system.yaml")
    assert loop_gain(system) is None


def test_a_loop_that_does_not_answer_in_kind_keeps_its_words() -> None:
    # A forecast feeding orders through replenishment is no price following a price, and
    # declares no factors: no assumed k x c is printed and the occurrence stays a drift.
    system = load(ROOT / "examples" / "demand-forecast" / "system.yaml")
    assert loop_gain(system) is not None and compounds(system) is None
    done = review(system)
    looped = [s for s in done.scenarios if "FEED005" in {f.rule for f in s.findings}]
    assert looped and looped[0].title.endswith("a loop that feeds its actions back to it")
    assert "k x c" not in looped[0].effect


def test_declared_factors_make_any_loop_compound() -> None:
    path = ROOT / "examples" / "demand-forecast" / "system.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines(keepends=True) if "feeds_back_through" in x)
    indent = line[: len(line) - len(line.lstrip())]
    system = load_text(text.replace(line, f"{line}{indent}factors: {{ours: 1.2}}\n"))
    gain = compounds(system)
    assert gain is not None and gain.ours_declared and not gain.theirs_declared
    assert "(assumed: set feedback." in gain.working() and ".factors.theirs)" in gain.working()
