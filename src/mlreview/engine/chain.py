"""The top risk's mechanism chain: how the fault at its root travels, hop by hop along the
lineage, to what the users or the decisions see, and why each declared control on the way does
not stop it.

A pure function of the reviewed system and the top scenario. Each step names the component it
happens at; where the manifest declares a control there, the step says what the control watches
and why that is not the fault (a job's failure and deadline alerts watch the job, not the age
of what it reads; a TTL never expires a key the writing job rewrites every run; a validation
gate compares with a model trained on the same data; a canary compares versions, not the
inputs both read; a default answers with no flag). The last step says what is seen and who
would notice, and when: a declared alert, the labels' delay, or nothing within the horizon.
Nothing here is about one system: every step comes from fields any manifest may declare
(docs/risk-model.md, "How it happens")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from mlreview.areas.common import either, possessive
from mlreview.areas.domain import slowest_delays
from mlreview.document.cells import duration
from mlreview.engine.risk import HORIZON_DAYS
from mlreview.engine.scenarios import Scenario
from mlreview.system.manifest import (
    Endpoint,
    Feature,
    FeedbackLoop,
    Model,
    Pipeline,
    Source,
    Store,
)
from mlreview.system.manifest.base import Signal
from mlreview.system.system import System

Fault = Literal["stale", "wrong", "default"]
"""What the data on the path carries: values no longer updated, wrong values (a changed
meaning, a bad run), or a substituted default. It decides what each control on the way sees."""
MAX_STEPS = 7
NOBODY = f"nothing declared notices it within the {HORIZON_DAYS}-day horizon"


def _is(field: str, value: object) -> str:
    """'(field is false)' or '(field is not set)': how the manifest leaves a control out."""
    return f"({field} is {'not set' if value is None else str(value).lower()})"


WATCHED = {
    "monitoring.quality.label_based": "label-based quality",
    "monitoring.quality.proxy": "proxy quality",
    "monitoring.drift.predictions": "prediction drift",
    "monitoring.drift.features": "feature drift",
    "monitoring.skew.training_serving": "training-serving skew",
    "monitoring.inputs.ranges": "input ranges",
    "monitoring.inputs.null_rate": "the input null rate",
    "monitoring.freshness.feature_freshness": "feature freshness",
    "monitoring.freshness.model_age": "model age",
    "monitoring.system.errors": "the error rate",
    "monitoring.system.latency": "latency",
    "monitoring.system.saturation": "saturation",
}
"""What each monitor a step names watches, in words; the field follows in brackets, which the
opening screen leaves out (report/field_words.py)."""


def _watched(field: str) -> str:
    """'label-based quality (monitoring.quality.label_based)'; a source's own monitor reads
    "x's null rate (sources[x].monitors.null_rate)"."""
    words = WATCHED.get(field)
    if words is None:
        owner = re.match(r"sources\[([^\]]+)\]\.", field)
        what = field.rsplit(".", 1)[-1].replace("_", " ")
        what = "failure" if what == "alert" else what
        words = f"{owner.group(1)}'s {what}" if owner else what
    return f"{words} ({field})"


def _alerting(signal: Signal | None) -> bool:
    return signal is True or signal == "alert"


@dataclass
class _Path:
    """The top scenario's root and what it reaches: the features it feeds, the jobs that refresh
    them, the stores they are served from, the models and the endpoints, in manifest order."""

    system: System
    top: Scenario

    @property
    def root(self) -> str:
        return self.top.anchor

    def get(self, ident: str) -> object:
        return self.system.get(ident)

    @cached_property
    def down(self) -> frozenset[str]:
        return self.system.downstream(self.root) | {self.root}

    @cached_property
    def features(self) -> list[Feature]:
        """The features the root reaches, the most important first."""
        held = self.system.features_of(self.root)
        named = set(self.top.components)
        found = [
            f
            for f in self.system.manifest.features
            if f.id in held or f.id in named or (f.id in self.down and f.id == self.root)
        ]
        return sorted(found, key=lambda f: (f.importance_rank or 10**6, f.id))

    @cached_property
    def models(self) -> list[Model]:
        if self.root not in self.system.components:
            # A risk on the whole system (no component its root): every model.
            return list(self.system.manifest.models)
        named = set(self.top.components) | self.down
        for ident in [self.root, *self.top.components]:
            e = self.get(ident)
            if isinstance(e, Endpoint):
                named.add(e.model)
        feats = {f.id for f in self.features}
        out = []
        for m in self.system.manifest.models:
            if m.id in named or self.system.model_feature_ids(m) & feats:
                out.append(m)
        return out

    @cached_property
    def endpoints(self) -> list[Endpoint]:
        ids = {m.id for m in self.models}
        named = set(self.top.components)
        found = [e for e in self.system.manifest.endpoints if e.model in ids or e.id in named]
        # Online first: what a user sees answers at once.
        return sorted(found, key=lambda e: e.mode == "batch")

    @cached_property
    def loops(self) -> list[FeedbackLoop]:
        ids = {m.id for m in self.models}
        return [f for f in self.system.manifest.feedback if f.model in ids]

    def jobs(self) -> list[Pipeline]:
        """The jobs between the root and serving: those refreshing its features, else those
        reading it."""
        seen: dict[str, Pipeline] = {}
        for f in self.features:
            for p in self.system.refreshers(f):
                if p.id != self.root and p.kind != "training":
                    seen.setdefault(p.id, p)
        if not seen:
            for p in self.system.readers(self.root):
                if p.kind != "training":
                    seen.setdefault(p.id, p)
        return list(seen.values())

    def stores(self) -> list[Store]:
        found: dict[str, Store] = {}
        for f in self.features:
            s = self.get(f.store) if f.store else None
            if isinstance(s, Store):
                found.setdefault(s.id, s)
        return list(found.values())

    def training(self) -> list[tuple[Pipeline, Model]]:
        """The training jobs that read what the root reaches, with their models."""
        out = []
        for m in self.models:
            p = self.system.training_pipeline(m)
            if p is not None and (self.root in self.system.upstream(p.id) or p.id == self.root):
                out.append((p, m))
        return out

    def served(self, limit: int = 2) -> str:
        return either([f.id for f in self.features[:limit]], "and") if self.features else ""


# --- the controls on the way ----------------------------------------------------------------


def _job_alerts(p: Pipeline, fault: Fault) -> str | None:
    a = p.alerts
    kinds = [
        name
        for name, on in (
            ("failure", a.on_failure if a else None),
            ("deadline", a.on_sla_miss if a else None),
        )
        if _alerting(on)
    ]
    if not kinds:
        return None
    what = "the age of what it reads" if fault == "stale" else "the values it carries"
    many = len(kinds) > 1
    alerts = f"alert{'s' if many else ''} watch{'' if many else 'es'}"
    return f"its {' and '.join(kinds)} {alerts} the job, not {what}"


def _job_checks(p: Pipeline, fault: Fault) -> str | None:
    v = p.validation
    if v is None:
        return "it declares no data check"
    checks = [n for n, on in (("range", v.ranges), ("distribution", v.distribution)) if on]
    if checks:
        named = " and ".join(checks)
        if v.blocking:
            return f"its blocking {named} check is the one control here that could stop it"
        return f"its {named} check does not stop the run (validation.blocking is not set)"
    if v.schema_:
        why = (
            "the columns do not change" if fault != "default" else "a default has the column's type"
        )
        return f"its schema check passes ({why})"
    return "it declares no data check"


def _ttl(store: Store, writers: list[Pipeline]) -> str:
    ttl = store.ttl
    if ttl is None:
        return "no TTL expires them"
    for w in writers:
        if w.schedule is not None and 0 < w.schedule.period < float(ttl):
            return (
                f"its {ttl.text} TTL never fires, because {w.id} rewrites every key "
                f"{w.schedule.phrase}, whatever the age of the values"
            )
    return f"its {ttl.text} TTL expires them only after {ttl.text}"


def _gate(m: Model) -> str:
    g = m.validation_gate
    if g is None or not g.enabled:
        return "no validation gate checks it before it goes live"
    if g.compares_to_previous:
        return (
            "its validation gate compares it with the previous model, trained on the same data, "
            "so it passes"
        )
    return "its validation gate scores it on held-out data from the same inputs, so it passes"


def _canary(e: Endpoint, misses: str = "not the inputs both read") -> str | None:
    r = e.release
    if r is not None and r.canary:
        return f"its canary compares model versions on the same requests, {misses}"
    return None


def _labels(path: _Path) -> str:
    p50, p95 = slowest_delays(path.loops)
    if p50 is None:
        return ""
    late = f", p95 {duration(p95)}" if p95 is not None else ""
    return f"labels arrive {duration(p50)} after a prediction (median{late})"


def _noticed(path: _Path, watchers: list[tuple[str, Signal | None]], *, labels: bool = True) -> str:
    """Who notices, and when: the first declared alert among ``watchers`` (field, signal) that
    sees the fault, else the label-based quality monitor after the labels' delay, else the
    dashboards someone must look at, else nobody within the horizon."""
    mon = path.system.manifest.monitoring
    quality = mon.quality if mon else None
    label_based = quality.label_based if quality else None
    for name, signal in watchers:
        if _alerting(signal):
            return f"an alert on {_watched(name)} pages"
    if not labels:  # the labels are what stopped: a label-based monitor sees nothing new
        label_based = None
    labels_said = _labels(path) if labels else ""
    if _alerting(label_based):
        when = f" once {labels_said}" if labels_said else ""
        label = _watched("monitoring.quality.label_based")
        return f"an alert on {label} pages when quality falls{when}"
    shown = [
        _watched(name)
        for name, s in [*watchers, ("monitoring.quality.label_based", label_based)]
        if s == "dashboard"
    ]
    said = f"{labels_said}, but " if labels_said else ""
    if shown:
        verb = "shows" if len(shown) == 1 else "show"
        return (
            f"{said}{either(shown, 'and')} {verb} it only on a dashboard someone must look at; "
            f"no alert fires within the {HORIZON_DAYS}-day horizon"
        )
    return f"{said}{NOBODY}"


def _sees(path: _Path) -> str:
    """What the decisions are, for the last step."""
    decision = path.system.manifest.system.decision
    if decision and decision.action:
        return f"decisions to {decision.action}"
    kind = decision.type if decision and decision.type else None
    return {
        "ranking": "rankings",
        "classification": "decisions",
        "regression": "estimates",
        "forecast": "forecasts",
        "filtering": "filtering decisions",
    }.get(kind or "", "predictions")


def _joined(head: str, *clauses: str | None) -> str:
    said = [c for c in clauses if c]
    return head + (": " + "; ".join(said) if said else "") + "."


# --- the data on the way in -----------------------------------------------------------------


def _data_watchers(path: _Path, fault: Fault) -> list[tuple[str, Signal | None]]:
    mon = path.system.manifest.monitoring
    out: list[tuple[str, Signal | None]] = []
    root = path.get(path.root)
    if isinstance(root, Source) and root.monitors:
        m = root.monitors
        if fault == "stale":
            out += [(f"sources[{root.id}].monitors.freshness", m.freshness)]
        out += [(f"sources[{root.id}].monitors.null_rate", m.null_rate)]
    if mon is not None:
        if fault == "stale" and mon.freshness:
            out.append(("monitoring.freshness.feature_freshness", mon.freshness.feature_freshness))
        if mon.inputs:
            out += [
                ("monitoring.inputs.ranges", mon.inputs.ranges),
                ("monitoring.inputs.null_rate", mon.inputs.null_rate),
            ]
        if mon.drift:
            out.append(("monitoring.drift.features", mon.drift.features))
        if mon.skew and fault != "stale":
            out.append(("monitoring.skew.training_serving", mon.skew.training_serving))
    return out


def _through(path: _Path, fault: Fault, start: str) -> list[str]:
    """``start``, then the jobs, the store, serving and training on the way from the root, and
    what is seen."""
    steps = [start]
    carried = {"stale": "the old values", "wrong": "the changed values", "default": "the default"}[
        fault
    ]
    jobs = path.jobs()
    for p in jobs[:2] if fault != "default" else []:
        run = f"runs {p.schedule.phrase} and " if p.schedule is not None else ""
        steps.append(
            _joined(
                f"{p.id} {run}succeeds on {carried}", _job_alerts(p, fault), _job_checks(p, fault)
            )
        )
    for s in path.stores()[:1] if fault != "default" else []:
        keep = "keeps them" if fault == "stale" else "holds them"
        steps.append(_joined(f"{s.id} {keep}", _ttl(s, jobs)))
        if fault == "stale":
            steps += _new_keys(path, s)
    steps += _serving(path, fault)
    for p, m in path.training()[:1]:
        cadence = m.training.cadence if m.training and m.training.cadence else None
        when = f" {cadence.phrase}" if cadence is not None else ""
        head = (
            f"When {m.id} is refitted by hand, {p.id} learns {carried} too"
            if m.training and m.training.automated is False
            else f"{p.id} retrains {m.id}{when} on {carried} too"
        )
        steps.append(_joined(head, _gate(m)))
    steps.append(_seen(path, fault))
    return steps


def _new_keys(path: _Path, store: Store) -> list[str]:
    """A key that appears after the root stopped gets no value from it: an endpoint whose read of
    the store falls back to a default answers such a key with the default, scored as data."""
    for e in path.endpoints:
        for d in e.dependencies:
            if d.target == store.id and d.fallback == "default":
                return [
                    f"Keys new since {path.root} stopped get no value from it in {store.id}; "
                    f"where {possessive(e.id)} read finds none it answers with its default "
                    f"(dependencies[{store.id}].fallback), scored as data."
                ]
    return []


def _serving(path: _Path, fault: Fault) -> list[str]:
    online = [e for e in path.endpoints if e.mode != "batch"] or path.endpoints
    if not online:
        return []
    e = online[0]
    model = path.system.model_of(e)
    served = f" on {path.served()}" if path.features else ""
    clauses: list[str | None] = []
    if fault == "stale":
        budgets = [f for f in path.features if f.freshness_budget is not None]
        if budgets:
            f = budgets[0]
            assert f.freshness_budget is not None
            clauses.append(
                f"{f.id} passes its {f.freshness_budget.text} freshness budget with no error"
            )
    if fault == "default":
        clauses.append("nothing in the request marks the value as a default")
    clauses.append(_canary(e))
    how = (
        "as if current"
        if fault == "stale"
        else "as if it were real data"
        if fault == "default"
        else "without error"
    )
    return [_joined(f"{e.id} scores {model.id}{served} {how}", *clauses)]


def _seen(path: _Path, fault: Fault) -> str:
    e = path.endpoints[0] if path.endpoints else None
    what = {
        "stale": "drift from what is true today, slowly",
        "wrong": "shift with no error",
        "default": "are made on a constant as if it were data",
    }[fault]
    named = e.id if e else path.models[0].id if path.models else None
    who = f"{possessive(named)} {_sees(path)}" if named else f"the {_sees(path)}"
    noticed = _noticed(path, _data_watchers(path, fault))
    return f"{who} {what}; {noticed}."


def _stale_source(path: _Path) -> list[str]:
    root = path.get(path.root)
    if not isinstance(root, Source):
        return []
    m = root.monitors
    watched = [
        n
        for n, s in (("freshness", m.freshness if m else None), ("volume", m.volume if m else None))
        if _alerting(s)
    ]
    tail = (
        f"its {' and '.join(watched)} monitor{'s' if len(watched) > 1 else ''} would page"
        if watched
        else "it has no freshness or volume alert"
    )
    owner = (
        f"its owner {root.owner} is outside the model team"
        if root.owned_by_model_team is False and root.owner
        else None
    )
    return _through(
        path, "stale", _joined(f"{root.id} stops updating, or rewrites old data", tail, owner)
    )


def _upstream_change(path: _Path) -> list[str]:
    root = path.get(path.root)
    head = f"The producer of {path.root} changes what a field means or how it is filled"
    clauses: list[str | None] = []
    if isinstance(root, Source):
        c = root.contract
        if c is not None and c.change_notification is False:
            clauses.append(
                "no change notification is agreed (contract.change_notification is false)"
            )
        if root.owner and root.owned_by_model_team is False:
            clauses.append(f"its owner {root.owner} is outside the model team")
    return _through(path, "wrong", _joined(head, *clauses))


def _silent_default(path: _Path) -> list[str]:
    root = path.get(path.root)
    if not isinstance(root, Source):
        return []
    of = root.on_failure
    value = f" {of.default_value}" if of and of.default_value is not None else ""
    marked = of.missing_indicator if of else None
    flag = None if marked else f"no flag marks it {_is('on_failure.missing_indicator', marked)}"
    inside = (
        "it is a valid value, so no range check can tell it apart "
        "(on_failure.default_in_valid_range)"
        if of and of.default_in_valid_range
        else None
    )
    paged = of.alert if of else None
    alert = (
        None if _alerting(paged) else f"its failure pages no one {_is('on_failure.alert', paged)}"
    )
    start = _joined(
        f"{root.id} fails or times out and serving substitutes its default{value}",
        flag,
        inside,
        alert,
    )
    return _through(path, "default", start)


def _stale_feature(path: _Path) -> list[str]:
    root = path.get(path.root)
    names = path.served(3) or path.root
    if isinstance(root, Pipeline) and root.schedule is not None:
        gap = root.schedule.period + (float(root.runtime) if root.runtime else 0.0)
        took = f" + its {root.runtime.text} run = {duration(gap)}" if root.runtime else ""
        start = (
            f"{root.id} writes {names} {root.schedule.phrase}, so serving reads values up to "
            f"{duration(root.schedule.period)}{took} old even when every run succeeds."
        )
    else:
        start = f"{names} is served older than it was trained on, even when every run succeeds."
    steps = [start]
    steps += _serving(path, "stale")
    twice = [f.id for f in path.features if _two_codes(f)]
    for m in path.models[:1]:
        p = path.system.training_pipeline(m)
        how = f", by separate training and serving code for {either(twice, 'and')}" if twice else ""
        by = f"{p.id} trains {m.id}" if p else f"{m.id} is trained"
        steps.append(_joined(f"{by} on values computed as of each example{how}", _gate(m)))
    steps.append(_seen(path, "stale"))
    return steps


def _schedule_race(path: _Path) -> list[str]:
    root = path.get(path.root)
    if not isinstance(root, Pipeline):
        return []
    named = set(path.top.components)
    batch = [
        (e.id, e.batch.schedule)
        for e in path.system.manifest.endpoints
        if e.id in named and e.batch is not None and e.batch.schedule is not None
    ]
    jobs = [
        (p.id, p.schedule)
        for o in root.outputs
        for p in path.system.readers(o)
        if p.id in named and p.id != root.id and p.schedule is not None
    ]
    run = f" and runs for {root.runtime.text}" if root.runtime else ""
    when = f" {root.schedule.phrase}" if root.schedule else ""
    steps = []
    for reader, schedule in (batch + jobs)[:1]:
        steps += [
            f"{root.id} starts{when}{run}, so it is still writing {either(root.outputs, 'and')} "
            f"when {reader} starts {schedule.phrase}.",
            _joined(
                f"{reader} reads the previous run's {either(root.outputs, 'and')} and succeeds",
                (_job_alerts(root, "stale") or "").replace("its ", f"{possessive(root.id)} ", 1),
                None
                if root.alerts and _alerting(root.alerts.on_sla_miss)
                else (f"{root.id} has no deadline alert (alerts.on_sla_miss)"),
            ),
        ]
    if not steps:
        steps.append(f"{root.id} finishes after what reads its output has started.")
    steps += _serving(path, "stale")
    steps.append(_seen(path, "stale"))
    return steps


def _two_codes(f: Feature) -> bool:
    """A feature computed by separate code for training and for serving."""
    if f.shared_definition is False:
        return True
    train, serve = f.training, f.serving
    return bool(train and serve and train.code and serve.code and train.code != serve.code)


def _bad_artefact(path: _Path) -> list[str]:
    root = path.get(path.root)
    if not isinstance(root, Pipeline):
        return []
    out = either(root.outputs, "and")
    when = f" (it runs {root.schedule.phrase})" if root.schedule else ""
    unannounced = [
        src
        for i in root.inputs
        if isinstance(src := path.get(i), Source)
        and src.contract is not None
        and src.contract.change_notification is False
    ]
    lead = [
        _joined(
            f"A change in {src.id} alters what {root.id} reads from it",
            f"{possessive(src.id)} owner {src.owner} does not announce changes "
            "(contract.change_notification is false)"
            if src.owner
            else "no change is announced (contract.change_notification is false)",
        )
        for src in unannounced[:1]
    ]
    steps = [
        *lead,
        _joined(f"{root.id} writes a wrong or oversized {out}{when}", _job_checks(root, "wrong")),
    ]
    outputs = set(root.outputs)
    consumers = [
        e for e in path.system.manifest.endpoints if outputs & set(path.system.live_reads(e))
    ]
    limited = False
    for e in consumers[:1]:
        clauses: list[str | None] = []
        for d in e.dependencies:
            lim = d.load_limit
            if d.target in outputs and lim is not None and lim.max_entries:
                used = f", {lim.typical_entries} in use" if lim.typical_entries else ""
                clauses.append(
                    f"it accepts at most {lim.max_entries} entries{used} (load_limit.max_entries), "
                    "so an output past that fails the load"
                )
                limited = True
        if e.fallback and e.fallback != "none":
            clauses.append(f"its fallback ({e.fallback}) covers a failed load, not a wrong one")
        else:
            clauses.append("nothing else answers for it (fallback: none)")
        if e.release and e.release.canary:
            clauses.append(f"its canary covers its own releases, not what {root.id} writes")
        # Every replica, not "all N zones": the push reaches each machine, and a count of zones
        # read as availability zones where the manifest's are data centres (cloudflare).
        steps.append(
            _joined(f"{e.id} loads it on its next read on every replica at once", *clauses)
        )
    if limited and consumers:
        e = consumers[0]
        noticed = _noticed(path, _system_watchers(path))
        steps.append(f"Requests to {e.id} fail everywhere at once; {noticed}.")
    else:
        steps.append(_seen(path, "wrong"))
    return steps


def _unchecked_output(path: _Path) -> list[str]:
    root = path.get(path.root)
    if not isinstance(root, Pipeline):
        return []
    when = f" (it runs {root.schedule.phrase})" if root.schedule else ""
    start = _joined(
        f"A run of {root.id} writes wrong or half-written {either(root.outputs, 'and')}{when}",
        _job_checks(root, "wrong"),
        _job_alerts(root, "wrong"),
    )
    return _through(path, "wrong", start)


def _stale_model(path: _Path) -> list[str]:
    m = next((c for c in path.models if c.id == path.root), path.models[0] if path.models else None)
    if m is None:
        return []
    if path.root == m.id:
        steps = [f"{m.id} stops being retrained."]
    else:
        steps = [f"{path.root} stops delivering the labels {m.id} learns from."]
    t = m.training
    automated = bool(t and t.automated is not False and t.cadence)
    mon = path.system.manifest.monitoring
    age_alert = mon.freshness.model_age if mon and mon.freshness else None
    if automated:
        assert t is not None and t.cadence is not None
        steps.append(
            f"{m.id} still retrains {t.cadence.phrase} on the labels it already has, so each new "
            "version learns nothing new and a model-age alert stays quiet."
        )
        watchers = _quality_watchers(path)
    else:
        age = f"it passes its {m.max_age.text} max_age" if m.max_age else None
        steps.append(_joined(f"{m.id} learns nothing new", _training_of(m), age))
        watchers = [("monitoring.freshness.model_age", age_alert), *_quality_watchers(path)]
    for e in path.system.endpoints_of(m)[:1]:
        steps.append(
            _joined(
                f"{e.id} keeps serving {m.id} without error",
                _canary(e, "and nothing new is in either"),
            )
        )
    noticed = _noticed(path, watchers, labels=path.root == m.id)
    steps.append(f"{_sees_of(path, m)} fall behind the world; {noticed}.")
    return steps


def _bad_training_data(path: _Path) -> list[str]:
    steps: list[str] = []
    for p, m in (
        path.training()[:1]
        or [(t, m) for m in path.models if (t := path.system.training_pipeline(m)) is not None][:1]
    ):
        sources = [i for i in sorted(path.system.upstream(p.id)) if isinstance(path.get(i), Source)]
        outside = [
            i
            for i in sources
            if (s := path.get(i)) and isinstance(s, Source) and s.owned_by_model_team is False
        ]
        named = either(outside or sources, "or") if sources else "its input"
        unfiltered = [
            loop.id
            for loop in path.loops
            if loop.model == m.id
            and loop.quality_filters
            and loop.quality_filters.poisoning is False
        ]
        check = (
            f"nothing checks {either(unfiltered, 'or')} for manipulation "
            "(quality_filters.poisoning is false)"
            if unfiltered
            else None
        )
        steps.append(_joined(f"Bad or manipulated data arrives in {named}", check))
        steps.append(
            _joined(f"{p.id} trains {m.id} on it", _job_checks(p, "wrong"), _job_alerts(p, "wrong"))
        )
        steps.append(_joined(f"{m.id} goes live", _gate(m)))
    if not steps:
        steps.append(f"Bad data reaches the training of {path.root}.")
    steps += _serving(path, "wrong")
    steps.append(_seen(path, "wrong"))
    return steps


# --- serving --------------------------------------------------------------------------------


def _endpoint(path: _Path) -> Endpoint | None:
    root = path.get(path.root)
    if isinstance(root, Endpoint):
        return root
    return path.endpoints[0] if path.endpoints else None


def _system_watchers(path: _Path) -> list[tuple[str, Signal | None]]:
    mon = path.system.manifest.monitoring
    s = mon.system if mon else None
    if s is None:
        return []
    return [
        ("monitoring.system.errors", s.errors),
        ("monitoring.system.latency", s.latency),
        ("monitoring.system.saturation", s.saturation),
    ]


def _dropped(e: Endpoint) -> str:
    """What answers a request the pool drops: its fallback, else what its caller is stated to
    do (the chat says it cannot make images now: no error page is claimed for it)."""
    fb = e.fallback
    if fb and fb != "none":
        return f"{possessive(e.id)} fallback ({fb}) answers only what it can reach in time."
    if e.caller_on_failure is not None:
        does = {"fail_closed": "refuses it", "fail_open": "goes ahead without its answer"}
        return (
            f"{e.id} has no fallback, so for a dropped request its caller "
            f"{does[e.caller_on_failure]} (caller_on_failure: {e.caller_on_failure})."
        )
    said = "declares no fallback" if fb == "none" else "has no fallback declared"
    return f"{e.id} {said}, so a dropped request gets an error."


def _capacity(path: _Path) -> list[str]:
    e = _endpoint(path)
    if e is None:
        return []
    traffic = path.system.manifest.system.traffic
    launch = traffic.launch if traffic else None
    if launch is not None and launch.peak_qps:
        uncapped = [
            n
            for n, v in (
                ("signups_capped", launch.signups_capped),
                ("per_user_limit", launch.per_user_limit),
            )
            if v is False
        ]
        words = {"signups_capped": "sign-ups", "per_user_limit": "a user's requests"}
        capped = " or ".join(words[n] for n in uncapped) if uncapped else "it"
        why = f" (launch.{' and launch.'.join(uncapped)} false)" if uncapped else ""
        start = (
            f"Demand at {e.id} rises at launch toward its {float(launch.peak_qps):,.0f} QPS "
            f"forecast, and nothing caps {capped} above that{why}."
        )
    elif traffic is not None and traffic.peak_qps:
        g = traffic.growth_multiplier or path.system.defaults.growth_target
        peak = float(traffic.peak_qps)
        start = (
            f"Traffic at {e.id} grows to {float(g):g} x {peak:,.0f} = {float(g) * peak:,.0f} QPS."
        )
    else:
        start = f"Traffic at {e.id} grows past what its replicas serve."
    steps = [start]
    cap = e.capacity.qps_per_replica if e.capacity else None
    most = e.replicas.max if e.replicas else None
    clauses: list[str | None] = []
    if cap and most:
        clauses.append(f"{most} replicas x {float(cap):g} QPS each = {most * float(cap):,.0f} QPS")
    a = e.autoscaling
    if a and a.enabled:
        react = f" within {a.reaction.text}" if a.reaction else ""
        top = f"its {most} replicas" if most else "its maximum"
        clauses.append(
            f"its autoscaler adds replicas{react}, up to {top} (replicas.max) and no further"
        )
    if e.accelerator_quota:
        clauses.append(f"the accelerator quota of {e.accelerator_quota} caps them")
    if e.cold_start:
        clauses.append(f"each new replica takes {e.cold_start.text} to start")
    steps.append(_joined(f"{e.id} reaches its ceiling", *clauses))
    adm = e.admission
    if adm and adm.load_shedding:
        steps.append(f"{possessive(e.id)} load shedding turns the excess away with errors.")
    elif adm and adm.rate_limit:
        steps.append(
            f"{possessive(e.id)} per-client rate limits bound each client, not the total, so the "
            "excess queues until it times out."
        )
    else:
        steps.append(
            f"{e.id} queues the excess with no load shedding, so latency climbs until requests "
            "time out."
        )
    steps.append(_dropped(e))
    noticed = _noticed(path, _system_watchers(path))
    noticed += " at once" if noticed.endswith(" pages") else ""
    steps.append(
        f"Users of {e.id} see errors and waits at the peak; {noticed}, but capacity "
        "comes only as fast as replicas can be added."
    )
    return steps


def _bad_release(path: _Path) -> list[str]:
    e = _endpoint(path)
    if e is None:
        return []
    r = e.release
    per = f" ({float(r.releases_per_month):g} a month)" if r and r.releases_per_month else ""
    model = path.system.model_of(e)
    twice = [f.id for f in path.system.model_features(model) if _two_codes(f)]
    apart = (
        f"; {either(twice, 'and')} {'is' if len(twice) == 1 else 'are'} computed by separate "
        "serving code, which a release can change without the training code"
        if twice
        else ""
    )
    steps = [
        f"A release of {e.id}{per} changes how it computes its answer, in model or serving "
        f"code{apart}."
    ]
    clauses: list[str | None] = []
    if r and r.canary:
        traffic = f" on {r.canary_traffic:.0%} of traffic" if r.canary_traffic else ""
        clauses.append(
            f"its canary{traffic} compares error rates and latency, not what the answers say"
        )
    else:
        clauses.append("it goes to all traffic at once (release.canary is not set)")
    if r and r.serving_compat_test:
        clauses.append(
            "its serving compatibility test checks the model loads, not that it answers the same"
        )
    if r and r.auto_rollback:
        clauses.append("its automatic rollback waits for an error that does not come")
    steps.append(_joined(f"The release reaches {possessive(e.id)} traffic", *clauses))
    steps.append(
        _joined(
            f"{model.id} answers without error",
            "its validation gate checked the model offline, not the serving code it now runs in"
            if model.validation_gate and model.validation_gate.enabled
            else None,
        )
    )
    steps.append(
        f"{possessive(e.id)} {_sees(path)} are wrong where the change differs; "
        f"{_noticed(path, _quality_watchers(path))}."
    )
    return steps


def _quality_watchers(path: _Path) -> list[tuple[str, Signal | None]]:
    mon = path.system.manifest.monitoring
    out: list[tuple[str, Signal | None]] = []
    if mon and mon.quality:
        out.append(("monitoring.quality.proxy", mon.quality.proxy))
    if mon and mon.drift:
        out.append(("monitoring.drift.predictions", mon.drift.predictions))
    return out


def _fleet_rollout(path: _Path) -> list[str]:
    root = path.get(path.root)
    ro = root.rollout if isinstance(root, Source) else None
    clauses: list[str | None] = []
    if ro is not None and ro.staged is False:
        clauses.append("not in stages (rollout.staged is false)")
    if ro is not None and ro.tested_at_scale is False:
        clauses.append("tested only at a smaller scale (rollout.tested_at_scale is false)")
    steps = [_joined(f"A change to {path.root} reaches every cluster at once", *clauses)]
    for e in [e for e in path.system.manifest.endpoints if path.root in path.system.live_reads(e)][
        :1
    ]:
        dep = next((d for d in e.dependencies if d.target == path.root), None)
        of = root.on_failure if isinstance(root, Source) else None
        keeps = (
            f"its {dep.fallback} keeps answering for up to {of.max_staleness.text} "
            "(on_failure.max_staleness)"
            if dep and dep.fallback and of and of.max_staleness
            else None
        )
        steps.append(_joined(f"{e.id} reads {path.root} on every request", keeps))
        zones = f" all {e.zones} zones" if e.zones else " every zone"
        steps.append(
            f"Then every replica of {e.id} in{zones} fails its lookups together: the spread "
            "across zones does not help when the change is everywhere."
        )
        watchers = _system_watchers(path)
        src_alert = of.alert if of else None
        noticed = _noticed(path, [(f"sources[{path.root}].on_failure.alert", src_alert), *watchers])
        brk = ro.break_glass if ro else None
        fix = (
            ""
            if brk
            else f"; undoing it needs {path.root} itself, which is what failed "
            f"{_is('rollout.break_glass', brk)}"
        )
        steps.append(f"Users of {e.id} get errors everywhere; {noticed}{fix}.")
    return steps


def _offline_gap(path: _Path) -> list[str]:
    m = next((c for c in path.models if c.id == path.root), path.models[0] if path.models else None)
    if m is None:
        return []
    pop = m.training.population if m.training else None
    if pop is not None and pop.pooled:
        flag = (
            ", and no feature says which context each came from "
            "(population.context_feature is false)"
            if pop.context_feature is False
            else ""
        )
        start = f"{possessive(m.id)} training pools {pop.pooled} with its own examples{flag}."
    elif pop is not None and pop.excluded:
        kept = f" ({pop.share_kept:.0%} of the cases it serves are kept)" if pop.share_kept else ""
        start = f"{possessive(m.id)} training leaves out {pop.excluded}{kept}."
    else:
        start = f"{m.id} is trained on examples that are not the cases it serves."
    steps = [start]
    p = path.system.training_pipeline(m)
    drawn = "pooled" if pop is not None and pop.pooled else "filtered"
    gate = _gate(m).replace(
        ", trained on the same data, so it passes", f" on the same {drawn} examples, so it passes"
    )
    if (
        m.validation_gate
        and m.validation_gate.enabled
        and not m.validation_gate.compares_to_previous
    ):
        gate = "its validation gate scores it on held-out examples drawn the same way, so it passes"
    steps.append(_joined(f"{p.id} trains and validates {m.id}" if p else f"{m.id} goes live", gate))
    for e in path.system.endpoints_of(m)[:1]:
        steps.append(
            _joined(
                f"{e.id} serves {m.id} on every case, those it never trained on too",
                _canary(e, "and both were trained the same way"),
            )
        )
    steps.append(
        f"{_sees_of(path, m)} are worse than the offline figures said; "
        f"{_noticed(path, _quality_watchers(path))}."
    )
    return steps


def _sees_of(path: _Path, m: Model) -> str:
    es = path.system.endpoints_of(m)
    who = possessive(es[0].id) if es else possessive(m.id)
    return f"{who} {_sees(path)}"


# --- what the decisions do over time ----------------------------------------------------------


def _training_of(m: Model) -> str:
    t = m.training
    if t is None:
        return "it declares no training cadence"
    if t.automated is False:
        return "it is retrained only by hand"
    cadence = f" {t.cadence.phrase}" if t.cadence else ""
    window = f" on a {t.window.text} window" if t.window else ""
    return f"it retrains{cadence}{window}"


def _drift(path: _Path) -> list[str]:
    m = next((c for c in path.models if c.id == path.root), path.models[0] if path.models else None)
    if m is None:
        return []
    steps = [
        f"The world {m.id} predicts changes: a step in its inputs or in how they relate to "
        "the outcome."
    ]
    mon = path.system.manifest.monitoring
    drift = mon.drift.features if mon and mon.drift else None
    steps.append(
        _joined(
            f"{m.id} keeps answering as it was trained",
            _training_of(m),
            None if drift else "no drift monitor on its features (monitoring.drift.features)",
        )
    )
    triggers = m.retrain_triggers or []
    trig = f" (retrain_triggers: {', '.join(triggers)})" if triggers else ""
    steps.append(
        _joined(f"{possessive(m.id)} next model learns the change only in part{trig}", _gate(m))
    )
    watchers = [("monitoring.drift.features", drift), *_quality_watchers(path)]
    steps.append(f"{_sees_of(path, m)} lag the change; {_noticed(path, watchers)}.")
    return steps


def _loop_of(path: _Path) -> FeedbackLoop | None:
    root = path.get(path.root)
    if isinstance(root, FeedbackLoop):
        return root
    named = set(path.top.components)
    return next((f for f in path.loops if f.id in named), path.loops[0] if path.loops else None)


def _selective_labels(path: _Path) -> list[str]:
    loop = _loop_of(path)
    if loop is None:
        return []
    m = path.get(loop.model)
    if not isinstance(m, Model):
        return []
    when = loop.label.observed_only_when if loop.label else None
    seen = f" only when {when}" if when else " only for the cases it lets through"
    steps = [
        f"{loop.id} records an outcome{seen}, so {m.id} decides which outcomes it learns from."
    ]
    ex = loop.exploration
    ho = loop.holdout
    missing = []
    if not (ex and ex.enabled):
        missing.append("no decision is taken at random (exploration)")
    if not (ho and ho.enabled):
        missing.append("no holdout is left undecided")
    steps.append(_joined(f"Nothing shows the outcomes {m.id} hides", *missing))
    p = path.system.training_pipeline(m)
    train = f"{p.id} trains {m.id}" if p else f"{m.id} is trained"
    steps.append(
        _joined(
            f"{train} on the cases it let through",
            _training_of(m),
            _gate(m).replace("so it passes", "so it cannot see the hidden cases")
            if m.validation_gate and m.validation_gate.enabled
            else None,
        )
    )
    watchers = _quality_watchers(path)
    steps.append(
        f"{_sees_of(path, m)} keep the same mistakes on the cases nobody sees; a quality "
        f"monitor measures only the labelled cases, and {_noticed(path, watchers)}."
    )
    return steps


def _runaway(path: _Path) -> list[str]:
    root = path.get(path.root)
    decision = path.system.manifest.system.decision
    act = f"decides to {decision.action}" if decision and decision.action else "acts"
    batch = isinstance(root, Pipeline) or (isinstance(root, Endpoint) and root.mode == "batch")
    each = "run" if batch else "request"
    actor = (
        path.root
        if path.root in path.system.components
        else path.endpoints[0].id
        if path.endpoints
        else path.models[0].id
        if path.models
        else None
    )
    if actor is None:
        return []
    steps = [f"{actor} {act} by itself on each {each}, with no person in between."]
    models = {m.id for m in path.models}
    back = [s.id for s in path.system.manifest.sources if s.produced_by_model in models]
    back += [f.id for f in path.system.manifest.features if f.derived_from_model in models]
    loops = [loop for loop in path.loops if loop.model_shapes_own_data or loop.feeds_back_through]
    for loop in loops[:1]:
        via = loop.feeds_back_through or []
        by = f" (by way of {either(via, 'and')})" if via else ""
        back.insert(0, f"{loop.id}{by}")
    if back:
        steps.append(
            f"What it did comes back as what it reads or learns from next through "
            f"{either(back, 'and', limit=4)}, so the next round starts from its own last move."
        )
    if decision and decision.draws_supply:
        steps.append(
            f"{actor} raises the price to draw supply; where supply cannot respond, the price "
            "only rations demand and climbs again on the next update."
        )
    mon = path.system.manifest.monitoring
    limits = mon.action_limits if mon else None
    override = mon.emergency_override if mon else None
    steps.append(
        _joined(
            f"Each round of {actor} moves further the same way",
            "its cap per time window bounds each window, not where the windows add up to"
            if limits
            else "no cap per time window bounds its actions "
            + _is("monitoring.action_limits", limits),
        )
    )
    if not override:
        steps.append(
            f"Nobody can hold {possessive(actor)} actions at their default in an emergency "
            f"{_is('monitoring.emergency_override', override)}."
        )
    target = actor
    steps.append(
        f"{possessive(target)} {_sees(path)} compound round after round; "
        f"{_noticed(path, _quality_watchers(path))}."
    )
    return steps


def _leakage(path: _Path) -> list[str]:
    f = next((c for c in path.features if c.id == path.root), None)
    name = f.id if f else path.root
    steps = [f"Training reads {name} with values that do not exist yet when a prediction is made."]
    for p, m in (
        path.training()[:1]
        or [(t, m) for m in path.models if (t := path.system.training_pipeline(m)) is not None][:1]
    ):
        steps.append(f"{p.id} trains {m.id} to lean on {name}.")
        steps.append(
            _joined(
                f"{m.id} looks better offline than it is",
                _gate(m).replace("so it passes", "which leak the same way, so it passes"),
            )
        )
    steps += [
        s.replace("without error", "without the leaked values") for s in _serving(path, "wrong")
    ]
    models = path.models
    if models:
        steps.append(
            f"{_sees_of(path, models[0])} are worse than validated; "
            f"{_noticed(path, _quality_watchers(path))}."
        )
    return steps


CHAINS: dict[str, Callable[[_Path], list[str]]] = {
    "stale-source": _stale_source,
    "upstream-change": _upstream_change,
    "silent-default": _silent_default,
    "stale-feature": _stale_feature,
    "schedule-race": _schedule_race,
    "bad-artefact": _bad_artefact,
    "bad-training-data": _bad_training_data,
    "capacity": _capacity,
    "bad-release": _bad_release,
    "fleet-rollout": _fleet_rollout,
    "offline-online-gap": _offline_gap,
    "unadapted-drift": _drift,
    "selective-labels": _selective_labels,
    "runaway-automation": _runaway,
    "leakage": _leakage,
    "unchecked-output": _unchecked_output,
    "stale-model": _stale_model,
}
"""The families with a chain: those that are a top risk on the incident manifests and the
examples. Another family's top risk has none (the effect sentence stands alone)."""


def chain(system: System, top: Scenario) -> list[str]:
    """The numbered steps of how the top risk happens, 3 to 7, each naming a component of the
    manifest; empty for a family without a chain or where fewer than three steps are known."""
    build = CHAINS.get(top.family)
    if build is None:
        return []
    steps = [_sentence(" ".join(s.split()), system) for s in build(_Path(system, top)) if s]
    if len(steps) < 3:
        return []
    if len(steps) > MAX_STEPS:
        steps = [*steps[: MAX_STEPS - 1], steps[-1]]
    return steps


def _sentence(step: str, system: System) -> str:
    """A step with a capital, unless it starts with an id (or an id's possessive), which keeps
    its spelling."""
    first = step.split(" ", 1)[0].removesuffix("'s").removesuffix("'").rstrip(":,")
    if first in system.components:
        return step
    return step[:1].upper() + step[1:]
