"""A question's stated effect never runs against its answer: where an answer makes a control
stronger or a failure rarer or shorter (``Ask.better``, or an alert signal), the question is
asked only if that answer raises no scenario's score above the weakest answer's, on the shipped
examples and the incident manifests. The 2026-12-07d judges read "Typical time to repair? If 8h:
the top risk becomes 'A bad run ...'" on Play's stale table as a longer repair lowering a risk."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlreview.engine.result import Review
from mlreview.engine.whatif.asking import better_of
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.system.loader import load
from mlreview.system.manifest import Endpoint, Source
from mlreview.system.manifest.sources import SourceMonitors
from mlreview.system.units import Duration
from tests.conftest import EXAMPLES, ROOT

INCIDENTS = sorted((ROOT / "benchmarks" / "incidents").glob("*/system.yaml"))
RPC = ROOT / "benchmarks" / "incidents" / "google-rpc-error-code" / "system.yaml"


def _scores(review: Review) -> dict[str, int]:
    return {key: s.score for s in review.scenarios for key in s.keys}


@pytest.mark.parametrize(
    "path", [*EXAMPLES, *INCIDENTS], ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}"
)
def test_no_question_states_an_effect_against_its_answer(path: Path) -> None:
    system = load(path)
    sense = Sensitivity(system)
    checked = 0
    for unknown in unknowns(system, sense.log):
        pair = better_of(unknown.model, unknown.name, what_ifs(unknown, system))
        if pair is None or sense.ask(unknown) is None:
            continue
        better, worse = (_scores(sense.what_if(dict.fromkeys(unknown.paths, v))) for v in pair)
        label = system.label(unknown.paths[0])
        for key, score in better.items():
            assert score <= worse.get(key, 0), (label, pair, key, score, worse.get(key, 0))
        checked += 1
    assert checked or path.parent.parent.name == "incidents"


def test_which_way_is_better() -> None:
    assert better_of(Source, "availability", (0.99, 0.9999)) == (0.9999, 0.99)
    assert better_of(Endpoint, "mttr", (Duration.parse("15m"), Duration.parse("8h"))) == (
        Duration.parse("15m"),
        Duration.parse("8h"),
    )
    # An alert signal: having it is the stronger control.
    assert better_of(SourceMonitors, "freshness", (True, False)) == (True, False)
    # No direction declared: none is taken.
    assert better_of(Source, "freshness", (Duration.parse("1m"), Duration.parse("2d"))) is None


def test_a_repair_time_whose_outages_outlast_it_is_not_asked() -> None:
    """attribute_rpc's default trains the next model, so each outage harms until a retrain,
    whatever its repair time; at its declared 99.9% a shorter repair means more outages and a
    higher risk, so the repair time is not asked (it was: 'If 8h: the top risk becomes ...')."""
    system = load(RPC)
    sense = Sensitivity(system)
    (unknown,) = (
        u
        for u in unknowns(system, sense.log)
        if system.label(u.paths[0]).endswith("].mttr")
        and "attribute_rpc" in system.label(u.paths[0])
    )
    assert sense.ask(unknown) is None
