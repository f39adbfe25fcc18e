"""The serving area as a reader sees it: latency today and at the growth target, what breaks
first, load tests against the model, and the simulated spike."""

from __future__ import annotations

from collections.abc import Callable, Set

from mlreview.areas.assumed import Assumed, note, or_briefly
from mlreview.areas.common import either, peak_share_words, plural, possessive
from mlreview.areas.findings import Finding
from mlreview.areas.serving import working
from mlreview.areas.serving.assessment import (
    GROWTH_FIELD,
    Bottleneck,
    EndpointCapacity,
    LoadTestCheck,
    ServingAssessment,
)
from mlreview.areas.serving.batch_model import BatchLevel, BatchLimit
from mlreview.areas.serving.capacity_model import DEFAULT_COLD_START_S, LoadLevel, SpikeOutcome
from mlreview.datasets.loadtest.run import TOKENS_NOT_MODELLED
from mlreview.document.blocks import Block, Bullets, Chart, Column, Item, Series, Table, inline
from mlreview.document.cells import Share, duration, number, signed_share, table_of
from mlreview.document.cells import share as share_of
from mlreview.system.manifest import Endpoint
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
    (Column("limited by"), lambda r: r[1].limited_by or "-"),
]
"""Columns of one load level of an endpoint, shared by the review and `mlreview capacity`."""

STEADY: Columns = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("x"), lambda r: r[1].multiplier),
    *LOAD_COLUMNS,
    (Column("replica-hours/day"), lambda r: r[1].replica_hours_per_day),
]
SWEEP: Columns = [(Column("load"), lambda r: f"{number(r[1].multiplier)}x"), *LOAD_COLUMNS]
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
    (Column("role"), lambda r: "calibrated the model" if r[1].calibrated else "held out"),
    (Column("p99 ms predicted without it"), lambda r: r[1].held_out_p99_ms),
    (
        Column("error"),
        lambda r: None if r[1].held_out_error is None else signed_share(r[1].held_out_error),
    ),
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
    (Column("requests"), lambda r: r[2].requests),
    (Column("met SLO"), lambda r: Share(r[2].met_slo_share)),
    (Column("late"), lambda r: Share(r[2].share(r[2].over_slo))),
    (Column("timed out"), lambda r: Share(r[2].share(r[2].timed_out))),
    (Column("shed"), lambda r: Share(r[2].share(r[2].shed))),
]
BATCH: list[tuple[Column, Callable[[tuple[str, BatchLevel]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("x"), lambda r: r[1].multiplier),
    (Column("rows per run"), lambda r: r[1].rows_per_run),
    (Column("workers"), lambda r: r[1].workers),
    (Column("run time", "h"), lambda r: r[1].runtime_hours),
    (Column("window", "h"), lambda r: r[1].window_hours),
    (Column("fits window"), lambda r: r[1].fits_window),
    (Column("limited by"), lambda r: r[1].limited_by or "-"),
]
BATCH_LIMITS: list[tuple[Column, Callable[[tuple[str, BatchLimit]], object]]] = [
    (Column("endpoint"), lambda r: r[0]),
    (Column("limit"), lambda r: r[1].constraint),
    (Column("component"), lambda r: r[1].component),
    (
        Column("breaks at", "x today"),
        lambda r: "never" if r[1].breaks_at_multiplier is None else r[1].breaks_at_multiplier,
    ),
    (Column("holds at target"), lambda r: r[1].holds),
]


def _p99(ms: float | None) -> str:
    return f"p99 {number(ms)} ms" if ms is not None else "queue grows without bound"


def _batch_summary(row: EndpointCapacity, growth: str = "") -> str:
    """'{id} does not hold 10x in batch (2 h today x 10 = 20 h at 10x, the run not scaling out,
    against a 6 h window); first limit: batch window (6 h / 2 h = 3x)': data volume against
    the batch window, the batch question at growth, never a QPS; ``growth`` labels the target
    (' (assumed)' for the review's default, as an online endpoint's verdict does)."""
    if not row.batch:
        return f"{row.endpoint} scores in batch (declare its run time and window)"
    now, grown = row.batch
    verdict = "holds" if grown.fits_window else "does not hold"
    window = f", against a {_hours(grown.window_hours)} window" if grown.window_hours else ""
    mult = number(row.multiplier)
    if now.workers is not None and grown.workers != now.workers:
        how = (
            f"{_hours(now.runtime_hours)} today on {now.workers} workers, "
            f"{_hours(grown.runtime_hours)} at {mult}x on {grown.workers}"
        )
    elif grown.runtime_hours > now.runtime_hours:
        how = (
            f"{_hours(now.runtime_hours)} today x {mult} = {_hours(grown.runtime_hours)} at "
            f"{mult}x, the run not scaling out"
        )
    else:
        how = f"{_hours(now.runtime_hours)} today and at {mult}x, the run scaling out"
        if any("without a quota" in a for a in row.batch_assumptions):
            how += " with no worker quota declared (assumed none)"
    first = next(iter(row.batch_limits), None)
    breaks = ""
    if first is not None and first.breaks_at_multiplier is not None:
        at = f"{number(first.breaks_at_multiplier)}x"
        linear = grown.runtime_hours > now.runtime_hours and not now.workers
        if first.constraint == "batch window" and now.window_hours and linear:
            at = (
                f"{_hours(now.window_hours)} / {_hours(now.runtime_hours)} = "
                f"{number(first.breaks_at_multiplier)}x"
            )
        breaks = f"; first limit: {first.constraint} (breaks at {at})"
    return f"{row.endpoint} {verdict} {mult}x{growth} in batch ({how}{window}){breaks}"


def _hours(hours: float | None) -> str:
    return duration(None if hours is None else hours * 3600)


def _capacity_unknown(row: EndpointCapacity, ask: str) -> str:
    """'capacity unknown' with what to declare: not the peak QPS when it is declared (a fixed
    fleet with its traffic given but no per-replica figure was told to declare its peak)."""
    if row.peak_qps is not None:
        ask = "declare a service time or the QPS one replica sustains"
    return f"{row.endpoint}: capacity unknown ({ask})"


def _endpoint_summary(row: EndpointCapacity) -> str:
    if not row.online:
        return _batch_summary(row)
    if not row.scenarios or row.bottleneck is None or row.spike is None:
        return _capacity_unknown(row, "declare peak QPS and service time")
    now, grown = row.scenarios
    verdict = "holds" if grown.meets_slo else "does not hold"
    b = row.bottleneck
    first = f"; first limit: {b.constraint} ({b.component}, {number(b.capacity_qps)} QPS)"
    ttc = row.spike.time_to_capacity_seconds
    if row.spike.reaches_target and ttc is not None:
        spike = f"; a step to {number(row.multiplier)}x has enough replicas after {duration(ttc)}"
    elif ttc is not None:
        spike = (
            f"; a step to {number(row.multiplier)}x reaches the {row.max_replicas}-replica "
            f"maximum after {duration(ttc)}, still short"
        )
    else:
        spike = f"; a step to {number(row.multiplier)}x never gets enough replicas"
    return (
        f"{row.endpoint} {verdict} {number(row.multiplier)}x ({number(grown.qps)} QPS: "
        f"{_p99(grown.p99_ms)} at {grown.replicas} replicas, "
        f"{grown.replicas_needed or 'no number of'} needed; "
        f"{_p99(now.p99_ms)} today){first}{spike}"
    )


def summarise(system: System, a: ServingAssessment, findings: list[Finding]) -> str:
    parts = [_endpoint_summary(row) for row in a.endpoints]
    body = "; ".join(parts) if parts else "no endpoints declared"
    return f"{body}; {plural(len(findings), 'finding')}."


def serving_tables(rows: list[EndpointCapacity]) -> list[Block]:
    """Latency today and at the growth target, what breaks first, the load tests against
    the model, and the spike outcome."""
    steady = [(r.endpoint, s) for r in rows for s in r.scenarios]
    out: list[Block] = []
    if steady or not any(r.batch for r in rows):
        out.append(table_of("Steady state today and at the growth target", STEADY, steady))
    limits = [(r.endpoint, b) for r in rows for b in r.bottlenecks]
    if limits:
        title = "What breaks first (highest QPS each limit allows, lowest first)"
        out.append(table_of(title, LIMITS, limits))
    tests = [(r.endpoint, t) for r in rows for t in r.load_tests]
    if tests:
        title = (
            "Load tests against the model (each predicted by the model built without it, at "
            "its rate and replicas)"
        )
        out.append(table_of(title, TESTS, tests))
        said = [f"{r.endpoint}: {r.validation}." for r in rows if r.validation]
        out.append(Bullets("", tuple(Item(inline(s)) for s in said)))
    llm = [(r.endpoint, t) for r in rows for t in r.load_tests if t.tokens]
    if llm:
        out.append(table_of(f"LLM serving load tests ({TOKENS_NOT_MODELLED})", TOKENS, llm))
    notes = [(r.endpoint, t.file, n) for r in rows for t in r.load_tests for n in t.notes]
    if notes:
        out.append(table_of("What the load-test files do not say", NOTES, notes))
    batch = [(r.endpoint, level) for r in rows for level in r.batch]
    if batch:
        out.append(table_of("Batch scoring today and at the growth target", BATCH, batch))
        limits_b = [(r.endpoint, b) for r in rows for b in r.batch_limits]
        title = "What breaks first in batch (data growth each limit allows, soonest first)"
        out.append(table_of(title, BATCH_LIMITS, limits_b))
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
        f"{row.endpoint}: a step to {number(row.multiplier)}x (p99 latency and ready replicas)",
        "s",
        Series("p99 latency", "ms", tuple((p["t"], p["p99_ms"]) for p in series)),
        Series("ready replicas", "", tuple((p["t"], p["replicas"]) for p in series)),
        "Red: p99 latency (left scale); blue: ready replicas (right scale).",
    )


def present(a: ServingAssessment) -> list[Block]:
    out: list[Block] = list(serving_tables(a.endpoints))
    out += [chart for r in a.endpoints if (chart := spike_chart(r)) is not None]
    return out


def _own_field(row: EndpointCapacity, field: str) -> str:
    """The field below the endpoint's own entry ('slo.p99_ms'), or the whole path."""
    head = f"endpoints[{row.endpoint}]."
    return field[len(head) :] if field.startswith(head) else field


def _shared_assumptions(rows: list[EndpointCapacity]) -> set[tuple[str, str]]:
    """(what, field below the endpoint) assumed alike for more than one endpoint."""
    seen: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        for a in r.assumed:
            if a.field == GROWTH_FIELD:
                continue  # said in each verdict beside its multiplier
            seen.setdefault((a.what, _own_field(r, a.field)), set()).add(r.endpoint)
    return {k for k, who in seen.items() if len(who) > 1}


MODELLED = frozenset({"replica pool at max replicas", "accelerator quota"})
"""Limits worked out from a replica's service time and requests in flight; a dependency's QPS
limit or connection pool is a declared figure."""
SPEED_NOTES = ("service_time.p50_ms", "concurrency_per_replica", "latency_ms", "slo.p99_ms")
"""Defaults that only move the modelled capacity: moot once it cannot be checked."""


def _is_unchecked(row: EndpointCapacity) -> bool:
    """Whether the first limit an online endpoint breaks at its target, or the pool that
    holds it, rests on a guessed speed of a replica: then division by declared figures says
    what the queueing model cannot."""
    broken = [b for b in row.bottlenecks if not b.holds]
    modelled = not broken or broken[0].constraint in MODELLED
    return bool(modelled and working.unknown_speed(row))


def _ramp(system: System, e: Endpoint, row: EndpointCapacity) -> str:
    """'; not the ramp to it: ...' when the simulated ramp to the target misses the SLO for a
    share of its requests before the replicas arrive (a pool that holds once scaled up)."""
    ramp = row.ramp_shortfall
    if ramp is None or ramp.time_to_capacity_seconds is None:
        return ""
    scaling = e.autoscaling
    reaction = scaling.reaction if scaling and scaling.reaction is not None else None
    cold = (
        f"cold start {duration(float(e.cold_start))}{working.tag(system, e, 'cold_start')}"
        if e.cold_start is not None
        else f"cold start {duration(DEFAULT_COLD_START_S)} assumed"
    )
    react = (
        f"autoscaler reaction {duration(float(reaction))}"
        f"{working.tag(system, scaling, 'reaction')}, "
        if reaction is not None
        else ""
    )
    return (
        f"; not the ramp to it: in a simulated {duration(ramp.ramp_seconds)} ramp ({react}{cold})"
        f" it has enough replicas only after {duration(ramp.time_to_capacity_seconds)}, and "
        f"{share_of(1 - ramp.met_slo_share)} of the ramp's requests miss the SLO meanwhile"
    )


def _holds(system: System, e: Endpoint, row: EndpointCapacity, how: str) -> str:
    """'{id} holds 10x: {how}: scalability is not the risk here', or, when the ramp to the
    target misses the SLO, '{id} holds 10x once scaled up: {how}; not the ramp to it: ...'."""
    growth = f"{row.multiplier:g}x{working.growth_tag(system, e, row)}"
    ramp = _ramp(system, e, row)
    if ramp:
        return f"{row.endpoint} holds {growth} once scaled up: {how}{ramp}"
    return f"{row.endpoint} holds {growth}: {how}: scalability is not the risk here"


def _not_checked(unknown: list[str], head: str = "latency under load is not checked") -> str:
    """'latency under load is not checked: the service time and the requests in flight per
    replica are not declared'."""
    missing = either([f"the {w}" for w in unknown], "and")
    are = "is" if unknown == ["service time"] else "are"
    return f"{head}: {missing} {are} not declared"


def _unchecked(
    system: System,
    e: Endpoint,
    row: EndpointCapacity,
    unknown: list[str],
    broken: list[Bottleneck],
    *,
    grown_from: str = "",
    quiet: bool = False,
) -> str:
    """The capacity at the target by division, where the queueing model would rest on a
    guessed speed of a replica: the declared QPS a replica against the target (with Little's
    law beside it when a service time is declared) or, with no QPS a replica, what each replica
    serves at today's peak, and what is left unchecked (latency under load), with the declared
    limits that break and what else rests on a default."""
    growth = f"{row.multiplier:g}x{working.growth_tag(system, e, row)}{grown_from}"
    declared = working.declared_division(system, e, row, bool(grown_from))
    # A declared service time gives what the replicas hold at once; else today's division,
    # which is said only where no QPS a replica is declared: beside the declared rate's count
    # it gave a second count of replicas needed that readers could not reconcile.
    little = working.littles_law(system, e, row)
    today = little or working.today_division(system, e, row)
    unchecked = _not_checked(unknown)
    holds: bool | None = None
    if declared is not None and declared[0] and not broken:
        text, holds = _holds(system, e, row, f"by its declared QPS a replica, {declared[1]}"), True
        if _ramp(system, e, row):
            # The ramp's shares are simulated at the assumed speed: said as resting on it.
            unchecked = _not_checked(unknown, "the ramp's latencies rest on assumed ones")
    elif declared is not None:
        verdict = "holds" if declared[0] else "does not hold"
        text = f"{row.endpoint} {verdict} {growth} by its declared QPS a replica: {declared[1]}"
        holds = declared[0]
        if little and not declared[0]:
            text += f"; {little}"
    elif today:
        text = f"{possessive(row.endpoint)} capacity at {growth}: {today}"
    else:
        # Nothing worked out: no figure to say as a condition.
        text = f"{possessive(row.endpoint)} capacity at {growth} cannot be checked"
        text += "" if quiet else f"; {unchecked}"
        return text + _breaks(broken) + note(_rest(row))
    brief = _if_inferred(system, e, row, holds)
    tail = "" if quiet else f"; {unchecked}"
    if brief is None:
        return text + tail + _breaks(broken) + note(_rest(row))
    exact = text + tail + _breaks(broken) + note(_rest(row))
    return or_briefly(exact, brief + tail + note(_rest(row), brief=True))


def _breaks(broken: list[Bottleneck]) -> str:
    """The declared limits past the modelled ones that break, each with its QPS."""
    known = [b for b in broken if b.constraint not in MODELLED]
    return "".join(
        f"; {b.component} breaks at {b.capacity_qps:,.0f} QPS ({b.constraint})" for b in known
    )


def _rest(row: EndpointCapacity) -> list[Assumed]:
    """What else the verdict rests on: the growth target is said beside its multiplier."""
    return [a for a in row.assumed if not a.field.endswith(SPEED_NOTES) and a.field != GROWTH_FIELD]


def _if_inferred(
    system: System, e: Endpoint, row: EndpointCapacity, holds: bool | None
) -> str | None:
    """The opening screen's form of a capacity verdict worked from figures the manifest marks
    inferred: whether it holds, as a condition on them, naming them, with no figure worked from
    them ('api_tpu does not hold 3x if the figures marked inferred (its growth target and its
    QPS a replica) are right'); None when none of its inputs is marked inferred."""
    guessed = working.inferred_inputs(system, e)
    if not guessed:
        return None
    tag = working.growth_tag(system, e, row, where=False)
    growth = f"{row.multiplier:g}x{'' if tag == working.INFERRED else tag}"
    named = either(guessed, "and", limit=len(guessed))
    if holds is None:
        capacity = f"{possessive(row.endpoint)} capacity at {growth}"
        return f"{capacity} rests on figures marked inferred ({named})"
    verdict = "holds" if holds else "does not hold"
    return f"{row.endpoint} {verdict} {growth} if the figures marked inferred ({named}) hold"


def _endpoint_verdict(
    system: System,
    row: EndpointCapacity,
    shared: Set[tuple[str, str]] = frozenset(),
    share: str | None = None,
    quiet: bool = False,
) -> str:
    """One endpoint's clause; with ``quiet``, what its unchecked latency lacks is said once
    for several endpoints by the caller."""
    e = system.get(row.endpoint)
    assert isinstance(e, Endpoint)
    if not row.online:
        if not row.batch:
            return f"{row.endpoint} scores in batch"
        return _batch_summary(row, working.growth_tag(system, e, row, where=False))
    grown = row.at_target
    if grown is None or row.bottleneck is None:
        today = working.today_division(system, e, row) if row.model is None else None
        if today:
            # Without a replica's speed the division by today's replicas is all there is.
            growth = f"{row.multiplier:g}x{working.growth_tag(system, e, row)}"
            lacks = (
                "; latency under load is not checked: neither a service time nor the QPS one "
                "replica sustains is declared"
            )
            rest = [a for a in row.assumed if a.field != GROWTH_FIELD]
            exact = f"{possessive(row.endpoint)} capacity at {growth}: {today}{lacks}{note(rest)}"
            brief = _if_inferred(system, e, row, None)
            return (
                exact
                if brief is None
                else or_briefly(exact, brief + lacks + note(rest, brief=True))
            )
        return _capacity_unknown(row, "declare peak QPS and a service time")
    small = working.small_load(system, e, row)
    if small is not None:
        # A load a replica serves many times over is not worth a queueing model's figures.
        exact = f"{small}: scalability is not the risk here"
        guessed = working.inferred_inputs(system, e)
        if not guessed:
            return exact
        named = either(guessed, "and", limit=len(guessed))
        brief = (
            f"{possessive(row.endpoint)} load is small if the figures marked inferred ({named}) "
            "are right: scalability is not the risk here"
        )
        return or_briefly(exact, brief)
    # The growth target is said beside its multiplier, not again among the assumptions.
    own = [
        a
        for a in row.assumed
        if (a.what, _own_field(row, a.field)) not in shared and a.field != GROWTH_FIELD
    ]
    growth = f"{row.multiplier:g}x{working.growth_tag(system, e, row)}"
    broken = [b for b in row.bottlenecks if not b.holds]
    grown_from = f" of its {row.peak_qps:,.0f} QPS ({share})" if share and row.peak_qps else ""
    if _is_unchecked(row):
        # A shortfall worked out from a guessed speed is no figure to act on.
        unknown = working.unknown_speed(row)
        return _unchecked(system, e, row, unknown, broken, grown_from=grown_from, quiet=quiet)
    if not broken:
        how = f"{working.pool(system, e, row)} against {working.target(system, e, row)}"
        exact = _holds(system, e, row, how) + note(own)
        brief = _if_inferred(system, e, row, True)
        return exact if brief is None else or_briefly(exact, brief + note(own, brief=True))
    first = broken[0]
    text = (
        f"{row.endpoint} does not hold {growth}{grown_from}: {first.constraint} "
        f"({first.component}) serves {working.limit(system, e, row, first)} against "
        f"{working.target(system, e, row, bool(grown_from))} ({working.needed(row)})"
    )
    if len(broken) > 1:
        nxt = broken[1]
        worked = working.derivation(system, e, row, nxt)
        text += (
            f"; {nxt.component} breaks next at {nxt.capacity_qps:,.0f} QPS ({nxt.constraint}"
            f"{': ' + worked if worked else ''})"
        )
    brief = _if_inferred(system, e, row, False)
    if brief is None:
        return text + note(own)
    return or_briefly(
        text + note(own), f"{brief}: first limit, {first.constraint}" + note(own, brief=True)
    )


def verdict(system: System, a: ServingAssessment, findings: list[Finding]) -> str:
    """One clause per endpoint; a figure assumed alike for several endpoints is said once, at
    the end, naming them, instead of after each."""
    # An endpoint whose capacity cannot be checked names what is missing itself.
    checked = [r for r in a.endpoints if not (r.online and r.at_target and _is_unchecked(r))]
    shared = _shared_assumptions(checked)
    # What several endpoints' unchecked latency lacks alike is said once, naming them.
    lacking: dict[tuple[str, ...], list[str]] = {}
    for r in a.endpoints:
        e = system.get(r.endpoint)
        if not (r.online and r.at_target and isinstance(e, Endpoint) and _is_unchecked(r)):
            continue
        if working.small_load(system, e, r) is None:
            lacking.setdefault(tuple(working.unknown_speed(r)), []).append(r.endpoint)
    alike_lack = {k: v for k, v in lacking.items() if len(v) > 1}
    quiet = {name for names in alike_lack.values() for name in names}
    clauses: list[str] = []
    said: set[str] = set()
    for r in a.endpoints:
        # Where a grown peak comes from is said at its first endpoint; the others say 'share'.
        e = system.get(r.endpoint)
        share = peak_share_words(system, e) if isinstance(e, Endpoint) else None
        if share in said:
            share = "the same share"
        elif share:
            said.add(share)
        clauses.append(_endpoint_verdict(system, r, shared, share, r.endpoint in quiet))
    text = "; ".join(clauses)
    if not text:
        return "no endpoints declared"
    for unknown, names in alike_lack.items():
        text += f"; for {either(names, 'and')}, {_not_checked(list(unknown))}"
    if shared:
        alike = [
            r.endpoint
            for r in checked
            if any((x.what, _own_field(r, x.field)) in shared for x in r.assumed)
        ]
        facts = [
            f"{what}: set {field}"
            for what, field in dict.fromkeys(
                (x.what, _own_field(r, x.field)) for r in checked for x in r.assumed
            )
            if (what, field) in shared
        ]
        text += f" (assumed for each of {either(alike, 'and')}: {'; '.join(facts)})"
    return text
