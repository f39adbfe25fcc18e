"""Event rates a team declares (DORA's delivery figures, upstream changes, a job's failed runs, an
incident count): used for an event's likelihood with the working in their terms; without them the
rule's FMEA default is printed as assumed, naming the field that would replace it."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from mlreview.areas.scenario_families import FAMILIES
from mlreview.cli import main
from mlreview.engine.risk import EVENTS_PER_YEAR, HORIZON_DAYS, MONTH_DAYS, Part
from mlreview.engine.runner import run
from mlreview.engine.scenarios import Scenario
from mlreview.engine.whatif.questions import Sensitivity, unknowns
from mlreview.system.loader import load_text
from mlreview.system.manifest import Mechanism, Pipeline, Release
from mlreview.system.manifest.endpoints import CHANGE_FAILURE_ASSUMED
from mlreview.system.system import System
from tests.conftest import ROOT

from .test_bad_input import LOCATED

CARD = ROOT / "examples" / "card-fraud" / "system.yaml"
RELEASE = "release: {canary: true, auto_rollback: false, serving_compat_test: true}"
DAILY = '    schedule: "0 2 * * *"\n'


def _text(*edits: tuple[str, str]) -> str:
    text = CARD.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@cache
def _reviewed(*edits: tuple[str, str]) -> tuple[System, dict[str, Scenario]]:
    system = load_text(_text(*edits), str(CARD))
    done = run(system)
    return system, {k: s for s in done.scenarios for k in s.keys}


def _event(scenario: Scenario) -> Part:
    return next(p for p in scenario.risk.parts if p.trigger == "event")


def _working(scenario: Scenario) -> str:
    word = FAMILIES[scenario.family].occurrence
    return next(w for w in scenario.risk.working if w.startswith(f"On each {word}"))


def _release(figures: str) -> tuple[str, str]:
    return RELEASE, RELEASE.replace("true}", f"true, {figures}}}")


def test_mechanisms_are_the_families() -> None:
    assert set(Mechanism.__args__) == set(FAMILIES) - {"review-hygiene"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("freq", "cfr"), [(8.0, 0.1), (2.0, 0.25), (0.5, 0.02)])
def test_declared_release_figures_give_the_likelihood(freq: float, cfr: float) -> None:
    _, scenarios = _reviewed(_release(f"releases_per_month: {freq}, change_failure_rate: {cfr}"))
    bad = scenarios["bad-release:fraud_api"]
    n = freq * HORIZON_DAYS / MONTH_DAYS * cfr
    assert _event(bad).likelihood == pytest.approx(1 - math.exp(-n))
    text = _working(bad)
    assert f"{freq:g} releases a month (declared) x 3 months x " in text
    assert f"that fail in production (declared) = {n:.2g} in 90 d" in text
    assert "FMEA" not in text
    fields = {d.field for d in bad.risk.defaults}
    assert not any("release" in f for f in fields)


def test_one_release_figure_takes_the_default_for_the_other() -> None:
    _, scenarios = _reviewed(_release("releases_per_month: 8"))
    bad = scenarios["bad-release:fraud_api"]
    n = 8 * HORIZON_DAYS / MONTH_DAYS * CHANGE_FAILURE_ASSUMED
    assert _event(bad).likelihood == pytest.approx(1 - math.exp(-n))
    assert "assumed: set endpoints[fraud_api].release.change_failure_rate" in _working(bad)
    assert "endpoints[fraud_api].release.change_failure_rate" in {
        d.field for d in bad.risk.defaults
    }


def test_time_to_restore_replaces_the_rollback_time() -> None:
    # Few enough bad releases that their harm is not capped by the first one's.
    base = _release("releases_per_month: 0.5, change_failure_rate: 0.1")
    slow = _release("releases_per_month: 0.5, change_failure_rate: 0.1, time_to_restore: 2d")
    fast_text = _working(_reviewed(base)[1]["bad-release:fraud_api"])
    slow_bad = _reviewed(slow)[1]["bad-release:fraud_api"]
    assert "fixed 1 h later" in fast_text
    assert "restored 2 d later (time to restore, declared)" in _working(slow_bad)
    assert _event(slow_bad).exposure > _event(_reviewed(base)[1]["bad-release:fraud_api"]).exposure


def test_undeclared_release_rate_is_the_assumed_fmea_default() -> None:
    _, scenarios = _reviewed()
    bad = scenarios["bad-release:fraud_api"]
    level = max(f.score[1] for f in bad.findings if f.trigger == "event")
    per_year = EVENTS_PER_YEAR[level]
    n = per_year * HORIZON_DAYS / 365
    assert _event(bad).likelihood == pytest.approx(1 - math.exp(-n))
    fields = (
        "endpoints[fraud_api].release.releases_per_month",
        "endpoints[fraud_api].release.change_failure_rate",
    )
    assert (
        f"assumed {per_year:g} a year, the rule's default (occurrence {level} of 10 on the AWS "
        f"FMEA scale): set {' and '.join(fields)}; {n:.2g} in 90 d"
    ) in _working(bad)
    assert fields in {d.fields for d in bad.risk.defaults}


def test_declared_runs_failing_give_the_likelihood() -> None:
    system, scenarios = _reviewed((DAILY, DAILY + "    failure_rate: 0.02\n"))
    job = system.get("merchant_features_daily")
    assert isinstance(job, Pipeline) and job.schedule is not None
    runs = HORIZON_DAYS * 86400 / job.schedule.period
    n = runs * 0.02
    for key in ("pipeline-outage:merchant_features_daily", "bad-artefact:merchant_features_daily"):
        scenario = scenarios[key]
        assert _event(scenario).likelihood == pytest.approx(1 - math.exp(-n)), key
        assert (
            f"{runs:.3g} runs in 90 d (on cron '0 2 * * *') x 2% failing or late (declared) = "
            f"{n:.2g} in 90 d"
        ) in _working(scenario)
    # The store's refresh is missed when its named writer's run fails.
    stale = scenarios["stale-feature:redis_features"]
    assert _event(stale).likelihood == pytest.approx(1 - math.exp(-n))
    assert "merchant_features_daily: " in _working(stale)


def test_a_continuous_job_names_the_incident_count() -> None:
    _, scenarios = _reviewed()
    text = _working(scenarios["pipeline-outage:txn_velocity_stream"])
    assert "set pipelines[txn_velocity_stream].incidents_per_year.pipeline-outage" in text


def test_declared_upstream_changes_give_the_likelihood() -> None:
    source = "  - id: merchant_risk_table\n"
    _, scenarios = _reviewed((source, source + "    changes_per_year: 6\n"))
    change = scenarios["upstream-change:merchant_risk_table"]
    n = 6 * HORIZON_DAYS / 365
    assert _event(change).likelihood == pytest.approx(1 - math.exp(-n))
    assert f"6 upstream changes a year (declared) x 90 / 365 d = {n:.2g} in 90 d" in _working(
        change
    )
    other = scenarios["upstream-change:card_auth_stream"]
    assert "set sources[card_auth_stream].changes_per_year" in _working(other)


def test_an_incident_count_overrides_the_rest() -> None:
    model = "  - id: fraud_xgb\n"
    count = (model, model + "    incidents_per_year: {unadapted-drift: 3, bad-release: 0.5}\n")
    # Retrained weekly: a model retrained daily has a shift in it by the next run (no FEED014).
    weekly = ("      cadence: daily\n", "      cadence: weekly\n")
    release = _release("releases_per_month: 8, change_failure_rate: 0.1")
    _, scenarios = _reviewed(count, weekly, release)
    drift = scenarios["unadapted-drift:fraud_xgb"]
    assert _event(drift).likelihood == pytest.approx(1 - math.exp(-3 * HORIZON_DAYS / 365))
    assert "3 a year (declared: models[fraud_xgb].incidents_per_year.unadapted-drift)" in (
        _working(drift)
    )
    # The count is the model's: the endpoint's bad release keeps its delivery figures.
    bad = scenarios["bad-release:fraud_api"]
    n = 8 * HORIZON_DAYS / MONTH_DAYS * 0.1
    assert _event(bad).likelihood == pytest.approx(1 - math.exp(-n))


def test_a_value_marked_inferred_is_named() -> None:
    old, new = _release("releases_per_month: 8, change_failure_rate: 0.1")
    system, scenarios = _reviewed((old, new + "  # inferred from the deploy log"))
    endpoint = system.get("fraud_api")
    release = getattr(endpoint, "release", None)
    assert isinstance(release, Release)
    line = system.line(release, "change_failure_rate")
    assert line in system.marked_lines
    assert f"(declared, marked inferred on line {line})" in _working(
        scenarios["bad-release:fraud_api"]
    )


def test_a_declared_rate_is_a_read_the_questions_can_ask_about() -> None:
    sense = Sensitivity(load_text(_text(), str(CARD)))
    asked = {u.name for u in unknowns(sense.system, sense.log)}
    assert {"releases_per_month", "change_failure_rate", "changes_per_year", "failure_rate"} <= (
        asked
    )
    answered = Sensitivity(
        load_text(_text(_release("releases_per_month: 8, change_failure_rate: 0.1")), str(CARD))
    )
    known = set().union(*answered.log.known.values())
    assert any(p[-1] == "change_failure_rate" for p in known)


BAD = [
    (
        (DAILY, DAILY + "    failure_rate: 1.5\n"),
        "pipelines[merchant_features_daily].failure_rate: expected at most 1, got 1.5",
    ),
    (
        (
            "  - id: merchant_risk_table\n",
            "  - id: merchant_risk_table\n    changes_per_year: -1\n",
        ),
        "sources[merchant_risk_table].changes_per_year: expected at least 0, got -1",
    ),
    (
        _release("change_failure_rate: 2"),
        "endpoints[fraud_api].release.change_failure_rate: expected at most 1, got 2",
    ),
    (
        _release("releases_per_month: -3"),
        "endpoints[fraud_api].release.releases_per_month: expected at least 0, got -3",
    ),
    (
        ("  - id: fraud_xgb\n", "  - id: fraud_xgb\n    incidents_per_year: {skew: -2}\n"),
        "models[fraud_xgb].incidents_per_year.skew: expected at least 0, got -2",
    ),
    (
        ("  - id: fraud_xgb\n", "  - id: fraud_xgb\n    incidents_per_year: {drift: 1}\n"),
        "models[fraud_xgb].incidents_per_year.drift: expected one of 'silent-default'",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_a_bad_rate_is_one_located_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: tuple[str, str],
    message: str,
) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(_text(edit).replace("data/", str(CARD.parent / "data") + "/"), "utf-8")
    code = main(["check", str(path), "--no-questions"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    match = LOCATED.match(lines[0])
    assert match and match["file"] == str(path), lines[0]
    line = int(match["line"])
    changed = edit[1].splitlines()[-1].strip()
    assert changed in path.read_text("utf-8").splitlines()[line - 1], (line, changed)
    assert message in lines[0]
