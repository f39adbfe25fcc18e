"""Load-test readers on real files (tests/loadtests/SOURCES.md), and issue 17 items 1 and 8:
damaged or impossible results are one located error each, never a traceback or a silent misread.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.datasets.loadtest import TOKENS_NOT_MODELLED, parse, read
from mlreview.problems import InputError

from .test_bad_input import LOCATED

REAL = Path(__file__).resolve().parent / "loadtests"
CARD = Path(__file__).resolve().parent.parent / "examples" / "card-fraud"
LOCUST_HEAD = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,99%\n"
)
HEY_HEAD = (
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n"
)


def _vegeta(**changes: object) -> str:
    report: dict[str, object] = {
        "latencies": {"mean": 12_000_000, "50th": 10_000_000, "99th": 40_000_000},
        "requests": 1000,
        "throughput": 99.5,
        "success": 0.99,
    }
    for key, value in changes.items():
        if key.startswith("lat_"):
            report["latencies"][key[4:]] = value  # type: ignore[index]
        else:
            report[key] = value
    return json.dumps(report)


def _k6(**metrics: object) -> str:
    base: dict[str, object] = {
        "http_req_duration": {"values": {"avg": 12.0, "med": 10.0, "p(99)": 40.0}},
        "http_reqs": {"values": {"count": 1000, "rate": 100.0}},
    }
    base.update(metrics)
    return json.dumps({"metrics": base})


def test_real_locust_stats() -> None:
    run = read(REAL / "locust_stats.csv", "locust_stats.csv")
    assert (run.tool, run.requests, run.failures) == ("locust", 11779, 0)
    assert (run.throughput_qps, run.p50_ms, run.p99_ms) == (67.3845746547201, 5100.0, 8200.0)
    assert run.mean_ms == 4663.453389015252 and not run.open_loop


def test_real_locust_stats_history_has_totals_but_no_run_p99() -> None:
    run = read(REAL / "locust_stats_history.csv", "h.csv")
    assert (run.requests, run.failures, run.concurrency) == (11779, 0, 500)
    assert run.p50_ms == 5100.0 and run.mean_ms == pytest.approx(4663.45, abs=0.01)
    assert run.throughput_qps == pytest.approx(11779 / 175)  # first to last timestamp
    assert run.p99_ms is None
    assert any("no whole-run p99" in n for n in run.notes)


def test_real_locust_exceptions_file_is_named_not_misread() -> None:
    with pytest.raises(InputError, match=r"is Locust's exceptions CSV \(PREFIX_exceptions.csv\)"):
        read(REAL / "locust_exceptions.csv", "e.csv")


def test_real_k6_handle_summary_export() -> None:
    run = read(REAL / "k6_summary-export.json", "k6.json")
    assert (run.tool, run.requests, run.failures, run.concurrency) == ("k6", 20, 0, 5)
    assert (run.throughput_qps, run.p50_ms, run.mean_ms) == (2.4169333249062928, 255.0285, 255.6286)
    assert run.p99_ms is None  # summaryTrendStats stopped at p(95)
    assert not run.open_loop
    assert run.notes == ("no p(99) in the summary (add it to summaryTrendStats)",)


def test_real_llmperf_summaries() -> None:
    anyscale = read(REAL / "llmperf_summary_anyscale_70b.json", "a.json")
    assert (anyscale.tool, anyscale.requests, anyscale.failures) == ("llmperf", 150, 0)
    assert anyscale.concurrency == 5 and not anyscale.open_loop
    assert anyscale.throughput_qps == pytest.approx(84.73327721639254 / 60)
    assert anyscale.p50_ms == pytest.approx(2259.533028) and anyscale.p99_ms == pytest.approx(
        3705.700726
    )
    tokens = anyscale.tokens
    assert tokens is not None and tokens.model == "meta-llama/Llama-2-70b-chat-hf"
    assert tokens.ttft_p50_ms == pytest.approx(212.82956) and tokens.ttft_p99_ms == pytest.approx(
        474.530519
    )
    assert tokens.inter_token_p50_ms == pytest.approx(14.559225)
    assert tokens.output_tokens_per_s == pytest.approx(207.52121071152493)
    assert (tokens.mean_input_tokens, tokens.mean_output_tokens) == (550, 150)
    bedrock = read(REAL / "llmperf_summary_bedrock_70b.json", "b.json")
    assert bedrock.tokens is not None and bedrock.tokens.model == "meta.llama2-70b-chat-v1"
    assert bedrock.failures == 49 and bedrock.error_rate == pytest.approx(49 / 150)


def test_real_llmperf_individual_responses_have_no_rate() -> None:
    run = read(REAL / "llmperf_individual_anyscale_70b.json", "i.json")
    assert (run.requests, run.failures, run.throughput_qps, run.concurrency) == (150, 0, None, None)
    data = json.loads((REAL / "llmperf_individual_anyscale_70b.json").read_text())
    ttft = sorted(r["ttft_s"] * 1000 for r in data)
    assert run.tokens is not None and run.tokens.ttft_p50_ms == ttft[74]  # nearest rank 75 of 150
    assert run.tokens.ttft_p99_ms == ttft[148]  # rank ceil(148.5) = 149
    assert run.tokens.mean_input_tokens == 550
    assert "no request rate" in run.notes[0]


def test_card_fraud_load_tests_read_as_before() -> None:
    locust = read(CARD / "loadtests" / "fraud_api_200rps_stats.csv", "l")
    vegeta = read(CARD / "loadtests" / "fraud_api_800rps_vegeta.json", "v")
    assert (locust.requests, locust.failures, locust.throughput_qps) == (35980, 2, 199.9)
    assert (locust.p50_ms, locust.p99_ms, locust.mean_ms) == (13.0, 34.0, 14.6)
    assert (vegeta.requests, vegeta.failures, vegeta.throughput_qps) == (240000, 120, 799.6)
    assert (vegeta.p50_ms, vegeta.p99_ms, vegeta.mean_ms) == (17.1, 72.0, 22.5)


def test_an_llm_run_appears_in_the_review_with_what_is_not_modelled(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(CARD, tmp_path / "card")
    for name in ("llmperf_summary_anyscale_70b.json", "llmperf_individual_anyscale_70b.json"):
        shutil.copy(REAL / name, tmp_path / "card" / "loadtests" / name)
    manifest = tmp_path / "card" / "system.yaml"
    text = manifest.read_text(encoding="utf-8")
    old = "results: [loadtests/fraud_api_200rps_stats.csv, loadtests/fraud_api_800rps_vegeta.json]"
    new = (
        "results: [loadtests/llmperf_summary_anyscale_70b.json, "
        "loadtests/llmperf_individual_anyscale_70b.json]"
    )
    manifest.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["capacity", str(manifest), "-f", "json"]) == 0
    summary, individual = json.loads(capsys.readouterr().out)["endpoints"][0]["load_tests"]
    assert summary["tokens"]["ttft_p99_ms"] == pytest.approx(474.530519)
    assert summary["tokens"]["note"] == TOKENS_NOT_MODELLED
    assert summary["predicted_p99_ms"] is not None
    assert individual["throughput_qps"] is None and individual["predicted_p99_ms"] is None
    assert main(["check", str(manifest), "--no-questions", "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert f"LLM serving load tests ({TOKENS_NOT_MODELLED})" in out
    assert "no request rate" in out


BROKEN = [
    # item 1: tracebacks before
    (
        "locust-no-failure-column",
        LOCUST_HEAD.replace("Failure Count,", "") + ",Aggregated,100,13,14,6,40,10,50,0,13,30\n",
        "1:1: no 'Failure Count' column",
    ),
    (
        "locust-inf-requests",
        LOCUST_HEAD + ",Aggregated,inf,0,13,14,6,40,10,50,0,13,30\n",
        "2:1: Request Count: expected a finite number",
    ),
    ("vegeta-1e400", _vegeta(requests=1e400), "requests: expected a finite number, got inf"),
    (
        "k6-infinity",
        _k6(http_reqs={"values": {"count": float("inf"), "rate": 3}}),
        "http_reqs.count: expected a finite number",
    ),
    (
        "vegeta-deep",
        '{"latencies": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "JSON nested too deeply",
    ),
    (
        "k6-values-string",
        _k6(http_req_duration={"values": "fast"}),
        "http_req_duration.values: expected a JSON object",
    ),
    ("k6-failed-int", _k6(http_req_failed=5), "http_req_failed: expected a JSON object, got 5"),
    # item 8: impossible values accepted before
    ("vegeta-success-5", _vegeta(success=5), "success: expected a number from 0 to 1, got 5"),
    (
        "k6-failed-value-7",
        _k6(http_req_failed={"value": 7}),
        "http_req_failed.rate: expected a number from 0 to 1, got 7",
    ),
    (
        "locust-failures-above-requests",
        LOCUST_HEAD + ",Aggregated,10,20,13,14,6,40,10,50,0,13,30\n",
        "2:1: Failure Count: 20 failures out of 10 requests",
    ),
    ("vegeta-99th-true", _vegeta(lat_99th=True), "latencies.99th: expected a number, got true"),
    (
        "vegeta-throughput-infinity",
        _vegeta(throughput=float("inf")),
        "throughput: expected a finite number",
    ),
    (
        "hey-inf-response-time",
        HEY_HEAD + "inf,0,0,0,0,0,200,0.1\n0.01,0,0,0,0,0,200,0.2\n",
        "2:1: response-time: expected a finite number",
    ),
    ("vegeta-p99-below-p50", _vegeta(lat_99th=1_000_000), "latencies: p99 1 ms is below p50 10 ms"),
    (
        "k6-no-requests",
        _k6(http_reqs={"values": {"count": 0, "rate": 0}}),
        "http_reqs.count: expected a number from 1",
    ),
    (
        "locust-zero-latency",
        LOCUST_HEAD + ",Aggregated,10,0,0,14,6,40,10,50,0,0,30\n",
        "50%: expected a latency from 1 microsecond to 1 day",
    ),
    (
        "k6-fractional-count",
        _k6(http_reqs={"values": {"count": 10.5, "rate": 3}}),
        "http_reqs.count: expected a whole number",
    ),
    (
        "llmperf-all-failed",
        json.dumps([{"ttft_s": 0, "end_to_end_latency_s": 0, "error_code": 500}]),
        "all 1 responses failed",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_or_impossible_results_are_located_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text, "bad")
    (problem,) = caught.value.problems
    assert LOCATED.match(str(problem)) and str(problem).startswith("bad:")
    assert expected in str(problem)


def test_a_broken_load_test_linked_from_a_manifest_exits_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(CARD, tmp_path / "card")
    bad = tmp_path / "card" / "loadtests" / "fraud_api_800rps_vegeta.json"
    bad.write_text(_vegeta(success=5), encoding="utf-8")
    assert main(["check", str(tmp_path / "card" / "system.yaml")]) == 2
    err = capsys.readouterr().err
    assert err == f"{bad}:1:1: success: expected a number from 0 to 1, got 5\n"
