"""The serving area as a reader sees it: latency today and at the growth target, what breaks
first, load tests against the model, and the simulated spike."""

from __future__ import annotations

from collections.abc import Callable

from mlreview.areas.common import plural
from mlreview.areas.findings import Finding
from mlreview.areas.serving.assessment import (
    Bottleneck,
    EndpointCapacity,
    LoadTestCheck,
    ServingAssessment,
)
from mlreview.areas.serving.capacity_model import LoadLevel, SpikeOutcome
from mlreview.datasets.loadtest.run import TOKENS_NOT_MODELLED
from mlreview.document.blocks import Block, Chart, Column, Series, Table
from mlreview.document.cells import table_of
from mlreview.system.system import System

Columns = list[tuple[Column, Callable[[tuple[str, LoadLevel]], object]]]


def _seconds_or_never(seconds: float | None) -> object:
    return "never" if seconds is None else seconds


def _latency(ms: float | None) -> object:
    """A latency cell: a load level whose queue grows without bound has no quantiles."""
    return "overloaded" if ms is None else ms


LOAD_COLUMNS: Columns = [
    (Column("QPS"), lambda r: r[1].qps),
    (Column("replicas"), lambda r: r[1].replicas),
    (Column("utilisation"), lambda r: r[1].utilization),
    (Column("p50", "ms"), lambda r: _latency(r[1].p50_ms)),
    (Column("p99", "ms"), lambda r: _latency(r[1].p99_ms)),
    (Column("replicas needed"), lambda r: r[1].replicas_needed),
    (Column("meets SLO"), lambda r: r[1].meets_slo),
]
"""Columns of one load level of an endpoint, shared by the review and `mlreview capacity`."""

STEADY: Columns = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("x"), lambda r: r[1].multiplier),
    *LOAD_COLUMNS,
    (Column("replica-hours/day"), lambda r: r[1].replica_hours_per_day),
]
SWEEP: Columns = [(Column("load"), lambda r: f"{r[1].multiplier:g}x"), *LOAD_COLUMNS]
LIMITS: list[tuple[Column, Callable[[tuple[str, Bottleneck]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("limit"), lambda r: r[1].constraint),
    (Column("component"), lambda r: r[1].component),
    (Column("max QPS"), lambda r: r[1].capacity_qps),
    (Column("holds at target"), lambda r: r[1].holds),
]
TESTS: list[tuple[Column, Callable[[tuple[str, LoadTestCheck]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("file"), lambda r: r[1].file),
    (Column("tool"), lambda r: r[1].tool),
    (Column("QPS"), lambda r: r[1].throughput_qps),
    (Column("replicas"), lambda r: r[1].replicas),
    (Column("p99 ms measured"), lambda r: r[1].p99_ms),
    (Column("p99 ms predicted"), lambda r: r[1].predicted_p99_ms),
    (Column("open loop"), lambda r: r[1].open_loop),
]


def _token(key: str) -> Callable[[tuple[str, LoadTestCheck]], object]:
    return lambda r: (r[1].tokens or {}).get(key)


TOKENS: list[tuple[Column, Callable[[tuple[str, LoadTestCheck]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("file"), lambda r: r[1].file),
    (Column("concurrency"), lambda r: r[1].concurrency),
    (Column("TTFT p50", "ms"), _token("ttft_p50_ms")),
    (Column("TTFT p99", "ms"), _token("ttft_p99_ms")),
    (Column("inter-token p50", "ms"), _token("inter_token_p50_ms")),
    (Column("inter-token p99", "ms"), _token("inter_token_p99_ms")),
    (Column("tokens/s per request p50"), _token("request_tokens_per_s_p50")),
    (Column("tokens/s in all"), _token("output_tokens_per_s")),
]
NOTES: list[tuple[Column, Callable[[tuple[str, str, str]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("file"), lambda r: r[1]),
    (Column("note"), lambda r: r[2]),
]
SPIKES: list[tuple[Column, Callable[[tuple[str, str, SpikeOutcome]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("shape"), lambda r: r[1]),
    (Column("ramp", "s"), lambda r: r[2].ramp_seconds),
    (
        Column("scale-up done after", "s"),
        lambda r: (
            "never" if r[2].time_to_capacity_seconds is None else r[2].time_to_capacity_seconds
        ),
    ),
    (Column("enough replicas"), lambda r: r[2].reaches_target),
    (Column("over SLO"), lambda r: f"{r[2].over_slo_share:.1%}"),
    (Column("timed out"), lambda r: r[2].timed_out),
    (Column("shed"), lambda r: r[2].shed),
]


def _p99(ms: float | None) -> str:
    return f"p99 {ms:g} ms" if ms is not None else "queue grows without bound"


def _endpoint_summary(row: EndpointCapacity) -> str:
    if not row.online:
        return f"{row.endpoint} scores in batch"
    if not row.scenarios or row.bottleneck is None or row.spike is None:
        return f"{row.endpoint}: capacity unknown (declare peak QPS and service time)"
    now, grown = row.scenarios
    verdict = "holds" if grown.meets_slo else "does not hold"
    b = row.bottleneck
    first = f"; first limit: {b.constraint} ({b.component}, {b.capacity_qps:g} QPS)"
    ttc = row.spike.time_to_capacity_seconds
    if row.spike.reaches_target and ttc is not None:
        spike = f"; a step to {row.multiplier:g}x has enough replicas after {ttc:g}s"
    elif ttc is not None:
        spike = (
            f"; a step to {row.multiplier:g}x reaches the {row.max_replicas}-replica "
            f"maximum after {ttc:g}s, still short"
        )
    else:
        spike = f"; a step to {row.multiplier:g}x never gets enough replicas"
    return (
        f"{row.endpoint} {verdict} {row.multiplier:g}x ({grown.qps:g} QPS: {_p99(grown.p99_ms)} "
        f"at {grown.replicas} replicas, {grown.replicas_needed or 'no number of'} needed; "
        f"{_p99(now.p99_ms)} today){first}{spike}"
    )


def summarise(system: System, a: ServingAssessment, findings: list[Finding]) -> str:
    parts = [_endpoint_summary(row) for row in a.endpoints]
    body = "; ".join(parts) if parts else "no endpoints declared"
    return f"{body}; {plural(len(findings), 'finding')}."


def serving_tables(rows: list[EndpointCapacity]) -> list[Table]:
    """Latency today and at the growth target, what breaks first, and the spike outcome."""
    out = [
        table_of(
            "Steady state today and at the growth target",
            STEADY,
            [(r.endpoint, s) for r in rows for s in r.scenarios],
        )
    ]
    limits = [(r.endpoint, b) for r in rows for b in r.bottlenecks]
    if limits:
        title = "What breaks first (highest QPS each limit allows, lowest first)"
        out.append(table_of(title, LIMITS, limits))
    tests = [(r.endpoint, t) for r in rows for t in r.load_tests]
    if tests:
        title = "Load tests against the model (p99 predicted at each test's rate and replicas)"
        out.append(table_of(title, TESTS, tests))
    llm = [(r.endpoint, t) for r in rows for t in r.load_tests if t.tokens]
    if llm:
        out.append(table_of(f"LLM serving load tests ({TOKENS_NOT_MODELLED})", TOKENS, llm))
    notes = [(r.endpoint, t.file, n) for r in rows for t in r.load_tests for n in t.notes]
    if notes:
        out.append(table_of("What the load-test files do not say", NOTES, notes))
    spikes = [
        (r.endpoint, shape, outcome)
        for r in rows
        for shape, outcome in (("step", r.spike), ("ramp", r.ramp))
        if outcome is not None
    ]
    if spikes:
        title = "A spike from today's peak to the growth target (simulated)"
        out.append(table_of(title, SPIKES, spikes))
    return out


def sweep_table(row: EndpointCapacity) -> Table:
    return table_of(
        f"{row.endpoint}: latency against load", SWEEP, [(row.endpoint, s) for s in row.sweep or []]
    )


def spike_chart(row: EndpointCapacity) -> Chart | None:
    if row.spike is None or not row.spike.series:
        return None
    series = row.spike.series
    return Chart(
        f"{row.endpoint}: a step to {row.multiplier:g}x (p99 latency and ready replicas)",
        "s",
        Series("p99 latency", "ms", tuple((p["t"], p["p99_ms"]) for p in series)),
        Series("ready replicas", "", tuple((p["t"], p["replicas"]) for p in series)),
        "Red: p99 latency (left scale); blue: ready replicas (right scale).",
    )


def present(a: ServingAssessment) -> list[Block]:
    out: list[Block] = list(serving_tables(a.endpoints))
    out += [chart for r in a.endpoints if (chart := spike_chart(r)) is not None]
    return out
