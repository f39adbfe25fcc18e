"""Three mechanisms a senior reviewer works out where the system meets what others run or send,
each from fields any system may declare:

- a dependency's latency against the timeout the endpoint sets on it: every call that fails or
  passes the timeout takes the fallback, (1 - availability) + P(latency > timeout) of requests,
  and a p99 at or over the timeout puts at least 1% of calls past it;
- a price that draws supply, recomputed every P while the supply it draws shows L later: it
  updates n = L / P times on one shortage before any answer arrives, and a loop that corrects a
  share g of the gap each update with its answer n updates late swings for g x n over pi / 2;
- another party's values whose unit the manifest does not declare where they are sent and where
  they are read: one sender's cents among dollars multiplies its share s of the values by 100,
  and the mean by 1 + 99 s.

Each is a paragraph for the top risk, with its formula and inputs, and a plan step; a value the
manifest does not state is labelled assumed and asked for (docs/risk-model.md)."""

from __future__ import annotations

import math

from mlreview.areas.assumed import field_of
from mlreview.areas.common import either, ingested, marked_inferred, possessive
from mlreview.areas.domain import draws_supply
from mlreview.areas.playbooks.base import Mechanism, Situation
from mlreview.document.cells import duration, number, share
from mlreview.system.manifest import Dependency, Endpoint, Feature, Source, Store
from mlreview.system.manifest.base import Node

TAIL = 0.01
"""The share of calls slower than a p99: the least that a timeout at or under it cuts off."""

FALLBACK_WORDS = {
    "default": "serves the default",
    "cache": "serves a cached value",
    "skip": "scores without it",
    "heuristic": "answers with a heuristic",
    "fail": "fails the request",
    "none": "fails the request",
}
"""What a dependency's fallback does to the request whose call failed or timed out."""

ASSUMED_UPDATE_S = 300.0
"""How often a surge price is recomputed when the manifest does not say: 5 minutes."""
ASSUMED_RESPONSE_S = 600.0
"""How long the supply a price draws takes to show when no label delay is declared: 10 min."""
STABLE = math.pi / 2
"""A loop that corrects a share g of its gap each update, its answer n updates late, settles
for g x n under about pi / 2 (an integrating loop with dead time) and swings without settling
above it."""
SMOOTH = 1 / math.e
"""Under about 1/e it settles without overshoot."""

UNIT_FACTOR = 100.0
"""Cents against dollars (or any unit a hundredth of the other)."""
EXAMPLE_SHARE = 0.01
"""The sender's share of the values in the worked example: 1%."""


def _inferred(s: Situation, node: Node, name: str) -> str:
    return " (inferred)" if marked_inferred(s.system, node, name) else ""


def _availability(target: object) -> tuple[float | None, Node | None, str]:
    """The target's declared availability, the node that declares it and the field's name."""
    if isinstance(target, (Source, Store)) and target.availability is not None:
        return float(target.availability), target, "availability"
    if isinstance(target, Endpoint):
        if target.slo is not None and target.slo.availability is not None:
            return float(target.slo.availability), target.slo, "availability"
        if target.availability is not None:
            return float(target.availability), target, "availability"
    return None, None, "availability"


def _calls_at_growth(s: Situation, e: Endpoint, d: Dependency) -> tuple[float, str] | None:
    """The calls a second at the growth target and their working ('5,000 x 1 x 10 = 50,000'),
    from declared figures only; None where the peak or the growth target is not declared."""
    traffic = [t for t in (e.traffic, s.system.manifest.system.traffic) if t is not None]
    peak = next(((t.peak_qps, t) for t in traffic if t.peak_qps), None)
    growth = next(((t.growth_multiplier, t) for t in traffic if t.growth_multiplier), None)
    if peak is None or growth is None:
        return None
    calls = d.calls_per_request if d.calls_per_request is not None else 1.0
    total = float(peak[0]) * calls * float(growth[0])
    return total, (
        f"{number(peak[0])}{_inferred(s, peak[1], 'peak_qps')} x {number(calls)} x "
        f"{number(growth[0])}{_inferred(s, growth[1], 'growth_multiplier')} = {number(total)}"
    )


TIMEOUT_FAMILIES = frozenset({"silent-default", "source-outage", "dependency-outage"})
"""Top risks about what serving does when a call fails: a call that times out takes that path."""
UNIT_FAMILIES = frozenset({"bad-training-data", "upstream-change"})
"""Top risks about what another party's data teaches or tells the model."""


def _timeout(s: Situation) -> Mechanism | None:
    """A dependency of the top risk's endpoints, itself in the top risk, whose timeout is
    declared and whose p99 latency is not declared under it."""
    if s.family not in TIMEOUT_FAMILIES:
        return None
    inside = set(s.components)
    # The risk's own endpoints first, then any that calls a component in it (a risk on a
    # source alone names no endpoint).
    calling = [
        e for e in s.system.online_endpoints() if any(d.target in inside for d in e.dependencies)
    ]
    for e in {x.id: x for x in [*s.endpoints(), *calling]}.values():
        for d in e.dependencies:
            if d.target not in inside or d.timeout_ms is None:
                continue
            if d.latency_ms is not None and d.latency_ms < d.timeout_ms:
                continue
            return _timeout_of(s, e, d)
    return None


def _timeout_of(s: Situation, e: Endpoint, d: Dependency) -> Mechanism:
    system = s.system
    target = system.get(d.target)
    t = f"{number(d.timeout_ms)} ms"
    does = FALLBACK_WORDS.get(d.fallback or "", "takes its fallback")
    failure = target.on_failure if isinstance(target, Source) else None
    # The source's declared default is what a call without its own fallback is served.
    if failure is not None and (
        d.fallback == "default" or (d.fallback is None and failure.behaviour == "default_value")
    ):
        value = failure.default_value
        does = "serves the default" + (f" ({value})" if value is not None else "")
    avail, node, name = _availability(target)
    lead = (
        f"Timeout against the dependency's latency: {e.id} gives {d.target} {t} and {does} on "
        f"every call that fails or takes longer: (1 - availability) + P(latency > {t}) of "
        "requests."
    )
    if avail is not None and node is not None:
        failed = 1.0 - avail
        fails = f" Availability {avail:g}{_inferred(s, node, name)} fails {share(failed)}."
    else:
        failed = 0.0
        fails = " Its availability is not declared, so only the timeouts are counted."
    if d.latency_ms is None:
        latency_field = field_of(system, d, "latency_ms")
        slow = (
            f" Its p99 latency is not declared (assumed at the timeout: what is the p99 latency "
            f"of one call to {d.target}? Set {latency_field}): a p99 of {t} or more can meet "
            f"its owner's own objective, yet puts at least {share(TAIL)} of calls past ours"
        )
    else:
        slow = (
            f" Its p99 latency of {number(d.latency_ms)} ms{_inferred(s, d, 'latency_ms')} is "
            f"at or over the timeout, so at least {share(TAIL)} of calls pass it"
        )
    if failed > 0:
        total = failed + TAIL
        slow += (
            f", so {share(failed)} + {share(TAIL)} = {share(total)} of requests, "
            f"{total / failed:.0f} times the failures alone."
        )
    else:
        slow += "."
    grown = _calls_at_growth(s, e, d)
    load = ""
    rate = "the growth target's call rate"
    if grown is not None:
        calls, working = grown
        load = (
            f" At the growth target it takes {working} calls a second (peak QPS x calls per "
            "request x growth); if it is not provisioned for them it slows, and the share grows "
            "with our own load."
        )
        rate = f"the growth target's {number(calls)} calls a second"
    text = f"{lead}{fails}{slow}{load}"
    owner = target.owner if isinstance(target, Source) and target.owner else None
    with_whom = f"with {owner} " if owner and owner != system.manifest.system.owner else ""
    step = (
        f"Agree {with_whom}a latency objective measured at {possessive(e.id)} client: p99 under "
        f"its {t} timeout at {rate}; count the calls that time out apart from those that fail, "
        "as an objective on its own latency can be met while this timeout is not"
    )
    return Mechanism("dependency-timeout", (e.id, d.target), text, step)


def _update_period(s: Situation) -> tuple[float, str]:
    decision = s.system.manifest.system.decision
    where = field_of(s.system, decision, "update_every") if decision else "system.decision"
    if decision is not None and decision.update_every is not None:
        given = f"declared in {where}{_inferred(s, decision, 'update_every')}"
        return float(decision.update_every), given
    return ASSUMED_UPDATE_S, (
        f"assumed {duration(ASSUMED_UPDATE_S)}: how often is the price recomputed? Set {where}"
    )


def _response(s: Situation) -> tuple[float, str]:
    loops = [f for f in s.loops() if f.label is not None]
    timed = [
        (float(f.label.delay.p50), f)
        for f in loops
        if f.label is not None and f.label.delay is not None and f.label.delay.p50 is not None
    ]
    if timed:
        p50, loop = max(timed, key=lambda t: t[0])
        assert loop.label is not None and loop.label.delay is not None
        mark = _inferred(s, loop.label.delay, "p50")
        return p50, f"{possessive(loop.id)} median label delay{mark}"
    asked = (
        field_of(s.system, loops[0], "label.delay.p50") if loops else "feedback[].label.delay.p50"
    )
    return ASSUMED_RESPONSE_S, (
        f"assumed {duration(ASSUMED_RESPONSE_S)}: how long after a price changes do its "
        f"outcomes show whether supply came? Set {asked}"
    )


def _oscillation(s: Situation) -> Mechanism | None:
    """A price that draws supply, updated faster than the supply it draws shows."""
    if s.family != "runaway-automation" or not draws_supply(s.system):
        return None
    ends = s.endpoints()
    who = either([e.id for e in ends], "and") if ends else "the system"
    period, period_given = _update_period(s)
    late, late_given = _response(s)
    n = late / period
    if n < 1.0:
        return None
    n_words = f"{n:.0f}" if abs(n - round(n)) < 0.05 else f"{n:.1f}"
    text = (
        f"Oscillation: {who} recomputes its price every {duration(period)} (P, "
        f"{period_given}) and the supply it draws shows {duration(late)} later (L, "
        f"{late_given}), so it updates n = L / P = {duration(late)} / {duration(period)} = "
        f"{n_words} times on one shortage before that supply arrives. A loop that moves a share "
        f"g of the gap each update, answered n updates late, overshoots once g x n passes 1/e = "
        f"{SMOOTH:.2f} and swings without settling past pi / 2 = {STABLE:.2f}; moving the whole "
        f"gap (g = 1) gives 1 x {n_words} = {n_words}: the price climbs while supply is on its "
        "way, drops when it arrives, and the supply leaves. Its "
        "demand count can also be inflated by its own price: a requester who sees the price "
        "and asks again counts twice unless requesters are counted once."
    )
    step = (
        f"Damp each update: move the price at most 1/{n_words} of the way from its current "
        f"value to the one computed (g x n = 1, under {STABLE:.2f}: it settles within a few "
        f"times {duration(late)}), and count each requester's open requests once"
    )
    return Mechanism("supply-oscillation", tuple(e.id for e in ends), text, step)


def _units(s: Situation) -> Mechanism | None:
    """Another party's feed (``kind: third_party``) that the top risk's models, which predict
    an amount, are trained on, whose unit is not declared both where it is sent and where each
    feature built from it is read."""
    system = s.system
    decision = system.manifest.system.decision
    amounts = s.domain.name == "price" or bool(
        decision and decision.type in ("regression", "forecast")
    )
    if s.family not in UNIT_FAMILIES or not amounts:
        return None
    for model in s.models():
        sources = [c for c in s.components if isinstance(system.get(c), Source)]
        for found in ingested(system, model, sources):
            source = found.source
            if source.kind != "third_party":
                continue
            readers = [f for x in found.features if isinstance(f := system.get(x), Feature)]
            sent = source.units
            read = {f.id: f.units for f in readers}
            if sent is not None and all(u is not None and u == sent for u in read.values()):
                continue
            return _units_of(s, source, found.words(), sent, read)
    return None


def _units_of(
    s: Situation, source: Source, what: str, sent: str | None, read: dict[str, str | None]
) -> Mechanism:
    system = s.system
    where = field_of(system, source, "units")
    undeclared = [x for x, u in read.items() if u is None]
    differ = [x for x, u in read.items() if u is not None and sent is not None and u != sent]
    if differ:
        side = (
            f"{source.id} declares its values in {sent} but {either(differ, 'and')} "
            f"{'reads' if len(differ) == 1 else 'read'} them in "
            f"{either(sorted({str(read[x]) for x in differ}), 'and')}"
        )
    elif sent is None and not undeclared:
        side = f"the unit {source.id} sends its values in is not declared (set {where})"
    elif sent is None:
        side = (
            f"no unit is declared where {source.id} sends its values or where "
            f"{either(undeclared, 'and')} {'reads' if len(undeclared) == 1 else 'read'} them "
            f"(set {where} and each feature's units)"
        )
    else:
        side = (
            f"{source.id} sends its values in {sent}, but {either(undeclared, 'and')} "
            f"{'declares' if len(undeclared) == 1 else 'declare'} no unit"
        )
    s_ = EXAMPLE_SHARE
    mean = 1.0 + (UNIT_FACTOR - 1.0) * s_
    text = (
        f"Units on another party's values: {what} that {s.models()[0].id} trains on come from "
        f"{source.id}, sent by {source.owner or 'another party'}, and {side}. A "
        f"sender that sends cents where the rest send dollars multiplies its own values by "
        f"{number(UNIT_FACTOR)}; if it sends a share s of the values, their mean becomes "
        f"(1 - s) + {number(UNIT_FACTOR)} s = 1 + {number(UNIT_FACTOR - 1)} s times the true "
        f"one: a sender of {share(s_)} of them multiplies it by {mean:.2f} "
        f"(1 + {number(UNIT_FACTOR - 1)} x {share(s_)}), and every value stays well-formed, so "
        "a schema check passes it."
    )
    step = (
        f"Declare the unit of each value {source.id} sends, per sender in its contract, and "
        "of each feature and label built from it; convert at ingestion, and hold a sender's "
        "batch whose median value moves by 10 times or more against its last 28 days"
    )
    return Mechanism("partner-units", (source.id,), text, step)


READ_FAMILIES = frozenset({"bad-training-data", "unchecked-output", "runaway-automation"})
"""Top risks about what an automated output says or does: a person reading outputs is the brake."""
ASSUMED_READ = 600.0
"""Outputs read an hour by hand when none is declared: one person reading 10 a minute."""


def _coverage(s: Situation) -> Mechanism | None:
    """People reading the outputs of a system that acts by itself, against what it produces."""
    system = s.system
    decision = system.manifest.system.decision
    quality = system.manifest.monitoring.quality if system.manifest.monitoring else None
    traffic = system.manifest.system.traffic
    if (
        s.family not in READ_FAMILIES
        or not (decision and decision.automated_action)
        or quality is None
        or "manual" not in (quality.proxy, quality.label_based)
        or traffic is None
        or not traffic.peak_qps
    ):
        return None
    made = float(traffic.peak_qps) * 3600.0
    where = field_of(system, quality, "reviewed_per_hour")
    if quality.reviewed_per_hour is not None:
        read = float(quality.reviewed_per_hour)
        given = f"declared in {where}{_inferred(s, quality, 'reviewed_per_hour')}"
    else:
        read = ASSUMED_READ
        given = (
            f"assumed: one person reading 10 a minute; how many of its outputs do people read "
            f"an hour? Set {where}"
        )
    peak = f"{number(traffic.peak_qps)}{_inferred(s, traffic, 'peak_qps')}"
    text = (
        f"Coverage of the reading by hand: people read {number(read)} outputs an hour ({given}) "
        f"of the {peak} x 3,600 = {number(made)} it produces an hour at peak, so they see "
        f"{number(read)} / {number(made)} = {share(read / made)} of them"
    )
    growth = traffic.growth_multiplier
    if growth:
        grown = share(read / (made * float(growth)))
        text += f", and {grown} at the {number(growth)}x growth target"
    text += (
        f"; one output in {number(made)} / {number(read)} = {number(made / read)} is read, so "
        f"a run of bad outputs is seen on average after {number(made / read)} of them are out."
    )
    # The plans of these families already screen each output before it acts.
    step = ""
    return Mechanism("manual-coverage", tuple(e.id for e in s.endpoints()), text, step)


def meeting_mechanisms(s: Situation) -> list[Mechanism]:
    """The mechanisms where the top risk ``s`` meets what others run or send."""
    found = [_timeout(s), _oscillation(s), _units(s), _coverage(s)]
    return [m for m in found if m is not None]
