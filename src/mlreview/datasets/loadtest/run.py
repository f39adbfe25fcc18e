"""What every load-test reader returns: one run reduced to the same few numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOKENS_NOT_MODELLED = (
    "time to first token, inter-token latency and tokens per second are shown, not modelled: "
    "the capacity model treats each request as a whole (its end-to-end latency)"
)


@dataclass(frozen=True)
class TokenTimings:
    """An LLM-serving run's per-token figures (llmperf), in milliseconds and tokens."""

    ttft_p50_ms: float
    ttft_p99_ms: float
    inter_token_p50_ms: float
    inter_token_p99_ms: float
    request_tokens_per_s_p50: float
    output_tokens_per_s: float | None
    """All requests together, over the run (llmperf's summary only)."""
    mean_input_tokens: float | None
    mean_output_tokens: float | None
    model: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ttft_p50_ms": self.ttft_p50_ms,
            "ttft_p99_ms": self.ttft_p99_ms,
            "inter_token_p50_ms": self.inter_token_p50_ms,
            "inter_token_p99_ms": self.inter_token_p99_ms,
            "request_tokens_per_s_p50": self.request_tokens_per_s_p50,
            "output_tokens_per_s": self.output_tokens_per_s,
            "mean_input_tokens": self.mean_input_tokens,
            "mean_output_tokens": self.mean_output_tokens,
            "model": self.model,
            "note": TOKENS_NOT_MODELLED,
        }


@dataclass(frozen=True)
class LoadTestRun:
    tool: str
    file: str
    requests: int
    failures: int
    throughput_qps: float | None
    """Completed requests per second; None when the file does not say (llmperf's individual
    responses carry no timestamps), and then the capacity model cannot compare the run."""
    p50_ms: float
    p99_ms: float | None
    mean_ms: float | None
    open_loop: bool
    concurrency: int | None = None
    """Clients (Locust users, k6 VUs, llmperf concurrent requests) at the end of the run."""
    tokens: TokenTimings | None = None
    notes: tuple[str, ...] = field(default=())
    """What the reader could not take from the file, or took with a caveat."""

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The measured side of the run (the review adds the model's prediction beside it)."""
        return {
            "file": self.file,
            "tool": self.tool,
            "throughput_qps": self.throughput_qps,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "error_rate": round(self.error_rate, 4),
            "open_loop": self.open_loop,
            "concurrency": self.concurrency,
            "tokens": self.tokens.to_dict() if self.tokens else None,
            "notes": list(self.notes),
        }
