"""Metamorphic tests of the models: change one input in a known direction and the output may
only move the way the change allows. More replicas never lower capacity; a higher growth
target never needs fewer replicas; adding a monitor never raises a finding's severity; a longer
label delay never shortens effective staleness; a declared fallback never lowers availability.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlreview.areas.feedback.assessment import effective_staleness_days
from mlreview.areas.pipeline.assessment import assess as assess_pipeline
from mlreview.areas.serving import capacity_model
from mlreview.engine.runner import run
from mlreview.quant.availability import Hazard, simulate
from mlreview.system.loader import load_text
from mlreview.system.manifest import FeedbackLoop, Model
from tests.conftest import ROOT
from tests.rules.test_rule_cases import merge

RECOMMENDER = (ROOT / "examples" / "recommender" / "system.yaml").read_text(encoding="utf-8")
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _endpoint_manifest(p50: float, p99: float, concurrency: int, routing: str, top: int) -> str:
    return f"""\
version: 1
system: {{name: m, traffic: {{peak_qps: 100}}}}
models: [{{id: m, family: xgboost}}]
endpoints:
  - id: api
    model: m
    mode: online
    routing: {routing}
    replicas: {{min: 1, max: {top}}}
    autoscaling: {{enabled: true}}
    concurrency_per_replica: {concurrency}
    service_time: {{p50_ms: {p50}, p99_ms: {p99}}}
    slo: {{p99_ms: 200}}
"""


endpoint_inputs = st.tuples(
    st.floats(2, 40),
    st.floats(1.2, 4),
    st.integers(1, 8),
    st.sampled_from(["random", "shared"]),
)


def _model(inputs: tuple[float, float, int, str], top: int) -> capacity_model.CapacityModel:
    p50, spread, concurrency, routing = inputs
    system = load_text(
        _endpoint_manifest(round(p50, 2), round(p50 * spread, 2), concurrency, routing, top)
    )
    built = capacity_model.build(system, system.manifest.endpoints[0])
    assert built is not None
    return built


@FAST
@given(endpoint_inputs, st.integers(1, 60), st.integers(1, 60))
def test_more_replicas_never_lower_capacity(
    inputs: tuple[float, float, int, str], fewer: int, more: int
) -> None:
    fewer, more = sorted((fewer, more))
    model = _model(inputs, more)
    assert model.ceiling(more) >= model.ceiling(fewer) - 1e-9


@FAST
@given(endpoint_inputs, st.floats(1, 50), st.floats(1, 50))
def test_a_higher_growth_target_never_needs_fewer_replicas(
    inputs: tuple[float, float, int, str], low: float, high: float
) -> None:
    low, high = sorted((low, high))
    model = _model(inputs, 1000)
    small, large = model.replicas_needed(100 * low), model.replicas_needed(100 * high)
    if small is None:
        assert large is None  # no number of replicas meets the SLO at the lower rate either
    elif large is not None:
        assert large >= small


MONITORS = [
    ("monitoring", "inputs", "null_rate"),
    ("monitoring", "skew", "training_serving"),
    ("monitoring", "drift", "predictions"),
    ("monitoring", "quality", "proxy"),
    ("monitoring", "system", "saturation"),
    ("monitoring", "freshness", "pipeline_age"),
]


def _with(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    patch: Any = value
    for key in reversed(path):
        patch = {key: patch}
    out: dict[str, Any] = merge(doc, patch)
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MONITORS), st.sampled_from(["alert", "dashboard", "manual"]))
def test_adding_a_monitor_never_raises_a_findings_severity(
    monitor: tuple[str, ...], signal: str
) -> None:
    doc = yaml.safe_load(RECOMMENDER)
    without = _with(doc, monitor, False)
    with_it = _with(doc, monitor, signal)
    before = {(f.rule, f.components): f.severity.rank for f in run(_load(without)).findings}
    after = {(f.rule, f.components): f.severity.rank for f in run(_load(with_it)).findings}
    for key, rank in after.items():
        assert key in before, key  # nothing new appears
        assert rank <= before[key], key  # a higher rank is more severe


def _load(doc: dict[str, Any]) -> Any:
    return load_text(yaml.safe_dump(doc, sort_keys=False), str(ROOT / "examples" / "x.yaml"))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 200),
    st.integers(0, 200),
    st.sampled_from(["daily", "weekly", "0 3 * * MON-FRI"]),
)
def test_a_longer_label_delay_never_shortens_effective_staleness(
    delay_days: int, longer_by: int, cadence: str
) -> None:
    def staleness(days: int) -> float | None:
        loop = FeedbackLoop.model_validate(
            {"id": "l", "model": "m", "label": {"kind": "outcome", "delay": {"p95": f"{days}d"}}}
        )
        model = Model.model_validate({"id": "m", "training": {"cadence": cadence}})
        return effective_staleness_days(loop, model)

    short, long = staleness(delay_days), staleness(delay_days + longer_by)
    assert short is not None and long is not None
    assert long >= short


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.99, 0.99999),
    st.floats(0.99, 0.99999),
    st.floats(0.1, 8),
    st.floats(0.1, 8),
)
def test_a_declared_fallback_never_lowers_availability(
    endpoint: float, fallback: float, endpoint_mttr: float, fallback_mttr: float
) -> None:
    alone = simulate([Hazard("api", endpoint, endpoint_mttr, "down")], seed=7)
    covered = simulate(
        [
            Hazard("api", endpoint, endpoint_mttr, "down", covered_by="api.fallback"),
            Hazard("api.fallback", fallback, fallback_mttr, "backup"),
        ],
        seed=7,
    )
    assert covered.down_minutes_mean <= alone.down_minutes_mean + 1e-9
    assert covered.availability >= alone.availability - 1e-12


def test_declaring_where_the_fallback_runs_never_lowers_a_paths_availability() -> None:
    def estimate(extra: str) -> float:
        text = RECOMMENDER.replace(
            "    fallback: cached_scores\n", f"    fallback: cached_scores\n{extra}"
        )
        (row,) = assess_pipeline(
            load_text(text, str(ROOT / "examples" / "recommender" / "x.yaml"))
        ).availability
        return row.estimate

    inside = estimate("")
    caller = estimate("    fallback_runs_in: caller\n    fallback_availability: 0.99\n")
    assert caller >= inside
