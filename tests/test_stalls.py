"""A source that stops updating with nobody told (stale-source) is a stall: it can still be read,
so its availability does not count its stalls and its repair time does not end them; the harm
lasts until someone notices. The 2026-12-07d judges read "99.900% availability and 1 h to
repair" on Play's table, frozen for months, and "If 8h: the top risk becomes 'A bad run ...'"
as a longer repair lowering the risk."""

from __future__ import annotations

import math

from mlreview.engine.risk import EVENTS_PER_YEAR, HORIZON_DAYS
from mlreview.engine.runner import run
from mlreview.engine.scenarios import Scenario
from mlreview.engine.whatif.questions import Sensitivity, unknowns, what_ifs
from mlreview.system.loader import load_text
from tests.conftest import ROOT

PLAY = ROOT / "benchmarks" / "incidents" / "google-play-stale-table" / "system.yaml"
FRESHNESS = "    freshness: 1d                   # how old the newest data normally is\n"
KEY = "stale-source:app_stats_table"


def _text(*lines: str) -> str:
    text = PLAY.read_text(encoding="utf-8")
    assert FRESHNESS in text
    return text.replace(FRESHNESS, FRESHNESS + "".join(f"    {line}\n" for line in lines))


def _stall(*lines: str) -> Scenario:
    review = run(load_text(_text(*lines), str(PLAY)))
    return next(s for s in review.scenarios if s.key == KEY)


def test_a_stall_nobody_is_told_of_does_not_rest_on_availability_or_repair_time() -> None:
    plain = _stall()
    (part,) = plain.risk.parts
    assert part.trigger == "event"
    assert "On each stall (DATA004)" in plain.risk.working[0]
    assert "sources[app_stats_table].incidents_per_year.stale-source" in plain.risk.working[0]
    assert "each lasts 90 d" in plain.risk.working[0]
    # DATA004's occurrence 5 on the FMEA scale: 4 a year.
    n = EVENTS_PER_YEAR[5] * HORIZON_DAYS / 365
    assert part.likelihood == 1 - math.exp(-n)
    for line in ("mttr: 8h", "mttr: 15m", "availability: 0.99", "availability: 0.9999"):
        assert _stall(line).score == plain.score, line


def test_a_declared_stall_count_sets_the_rate() -> None:
    stall = _stall("incidents_per_year: {stale-source: 2}")
    (part,) = stall.risk.parts
    n = 2 * HORIZON_DAYS / 365
    assert math.isclose(part.likelihood, 1 - math.exp(-n))
    assert "2 a year (declared" in stall.risk.working[0]
    assert not part.guessed


def test_no_answer_on_its_repair_time_or_availability_moves_it() -> None:
    """Other scenarios on the source (an outage with no declared answer) still read both, so
    they are tried; none of their answers moves the stall, and no question on them is asked."""
    system = load_text(_text(), str(PLAY))
    sense = Sensitivity(system)
    base = next(s for s in sense.review.scenarios if s.key == KEY).score
    tried = 0
    for unknown in unknowns(system, sense.log):
        label = system.label(unknown.paths[0])
        if label not in ("sources[app_stats_table].mttr", "sources[app_stats_table].availability"):
            continue
        assert sense.ask(unknown) is None, label
        for value in what_ifs(unknown, system):
            review = sense.what_if(dict.fromkeys(unknown.paths, value))
            assert next(s for s in review.scenarios if s.key == KEY).score == base, (label, value)
            tried += 1
    assert tried == 4


def test_a_source_whose_consumers_are_told_is_stale_only_while_down() -> None:
    text = _text("mttr: 8h").replace(
        "owner: play-analytics\n    owned_by_model_team: false",
        "owner: play-analytics\n    owned_by_model_team: true",
    )
    assert "owned_by_model_team: true\n    freshness: 1d" in text
    review = run(load_text(text, str(PLAY)))
    told = next(s for s in review.scenarios if s.key == KEY)
    (part,) = told.risk.parts
    assert part.trigger == "outage"
    assert "the model team owns it, so it is stale only while it is down" in told.risk.working[0]
    assert "8 h to repair" in told.risk.working[0]
