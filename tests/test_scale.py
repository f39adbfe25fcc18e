"""Reviews at scale: the shortcuts that keep a review linear in the manifest give what the long way
gives, and a review without questions does without their module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlreview.areas.pipeline import failure_modes
from mlreview.engine import runner
from mlreview.engine.plan import Plan, Step, nets_of, plan_for, playbook_of
from mlreview.engine.result import Review
from mlreview.engine.runner import run, what_if
from mlreview.engine.whatif.asking import alternatives
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.engine.whatif.reads import Changed, ReadLog
from mlreview.engine.whatif.recall import Noting, Replay
from mlreview.engine.whatif.variants import with_values
from mlreview.system.loader import load, load_text
from mlreview.system.paths import Path as ManifestPath
from mlreview.system.paths import declared_at, fields_along, is_model, strip
from mlreview.system.system import System
from mlreview.system.units import Duration
from tests.conftest import EXAMPLES, ROOT

GENERATED = manifest(120, 12, 6)


def _systems() -> list[tuple[str, System]]:
    return [
        *((p.parent.name, load(p)) for p in EXAMPLES),
        ("generated", load_text(GENERATED, "generated.yaml")),
    ]


@pytest.mark.parametrize(
    ("name", "system"), _systems(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_plan_from_reused_parts_is_the_plan_from_full_reruns(name: str, system: System) -> None:
    done = run(system)
    top = done.top_risk
    assert top is not None and done.plan is not None

    def full(changes: dict[ManifestPath, Any], only: str | None) -> list[Any]:
        return run(with_values(system, changes), plan=False).scenarios

    book = playbook_of(system, top)
    nets = nets_of(system, top, (f for r in done.rule_results.values() for f in r.active))
    assert plan_for(top, full, book, nets).to_dict() == done.plan.to_dict(), name


def _what_if(system: System, values: dict[ManifestPath, Any], done: Review, log: ReadLog) -> Review:
    """``done``'s review with ``values`` set, as the questions ask it."""
    return what_if(
        system,
        values,
        areas=done.areas,
        rule_results=done.rule_results,
        log=log,
        built=done.built,
    )


def test_a_declared_value_changed_reuses_what_never_read_it_and_matches_a_full_rerun() -> None:
    system = load_text(GENERATED, "generated.yaml")
    log = ReadLog()
    with log.watch(system.manifest):
        done = run(system, log=log, plan=False)
    for i, source in enumerate(system.manifest.sources[:4]):
        assert source.monitors is not None
        values: dict[ManifestPath, Any] = {
            ("sources", i, "monitors", "freshness"): not source.monitors.freshness
        }
        fast = _what_if(system, values, done, log)
        full = run(with_values(system, values), plan=False)
        assert fast.areas["skew"].assessment is done.areas["skew"].assessment
        assert [(s.key, s.score) for s in fast.scenarios] == [
            (s.key, s.score) for s in full.scenarios
        ]
        assert fast.findings == full.findings


def test_lineage_indexes_agree_with_scanning_the_manifest() -> None:
    system = load_text(GENERATED, "generated.yaml")
    m = system.manifest
    for comp in [*m.sources, *m.pipelines, *m.stores]:
        assert [p.id for p in system.writers(comp.id)] == [
            p.id for p in m.pipelines if comp.id in p.outputs
        ]
        assert [p.id for p in system.readers(comp.id)] == [
            p.id for p in m.pipelines if comp.id in p.inputs
        ]
        reach = {
            f.id
            for f in m.features
            if f.id in system.features_fed_by(comp.id)
            or f.store == comp.id
            or comp.id in {p.id for p in system.refreshers(f)}
        }
        assert system.features_of(comp.id) == reach
        reached = {e for e in system.downstream(comp.id) if e in {x.id for x in m.endpoints}}
        assert set(system.endpoints_reached(comp.id)) == reached
    for model in m.models:
        wanted = set(model.features or [f.id for f in m.features])
        assert system.model_features(model) == [f for f in m.features if f.id in wanted]
        assert system.endpoints_of(model) == [e for e in m.endpoints if e.model == model.id]


def test_a_plan_step_setting_a_duration_writes_it_as_the_manifest_would() -> None:
    step = Step(
        "this week",
        ("feat_001",),
        "raise the budget",
        ("DATA009",),
        enact=((("features", 1, "freshness_budget"), Duration(93600.0, "26h")),),
    )
    plan = Plan("stale-feature:feat_001", [step])
    changes = plan.to_dict()["steps"][0]["manifest_changes"]
    assert changes == {"features.1.freshness_budget": "26h"}


def test_a_review_without_questions_does_not_import_their_module(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code = (
        "import sys; from mlreview.cli import main; "
        f"main(['check', {str(EXAMPLES[0])!r}, '-f', 'json', '-o', {str(out)!r}, "
        "'--no-questions']); "
        "print('mlreview.engine.whatif.questions' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"
    assert out.read_text(encoding="utf-8").startswith("{")


def _kept_row_changes(system: System, log: ReadLog) -> list[dict[ManifestPath, Any]]:
    """One what-if per field a failure-mode row read: the questions' values for an unknown
    one, a flipped or doubled value for a declared one."""
    changes: list[dict[ManifestPath, Any]] = []
    for path in sorted(
        {p for label, read in log.reads.items() if label.startswith("kept:") for p in read},
        key=str,
    ):
        found = fields_along(system.manifest, path)
        if found is None:
            continue
        cls, owner, name = found[-1]
        if not is_model(strip(cls.model_fields[name].annotation)):
            changes += [{path: v} for v in alternatives(cls, name, owner, system)[:2]]
    for path in sorted(
        {p for label, read in log.known.items() if label.startswith("kept:") for p in read},
        key=str,
    ):
        found = fields_along(system.manifest, path)
        if found is None or found[-1][1] is None:
            continue
        value = getattr(found[-1][1], found[-1][2])
        if isinstance(value, bool):
            changes.append({path: not value})
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            changes.append({path: value * 2})
    return changes


def _assert_kept_rows_match_full_analysis(name: str, system: System) -> int:
    log = ReadLog()
    with log.watch(system.manifest):
        run(system, log=log, plan=False)
    noting = system.recall
    assert isinstance(noting, Noting)
    changes = _kept_row_changes(system, log)
    reused = 0
    for values in changes:
        try:
            full = failure_modes.analyse(with_values(system, values))
        except (ValueError, KeyError, IndexError, TypeError):
            continue  # a value this field cannot take: the what-ifs skip it too
        variant = with_values(system, values)
        variant.recall = Replay(noting, Changed.of(values))
        fast = failure_modes.analyse(variant)
        assert fast == full, (name, values)
        kept = noting.kept.values()
        reused += sum(any(row is k for k in kept) for row in fast)
    return reused


@pytest.mark.parametrize(
    ("name", "system"), _systems(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_kept_failure_mode_rows_equal_a_full_analysis(name: str, system: System) -> None:
    _assert_kept_rows_match_full_analysis(name, system)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(8, 60), st.integers(3, 8), st.integers(2, 6), st.integers(0, 10_000))
def test_kept_failure_mode_rows_equal_a_full_analysis_on_generated_manifests(
    features: int, sources: int, pipelines: int, seed: int
) -> None:
    system = load_text(manifest(features, sources, pipelines, seed), "generated.yaml")
    _assert_kept_rows_match_full_analysis("generated", system)


def test_a_what_if_reuses_the_rows_it_does_not_change() -> None:
    """The shortcut is taken (a row that read nothing changed is the kept object)."""
    system = load_text(GENERATED, "generated.yaml")
    assert _assert_kept_rows_match_full_analysis("generated", system) > 0


def test_the_declaring_model_of_a_path_is_the_last_step_along_it() -> None:
    system = load_text(GENERATED, "generated.yaml")
    log = ReadLog()
    with log.watch(system.manifest):
        run(system, log=log, plan=False)
    paths = {p for read in (*log.reads.values(), *log.known.values()) for p in read}
    paths |= {(*p, "nowhere") for p in list(paths)[:50]}
    assert len(paths) > 100
    for path in paths:
        steps = fields_along(system.manifest, path)
        expected = (steps[-1][0], steps[-1][2]) if steps else None
        assert declared_at(type(system.manifest), path) == expected, path


def _question_what_ifs(system: System, limit: int) -> tuple[Any, list[dict[ManifestPath, Any]]]:
    """The questions' baseline and up to ``limit`` of their what-ifs, spread over the fields."""
    sense = Sensitivity(system)
    tried = [
        dict.fromkeys(u.paths, v) for u in unknowns(system, sense.log) for v in what_ifs(u, system)
    ]
    step = max(1, len(tried) // limit)
    return sense, tried[::step][:limit]


def _assert_what_ifs_match_full_reviews(system: System, limit: int) -> int:
    """Each what-if review (reusing the baseline's parts) ranks the same scenarios, with the
    same findings, as a review of the changed manifest from scratch; returns how many reused
    every scenario of the baseline."""
    sense, tried = _question_what_ifs(system, limit)
    all_kept = 0
    for values in tried:
        fast = sense.what_if(values)
        full = run(with_values(system, values), plan=False)
        assert [(s.key, s.title, s.score, s.findings, s.gaps) for s in fast.scenarios] == [
            (s.key, s.title, s.score, s.findings, s.gaps) for s in full.scenarios
        ], values
        assert fast.findings == full.findings, values
        assert fast.suppressed == full.suppressed, values
        before = sense.review.scenarios
        all_kept += len(fast.scenarios) == len(before) and all(
            a is b for a, b in zip(fast.scenarios, before, strict=True)
        )
    return all_kept


@pytest.mark.parametrize(
    ("name", "system"), _systems(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_question_what_ifs_equal_full_reviews(name: str, system: System) -> None:
    _assert_what_ifs_match_full_reviews(system, 40)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(8, 60), st.integers(3, 8), st.integers(2, 6), st.integers(0, 10_000))
def test_question_what_ifs_equal_full_reviews_on_generated_manifests(
    features: int, sources: int, pipelines: int, seed: int
) -> None:
    system = load_text(manifest(features, sources, pipelines, seed), "generated.yaml")
    _assert_what_ifs_match_full_reviews(system, 25)


def test_question_what_ifs_silence_what_full_reviews_silence() -> None:
    """What-ifs take the suppressions by owner from the review they are of: they silence the
    same findings as a review from scratch (on components, the monitoring, system-wide)."""
    text = manifest(40, 6, 3)
    found = run(load_text(text, "generated.yaml"), plan=False).findings
    on: dict[str, str] = {}
    for f in found:
        if len(f.components) == 1 and f.components[0] not in on:
            on[f.components[0]] = f.rule
    picked = list(on.items())[:4]
    for comp, rule in picked:
        at = "\nmonitoring:\n" if comp == "monitoring" else f"\n- id: {comp}\n"
        assert text.count(at) == 1, comp
        text = text.replace(at, f"{at}  suppress: [{{rule: {rule}, reason: accepted}}]\n")
    wide = next(f.rule for f in found if f.rule not in {r for _, r in picked})
    wide_entry = f"  suppress: [{{rule: {wide}, reason: accepted}}]\n"
    text = text.replace("  name: generated\n", f"  name: generated\n{wide_entry}")
    system = load_text(text, "generated.yaml")
    silenced = {f.rule for f in run(system, plan=False).suppressed}
    assert silenced >= {wide, *(r for _, r in picked)}
    assert "monitoring" in {c for c, _ in picked}
    _assert_what_ifs_match_full_reviews(system, 40)


def test_a_what_if_that_changes_no_finding_reuses_every_scenario() -> None:
    """The shortcut is taken: the ranked scenarios are the baseline's objects."""
    system = load_text(GENERATED, "generated.yaml")
    assert _assert_what_ifs_match_full_reviews(system, 60) > 0


def test_a_rule_that_never_reads_its_assessment_is_kept_when_the_assessment_changes() -> None:
    system = load_text(GENERATED, "generated.yaml")
    log = ReadLog()
    with log.watch(system.manifest):
        done = run(system, log=log, plan=False)
    read = {code for code, r in done.rule_results.items() if r.read_assessment}
    assert "SCALE001" in read and "DATA009" not in read  # capacity rows; schedules alone
    unwatched = next(
        i for i, s in enumerate(system.manifest.sources) if s.monitors and not s.monitors.freshness
    )
    values: dict[ManifestPath, Any] = {("sources", unwatched, "monitors", "freshness"): "alert"}
    fast = _what_if(system, values, done, log)
    assert fast.areas["pipeline"].assessment != done.areas["pipeline"].assessment
    assert fast.rule_results["DATA009"] is done.rule_results["DATA009"]
    full = run(with_values(system, values), plan=False)
    assert fast.findings == full.findings


def test_a_what_if_on_what_only_the_scores_read_scores_the_hits_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The system's criticality is read by every finding's score and by no rule of the
    generated manifest: its what-ifs score each rule's earlier hits again, re-run no rule, and
    give the findings and scenarios of a review from scratch."""
    system = load_text(GENERATED, "generated.yaml")
    sense = Sensitivity(system)
    assert system.manifest.system.criticality is None
    checked: list[str] = []
    real = runner._checked

    def noting(rule: Any, ctx: Any, system: System) -> Any:
        checked.append(rule.code)
        return real(rule, ctx, system)

    monkeypatch.setattr(runner, "_checked", noting)
    for value in ("low", "critical"):
        values: dict[ManifestPath, Any] = {("system", "criticality"): value}
        fast = sense.what_if(values)
        assert [c for c in checked if not c.startswith("MLR")] == [], value
        full = run(with_values(system, values), plan=False)
        assert fast.findings == full.findings and fast.suppressed == full.suppressed
        assert [(s.key, s.title, s.score, s.findings, s.gaps) for s in fast.scenarios] == [
            (s.key, s.title, s.score, s.findings, s.gaps) for s in full.scenarios
        ]
        # A high or critical system scores each finding's severity a step higher.
        assert (fast.findings != sense.review.findings) == (value == "critical")
        checked.clear()
