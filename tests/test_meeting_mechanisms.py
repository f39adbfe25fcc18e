"""The mechanisms where the top risk meets what others run or send, worked with their formula
and inputs (areas/playbooks/meeting.py, docs/risk-model.md): a dependency's latency against the
timeout set on it, a price that draws supply recomputed faster than that supply shows, and
another party's values whose unit is not declared on both sides. Each is tried on incident
manifests with their ids renamed, so nothing rests on an incident's own names."""

from __future__ import annotations

import math

from mlreview.areas.playbooks.meeting import SMOOTH, STABLE
from mlreview.engine.result import Review
from mlreview.report.formats import render
from mlreview.report.review_document import review_printable
from tests.conftest import ROOT, run_renamed


def _base(case: str) -> str:
    return (ROOT / "benchmarks" / "incidents" / case / "system.yaml").read_text(encoding="utf-8")


def _run(case: str, renames: dict[str, str], edits: dict[str, str] | None = None) -> Review:
    text = _base(case)
    for old, new in (edits or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return run_renamed(text, renames)


def _mechanisms(done: Review) -> dict[str, str]:
    return {m.key: m.text for m in done.mechanisms}


def _plan(done: Review) -> str:
    assert done.plan is not None
    return "\n".join(s.change for s in done.plan.steps)


# --- a dependency's latency against our timeout -------------------------------------------

RPC = "google-rpc-error-code"
RPC_NAMES = {
    "attribute_rpc": "lookup_call",
    "rpc_attribute": "looked_up_value",
    "query_scoring": "scorer",
    "query_model": "ranker",
    "attribute-service-team": "lookup-team",
}
DEPENDENCY = "{target: attribute_rpc, calls_per_request: 1, timeout_ms: 20, fallback: default}"


def test_an_undeclared_latency_behind_a_timeout_is_worked_as_failures_plus_the_tail() -> None:
    done = _run(RPC, RPC_NAMES)
    text = _mechanisms(done)["dependency-timeout"]
    assert "scorer gives lookup_call 20 ms and serves the default (-1)" in text
    assert "(1 - availability) + P(latency > 20 ms) of requests" in text
    # Availability 0.999 fails 0.1% of calls; a p99 at the timeout adds at least 1%.
    assert "Availability 0.999 (inferred) fails 0.1%." in text
    assert "0.1% + 1% = 1.1% of requests, 11 times the failures alone" in text
    # Not stated: assumed, and asked for with the field that settles it.
    assert "assumed at the timeout" in text
    assert "Set endpoints[scorer].dependencies[lookup_call].latency_ms" in text
    # 5,000 QPS x 1 call x 10 = 50,000 calls a second at the growth target.
    assert "5,000 (inferred) x 1 x 10 = 50,000 calls a second" in text
    plan = _plan(done)
    assert "Agree with lookup-team a latency objective measured at scorer's client" in plan
    assert "p99 under its 20 ms timeout at the growth target's 50,000 calls a second" in plan
    # In the top risk's box on the opening screen.
    assert "1.1% of requests" in " ".join(render(review_printable(done), "terminal").split())


def test_a_declared_latency_at_the_timeout_is_used_and_not_asked_for() -> None:
    declared = DEPENDENCY.replace("timeout_ms: 20,", "timeout_ms: 20, latency_ms: 25,")
    text = _mechanisms(_run(RPC, RPC_NAMES, {DEPENDENCY: declared}))["dependency-timeout"]
    assert "Its p99 latency of 25 ms is at or over the timeout" in text
    assert "0.1% + 1% = 1.1% of requests" in text
    assert "assumed" not in text and "?" not in text


def test_no_timeout_mechanism_where_the_latency_is_declared_under_the_timeout() -> None:
    declared = DEPENDENCY.replace("timeout_ms: 20,", "timeout_ms: 20, latency_ms: 8,")
    done = _run(RPC, RPC_NAMES, {DEPENDENCY: declared})
    assert "dependency-timeout" not in _mechanisms(done)
    assert "latency objective" not in _plan(done)


def test_no_timeout_mechanism_without_a_declared_timeout() -> None:
    done = _run(RPC, RPC_NAMES, {DEPENDENCY: DEPENDENCY.replace(" timeout_ms: 20,", "")})
    assert "dependency-timeout" not in _mechanisms(done)


# --- a price that draws supply, recomputed faster than the supply shows ---------------------

SURGE = "uber-sydney-surge-2014"
SURGE_NAMES = {
    "pricing_service": "fare_api",
    "surge_multiplier": "fare_rule",
    "completed_trips": "finished_jobs",
    "open_requests_per_area": "open_asks",
}
EVERY = "    update_every: 2m"


def test_a_surge_price_updated_ten_times_before_supply_shows_oscillates() -> None:
    done = _run(SURGE, SURGE_NAMES)
    text = _mechanisms(done)["supply-oscillation"]
    # P declared 2 min, L the label's median delay 20 min: n = 10 updates.
    assert "every 2 min (P, declared in system.decision.update_every)" in text
    assert "20 min later (L, finished_jobs' median label delay (inferred))" in text
    assert "n = L / P = 20 min / 2 min = 10 times" in text
    assert "1 x 10 = 10" in text and "pi / 2 = 1.57" in text and "1/e = 0.37" in text
    assert "counts twice unless requesters are counted once" in text
    assert "move the price at most 1/10 of the way" in _plan(done)


def test_an_undeclared_update_period_is_assumed_and_asked_for() -> None:
    done = _run(SURGE, SURGE_NAMES, {EVERY: "    update_every: 5m"})
    assert "n = L / P = 20 min / 5 min = 4 times" in _mechanisms(done)["supply-oscillation"]
    text = _base(SURGE)
    line = next(x for x in text.splitlines() if x.startswith(EVERY))
    done = _run(SURGE, SURGE_NAMES, {line + "\n": ""})
    text = _mechanisms(done)["supply-oscillation"]
    assert "assumed 5 min: how often is the price recomputed? Set system.decision.update_every" in (
        text
    )


def test_no_oscillation_where_the_price_does_not_draw_supply() -> None:
    text = _base(SURGE)
    line = next(x for x in text.splitlines() if x.strip().startswith("draws_supply: true"))
    done = _run(SURGE, SURGE_NAMES, {line + "\n": ""})
    assert "supply-oscillation" not in _mechanisms(done)
    assert "1/10 of the way" not in _plan(done)


def test_no_oscillation_where_supply_shows_within_one_update() -> None:
    done = _run(SURGE, SURGE_NAMES, {EVERY: "    update_every: 30m"})
    assert "supply-oscillation" not in _mechanisms(done)


def test_the_thresholds_are_those_of_a_loop_with_dead_time() -> None:
    # x[k+1] = x[k] - g x[k-n]: the discrete limits are near the continuous 1/e and pi/2.
    n = 10
    settles = 2 * math.sin(math.pi / (2 * (2 * n + 1)))
    no_overshoot = n**n / (n + 1) ** (n + 1)
    assert abs(settles * n - STABLE) / STABLE < 0.06
    assert abs(no_overshoot * n - SMOOTH) / SMOOTH < 0.06

    def swings(g: float) -> bool:
        x = [1.0] * (n + 1)
        for _ in range(2000):
            x.append(x[-1] - g * x[-1 - n])
        return abs(x[-1]) > 1.0

    assert swings(1.0 / n * 1.7) and not swings(1.0 / n)


# --- units on another party's values ----------------------------------------------------------

FEED = "unity-audience-pinpointer-2022"
FEED_NAMES = {
    "advertiser_event_feeds": "partner_feed",
    "advertiser_conversion_signals": "partner_rates",
    "installs_and_purchases": "outcomes",
    "pinpointer_value_model": "value_model",
}
SOURCE = "    technology: postback-api\n"
FEATURE = (
    "    description: per-game conversion and purchase rates built from advertiser-sent events\n"
)


def test_a_partner_feed_with_no_units_declared_is_worked_as_one_sender_in_cents() -> None:
    done = _run(FEED, FEED_NAMES)
    text = _mechanisms(done)["partner-units"]
    assert "no unit is declared where partner_feed sends its values or where partner_rates" in text
    assert "set sources[partner_feed].units" in text
    assert "(1 - s) + 100 s = 1 + 99 s" in text
    assert "the labels and a feature that value_model trains on come from partner_feed" in text
    assert "a sender of 1% of them multiplies it by 1.99 (1 + 99 x 1%)" in text
    assert "Declare the unit of each value partner_feed sends" in _plan(done)


def test_units_declared_on_one_side_only_still_fire() -> None:
    done = _run(FEED, FEED_NAMES, {SOURCE: SOURCE + "    units: USD\n"})
    text = _mechanisms(done)["partner-units"]
    assert "partner_feed sends its values in USD, but partner_rates declares no unit" in text


def test_units_that_differ_are_named() -> None:
    edits = {SOURCE: SOURCE + "    units: cents\n", FEATURE: FEATURE + "    units: USD\n"}
    text = _mechanisms(_run(FEED, FEED_NAMES, edits))["partner-units"]
    assert "partner_feed declares its values in cents but partner_rates reads them in USD" in text


def test_no_units_mechanism_where_both_sides_declare_the_same_unit() -> None:
    edits = {SOURCE: SOURCE + "    units: USD\n", FEATURE: FEATURE + "    units: USD\n"}
    done = _run(FEED, FEED_NAMES, edits)
    assert "partner-units" not in _mechanisms(done)
    assert "Declare the unit" not in _plan(done)


def test_no_units_mechanism_where_the_model_predicts_no_amount() -> None:
    # A bid is a price, an amount, whatever the task: both must go.
    edits = {
        "type: regression ": "type: classification ",
        "bid for ad impressions on behalf of advertiser campaigns": "flag the user for review",
    }
    assert "partner-units" in _mechanisms(_run(FEED, FEED_NAMES, {**edits, "flag the": "bid"}))
    assert "partner-units" not in _mechanisms(_run(FEED, FEED_NAMES, edits))


# --- people reading an automated system's outputs ---------------------------------------------

BOT = "microsoft-tay-2016"
BOT_NAMES = {
    "tay_dialogue_model": "chat_model",
    "reply_service": "responder",
    "social_mentions": "user_messages",
    "conversations": "chats",
}
QUALITY = "    proxy: manual "


def test_reading_outputs_by_hand_is_worked_as_the_share_read() -> None:
    done = _run(BOT, BOT_NAMES)
    text = _mechanisms(done)["manual-coverage"]
    # 600 an hour assumed against 30 QPS x 3,600 = 108,000 an hour: 0.556%, 0.0556% at 10x.
    assert "people read 600 outputs an hour (assumed: one person reading 10 a minute" in text
    assert "Set monitoring.quality.reviewed_per_hour" in text
    assert "30 (inferred) x 3,600 = 108,000" in text
    assert "600 / 108,000 = 0.556% of them, and 0.0556% at the 10x growth target" in text
    assert "one output in 108,000 / 600 = 180 is read" in text
    # The plan already screens every output: the mechanism adds no step of its own.
    assert next(m for m in done.mechanisms if m.key == "manual-coverage").step == ""


def test_a_declared_reading_rate_is_used_and_not_asked_for() -> None:
    edit = {QUALITY: "    reviewed_per_hour: 1800\n    proxy: manual "}
    text = _mechanisms(_run(BOT, BOT_NAMES, edit))["manual-coverage"]
    assert "people read 1,800 outputs an hour (declared in monitoring.quality" in text
    assert "1,800 / 108,000 = 1.67%" in text
    assert "assumed" not in text and "?" not in text


def test_no_coverage_where_nobody_reads_by_hand_or_a_person_acts() -> None:
    assert "manual-coverage" not in _mechanisms(
        _run(BOT, BOT_NAMES, {QUALITY: "    proxy: alert "})
    )
    text = _base(BOT)
    line = next(x for x in text.splitlines() if x.strip().startswith("automated_action: true"))
    done = _run(BOT, BOT_NAMES, {line: line.replace("true", "false")})
    assert "manual-coverage" not in _mechanisms(done)
