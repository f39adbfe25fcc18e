"""Words the opening screen is built from: a possessive never doubles an id's s, and a
template names each component for what it is (a source is where bad data comes from, a model
is what it trains)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlreview.areas.common import possessive, worded
from mlreview.report.formats import RenderOptions
from mlreview.report.review_document import assumed_only
from mlreview.system.loader import load
from mlreview.system.manifest import Model
from tests.conftest import EXAMPLES, ROOT, render, reviewed

INCIDENTS = sorted((ROOT / "benchmarks" / "incidents").glob("*/system.yaml"))


def _screen(path: Path) -> str:
    return render(reviewed(path), "terminal", RenderOptions(width=100))


def test_a_possessive_of_a_name_ending_in_s_adds_only_the_apostrophe() -> None:
    assert possessive("nightly_features") == "nightly_features'"
    assert possessive("ranker") == "ranker's"
    assert (
        worded("hold {anchor}'s run, then {anchor}", anchor="jobs") == "hold jobs' run, then jobs"
    )
    assert worded("{anchor}'s fleet", anchor="api") == "api's fleet"


@pytest.mark.parametrize("path", [*EXAMPLES, *INCIDENTS], ids=lambda p: p.parent.name)
def test_no_id_ending_in_s_takes_a_doubled_possessive(path: Path) -> None:
    screen = render(reviewed(path), "terminal", RenderOptions(width=100, full=True))
    assert not re.findall(r"\b[a-z0-9_]*s's\b", screen)


def test_the_schedule_race_names_the_job_whose_run_it_waits_for() -> None:
    screen = " ".join(_screen(ROOT / "examples" / "demand-forecast" / "system.yaml").split())
    assert "before nightly_features' run can finish" in screen


@pytest.mark.parametrize("path", [*EXAMPLES, *INCIDENTS], ids=lambda p: p.parent.name)
def test_bad_training_data_trains_models_only(path: Path) -> None:
    done = reviewed(path)
    system = load(path)
    for s in done.scenarios:
        if s.family != "bad-training-data" or not s.effect.startswith("an upstream data error"):
            continue
        trained = re.search(r" trains (.+?)(?: through .+?)? and reaches serving", s.effect)
        assert trained, s.effect
        for name in re.split(r", | and ", trained.group(1)):
            assert isinstance(system.get(name), Model), s.effect


@pytest.mark.parametrize("path", [*EXAMPLES, *INCIDENTS], ids=lambda p: p.parent.name)
def test_a_stale_source_is_said_to_be_trained_on_only_where_it_trains_a_model(path: Path) -> None:
    done = reviewed(path)
    system = load(path)
    live = {s.id for s in system.serving_sources()}
    for s in done.scenarios:
        if s.family != "stale-source" or not s.effect.startswith("when "):
            continue
        trains = any(system.of_kind(system.downstream(a), "model") for a in s.anchors)
        served = any(a in live for a in s.anchors)
        assert ("trained on" in s.effect) == trains, s.effect
        assert ("being served" in s.effect) == served, s.effect


@pytest.mark.parametrize("path", [*EXAMPLES, *INCIDENTS], ids=lambda p: p.parent.name)
def test_the_opening_screen_asks_only_what_moves_the_top_risk_or_a_verdict(path: Path) -> None:
    screen = _screen(path)
    if "Questions that would change this review" not in screen:
        return
    asked = screen.split("Questions that would change this review", 1)[1]
    asked = asked.split("Risks that rest on assumed values only", 1)[0]
    asked = re.split(r"\n\d+ findings? in ", asked, maxsplit=1)[0]
    assert "change severity" not in asked and "changes severity" not in asked, asked


@pytest.mark.parametrize("path", [*EXAMPLES, *INCIDENTS], ids=lambda p: p.parent.name)
def test_a_risk_on_assumed_values_alone_is_asked_about_not_detailed(path: Path) -> None:
    done = reviewed(path)
    if done.baseline is not None:
        return
    rest = done.scenarios[1:]
    screen = _screen(path)
    # The risks the parts name each open a bullet of parts 1-4.
    detailed = screen.split("\n5. The biggest risk\n", 1)[0]
    headings = re.findall(r"^- (.+)$", detailed, re.M)
    if all(assumed_only(s) for s in rest):
        return
    for s in rest:
        if assumed_only(s):
            assert not any(h.startswith(s.title[:60]) for h in headings), s.title
    unstated = [s for s in rest if assumed_only(s)]
    if unstated:
        assert "Risks that rest on assumed values only" in screen
        assert unstated[0].title.split()[0] in screen.split("Risks that rest on assumed", 1)[1]


@pytest.mark.parametrize(
    "case", ["equifax-oms-attributes-2022", "doordash-ads-online-offline-2024"]
)
def test_a_folded_also_on_line_keeps_the_inferred_mark_of_what_it_repeats(case: str) -> None:
    # The facts these lines fold quote values their manifests mark inferred.
    screen = " ".join(_screen(ROOT / "benchmarks" / "incidents" / case / "system.yaml").split())
    assert re.search(r"Also on [^.]+ \(--full prints each\)\. \(partly inferred\)", screen), screen


def _incident(name: str) -> Path:
    return ROOT / "benchmarks" / "incidents" / name / "system.yaml"


def _effects(name: str, family: str) -> list[tuple[str, str]]:
    done = reviewed(_incident(name))
    return [(s.title, s.effect_sentence) for s in done.scenarios if s.family == family]


def test_the_own_decisions_risk_names_the_model_as_what_learns() -> None:
    # "The data stream_ranker and stream_reactions learn from" made a label stream a learner.
    ((_, effect),) = _effects("google-plus-stream-copied-pipeline", "biased-feedback")
    assert effect.startswith("The training data of stream_ranker is shaped by the model's own")
    assert "stream_reactions learn" not in effect


def test_users_steer_training_only_through_a_third_party_or_unfiltered_bots() -> None:
    # Play's installs are its own log and filter bots: a poisoning finding there was a template
    # (round 13's judges); Tay learns from a third party's platform and keeps it.
    for name in ("google-play-apps-home-mixed-pages", "google-play-stale-table"):
        done = reviewed(_incident(name))
        assert not [f for f in done.findings if f.rule == "FEED012"], name
        titles = [t for t, _ in _effects(name, "bad-training-data")]
        assert not any(t.startswith("Users can steer") for t in titles)
    ((tay, said),) = _effects("microsoft-tay-2016", "bad-training-data")[:1]
    assert tay.endswith("through conversations and social_mentions")
    assert "with no bot or poisoning filter" in said
