"""A model declared ``learned: false`` (a rule or formula set by hand) gets no finding about
training data, retraining or learning from labels; everything else still applies."""

from __future__ import annotations

from typing import Any

from mlreview.engine.rules import every_rule
from mlreview.engine.runner import run
from mlreview.system.loader import load_text
from tests.conftest import EXAMPLES, reviewed
from tests.rules.test_rule_cases import manifest_text

LEARNED_ONLY = {r.code for r in every_rule() if r.learned_only}

# Learning-side weaknesses (no training validation, no validation gate, a random split, no
# serving compatibility test, manual-only retraining) and one that is not: no safe rollout.
WEAK: dict[str, Any] = {
    "models": [
        {
            "id": "m1",
            "training": {"split": "random"},
            "retrain_triggers": ["manual"],
            "validation_gate": {"enabled": False},
        }
    ],
    "pipelines": [{"id": "train_job", "validation": {"blocking": False}}],
    "endpoints": [
        {
            "id": "api",
            "release": {"serving_compat_test": False, "canary": False, "auto_rollback": False},
        }
    ],
}


def _rules(learned: bool | None) -> set[str]:
    patch = {**WEAK, "models": [{**WEAK["models"][0], "learned": learned}]}
    review = run(load_text(manifest_text(patch), "s.yaml"))
    return {f.rule for f in review.findings}


def test_a_fixed_rule_gets_no_finding_about_learning() -> None:
    learned, fixed = _rules(None), _rules(False)
    shown = learned & LEARNED_ONLY
    assert {"DATA003", "DATA014", "SKEW010", "SKEW013", "FEED014"} <= shown
    assert not fixed & LEARNED_ONLY
    # What does not rest on learning stays: releasing a rule change still needs a safe rollout.
    assert "SCALE011" in fixed
    assert learned - LEARNED_ONLY == fixed - LEARNED_ONLY


def test_learned_true_is_the_default() -> None:
    assert _rules(True) == _rules(None)


def test_the_skew_part_says_a_fixed_rule_learns_nothing() -> None:
    patch = {**WEAK, "models": [{**WEAK["models"][0], "learned": False}]}
    review = run(load_text(manifest_text(patch), "s.yaml"))
    assert "nothing here is learned from data (m1: learned: false)" in review.areas["skew"].verdict


def test_whether_a_model_is_learned_is_never_asked() -> None:
    # A model is learned unless the manifest says otherwise; asking it of an xgboost is noise.
    for example in EXAMPLES:
        assert not any(q.field.endswith(".learned") for q in reviewed(example).questions)
