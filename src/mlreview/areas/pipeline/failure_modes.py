"""What happens when each source, job and store fails: one row per component and failure.

For each component the lineage says which features, models and endpoints it reaches and how:
read per request (``live``), through data that a pipeline refreshes (``refresh``), or only
through the next model trained on it (``retrain``). The declared fallbacks, schedules, budgets,
monitors, retries and validation gates then give the serving effect, the time to impact, the
training effect, who notices and how it recovers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar, Literal

from mlreview.areas.common import possessive, watched
from mlreview.areas.record import INTERNAL, Record
from mlreview.system.manifest import (
    Component,
    Endpoint,
    Feature,
    Model,
    Pipeline,
    Signal,
    Source,
    Store,
)
from mlreview.system.system import System
from mlreview.system.units import format_seconds

FAILURE = {"source": "unavailable", "pipeline": "run fails", "store": "unavailable"}
STREAM_FAILURE = "stops consuming"
DEFAULT_MTTR_SECONDS = 3600.0
"""A repair time when none is declared (the availability model's default, one hour)."""
DEP_EFFECT = {
    "default": "serves default feature values",
    "cache": "serves cached values",
    "skip": "scores without the feature",
    "heuristic": "answers with a heuristic",
    "none": "requests fail (no fallback)",
    "fail": "requests fail (fail closed)",
}


Reach = Literal["live", "batch", "refresh", "retrain", "none"]
"""How a component's failure reaches predictions: read when scoring (online or batch), through
data a pipeline refreshes, only through the next model trained on it, or not at all."""


@dataclass
class FailureMode(Record):
    component: str
    kind: str
    failure: str
    affected: list[str]
    reach: Reach
    time_to_impact_minutes: float | None
    impact_basis: str
    serving_effect: str
    training_effect: str
    detected_by: list[str]
    recovery: str
    severity: str
    stops_predictions: list[str] = field(default_factory=list, metadata=INTERNAL)
    corrupts_predictions: list[str] = field(default_factory=list, metadata=INTERNAL)

    DERIVED: ClassVar[tuple[str, ...]] = ("noticed",)

    @property
    def noticed(self) -> str:
        return noticed(self.detected_by)


def silent_default(source: Source) -> bool:
    """A default that looks like data, carries no flag and pages nobody (the DATA002 case)."""
    f = source.on_failure
    if f is None or f.behaviour != "default_value" or f.alert:
        return False
    return f.default_in_valid_range is not False or not f.missing_indicator


def _signal(where: str, value: Signal | None) -> list[str]:
    if not watched(value):
        return []
    how = "alert" if value is True else str(value)
    return [f"{where} ({how})"]


GROUP = "failure-mode"
"""The rows' group in ``system.recall``."""


class _Lineage:
    """Per-system caches: what each endpoint reads when it scores, and who reads what."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.reads: dict[str, list[str]] = {
            e.id: system.scoring_reads(e) for e in system.manifest.endpoints
        }
        self.readers: dict[str, list[Endpoint]] = {}
        for e in system.manifest.endpoints:
            for ident in self.reads[e.id]:
                self.readers.setdefault(ident, []).append(e)
        # Who refreshes what depends on ids and references alone, so what-if reviews share it
        # (``System.with_manifest``); it is worked out here, read under the assessment's label.
        system.refreshed_from("")
        self._model_features: dict[str, frozenset[str]] = {}
        self._logged: frozenset[str] | None = None

    def model_features(self, model: Model) -> frozenset[str]:
        if model.id not in self._model_features:
            ids = frozenset(f.id for f in self.system.model_features(model))
            self._model_features[model.id] = ids
        return self._model_features[model.id]

    def logged(self) -> frozenset[str]:
        """Features logged at serving (read once, when first asked)."""
        if self._logged is None:
            with self.system.recall.shared(GROUP):
                features = self.system.manifest.features
                self._logged = frozenset(f.id for f in features if f.logged_at_serving)
        return self._logged

    def refresh_reach(self, ident: str) -> list[Endpoint]:
        """Endpoints whose scoring reads are refreshed, directly or not, from ``ident``."""
        out = []
        for e in self.system.manifest.endpoints:
            reads = self.reads[e.id]
            if ident not in reads and any(ident in self.system.upstream(r) for r in reads):
                out.append(e)
        return out


def _feature_budget(system: System, f: Feature) -> tuple[float | None, str]:
    if f.freshness_budget is not None:
        return float(f.freshness_budget), f"freshness budget {f.freshness_budget}"
    store = system.get(f.store) if f.store else None
    ttl = getattr(store, "ttl", None)
    if ttl is not None:
        return float(ttl), f"{f.store} TTL {ttl}"
    return None, ""


def _refresh_impact(system: System, ident: str) -> tuple[float | None, str]:
    """Seconds until the first served feature fed from ``ident`` is older than its budget."""
    best: tuple[float | None, str] = (None, "no freshness budget or TTL declared downstream")
    for f, pipe in system.refreshed_from(ident):
        budget, what = _feature_budget(system, f)
        if budget is None or pipe.schedule is None:
            continue
        sched = pipe.schedule
        seconds = budget if sched.continuous else max(0.0, budget - sched.longest_gap)
        if best[0] is None or seconds < best[0]:
            if sched.continuous:
                how = f"{f.id}: {what}, fed continuously by {pipe.id}"
            else:
                gap = f"{format_seconds(sched.longest_gap)}, {sched.phrase}"
                how = f"{f.id}: {what} minus {possessive(pipe.id)} longest gap between runs ({gap})"
            best = (seconds, how)
    return best


def _retrain_reach(
    system: System, lineage: _Lineage, comp: Component
) -> tuple[list[str], float | None, str]:
    """Models whose next training run reads ``comp``'s data, and the longest wait for it.

    Training reads a component through the model's training pipeline, its label sources, or
    the raw data of its features (sources and the jobs that compute features from them);
    online stores and caches serve requests and do not feed training.
    """
    serving_only = isinstance(comp, Store) and comp.kind in ("online", "cache")
    models, worst, basis = [], None, ""
    for m in system.manifest.models:
        pipe = system.training_pipeline(m)
        via_pipeline = pipe is not None and (
            pipe.id == comp.id or comp.id in system.upstream(pipe.id)
        )
        via_labels = any(
            loop.model == m.id
            and loop.label is not None
            and loop.label.source is not None
            and (loop.label.source == comp.id or comp.id in system.upstream(loop.label.source))
            for loop in system.manifest.feedback
        )
        via_features = not serving_only and not system.downstream(comp.id).isdisjoint(
            lineage.model_features(m)
        )
        if not (via_pipeline or via_labels or via_features):
            continue
        models.append(m.id)
        cadence = m.training.cadence if m.training else None
        if (
            cadence is not None
            and not cadence.continuous
            and (worst is None or cadence.period > worst)
        ):
            worst, basis = cadence.period, f"next {cadence.phrase} retrain of {m.id}"
    return sorted(models), worst, basis


def _training_effect(system: System, comp: Component, models: list[str]) -> str:
    if not models:
        return "none"
    effects = []
    for mid in models:
        model = system.get(mid)
        pipe = system.training_pipeline(model) if model is not None else None  # type: ignore[arg-type]
        blocking = pipe is not None and pipe.validation is not None and pipe.validation.blocking
        if pipe is not None and pipe.id == comp.id:
            effects.append(f"{mid} is not retrained; the serving version grows one cycle older")
        elif (
            isinstance(comp, Source)
            and comp.on_failure
            and comp.on_failure.behaviour == "default_value"
        ):
            effects.append(f"{mid} learns the default value as data")
        elif isinstance(comp, Pipeline) and comp.kind == "labeling":
            effects.append(f"{mid} retrains on fewer, older labels")
        elif blocking and pipe is not None:
            effects.append(f"{possessive(mid)} retrain is blocked by validation in {pipe.id}")
        else:
            effects.append(f"{mid} retrains on partial or stale data without noticing")
    return "; ".join(effects)


def cache_expiry(comp: Component) -> str | None:
    """Why a cache in front of ``comp`` runs out before ``comp`` is back, if it does: cached
    answers kept for at most the source's ``max_staleness`` carry only outages shorter than
    that, so one of its usual length (its repair time) still stops the requests once they
    expire (OpenAI, 11 December 2024: cached DNS answers expired before the control plane
    recovered)."""
    if not isinstance(comp, Source) or comp.on_failure is None:
        return None
    limit = comp.on_failure.max_staleness
    if limit is None:
        return None
    mttr = float(comp.mttr) if comp.mttr is not None else DEFAULT_MTTR_SECONDS
    if float(limit) >= mttr:
        return None
    repair = format_seconds(mttr) + ("" if comp.mttr is not None else " (assumed)")
    return f"for up to {limit}, then requests fail: it takes {repair} to repair"


def _direct_effect(system: System, comp: Component, reader: Endpoint) -> tuple[str, bool, bool]:
    """(effect, stops predictions, silently wrong) when ``reader`` reads ``comp`` per request."""
    dep = next((d for d in reader.dependencies if d.target == comp.id), None)
    if dep is not None:
        kind = dep.fallback or "none"
        expiry = cache_expiry(comp) if kind == "cache" else None
        if expiry is not None:
            return f"{reader.id} {DEP_EFFECT[kind]} {expiry}", True, False
        # The call's default is the source's: one that looks like data and pages nobody is
        # scored as data (google-rpc: the error code -1 read as the feature's value).
        silent = kind == "default" and isinstance(comp, Source) and silent_default(comp)
        return f"{reader.id} {DEP_EFFECT[kind]}", kind in ("none", "fail"), silent
    if isinstance(comp, Source):
        behaviour = comp.on_failure.behaviour if comp.on_failure else None
        if behaviour == "default_value" and comp.on_failure is not None:
            silent = silent_default(comp)
            value = comp.on_failure.default_value
            return f"{reader.id} scores with the default value {value!r}", False, silent
        if behaviour == "last_known_good":
            limit = comp.on_failure.max_staleness if comp.on_failure else None
            after = f" for up to {limit}" if limit else ""
            return f"{reader.id} serves last-known-good values{after}", False, False
        if behaviour == "skip_feature":
            return f"{reader.id} scores without its features", False, False
        if behaviour == "fallback_source":
            return f"{reader.id} reads the fallback source", False, False
        if behaviour == "fail_closed":
            return f"{reader.id} requests fail (fail closed)", True, False
    return f"{reader.id} has no declared behaviour for this failure (assumed to fail)", True, False


def _detectors(system: System, comp: Component, stops: bool) -> list[str]:
    out: list[str] = []
    mon = system.manifest.monitoring
    if isinstance(comp, Source) and comp.monitors:
        m = comp.monitors
        base = f"sources[{comp.id}].monitors"
        out += _signal(f"{base}.freshness", m.freshness) + _signal(f"{base}.volume", m.volume)
        out += _signal(f"{base}.schema", m.schema_) + _signal(f"{base}.null_rate", m.null_rate)
    if isinstance(comp, Pipeline) and comp.alerts:
        base = f"pipelines[{comp.id}].alerts"
        out += _signal(f"{base}.on_failure", comp.alerts.on_failure)
        out += _signal(f"{base}.on_sla_miss", comp.alerts.on_sla_miss)
        out += _signal(f"{base}.consumer_lag", comp.alerts.consumer_lag)
    if mon is not None:
        if stops and mon.system:
            out += _signal("monitoring.system.errors", mon.system.errors)
        if mon.freshness:
            out += _signal(
                "monitoring.freshness.feature_freshness", mon.freshness.feature_freshness
            )
        if mon.inputs:
            out += _signal("monitoring.inputs.null_rate", mon.inputs.null_rate)
    return out


def _recovery(system: System, comp: Component) -> str:
    if isinstance(comp, Pipeline):
        r = comp.retries
        tries = f"retries {r.max} times" if r and r.max else "no automatic retry"
        if r and r.max and r.backoff:
            tries += " with backoff"
        if comp.idempotent and comp.backfill:
            return f"{tries}; idempotent backfill of missed runs"
        if comp.backfill and comp.idempotent is False:
            return f"{tries}; backfill possible but not idempotent (risk of duplicates)"
        return f"{tries}; missed runs refilled by hand"
    if isinstance(comp, Store):
        writers = ", ".join(p.id for p in system.writers(comp.id)) or "its writers"
        failover = "replica failover" if comp.zones and comp.zones > 1 else "restore (single zone)"
        return f"{failover}; re-materialise from {writers} if data is lost"
    feeds = system.readers(comp.id)
    unsafe = [p.id for p in feeds if not (p.idempotent and p.backfill)]
    owner = f" ({comp.owner})" if isinstance(comp, Source) and comp.owner else ""
    if unsafe:
        return f"waits for the owner{owner}; {', '.join(unsafe)} cannot be backfilled safely"
    if feeds:
        return f"waits for the owner{owner}; downstream jobs backfill the gap"
    return f"waits for the owner{owner}"


def _severity(stops: list[str], corrupts: list[str], reach: str, detected: list[str]) -> str:
    if corrupts and not detected:
        return "critical"
    if stops or corrupts:
        return "high"
    if reach in ("refresh", "live", "batch"):
        return "high" if not detected else "medium"
    if reach == "retrain":
        return "medium"
    return "low"


def _names(endpoints: list[Endpoint]) -> tuple[str, str]:
    names = ", ".join(e.id for e in endpoints)
    return names, "serves" if len(endpoints) == 1 else "serve"


def _logged_stale(system: System, lineage: _Lineage, comp: Component) -> list[str]:
    """Features refreshed from ``comp`` that are logged at serving: stale values get logged."""
    logged = lineage.logged()
    return sorted(i for i in system.downstream(comp.id) if i in logged)


@dataclass
class _Reach:
    """What one way of reaching endpoints contributes to a failure-mode row."""

    effects: list[str] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    corrupts: list[str] = field(default_factory=list)
    impacts: list[tuple[float, str]] = field(default_factory=list)


def _read_directly(system: System, comp: Component, readers: list[Endpoint]) -> _Reach:
    out = _Reach()
    for e in readers:
        text, stop, silent = _direct_effect(system, comp, e)
        if e.mode == "batch":
            text = f"{possessive(e.id)} next scoring run: " + text.removeprefix(f"{e.id} ")
            if e.batch and e.batch.schedule:
                out.impacts.append(
                    (e.batch.schedule.period, f"{e.id} scores {e.batch.schedule.phrase}")
                )
        else:
            wait, why = 0.0, "read per request"
            if isinstance(comp, Source) and comp.on_failure and comp.on_failure.max_staleness:
                limit = comp.on_failure.max_staleness
                wait, why = float(limit), f"last-known-good for up to {limit}"
            out.impacts.append((wait, why))
        out.effects.append(text)
        if stop:
            out.stops.append(e.id)
        elif silent:
            out.corrupts.append(e.id)
    return out


def _through_refresh(
    system: System, lineage: _Lineage, comp: Component, refreshed: list[Endpoint]
) -> _Reach:
    out = _Reach()
    seconds, why = _refresh_impact(system, comp.id)
    if seconds is not None:
        out.impacts.append((seconds, why))
    for e in refreshed:
        if e.mode == "batch" and e.batch and e.batch.schedule:
            phrase = e.batch.schedule.phrase
            out.impacts.append((e.batch.schedule.period, f"{possessive(e.id)} next run ({phrase})"))
    if (
        isinstance(comp, Source)
        and comp.on_failure
        and comp.on_failure.behaviour == "default_value"
    ):
        names, _ = _names(refreshed)
        out.effects.append(f"{names}: features computed from the default value")
        if silent_default(comp):
            out.corrupts += [e.id for e in refreshed]
        return out
    batch = [e for e in refreshed if e.mode == "batch"]
    online = [e for e in refreshed if e.mode != "batch"]
    if batch:
        out.effects.append(f"{_names(batch)[0]}: scores with data from the last good run")
    if online:
        names, verb = _names(online)
        out.effects.append(f"{names} {verb} values older than their budget, then none after TTL")
    return out


def _row(system: System, lineage: _Lineage, comp: Component) -> FailureMode:
    affected = sorted(
        i
        for i in system.downstream(comp.id)
        if system.components[i].KIND in ("feature", "model", "endpoint")
    )
    stream = isinstance(comp, Pipeline) and comp.schedule is not None and comp.schedule.continuous
    readers = lineage.readers.get(comp.id, [])
    refreshed = lineage.refresh_reach(comp.id)
    models, retrain_wait, retrain_basis = _retrain_reach(system, lineage, comp)
    parts = [_read_directly(system, comp, readers)]
    reach: Reach = (
        "live" if any(e.mode != "batch" for e in readers) else "batch" if readers else "none"
    )
    if refreshed:
        parts.append(_through_refresh(system, lineage, comp, refreshed))
        reach = reach if reach != "none" else "refresh"
    if models and reach == "none":
        reach = "retrain"
        waited = _Reach(effects=[f"none until the {retrain_basis or 'next retrain'} is promoted"])
        if retrain_wait is not None:
            waited.impacts.append((retrain_wait, retrain_basis))
        parts.append(waited)
    effects = [t for part in parts for t in part.effects] or ["none"]
    stops = sorted({e for part in parts for e in part.stops})
    corrupts = sorted({e for part in parts for e in part.corrupts})
    impacts = [i for part in parts for i in part.impacts]
    tti, basis = min(impacts) if impacts else (None, "no schedule, budget or TTL declared")
    training = _training_effect(system, comp, models)
    logged = _logged_stale(system, lineage, comp) if reach in ("live", "refresh") else []
    if logged:
        training = (training + "; " if training != "none" else "") + (
            f"stale values of {', '.join(logged)} are logged and feed the next training set"
        )
    detected = _detectors(system, comp, bool(stops))
    return FailureMode(
        component=comp.id,
        kind=comp.KIND,
        failure=STREAM_FAILURE if stream else FAILURE[comp.KIND],
        affected=affected,
        reach=reach,
        time_to_impact_minutes=round(tti / 60.0, 1) if tti is not None else None,
        impact_basis=basis,
        serving_effect="; ".join(effects),
        training_effect=training,
        detected_by=detected,
        recovery=_recovery(system, comp),
        severity=_severity(stops, corrupts, reach, detected),
        stops_predictions=stops,
        corrupts_predictions=corrupts,
    )


def analyse(system: System) -> list[FailureMode]:
    """One row per source, pipeline and store, in manifest order."""
    lineage = _Lineage(system)
    comps: list[Component] = [
        *system.manifest.sources,
        *system.manifest.pipelines,
        *system.manifest.stores,
    ]
    # Each row is kept per component for what-if reviews: one reuses a row that read no field
    # it sets (its ids and references never change), instead of analysing every component.
    keep = system.recall.keep
    return [keep(GROUP, comp.id, partial(_row, system, lineage, comp)) for comp in comps]


def noticed(detected_by: list[str]) -> str:
    """How soon someone knows: an alert pages at once; a dashboard waits for someone to look."""
    if any(d.endswith("(alert)") for d in detected_by):
        return "at once (alert)"
    if any(d.endswith("(dashboard)") for d in detected_by):
        return "when someone looks at a dashboard"
    if detected_by:
        return "at the next manual check"
    return "not until a symptom reaches a person (no monitor declared)"
