"""The "Sound" credits rest only on what the manifest states: a field left out or written on a
line marked inferred earns no credit, and each credit names the fields it rests on (round 13's
judges: an inferred alert on doordash's consumer_events read as "an alert fires", and features
"join point-in-time" with nothing in the prose to say so)."""

from __future__ import annotations

from mlreview.engine.runner import run
from mlreview.system.loader import load_text
from tests.conftest import ROOT

BASE = (ROOT / "tests" / "rules" / "base.yaml").read_text(encoding="utf-8")
HELD = "    on_failure: {behaviour: last_known_good, max_staleness: 1h, alert: true}\n"
RELEASE = (
    "    release: {canary: true, auto_rollback: true, rollback_tested: true, "
    "serving_compat_test: true}\n"
)


def _sound(text: str) -> list[str]:
    return run(load_text(text, "s.yaml")).sound


def _marked(line: str) -> str:
    assert line in BASE
    return BASE.replace(line, line.rstrip("\n") + "   # inferred\n")


def test_a_stated_control_is_credited_with_its_fields() -> None:
    sound = _sound(BASE)
    assert (
        "When events fails, api keeps using the last good values it sent (at most 60 min old), "
        "and an alert fires (sources[events].on_failure.behaviour and .alert)"
    ) in sound
    assert any(
        line.endswith("(endpoints[api].release.canary, .auto_rollback and .rollback_tested)")
        for line in sound
    )


def test_a_control_on_a_line_marked_inferred_is_not_credited() -> None:
    assert not any("last good values" in line for line in _sound(_marked(HELD)))
    assert not any("canary" in line for line in _sound(_marked(RELEASE)))


def test_a_control_left_to_a_default_is_not_credited() -> None:
    # The same fallback with its alert left out: the loader's default is no statement.
    quiet = BASE.replace(HELD, HELD.replace(", alert: true", ""))
    assert quiet != BASE
    assert not any("last good values" in line for line in _sound(quiet))


def test_features_are_credited_by_name_and_only_where_stated() -> None:
    # Play's stale table states one definition for its 4 features and a point-in-time join for
    # 2: those 2 are named, not counted ("2 of 4 join point-in-time" would say the others do
    # not, where it is only unstated).
    path = ROOT / "benchmarks" / "incidents" / "google-play-stale-table" / "system.yaml"
    text = path.read_text(encoding="utf-8")
    joined = [line for line in _sound(text) if "point-in-time" in line]
    assert joined == [
        "app_install_stats and app_metadata share one definition and join point-in-time "
        "(features[app_install_stats].shared_definition, .point_in_time_join, "
        "features[app_metadata].shared_definition and .point_in_time_join)"
    ]
    marked = text.replace(
        "    point_in_time_join: true\n", "    point_in_time_join: true   # inferred\n", 1
    )
    assert marked != text
    joined = [line for line in _sound(marked) if "point-in-time" in line]
    assert joined == [
        "app_metadata shares one definition and joins point-in-time "
        "(features[app_metadata].shared_definition and .point_in_time_join)"
    ]
