"""The feedback assessment: the loop as declared and the loop to build, with sized holdouts."""

from __future__ import annotations

import pytest

from mlreview.api import loads, review
from mlreview.areas.domain import domain_of, family_for
from mlreview.areas.registry import FEEDBACK
from mlreview.engine.runner import run
from mlreview.report.formats import RenderOptions, render
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load
from tests.conftest import EXAMPLES, ROOT, reviewed
from tests.rules.test_rule_cases import manifest_text

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"


def test_contract_keys_for_the_primary_loop() -> None:
    a = reviewed(FRAUD).assessment(FEEDBACK).to_dict()
    assert a["loop_type"] == "direct"
    assert a["effective_staleness_days"] == 91
    assert a["label_coverage"] is None
    assert set(a["holdout"]) >= {"fraction", "days_to_detect", "min_detectable_effect"}
    assert a["holdout"]["fraction"] == 0.001
    assert a["holdout"]["days_to_detect"] == pytest.approx(96.5, abs=0.1)
    design = a["design"]
    assert design["join_key"] == "prediction_id"
    assert design["maturity_window_days"] == 90
    assert any("txn_count_1h" in field for field in design["log_at_serving"])
    assert "propensity (probability of the action taken)" in design["log_at_serving"]
    assert design["exploration"]["how"].startswith("let through")


def test_maturity_from_median_delay_assumes_exponential_tail() -> None:
    text = manifest_text(
        {"feedback": [{"id": "outcomes", "label": {"delay": {"p95": "__delete__"}}}]}
    )
    text = text.replace("p95: __delete__\n", "")
    design = review(loads(text)).assessment(FEEDBACK).design
    assert design is not None
    assert design.maturity_window_days == 9 / 24  # 4.32 x 2 h = 8.6 h, rounded up to 9 h
    assert "exponential" in design.maturity_basis


def test_unsized_holdout_says_what_is_missing() -> None:
    holdout = review(loads(manifest_text({}))).assessment(FEEDBACK).holdout
    assert holdout is not None and holdout.fraction is None
    assert holdout.basis == ["cannot size without label.base_rate"]


def test_design_without_any_loop() -> None:
    a = review(loads(manifest_text({"feedback": []}))).assessment(FEEDBACK)
    assert a.loop_type == "none"
    assert a.design is not None and a.design.model == "m1"
    assert a.diagram is not None and a.diagram.as_is == []


def test_loops_drawn_in_markdown_and_html() -> None:
    done = reviewed(FRAUD)
    md = done.render("markdown")
    assert md.count("```mermaid") == 3  # lineage, loop as declared, loop to build
    assert "s00 -.->" not in md and "-.-> s00" in md
    html = done.render("html")
    assert "The loop to build" in html and html.count("<svg") >= 4
    assert "hold out 0.1% of traffic" in html


def test_rules_quote_the_designed_holdout_once() -> None:
    """The holdout's sizing is the holdout rule's fix; the exploration rules ask for the same
    share and do not repeat it."""
    done = reviewed(FRAUD)
    fixes = {f.rule: f.fix for f in done.findings if f.rule in ("FEED001", "FEED004", "FEED010")}
    assert "a 0.1% random holdout detects a 20% change in 96.5 days" in fixes["FEED010"]
    assert "detects a" not in fixes["FEED001"]
    assert "0.1%" in fixes["FEED001"] and "For 0.1% of decisions" in fixes["FEED004"]


def test_a_forecast_and_replenish_system_meets_selective_labels_as_censored_demand() -> None:
    """Stock-outs truncate the sales that are demand-forecast's labels: the title, the verdict,
    the fix and the proof say so, and nothing from a block/approve system is offered."""
    path = ROOT / "examples" / "demand-forecast" / "system.yaml"
    done = reviewed(path)
    loop = next(s for s in done.scenarios if s.family == "selective-labels")
    assert loop.title == "realised_sales records sales, not demand: stock-outs censor the labels"
    assert "undercount demand" in loop.effect
    assert "stock-out days flagged as censored" in loop.verify
    fix = next(f.fix for f in done.findings if f.rule == "FEED001")
    assert "censored" in fix and "inverse-propensity" not in fix
    out = " ".join(
        render(review_printable(done), "terminal", RenderOptions(width=400, full=True)).split()
    )
    assert "censored by stock-outs" in out
    for other in ("let the case through", "let through or show at random", "catalogue coverage"):
        assert other not in out, other
    # A fraud system keeps the block/approve wording.
    fraud = load(ROOT / "examples" / "card-fraud" / "system.yaml")
    assert family_for("selective-labels", fraud).title.endswith(
        "records outcomes only where the model allowed them"
    )


def test_the_first_decision_word_names_the_domain_and_the_share_is_said_once() -> None:
    # 'approve or decline a credit application': approve comes first, though 'decline' blocks.
    done = run(load(ROOT / "examples" / "credit-scoring" / "system.yaml"))
    fixes = [f.fix for f in done.findings if f.rule in ("FEED001", "FEED004")]
    assert fixes and all("approve would-be declines at random" in fix for fix in fixes)
    assert not any("block" in fix or "merchant" in fix for fix in fixes)
    for example in EXAMPLES:
        for f in run(load(example)).findings:
            if f.fix.startswith("For "):
                assert "random share" not in f.fix and "small share" not in f.fix, f.fix


def test_a_forecast_that_orders_nothing_is_not_offered_stock_or_sales_wording() -> None:
    """Flu Trends publishes an estimate: it has no stock to censor its labels and no sales."""
    path = ROOT / "benchmarks" / "incidents" / "google-flu-trends" / "system.yaml"
    system = load(path)
    decision = system.manifest.system.decision
    assert decision is not None and decision.type == "forecast" and not decision.action
    assert domain_of(system).name != "forecast and replenish"
    out = render(review_printable(reviewed(path)), "terminal", RenderOptions(width=400, full=True))
    for word in ("next-day sales", "stock-out", "replenish"):
        assert word not in out, word


def _fraud_verdict(old: str, new: str) -> str:
    text = FRAUD.read_text(encoding="utf-8")
    assert old in text
    return run(loads(text.replace(old, new), str(FRAUD))).areas[FEEDBACK.key].verdict


@pytest.mark.parametrize(
    ("delay", "words"),
    [
        ("delay: {p50: 30d, p95: 90d}", "(median, p95 90 d)"),
        ("delay: {p50: 30d, p95: 90d}  # inferred", "(median, p95 90 d, both marked inferred)"),
        (
            "delay:\n        p50: 30d  # inferred: no median given\n        p95: 90d",
            "(median, marked inferred; p95 90 d)",
        ),
        (
            "delay:\n        p50: 30d\n        p95: 90d  # assumed",
            "(median; p95 90 d, marked inferred)",
        ),
    ],
)
def test_the_verdict_says_which_label_delay_the_manifest_marks_inferred(
    delay: str, words: str
) -> None:
    """A delay the manifest marks inferred is not quoted as if the prose gave it."""
    verdict = _fraud_verdict("delay: {p50: 30d, p95: 90d}", delay)
    assert f"arrive 30 d after the prediction {words}" in verdict
