"""The plan's playbook steps: the top risk's mechanism contained, detected and undone in the
system's own figures, and a proof that reproduces the failure (areas/playbooks/,
docs/plans.md)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mlreview.areas.common import load_ceiling
from mlreview.areas.playbooks import Situation, playbook
from mlreview.areas.playbooks.base import DAY, _page_window
from mlreview.areas.playbooks.data import _comparison_cadence
from mlreview.document.cells import duration
from mlreview.engine.plan import Plan, playbook_of
from mlreview.report.formats import RenderOptions, render
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load
from mlreview.system.manifest import Dependency, FeedbackLoop, LoadLimit, Source
from tests.conftest import ROOT, reviewed

INCIDENTS = ROOT / "benchmarks" / "incidents"


IMAGE = INCIDENTS / "chatgpt-image-launch-2025" / "system.yaml"


def _image_with_latency_slo(tmp_path: Path) -> Path:
    """The image launch with a 90 s p99 objective: its prose states none (so the shipped
    manifest declares only availability), and these tests are about the steps an SLO sizes."""
    text = IMAGE.read_text(encoding="utf-8")
    stated = "    slo: {availability: 0.995}      # inferred"
    assert stated in text
    path = tmp_path / "system.yaml"
    path.write_text(text.replace(stated, "    slo: {p99_ms: 90000, availability: 0.995}"))
    return path


def _plan(path: Path) -> Plan:
    done = reviewed(path)
    assert done.plan is not None
    return done.plan


def _text(plan: Plan) -> str:
    return "\n".join([*(s.text for s in plan.steps), plan.verify])


def _delays(path: Path) -> tuple[float, float]:
    loops = [c for c in load(path).manifest.feedback if isinstance(c, FeedbackLoop)]
    delay = loops[0].label.delay if loops[0].label else None
    assert delay is not None and delay.p50 is not None and delay.p95 is not None
    return float(delay.p50), float(delay.p95)


def test_a_pricer_gets_a_ceiling_a_page_before_outcomes_and_a_shock_it_cannot_answer() -> None:
    path = INCIDENTS / "uber-sydney-surge-2014" / "system.yaml"
    plan = _plan(path)
    first = plan.steps[0]
    assert first.move and first.closes == ("FEED013",) and "ceiling" in first.change
    # The page waits as long as an outcome takes to show: the declared median, within 10-60 min.
    window = duration(min(3600.0, max(600.0, _delays(path)[0])))
    assert f"at the ceiling for {window}" in _text(plan)
    assert "10 times its peak with supply held flat" in plan.verify
    # The rule's own generic fix is carried out by the playbook's step, not printed beside it.
    assert "Cap the action rate" not in _text(plan)


def test_slow_outcomes_cap_how_often_it_acts_and_the_proof_is_a_market_turn() -> None:
    path = INCIDENTS / "zillow-offers-2021" / "system.yaml"
    p50, p95 = _delays(path)
    plan = _plan(path)
    text = _text(plan)
    first = plan.steps[0]
    assert first.closes == ("FEED013",)
    assert (
        f"Its outcomes take {duration(p50)} to show (median, {duration(p95)} at p95)"
        in first.change
    )
    assert "make a cash offer to buy the home per week and segment" in first.change
    # Home offers are not a price that sits at a ceiling: no percentile ceiling, a take-up page.
    assert "99.9th percentile" not in text and "1.5 times its 26-week rate" in text
    assert "market turned" in plan.verify and f"about {duration(p50)} in" in plan.verify
    # The missing controls stay in the findings: the playbook detects and contains it itself.
    assert not any("FEED006" in s.closes for s in plan.steps)


def test_a_price_loop_is_bounded_against_a_reference_it_cannot_move() -> None:
    plan = _plan(INCIDENTS / "amazon-repricing-fly-book-2011" / "system.yaml")
    loop = [s for s in plan.steps if "FEED005" in s.closes]
    assert len(loop) == 1 and loop[0].move and loop[0].closes == ("FEED013", "FEED005")
    assert "a reference its loop cannot move" in loop[0].change
    # A ceiling from its own price history would rise with the runaway.
    assert "percentile of the prices it set" not in _text(plan)
    assert "follows its own by a fixed factor, so that k x c is above 1" in plan.verify


def test_a_lender_caps_decisions_per_hour_and_nothing_speaks_of_prices() -> None:
    plan = _plan(ROOT / "examples" / "credit-scoring" / "system.yaml")
    text = _text(plan)
    assert plan.steps[0].change.startswith("Cap approvals and declines per hour")
    # Outcomes take months, so the hourly cap and the weekly one are one step, not two.
    caps = [s for s in plan.steps if "cap it per week and segment as well" in s.change]
    assert caps == [plan.steps[0]]
    assert not any(s.change.startswith("Its outcomes take") for s in plan.steps)
    assert "price" not in text
    assert "10 times its peak" not in text


def test_a_stale_table_pages_at_one_and_a_half_times_its_normal_lag() -> None:
    path = INCIDENTS / "google-play-stale-table" / "system.yaml"
    source = next(c for c in load(path).manifest.sources if isinstance(c, Source) and c.freshness)
    assert source.freshness is not None
    at = duration(1.5 * float(source.freshness))
    plan = _plan(path)
    assert plan.steps[0].closes == ("DATA004",)
    assert f"page when it passes {at}" in plan.steps[0].change
    assert f"must fire by {at}" in plan.verify


def test_an_rpc_default_is_paged_on_its_call_failures_not_on_table_freshness() -> None:
    plan = _plan(INCIDENTS / "google-rpc-error-code" / "system.yaml")
    text = _text(plan)
    assert "error and timeout rate of the calls" in text
    assert "last-update age" not in text
    assert "make a third of the calls to attribute_rpc fail" in plan.verify


def test_no_plan_prints_a_step_twice() -> None:
    for path in sorted(INCIDENTS.glob("*/system.yaml")):
        plan = _plan(path)
        changes = [s.change for s in plan.steps]
        assert len(changes) == len(set(changes)), path


@given(st.one_of(st.none(), st.floats(min_value=0.0, max_value=400 * DAY)))
def test_the_page_window_is_ten_minutes_to_an_hour_or_a_day_for_slow_outcomes(
    delay: float | None,
) -> None:
    window = _page_window(delay)
    if delay is not None and delay > DAY:
        assert window == DAY
    else:
        assert 600.0 <= window <= 3600.0
        # Within the bounds it is the time the outcome takes to show.
        if delay is not None and 600.0 <= delay <= 3600.0:
            assert window == delay


def test_a_launch_scales_ahead_admits_what_it_can_serve_and_proves_it_on_a_game_day(
    tmp_path: Path,
) -> None:
    path = _image_with_latency_slo(tmp_path)
    endpoint = load(path).manifest.endpoints[0]
    assert endpoint.cold_start is not None and endpoint.slo and endpoint.slo.p99_ms
    plan = _plan(path)
    first_week = [s for s in plan.steps if s.when == "this week"]
    assert any(
        f"with a {duration(float(endpoint.cold_start))} cold start" in s.change for s in first_week
    )
    # Buying the capacity is prevention once the launch's admission control holds the line.
    assert any("SCALE012" in s.closes for s in plan.steps)
    assert f"keep p99 within {duration(endpoint.slo.p99_ms / 1000.0)}" in plan.verify


def test_a_launch_under_a_fixed_ceiling_leads_with_admission_control(tmp_path: Path) -> None:
    """A declared launch whose forecast is 1.35x under the ceiling with nothing capping demand:
    the plan opens with admission held at 80% of the ceiling, refusal on the estimated wait and
    cancelling abandoned generations, and the proof runs at twice the launch forecast."""
    path = _image_with_latency_slo(tmp_path)
    plan = _plan(path)
    # The step that closes the cause (the quota the launch needs) leads; admission control
    # follows it the same week.
    quota, first, second, third = plan.steps[:4]
    assert "SCALE012" in quota.closes and quota.when == "this week"
    assert "SCALE018" in first.closes and first.when == "this week"
    # 0.25 QPS a replica as the prose states ("roughly a quarter"), x 1,000 replicas = 250.
    assert "Hold admission at 80% of the ceiling, 200 of 250 QPS" in first.change
    assert "a per-user limit" in first.change and "a staged opening" in first.change
    assert "estimated wait" in second.change and "90s p99 SLO" in second.change
    assert "3 min timeout" in second.change
    assert "Cancel a generation when its client disconnects" in third.change
    assert "twice that tenth's share of the launch forecast (40 QPS" in plan.verify
    assert "growth target" not in plan.verify


def test_a_launch_with_a_per_user_cap_still_needs_a_sign_up_gate() -> None:
    plan = _plan(INCIDENTS / "chatgpt-devday-capacity-2023" / "system.yaml")
    assert "SCALE012" in plan.steps[0].closes  # the quota, which closes the cause, leads
    first = plan.steps[1]
    assert "SCALE018" in first.closes
    assert "a staged opening" in first.change and "a per-user limit" not in first.change


def test_users_who_steer_training_meet_a_distinct_accounts_rule_and_an_auto_pause() -> None:
    plan = _plan(INCIDENTS / "microsoft-tay-2016" / "system.yaml")
    steer = next(s for s in plan.steps if "FEED012" in s.closes)
    assert "20 unrelated, established accounts" in steer.change and "echo requests" in steer.change
    assert any("pause learning by itself" in s.change for s in plan.steps)
    # The filters the step adds are manifest fields: applied, the risk is gone.
    assert dict(steer.enact)[("feedback", 0, "quality_filters", "poisoning")] is True
    assert plan.residual == 0
    # It learns continuously: the hourly probe-set pause is its gate, and no step asks to
    # bless or veto candidates it never has.
    pause = next(s for s in plan.steps if "pause learning by itself" in s.change)
    assert "DATA014" in pause.closes
    assert not any("Bless or veto" in s.change for s in plan.steps)


def test_a_model_retrained_in_releases_keeps_its_gate_step_beside_the_pause(
    tmp_path: Path,
) -> None:
    text = (INCIDENTS / "microsoft-tay-2016" / "system.yaml").read_text()
    daily = text.replace("cadence: continuous", "cadence: daily")
    assert daily != text
    path = tmp_path / "system.yaml"
    path.write_text(daily)
    plan = _plan(path)
    pause = next(s for s in plan.steps if "pause learning by itself" in s.change)
    assert "DATA014" not in pause.closes
    assert any("DATA014" in s.closes and "Bless or veto" in s.change for s in plan.steps)


def test_a_rule_not_learned_gets_no_registry_step() -> None:
    plan = _plan(INCIDENTS / "uber-sydney-surge-2014" / "system.yaml")
    assert not any("DATA008" in s.closes for s in plan.steps)


def test_a_reader_on_the_clock_is_triggered_by_completion_and_checks_the_night_it_reads() -> None:
    plan = _plan(ROOT / "examples" / "demand-forecast" / "system.yaml")
    race = next(s for s in plan.steps if "DATA021" in s.closes)
    assert race.move and race.components == ("nightly_scoring",)
    check = next(s for s in plan.steps if "90% of its median row count" in s.change)
    assert check.components == ("nightly_scoring",) and check.part == "detect"


def test_a_leak_re_measures_the_gate_and_leaves_the_random_split_to_its_own_rule() -> None:
    done = reviewed(ROOT / "examples" / "recommender" / "system.yaml")
    plan = done.plan
    assert plan is not None
    assert any("SKEW005" in s.closes for s in plan.steps)
    assert any("promotion gate's bar" in s.change for s in plan.steps)
    # The random split is SKEW010's finding in the runner-up scenario: not written again here.
    assert any(f.rule == "SKEW010" for f in done.findings)
    assert not any("random split" in s.change for s in plan.steps)


def test_stale_features_are_watched_where_serving_reads_them() -> None:
    plan = _plan(INCIDENTS / "doordash-ads-online-offline-2024" / "system.yaml")
    served = next(s for s in plan.steps if "served at their default" in s.change)
    assert served.part == "detect" and served.move
    # The job's own age alert stays with DATA009's fix; the step adds what serving sees.
    assert any("DATA009" in s.closes for s in plan.steps)


def test_selective_labels_explore_by_score_band_and_report_the_unbiased_figure() -> None:
    plan = _plan(INCIDENTS / "stripe-fraud-selective-labels" / "system.yaml")
    text = _text(plan)
    assert plan.steps[0].closes == ("FEED001",)
    assert "inverse propensity" in text
    # The bands are rates a team can set: four times, once and a fifth of the explored share
    # that FEED001's step names.
    share = plan.steps[0].change.split("For ", 1)[1].split(" of decisions", 1)[0]
    assert share == "0.2%"
    assert "just past the threshold to the top: 0.8%, 0.2% and 0.04% of each band's" in text
    # The missing holdout the review lists is closed too, by a step of its own after the
    # exploration that removes the mechanism.
    holdout = [i for i, s in enumerate(plan.steps) if "FEED010" in s.closes]
    assert len(holdout) == 1 and holdout[0] > 0


def _population(path: Path) -> tuple[str | None, float | None, str | None]:
    model = load(path).manifest.models[0]
    population = model.training.population if model.training else None
    assert population is not None
    kept = float(population.share_kept) if population.share_kept is not None else None
    return population.excluded, kept, population.pooled


def test_a_filter_that_drops_served_cases_gets_removed_watched_and_gated_per_bucket() -> None:
    path = INCIDENTS / "google-plus-stream-copied-pipeline" / "system.yaml"
    excluded, kept, _ = _population(path)
    assert excluded
    plan = _plan(path)
    text = _text(plan)
    fixing = [s for s in plan.steps if "SKEW016" in s.closes]
    assert len(fixing) == 1 and excluded in fixing[0].change
    assert "cover less than 95% of the served traffic" in text
    assert "by more than 1% (relative) on any bucket" in text
    # The rule's own fix bundles the gate and the alert; the playbook's steps carry them apart,
    # so the bundle is not printed beside them.
    assert "Remove the filter from the training examples" not in text
    if kept is not None:
        assert f"coverage must rise from {kept:.0%} to at least 95%" in plan.verify


def test_pooled_contexts_are_split_gated_on_the_served_context_and_admitted_by_list() -> None:
    path = INCIDENTS / "google-play-apps-home-mixed-pages" / "system.yaml"
    _, _, pooled = _population(path)
    assert pooled
    plan = _plan(path)
    text = _text(plan)
    assert next(s.closes for s in plan.steps if s.closes) == ("SKEW017",)
    assert f"whatever it gains on {pooled}" in text
    assert "on a list of the contexts it serves" in text
    # A skew monitor on the mix of contexts, and a proof that injects the pooled context.
    assert "training examples by context with its logged serving traffic each day" in text
    assert f"a day in which {pooled} make up half the examples" in plan.verify
    assert "must alert within that day" in plan.verify


def test_users_who_steer_an_automated_output_get_an_output_screen_and_an_off_switch() -> None:
    path = INCIDENTS / "microsoft-tay-2016" / "system.yaml"
    system = load(path)
    decision = system.manifest.system.decision
    assert decision is not None and decision.automated_action and decision.action
    plan = _plan(path)
    screen = [s for s in plan.steps if s.change.startswith("Before ")]
    assert screen and decision.action in screen[0].change and "echoed text" in screen[0].change
    switch = [s for s in plan.steps if s.part == "recover"]
    assert switch and "usable without a deploy" in switch[0].change
    # The runaway playbook's runbook for supply-side outages is a pricer's; it is not a chatbot's.
    assert "supply side" not in _text(plan)


def test_bad_training_data_holds_the_run_and_gates_each_segment() -> None:
    plan = _plan(INCIDENTS / "unity-audience-pinpointer-2022" / "system.yaml")
    text = _text(plan)
    assert "hold the run when more than 5% of its window's rows are quarantined" in text
    assert "on any segment that carries more than 1% of the traffic" in text


def test_an_upstream_change_is_also_caught_by_matured_error_where_no_label_alert_pages() -> None:
    path = INCIDENTS / "google-flu-trends" / "system.yaml"
    system = load(path)
    monitoring = system.manifest.monitoring
    quality = monitoring.quality if monitoring else None
    assert quality is None or quality.label_based not in (True, "alert")
    loop = system.manifest.feedback[0]
    assert loop.label and loop.label.delay and loop.label.delay.p50
    text = _text(_plan(path))
    assert f"against each outcome from {loop.id} as it matures" in text
    assert f"({duration(float(loop.label.delay.p50))} median)" in text


def test_drift_in_a_threshold_decision_with_fast_outcomes_re_sets_the_threshold_meanwhile() -> None:
    fast = _text(_plan(INCIDENTS / "instacart-availability-2020" / "system.yaml"))
    assert "re-set the decision threshold each day on the outcomes matured since the page" in fast
    # Credit-scoring's outcomes take months: no matured week exists to set a threshold on.
    system = load(ROOT / "examples" / "credit-scoring" / "system.yaml")
    model = system.manifest.models[0].id
    book = playbook(
        Situation(system, "unadapted-drift", (model,), (model,), frozenset({"FEED014"}))
    )
    assert book is not None and book.moves
    assert not any("re-set the decision threshold" in m.change for m in book.moves)


def test_exploring_a_blocking_model_counts_only_the_would_be_blocks_and_is_proven_offline() -> None:
    path = INCIDENTS / "stripe-fraud-selective-labels" / "system.yaml"
    plan = _plan(path)
    first = plan.steps[0]
    assert first.closes == ("FEED001",)
    assert "only the would-be blocks among them go through" in first.text
    assert "at most about" in first.text
    # The proof must see the blocked region: a censoring replay on labelled history, not an
    # estimate from the labelled traffic the model already let through.
    assert "hide the outcomes of the cases a stricter model would have stopped" in plan.verify
    assert "rest of the labelled traffic" not in plan.verify


def test_a_weekly_series_is_compared_on_each_run_not_each_day() -> None:
    # Flu Trends' query share is counted once a week: a daily PSI has nothing new to compare.
    plan = _plan(INCIDENTS / "google-flu-trends" / "system.yaml")
    text = _text(plan)
    assert "Compare flu_query_share on each run of weekly_query_share (weekly)" in text
    assert "each day" not in text
    # A source an hourly job reads keeps the daily comparison.
    unity = load(INCIDENTS / "unity-audience-pinpointer-2022" / "system.yaml")
    assert _comparison_cadence(unity, "advertiser_event_feeds") == "each day"


def test_an_artefact_with_a_consumer_limit_is_checked_against_that_limit() -> None:
    # Cloudflare's bot module preallocates 200 features and the file holds about 60: the check
    # refuses the lower of 90% of the limit (180) and 1.5 times today's count (90).
    text = _text(_plan(INCIDENTS / "cloudflare-bot-management-2025" / "system.yaml"))
    assert "refuse it when it holds more than 90 entries (1.5 times the 60 in use; " in text
    assert "fl2_bot_module fails past 200) or names an entry twice" in text
    assert "every entry duplicated (twice today's count)" in text


def test_the_load_ceiling_is_the_lower_of_the_margin_and_the_growth() -> None:
    def ceiling(most: int, typical: int | None) -> tuple[int, str] | None:
        limit = LoadLimit(max_entries=most, typical_entries=typical)
        return load_ceiling(Dependency(target="file", load_limit=limit))

    assert ceiling(200, 60) == (90, "1.5 times the 60 in use")
    assert ceiling(200, 190) == (180, "90% of the 200 accepted")
    assert ceiling(200, None) == (180, "90% of the 200 accepted")
    assert load_ceiling(Dependency(target="file")) is None


def test_features_coded_twice_and_stale_get_one_definition_and_a_parity_gate() -> None:
    text = _text(_plan(INCIDENTS / "doordash-ads-online-offline-2024" / "system.yaml"))
    assert "Define consumer_engagement_dense and consumer_promotion_dense once" in text
    assert "block the launch when more than 1% of rows differ by more than 1% on any one" in text
    assert "the per-feature parity gate must pass the rest" in text


def test_a_model_on_several_platforms_is_diffed_against_a_reference_before_release() -> None:
    text = _text(_plan(INCIDENTS / "anthropic-tpu-sampling-2025" / "system.yaml"))
    assert "block the release when the mean KL divergence passes 1e-3 nats or top-1 " in text
    assert "agreement falls below 99.5%" in text
    assert "an approximate top-k in the sampler" in text


def test_a_dependency_outage_gets_a_priced_fallback_a_timeout_budget_and_a_game_day(
    tmp_path: Path,
) -> None:
    """The plan for a dependency on the synchronous path that fails: its answer when down, with
    the hours a year its availability implies, a timeout inside the SLO's budget, a zone spread
    where it runs in fewer than three, and a game day that kills it."""
    path = _image_with_latency_slo(tmp_path)
    done = reviewed(path)
    scenario = next(s for s in done.scenarios if s.family == "dependency-outage")
    book = playbook_of(load(path), scenario)
    assert book is not None
    answer, timeout = book.moves[:2]
    assert {"DATA020", "SCALE006"} <= set(answer.replaces)
    assert "fails closed by design, so the answer is a refusal" in answer.change
    assert "about 8.76 h a year, (1 - 0.999) x 525,600 min" in answer.change
    assert "at its 500 ms, under the budget of 7,500 ms per call" in timeout.change
    assert "50% x (90000 ms SLO - 60000 ms own p99) / 2 calls" in timeout.change
    assert book.verify is not None and f"kill {scenario.anchors[0]}" in book.verify


def test_a_dependency_in_too_few_zones_is_spread_over_three() -> None:
    path = INCIDENTS / "chatgpt-devday-capacity-2023" / "system.yaml"
    done = reviewed(path)
    scenario = next(s for s in done.scenarios if s.family == "dependency-outage")
    book = playbook_of(load(path), scenario)
    assert book is not None
    zones = {s.id: s.zones for s in load(path).manifest.sources}
    assert zones == {"conversation_store": 3, "gpt_configurations": 2}
    assert set(scenario.anchors) == set(zones)
    spread = [m for m in book.moves if "DATA010" in m.replaces]
    assert [m.components for m in spread] == [("gpt_configurations",)]
    assert "at least 3 zones (it declares 2)" in spread[0].change


def test_a_fleet_wide_infrastructure_change_is_staged_by_cluster_with_a_halt_and_break_glass() -> (
    None
):
    """OpenAI's telemetry rollout: a change to service discovery's control plane reached every
    cluster at once after testing on smaller ones; the plan stages it by cluster, holds each
    stage longer than the DNS cache hides a failure, halts on API-server load and keeps a
    break-glass path."""
    path = INCIDENTS / "openai-kubernetes-telemetry-2024" / "system.yaml"
    done = reviewed(path)
    scenario = next(s for s in done.scenarios if s.family == "fleet-rollout")
    assert "SCALE019" in {f.rule for f in scenario.findings}
    book = playbook_of(load(path), scenario)
    assert book is not None
    text = "\n".join(m.change for m in book.moves)
    assert "out by cluster: one small production cluster, then one of the largest" in text
    assert "each stage held 60 min (twice the 30 min its cached answers hide" in text
    assert "API-server request latency p99 passes 1 s" in text
    assert "break-glass path" in text
    assert "a cluster the size of the largest production one" in text
    # The proof deploys the kind of change that caused the load, not an outage of its own.
    assert book.verify is not None and "block the API servers" not in book.verify
    assert "roll out through the stages an agent build" in book.verify
    assert "grow with the number of nodes" in book.verify
    assert "first stage within 30 min, before its cached answers expire" in book.verify


def test_a_default_at_the_source_and_two_missing_value_policies_are_one_step() -> None:
    """Card-fraud's default at card_auth_stream (DATA002) and txn_count_1h's drop-vs-zero
    policies (SKEW008) are one defect: one step carries both fixes, not two near-copies."""
    plan = _plan(ROOT / "examples" / "card-fraud" / "system.yaml")
    joint = [s for s in plan.steps if set(s.closes) >= {"DATA002", "SKEW008"}]
    assert len(joint) == 1 and "one imputation function" in joint[0].change
    assert not any(s.closes in (("DATA002",), ("SKEW008",)) for s in plan.steps)


def test_steps_without_a_manifest_field_are_said_to_be_left_out_of_the_re_run() -> None:
    done = reviewed(INCIDENTS / "uber-sydney-surge-2014" / "system.yaml")
    assert done.plan is not None and done.plan.unenacted
    options = RenderOptions(width=100, full=True)
    flat = " ".join(render(review_printable(done), "terminal", options).split())
    n = len(done.plan.unenacted)
    assert f"{n} step{'s' if n > 1 else ''} ha" in flat and "so that re-run leaves" in flat
    assert "nothing the manifest records" not in flat
    # The opening screen says it in words, and not at all when the risk is gone without them.
    assert done.plan.residual == 0
    brief = " ".join(render(review_printable(done), "terminal", RenderOptions(width=100)).split())
    assert "With these steps done it is gone;" in brief and "manifest field" not in brief


def test_a_launch_plan_caps_admission_once() -> None:
    """The launch's admission step (SCALE018) is the cap; the quota step (SCALE012) buys the
    capacity and points at it rather than sizing a second cap on the same door."""
    plan = _plan(INCIDENTS / "chatgpt-devday-capacity-2023" / "system.yaml")
    quota = [s for s in plan.steps if "SCALE012" in s.closes]
    assert len(quota) == 1
    assert "the launch's admission cap holds the load" in quota[0].change
    assert "waitlist" not in quota[0].change and "cap admission at" not in quota[0].change
    assert sum("Hold admission at" in s.change for s in plan.steps) == 1


def test_a_launch_plan_is_sized_to_twice_its_forecast_not_to_the_growth_default() -> None:
    """DevDay declares a 6,000 QPS launch; the risk model tests twice it. The quota and pool
    steps size to 12,000 QPS / 2.5 QPS a replica = 4,800 replicas (x 8 = 38,400 accelerators),
    not to the 10x growth target's 24,000 replicas, and the rule's generic fix (quantisation,
    distillation) is no step of a launch against a fixed ceiling."""
    plan = _plan(INCIDENTS / "chatgpt-devday-capacity-2023" / "system.yaml")
    text = _text(plan)
    quota = next(s for s in plan.steps if "SCALE012" in s.closes)
    working = "12,000 QPS (2 x the 6,000 forecast) / 2.5 QPS a replica = 4,800 replicas"
    assert working in quota.change and "x 8 = 38,400 accelerators against 24,000" in quota.change
    pool = next(s for s in plan.steps if "SCALE001" in s.closes)
    assert pool.change.startswith("Raise max replicas from 3000 to 4800") and working in pool.change
    assert "region or account tier" in pool.change
    assert pool.cost is not None and pool.cost.startswith("1800 more replicas at 2x")
    # Its manifest change is the 4800 its text says, not the growth target's 24000.
    assert [v for p, v in pool.enact if p[-2:] == ("replicas", "max")] == [4800]
    assert "quantisation" not in text and "192000" not in text and "24000 instead" not in text


def test_features_computed_twice_are_gated_on_a_parity_set_ahead_of_the_canary() -> None:
    plan = _plan(INCIDENTS / "equifax-oms-attributes-2022" / "system.yaml")
    gate = next(s for s in plan.steps if "parity set" in s.change)
    assert gate.move and gate.closes == ("SKEW013",) and gate.when == "this week"
    # Serving logs none of these features: the set is the archived inputs training reads.
    assert "archived inputs" in gate.change and "logged" not in _text(plan).replace(
        "serving does not log these features", ""
    )
    # The step that closes the cause (features computed twice) leads; then the step whose
    # change alone removes most of the risk (the canary's rollback, by the re-run).
    assert set(plan.steps[0].closes) == {"SKEW001", "SKEW002"}
    removes = [s.removes or 0 for s in plan.steps[1:]]
    assert removes[0] == max(removes) > 0 and "SCALE011" in plan.steps[1].closes
    # The missing feature log the review lists on this endpoint is closed too.
    assert any("SKEW003" in s.closes for s in plan.steps)
    once = [s for s in plan.steps if set(s.closes) == {"SKEW001", "SKEW002"}]
    assert len(once) == 1 and once[0].change.startswith("Define each once")
    assert "the parity gate must fail the build" in plan.verify
    # The proof changes the most important of the features computed twice.
    assert "code for age_oldest_tradeline" in plan.verify


def test_a_parity_set_uses_logged_requests_where_serving_logs_the_features(
    tmp_path: Path,
) -> None:
    source = INCIDENTS / "equifax-oms-attributes-2022" / "system.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "logged_at_serving: false", "logged_at_serving: true"
    )
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    system = load(path)
    features = tuple(f.id for f in system.manifest.features)
    book = playbook(
        Situation(
            system,
            "bad-release",
            ("oms_online_scoring",),
            (*features, "oms_online_scoring"),
            frozenset({"SKEW001", "SKEW002"}),
        )
    )
    assert book is not None and book.verify
    gate = book.moves[0].change
    assert "100,000 logged serving requests" in gate and "archived" not in gate


def test_a_seasonal_forecast_compares_with_a_year_earlier_and_a_manual_refit_is_not_held() -> None:
    text = _text(_plan(INCIDENTS / "google-flu-trends" / "system.yaml"))
    assert "with the same time a year earlier (a forecast trained on 1,825 d" in text
    assert "with the training window: a PSI" not in text
    # Refits are by hand: there is no training run to hold, only a refit to warn off.
    assert "nobody refits on it" in text and "holds the next training run" not in text


def test_an_upstream_change_outside_forecasting_is_compared_with_the_training_window() -> None:
    system = load(ROOT / "examples" / "card-fraud" / "system.yaml")
    source = system.manifest.sources[0].id
    book = playbook(Situation(system, "upstream-change", (source,), (source,), frozenset()))
    assert book is not None
    compare = book.moves[0].change
    assert "with the training window: a PSI above 0.2" in compare
    assert "holds the next training run" in compare
