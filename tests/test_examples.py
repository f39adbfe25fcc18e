"""Each example's review finds what its note says, in all five parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mlreview.areas.playbooks.signals import CARRIES
from mlreview.areas.registry import FEEDBACK, PIPELINE, SERVING
from mlreview.engine.plan import NETS
from mlreview.report.formats import RenderOptions
from tests.conftest import EXAMPLES, render, reviewed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_review_matches_its_note(example: Path) -> None:
    expected = yaml.safe_load((example.parent / "expected.yaml").read_text(encoding="utf-8"))
    done = reviewed(example)
    assert done.top_risk is not None
    assert done.top_risk.title == expected["top_risk"]
    assert done.runner_up is not None
    assert done.runner_up.title in expected["runner_up_among"]
    by_rule: dict[str, set[str]] = {}
    for f in done.findings:
        by_rule.setdefault(f.rule, set()).update(f.components)
    for code, components in expected["must_find"].items():
        assert code in by_rule, f"{code} missing"
        assert set(components) <= by_rule[code], (code, by_rule[code])
    for code in expected["must_not_find"]:
        assert code not in by_rule, code
    rows = done.assessment(SERVING).endpoints
    verdicts = [r.holds_target for r in rows if r.holds_target is not None]
    holds = all(verdicts) if verdicts else None
    assert holds == expected["serving_holds_growth"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_area_has_findings_and_a_numeric_summary(example: Path) -> None:
    done = reviewed(example)
    assert set(done.areas) == {"skew", "pipeline", "serving", "feedback"}
    for area in done.areas.values():
        assert area.findings, area.key
        assert any(ch.isdigit() for ch in area.summary)
    assert done.top_risk is not None and done.plan is not None
    # A step closes the top risk's findings, or a missing control the review lists on its
    # models (NETS: a holdout, a served-feature log, a previous version), or a finding on its
    # components whose fix a step carries out (CARRIES: exploration, a lag page).
    top_rules = {f.rule for f in done.top_risk.all_findings} | set(NETS) | CARRIES
    assert done.plan.steps and done.plan.verify
    assert all(set(step.closes) <= top_rules for step in done.plan.steps)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_finding_names_a_component_and_a_line(example: Path) -> None:
    done = reviewed(example)
    lines = example.read_text(encoding="utf-8").splitlines()
    for f in done.findings:
        assert f.components
        assert 1 <= f.line <= len(lines)
        named = [c for c in f.components if c in f.message or c in ("monitoring", "system")]
        assert named or any(ch.isdigit() for ch in f.message), f.message


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_pipeline_consequences(example: Path) -> None:
    expected = yaml.safe_load((example.parent / "expected.yaml").read_text(encoding="utf-8"))
    want = expected["pipeline"]
    done = reviewed(example)
    a = done.assessment(PIPELINE)
    assert a.single_points_of_failure == want["single_points_of_failure"]
    meets = {row.endpoint: row.meets_slo for row in a.availability}
    assert meets == {k: v["meets_slo"] for k, v in want["availability"].items()}
    rows = {r.component: r for r in a.failure_modes}
    for component, fields in want["failure_modes"].items():
        for key, value in fields.items():
            got = getattr(rows[component], key)
            assert got == value, (component, key, got)
    rules = {f.rule for f in done.findings}
    assert set(want["must_find_more"]) <= rules


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_feedback_design(example: Path) -> None:
    want = yaml.safe_load((example.parent / "expected.yaml").read_text(encoding="utf-8"))[
        "feedback"
    ]
    a = reviewed(example).assessment(FEEDBACK)
    assert a.loop_type == want["loop_type"]
    assert a.effective_staleness_days == pytest.approx(want["effective_staleness_days"], abs=1e-3)
    assert a.holdout is not None and a.design is not None
    for key, value in want["holdout"].items():
        assert getattr(a.holdout, key) == pytest.approx(value, abs=0.05), key
    assert a.design.maturity_window_days == pytest.approx(want["maturity_window_days"], abs=1e-3)


def _expected(example: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (example.parent / "expected.yaml").read_text(encoding="utf-8")
    )
    return loaded


ONLINE_EXAMPLES = [e for e in EXAMPLES if "serving" in _expected(e)]


def test_online_examples_state_serving_expectations() -> None:
    assert len(ONLINE_EXAMPLES) == 3


@pytest.mark.parametrize("example", ONLINE_EXAMPLES, ids=lambda p: p.parent.name)
def test_example_serving_capacity(example: Path) -> None:
    want = _expected(example)["serving"]
    serving = reviewed(example).assessment(SERVING)
    for endpoint, expected in want.items():
        row = serving.endpoint(endpoint)
        assert row.replicas_needed == expected["replicas_needed"]
        assert row.bottleneck is not None and row.spike is not None
        assert [row.bottleneck.component, row.bottleneck.constraint] == expected["bottleneck"]
        assert row.spike.reaches_target is expected["spike_reaches_target"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_the_summary_never_ranks_a_lower_risk_first_unexplained(example: Path) -> None:
    """The first screen says in words why the top risk leads its runner-up; the detail section
    holds the numbers (both scores, and both priorities when evidence decides)."""
    done = reviewed(example)
    assert done.top_risk is not None and done.runner_up is not None
    text = " ".join(render(done, "terminal", RenderOptions(width=400)).split())
    full = " ".join(render(done, "terminal", RenderOptions(width=400, full=True)).split())
    top, runner = done.top_risk, done.runner_up
    # Part 5's 'Why it beats the runner-up' names the runner-up.
    why = text.split("Why it beats the runner-up.")[1].split(" 1. ")[0]
    assert f"'{runner.title}'" in why
    if runner.score > top.score:
        # The screen gives the reason it leads all the same, not the scores (part 5 has them).
        assert f"It ranks above '{runner.title}', whose risk is higher" in text
        assert "scores higher" not in text
        assert f"so its priority is {top.priority:.0f} against {runner.priority:.0f}" in full
    else:
        assert f"(risk {runner.score}, {runner.evidence})" in full
        assert f"risk {runner.score}" not in text
