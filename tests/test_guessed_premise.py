"""A risk that happens only if a guessed figure comes true does not lead one of the same harm
that stands on stated facts (docs/risk-model.md, "Evidence and ranking"), and a default event
rate says how it is raised above its rule's own."""

from __future__ import annotations

from mlreview.engine.result import Review
from mlreview.engine.risk import Part, Risk
from mlreview.engine.runner import run
from mlreview.engine.scenarios import Scenario, lead
from mlreview.system.loader import load, load_text
from tests.conftest import ROOT
from tests.test_scenarios import _finding

FLEET = """\
version: 1
system:
  name: fleet
  criticality: critical
  decision: {automated_action: false}
  traffic: {peak_qps: 1000, growth_multiplier: 3}   # inferred
sources:
  - id: discovery
    kind: online_api
    owner: infra
    owned_by_model_team: false
    availability: 0.9995
    mttr: 1h
    on_failure: {behaviour: last_known_good, max_staleness: 30m, alert: false}
    rollout: {staged: false, tested_at_scale: false}
endpoints:
  - id: serve
    model: m
    mode: online
    accelerator: nvidia-h100
    accelerators_per_replica: 8
    accelerator_quota: 80
    replicas: {min: 2, max: 10}
    autoscaling: {enabled: true, metric: concurrency, reaction: 5m}
    admission: {rate_limit: true, load_shedding: true, bounded_queue: true}
    concurrency_per_replica: 4
    service_time: {p50_ms: 100, p99_ms: 400}
    capacity: {qps_per_replica: 50}
    dependencies:
      - {target: discovery, calls_per_request: 1, timeout_ms: 100, fallback: cache}
    slo: {availability: 0.999}
    fallback: none
    release: {canary: true, auto_rollback: true}
models:
  - id: m
    training: {automated: false}
monitoring:
  system: {latency: alert, errors: alert, saturation: alert}
"""


def _review(text: str) -> Review:
    return run(load_text(text))


def _by_key(review: Review) -> dict[str, Scenario]:
    return {s.key: s for s in review.scenarios}


def test_a_shortfall_at_a_guessed_growth_target_does_not_lead_a_stated_outage() -> None:
    guessed = _review(FLEET)
    capacity = _by_key(guessed)["capacity:serve"]
    # Its score is unchanged: the guess decides the order at the top, not the arithmetic.
    assert capacity.score > guessed.scenarios[0].score
    assert guessed.scenarios[0].key == "fleet-rollout:discovery"
    assert guessed.scenarios[1].key == "capacity:serve"
    stated = _review(FLEET.replace("   # inferred", ""))
    assert stated.scenarios[0].key == "capacity:serve"
    assert stated.scenarios[0].score == capacity.score


def test_the_growth_part_says_it_happens_only_if_the_guess_comes_true() -> None:
    capacity = _by_key(_review(FLEET))["capacity:serve"]
    premise = "the 3x growth target, marked inferred on line 6"
    assert capacity.risk.premise == premise
    growth = next(p for p in capacity.risk.parts if p.trigger == "growth")
    assert growth.when == f"only if traffic reaches {premise}"
    assert f"not certain: it happens only if traffic reaches {premise}" in growth.working
    stated = _by_key(_review(FLEET.replace("   # inferred", "")))["capacity:serve"]
    assert stated.risk.premise == ""
    assert "certain once traffic reaches the target" in stated.risk.working[0]


def test_a_default_growth_target_is_a_guess_too() -> None:
    text = FLEET.replace(", growth_multiplier: 3}   # inferred", "}")
    capacity = _by_key(_review(text))["capacity:serve"]
    assert capacity.risk.premise == (
        "the default 10x growth target (set system.traffic.growth_multiplier)"
    )


def test_a_fleet_wide_rollout_is_counted_at_its_rules_rate() -> None:
    # The rule registers occurrence 5 (4 a year); the source being another team's is the
    # rule's premise, not a reason to count 26 fleet-wide outages a year.
    rollout = _by_key(_review(FLEET))["fleet-rollout:discovery"]
    working = rollout.risk.working[0]
    assert "assumed 4 a year, the rule's default (occurrence 5 of 10 on the AWS FMEA scale)" in (
        working
    )


def test_a_raised_default_rate_says_what_raises_it() -> None:
    path = ROOT / "benchmarks" / "incidents" / "amazon-repricing-fly-book-2011" / "system.yaml"
    change = _by_key(run(load(path)))["upstream-change:competitor_offers"]
    assert (
        "(occurrence 6 of 10 on the AWS FMEA scale: the rule's 3, +2 as competitor_offers is "
        "another team's, +1 as competitor_offers is under 99.9% available)"
    ) in change.risk.working[0]


def _made(key: str, score_part: float, effect: float, *, premise: str = "") -> Scenario:
    part = Part("growth" if premise else "event", ("R1",), 0.9, score_part, 1.0, premise=premise)
    return Scenario(key, key, "e", [_finding("R1", "declared")], ["a"], Risk([part], effect, 1.0))


def test_lead_gives_the_top_slot_to_stated_facts_of_at_least_the_same_harm() -> None:
    guessed = _made("capacity:a", 0.5, 0.6, premise="the 3x growth target, marked inferred")
    milder = _made("stale-model:a", 0.9, 0.05)
    outage = _made("fleet-rollout:a", 0.01, 0.6)
    assert [s.key for s in lead([guessed, milder, outage])] == [
        "fleet-rollout:a",
        "capacity:a",
        "stale-model:a",
    ]
    # A stated one of less harm to each prediction does not displace it.
    assert lead([guessed, milder])[0] is guessed
    # Nor does anything when the first stands on stated facts.
    assert lead([milder, outage])[0] is milder
