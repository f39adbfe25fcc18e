"""Findings and verdict lines that speak only of what the system has (issue 15): a model fed raw
requests gets no feature wording, and a skew verdict never claims more than the features say."""

from __future__ import annotations

from typing import Any

from mlreview.engine import sound
from mlreview.engine.result import Review
from mlreview.engine.runner import run
from mlreview.system.loader import load, load_text
from tests.conftest import ROOT
from tests.rules.test_rule_cases import manifest_text


def _review(patch: dict[str, Any]) -> Review:
    return run(load_text(manifest_text(patch), "s.yaml"))


def test_an_llm_with_no_features_is_said_to_read_raw_requests() -> None:
    patch = {"features": "__delete__", "models": [{"id": "m1", "family": "transformer"}]}
    patch["models"][0]["features"] = []
    verdict = _review(patch).areas["skew"].verdict
    assert verdict == (
        "m1 (transformer) reads raw requests, with no engineered features to compute twice"
    )


def test_a_tabular_model_with_no_features_is_not_called_raw() -> None:
    review = _review({"features": "__delete__", "models": [{"id": "m1", "features": []}]})
    assert review.areas["skew"].verdict == "no features declared"


def test_the_skew_verdict_claims_one_definition_only_for_features_that_declare_it() -> None:
    features = [
        {"id": "f1"},
        {
            "id": "f2",
            "sources": ["events"],
            "store": "online",
            "shared_definition": True,
        },
    ]
    patch = {"features": features, "models": [{"id": "m1", "features": ["f1", "f2"]}]}
    # f1 keeps the base's shared definition; f2 is new and declares one; a third says nothing.
    patch["features"].append({"id": "f3", "sources": ["events"], "store": "online"})
    patch["models"][0]["features"].append("f3")
    verdict = _review(patch).areas["skew"].verdict
    assert "every feature has one definition" not in verdict
    assert "2 of 3 features declare one definition for training and serving" in verdict


def test_already_sound_does_not_imply_a_shared_definition_is_missing() -> None:
    # Both features share one definition; only f1 joins point-in-time.
    features = [{"id": "f2", "sources": ["events"], "store": "online", "shared_definition": True}]
    patch = {"features": features, "models": [{"id": "m1", "features": ["f1", "f2"]}]}
    system = load_text(manifest_text(patch), "s.yaml")
    assert "every feature has one definition" in run(system).areas["skew"].verdict
    # The review keeps only the strongest few sound items, so read the skew part's own.
    # The stated ones are named, never counted: "1 of 2" would read as f2 lacking both.
    assert list(sound._skew(system)) == [
        "f1 shares one definition and joins point-in-time "
        "(features[f1].shared_definition and .point_in_time_join)"
    ]


def test_a_shared_definition_the_manifest_marks_inferred_is_said_so() -> None:
    """Unity's manifest infers its two features' shared definition; a judge read 'every feature
    has one definition' as a claim its prose does not support."""
    unity = ROOT / "benchmarks" / "incidents" / "unity-audience-pinpointer-2022" / "system.yaml"
    verdict = run(load(unity)).areas["skew"].verdict
    assert verdict.startswith(
        "every feature has one definition for training and serving (marked inferred for all 2)"
    )
    # One feature is not counted ("for all of 1").
    stripe = ROOT / "benchmarks" / "incidents" / "stripe-fraud-selective-labels" / "system.yaml"
    said = run(load(stripe)).areas["skew"].verdict
    assert said.startswith(
        "every feature has one definition for training and serving (marked inferred)"
    )
