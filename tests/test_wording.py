"""Words the opening screen is built from: a possessive never doubles an id's s, and a
template names each component for what it is (a source is where bad data comes from, a model
is what it trains)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlreview.areas.common import possessive, worded
from mlreview.report.formats import RenderOptions
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
    screen = _screen(ROOT / "examples" / "demand-forecast" / "system.yaml")
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
