"""llmperf's results (ray-project/llmperf `token_benchmark_ray.py`): the run's summary JSON and
its individual responses JSON. Times are in seconds. A run keeps a fixed number of requests in
flight (`num_concurrent_requests`): a closed loop.

The request-level figures (end-to-end latency, completed requests per minute, errors) are a
load test like any other. The token figures (time to first token, inter-token latency, tokens
per second) are kept in `tokens` for the review to show; the capacity model does not use them.
The individual responses have no timestamps or concurrency, so their request rate is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlreview.datasets.loadtest.fields import Fields
from mlreview.datasets.loadtest.hey import percentile
from mlreview.datasets.loadtest.run import LoadTestRun, TokenTimings

MAX_TOKENS = 1e9
STARTED = "results_num_requests_started"
COMPLETED = "results_num_completed_requests"
PER_MINUTE = "results_num_completed_requests_per_min"
PER_REQUEST = "results_request_output_throughput_token_per_s"
SUMMARY_KEYS = ("results_ttft_s_mean", "num_concurrent_requests")
RESPONSE_KEYS = ("ttft_s", "end_to_end_latency_s")
NO_RATE = (
    "llmperf's individual responses have no timestamps or concurrency, so no request rate: "
    "the capacity model cannot compare this run (link the run's _summary.json)"
)


def is_summary(data: Any) -> bool:
    return isinstance(data, Mapping) and all(k in data for k in SUMMARY_KEYS)


def is_responses(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], Mapping)
        and all(k in data[0] for k in RESPONSE_KEYS)
    )


def _quantile(f: Fields, data: Mapping[str, Any], metric: str, q: str) -> float:
    key = f"results_{metric}_s_quantiles_{q}"
    return f.ms(data.get(key), key, unit="s")


def summary(data: Mapping[str, Any], file: str) -> LoadTestRun:
    f = Fields(file)
    completed = f.count(data.get(COMPLETED), COMPLETED)
    errors = f.count(data.get("results_number_errors", 0), "results_number_errors")
    started = data.get(STARTED)
    requests = f.count(started, STARTED) if started is not None else completed + errors
    if requests == 0:
        raise f.fail(f"{STARTED}: no requests; expected a run that sent some")
    f.at_most(completed + errors, requests, "results_number_errors + " + COMPLETED)
    rate = f.rate(data.get(PER_MINUTE), PER_MINUTE) / 60.0
    p50 = _quantile(f, data, "end_to_end_latency", "p50")
    p99 = _quantile(f, data, "end_to_end_latency", "p99")
    f.ordered(p50, p99, "results_end_to_end_latency_s_quantiles")
    tokens = TokenTimings(
        ttft_p50_ms=_quantile(f, data, "ttft", "p50"),
        ttft_p99_ms=_quantile(f, data, "ttft", "p99"),
        inter_token_p50_ms=_quantile(f, data, "inter_token_latency", "p50"),
        inter_token_p99_ms=_quantile(f, data, "inter_token_latency", "p99"),
        request_tokens_per_s_p50=_tokens(f, data, f"{PER_REQUEST}_quantiles_p50"),
        output_tokens_per_s=_tokens(f, data, "results_mean_output_throughput_token_per_s"),
        mean_input_tokens=_optional_tokens(f, data, "mean_input_tokens"),
        mean_output_tokens=_optional_tokens(f, data, "mean_output_tokens"),
        model=str(data["model"]) if isinstance(data.get("model"), str) else None,
    )
    f.ordered(tokens.ttft_p50_ms, tokens.ttft_p99_ms, "results_ttft_s_quantiles")
    mean = "results_end_to_end_latency_s_mean"
    return LoadTestRun(
        tool="llmperf",
        file=file,
        requests=requests,
        failures=errors,
        throughput_qps=rate,
        p50_ms=p50,
        p99_ms=p99,
        mean_ms=f.ms(data.get(mean), mean, unit="s"),
        open_loop=False,
        concurrency=f.count(data["num_concurrent_requests"], "num_concurrent_requests", low=1),
        tokens=tokens,
    )


def responses(data: list[Any], file: str) -> LoadTestRun:
    f = Fields(file)
    ok = []
    for i, item in enumerate(data):
        if f.mapping(item, f"[{i}]").get("error_code") is None:
            ok.append((i, item))
    if not ok:
        raise f.fail(f"all {len(data)} responses failed; expected some successful requests")

    def series(key: str) -> list[float]:
        if key == PER_REQUEST.removeprefix("results_"):
            return sorted(_tokens(f, r, key, at=f"[{i}].") for i, r in ok)
        return sorted(f.ms(r.get(key), f"[{i}].{key}", unit="s") for i, r in ok)

    latency = series("end_to_end_latency_s")
    ttft, itl = series("ttft_s"), series("inter_token_latency_s")
    speed = series(PER_REQUEST.removeprefix("results_"))
    return LoadTestRun(
        tool="llmperf",
        file=file,
        requests=len(data),
        failures=len(data) - len(ok),
        throughput_qps=None,
        p50_ms=percentile(latency, 0.5),
        p99_ms=percentile(latency, 0.99),
        mean_ms=sum(latency) / len(latency),
        open_loop=False,
        tokens=TokenTimings(
            ttft_p50_ms=percentile(ttft, 0.5),
            ttft_p99_ms=percentile(ttft, 0.99),
            inter_token_p50_ms=percentile(itl, 0.5),
            inter_token_p99_ms=percentile(itl, 0.99),
            request_tokens_per_s_p50=percentile(speed, 0.5),
            output_tokens_per_s=None,
            mean_input_tokens=_mean_tokens(f, ok, "number_input_tokens"),
            mean_output_tokens=_mean_tokens(f, ok, "number_output_tokens"),
            model=None,
        ),
        notes=(NO_RATE,),
    )


def _tokens(f: Fields, data: Mapping[str, Any], key: str, *, at: str = "") -> float:
    """A token count or a rate in tokens per second."""
    return f.number(data.get(key), f"{at}{key}", high=MAX_TOKENS)


def _optional_tokens(f: Fields, data: Mapping[str, Any], key: str) -> float | None:
    return None if data.get(key) is None else _tokens(f, data, key)


def _mean_tokens(f: Fields, rows: list[tuple[int, Mapping[str, Any]]], key: str) -> float | None:
    if any(r.get(key) is None for _, r in rows):
        return None
    return sum(_tokens(f, r, key, at=f"[{i}].") for i, r in rows) / len(rows)
