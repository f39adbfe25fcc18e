"""Issue 16: every question is one a person would ask. Never about a value the manifest states
or implies; the assumed value is the one the review used; every value tried is physically
possible; a question stands only for components alike; a synchronous decision system is asked
whether its caller fails open or closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlreview.engine.result import Question
from mlreview.engine.whatif.asking import alternatives
from mlreview.engine.whatif.context import component_at, implied, role
from mlreview.engine.whatif.questions import Outcome, Sensitivity, unknowns, what_ifs
from mlreview.system.loader import load
from mlreview.system.paths import fields_along
from mlreview.system.units import Duration
from tests.conftest import EXAMPLES, ROOT, reviewed

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"
RECOMMENDER = ROOT / "examples" / "recommender" / "system.yaml"
FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"


def _fields(question: Question) -> list[str]:
    return [str(p[-1]) for p in question.paths]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_no_question_about_a_value_the_manifest_states_or_implies(example: Path) -> None:
    system = load(example)
    for q in reviewed(example).questions:
        for path in q.paths:
            steps = fields_along(system.manifest, path)
            assert steps is not None
            cls, owner, name = steps[-1]
            assert owner is None or getattr(owner, name) is None, (q.field, "stated")
            assert implied(system, cls, name, owner) is None, (q.field, "implied")


def test_separate_code_paths_and_a_store_limit_are_not_asked_about() -> None:
    asked = {f for q in reviewed(FRAUD).questions for f in _fields(q)}
    # txn_count_1h and amount_zscore_30d declare separate code; merchant_chargeback_rate the
    # same file on both paths: defined once or not is stated. redis_features declares 3,000 QPS.
    assert "shared_definition" not in asked
    assert "max_qps" not in asked
    for example in (RECOMMENDER, FORECAST):
        assert "shared_definition" not in {
            f for q in reviewed(example).questions for f in _fields(q)
        }


def _parsed(question: Question, system: Any) -> Any:
    steps = fields_along(system.manifest, question.paths[0])
    assert steps is not None
    cls, _, name = steps[-1]
    for value in alternatives(cls, name, None):
        if str(value).lower() == question.assumed.lower() or (
            isinstance(value, float) and question.assumed == f"{value:g}"
        ):
            return value
    if question.assumed in ("true", "false"):
        return question.assumed == "true"
    try:
        return float(question.assumed)
    except ValueError:
        return None


def _confirmed(review: Any) -> tuple[Any, ...]:
    severities = sorted(
        (f.rule, f.components, (f.confirmed_severity or f.severity).value) for f in review.findings
    )
    # The top risk may change: a confirmed finding's evidence weighs more than an assumed one's.
    return tuple(severities), Outcome.of(review).verdict


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_the_value_reported_as_assumed_is_the_one_the_review_used(example: Path) -> None:
    # Set to the value a question reports as assumed, the review does not change.
    system = load(example)
    sense = Sensitivity(system)
    checked = 0
    for q in reviewed(example).questions:
        value = _parsed(q, system)
        if value is None:
            continue  # a phrase such as "no TTL: entries do not expire"
        answered = sense.what_if(dict.fromkeys(q.paths, value))
        # Confirming an assumption lifts its findings out of the 'assumed' grade (capped at
        # low) to the severity they were reported to have once confirmed, and nothing else.
        assert _confirmed(answered) == _confirmed(sense.review), (q.field, q.assumed)
        checked += 1
    assert checked


def test_dependency_latency_is_reported_as_none_added() -> None:
    q = next(q for q in reviewed(FRAUD).questions if "latency_ms" in q.field)
    assert q.assumed == "0"


def test_what_ifs_stay_within_the_physical_limits_of_the_manifest() -> None:
    fraud = load(FRAUD)
    sense = Sensitivity(fraud)
    for u in unknowns(fraud, sense.log):
        if u.name == "latency_ms":
            # A call cannot take longer than its 25 ms timeout.
            assert max(what_ifs(u, fraud)) <= 25.0
    forecast = load(FORECAST)
    sense = Sensitivity(forecast)
    budgets = [u for u in unknowns(forecast, sense.log) if u.name == "freshness_budget"]
    assert budgets
    for u in budgets:
        # Refreshed nightly by a 40 min job: never fresher than 24 h 40 min.
        assert min(float(v) for v in what_ifs(u, forecast)) >= 24 * 3600 + 40 * 60
    recommender = load(RECOMMENDER)
    sense = Sensitivity(recommender)
    for u in unknowns(recommender, sense.log):
        if u.name == "ttl":
            kinds = {getattr(component_at(recommender, p), "kind", None) for p in u.paths}
            assert kinds <= {"online", "cache"}, u.paths  # a warehouse table has no TTL


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_a_question_stands_only_for_components_of_one_kind_and_role(example: Path) -> None:
    system = load(example)
    sense = Sensitivity(system)
    for u in unknowns(system, sense.log):
        roles = {role(system, component_at(system, p)) for p in u.paths}
        assert len(roles) == 1, (u.paths, roles)


def test_a_kafka_stream_and_a_warehouse_table_are_asked_about_apart() -> None:
    for q in reviewed(FRAUD).questions:
        assert not {"card_auth_stream", "chargeback_feed"} <= set(q.components), q.field


def test_a_synchronous_decision_system_is_asked_whether_its_caller_fails_open_or_closed() -> None:
    q = next(q for q in reviewed(FRAUD).questions if q.field.endswith("caller_on_failure"))
    assert "fail open" in q.question and "fail closed" in q.question
    assert "SCALE009 on fraud_api: high -> critical" in q.changes


def test_a_what_if_duration_floor_reads_as_the_manifest_would_write_it() -> None:
    forecast = load(FORECAST)
    sense = Sensitivity(forecast)
    u = next(u for u in unknowns(forecast, sense.log) if u.name == "freshness_budget")
    low = what_ifs(u, forecast)[0]
    assert isinstance(low, Duration) and low.text == "25h"
