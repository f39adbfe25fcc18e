"""Data-pipeline reliability rules: what happens when a source, job or store fails."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.citations import BRECK17, BRECK19, GCP, MLLENS, SCULLEY, WAF, ZINK
from mlreview.areas.common import (
    either,
    load_ceiling,
    load_limit_words,
    possessive,
    refresh_pipelines,
    trained_here,
)
from mlreview.areas.findings import Severity
from mlreview.areas.pipeline.assessment import PipelineAssessment, refresh_slack_seconds
from mlreview.areas.pipeline.availability import downtime
from mlreview.areas.pipeline.schedule_race import local_time
from mlreview.areas.rule import Context, Hit, Monitor, RuleSet, SourceMonitor
from mlreview.document.cells import duration, number
from mlreview.system.manifest import Endpoint, Source
from mlreview.system.system import System
from mlreview.system.units import format_seconds

RULES: RuleSet[PipelineAssessment] = RuleSet(area="pipeline", prefix="DATA")


@RULES.rule(
    1,
    "undeclared-failure-behaviour",
    severity=Severity.HIGH,
    summary="A source on the serving path has no declared behaviour for when it fails.",
    rationale="When nobody decided what serving does without this data, the code decides: an "
    "exception, a null, or a default that looks like a real value.",
    sources=(f"{WAF} REL05-BP01", f"{BRECK17} Monitor 1", "AWS resilience analysis framework"),
    fix="Declare on_failure for the source (fail closed, last known good within a staleness "
    "limit, skip the feature the model was trained to miss, or a fallback source) and test "
    "that path in a game day.",
    mitigation="limit",
    scenario="source-outage",
    likelihood=5,
    detectors=(SourceMonitor("monitors.freshness"), SourceMonitor("monitors.volume")),
)
def undeclared_failure(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for s in ctx.system.serving_sources():
        p = ctx.probe()
        behaviour = p.get(s, "on_failure.behaviour", assume="undefined")
        if behaviour != "undefined":
            continue
        ends = ctx.system.of_kind(ctx.system.downstream(s.id), "endpoint")
        yield p.hit(
            [s.id, *ends],
            f"Source {s.id} feeds {', '.join(ends)} but nothing says what serving does when "
            "it fails.",
            s,
            "on_failure",
            anchor=s.id,
        )


@RULES.rule(
    2,
    "silent-default",
    severity=Severity.HIGH,
    summary="A failing source is replaced by an in-range default with no flag or alert.",
    rationale="A default that looks valid is learned as data: in a documented Google outage, "
    "'-1' error codes flowed into serving logs, then into training data, and the model learned "
    "them. Nobody is told, because nothing failed.",
    sources=(BRECK19, f"{ZINK} #10"),
    fix="Use an out-of-range sentinel plus a missing-indicator feature, alert on the default "
    "rate, and drop or flag defaulted rows before they reach training.",
    mitigation="prevent",
    scenario="silent-default",
    likelihood=6,
    silent=True,
    detectors=(Monitor("monitoring.inputs.null_rate"), SourceMonitor("monitors.null_rate")),
)
def silent_default(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for s in ctx.system.manifest.sources:
        p = ctx.probe()
        if p.get(s, "on_failure.behaviour") != "default_value":
            continue
        in_range = p.get(s, "on_failure.default_in_valid_range", assume=True)
        flagged = p.get(s, "on_failure.missing_indicator", assume=False)
        alert = p.get(s, "on_failure.alert", assume=False)
        if alert or (flagged and not in_range):
            continue
        trains = ctx.system.of_kind(ctx.system.downstream(s.id), "model")
        loop = (
            f"; the same data trains {', '.join(trains)}, so the default is learned"
            if trains
            else ""
        )
        default = s.on_failure.default_value if s.on_failure else None
        shown = f" ({default!r})" if default is not None else ""
        yield p.hit(
            [s.id, *trains],
            f"When {s.id} fails, a default{shown} replaces its data and nothing flags or "
            f"alerts on it{loop}.",
            s.on_failure or s,
            "behaviour",
            severity=Severity.CRITICAL if trains else None,
            anchor=s.id,
            enact={
                (*s.path, "on_failure", "missing_indicator"): True,
                (*s.path, "on_failure", "default_in_valid_range"): False,
                (*s.path, "on_failure", "alert"): True,
            },
        )


@RULES.rule(
    3,
    "no-blocking-validation",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Training runs without a blocking data-validation step.",
    rationale="A schema or range error upstream becomes a trained model unless a check stops "
    "the run; with automated promotion it reaches serving the same day.",
    sources=(GCP, f"{BRECK17} Data 1, Monitor 2", f"{MLLENS} MLOPS03-BP01"),
    fix="Add schema, range and distribution checks that fail the training run and quarantine "
    "the bad partition, alerting the data owner.",
    mitigation="prevent",
    scenario="bad-training-data",
    likelihood=4,
    silent=True,
)
def no_blocking_validation(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        if pipe.kind != "training":
            continue
        p = ctx.probe()
        blocking = p.get(pipe, "validation.blocking", assume=False)
        if blocking:
            continue
        models = [
            m.id
            for m in ctx.system.manifest.models
            if m.training and m.training.pipeline == pipe.id
        ]
        automated = any(
            m.training and m.training.automated
            for m in ctx.system.manifest.models
            if m.id in models
        )
        # A source upstream whose schema is declared unversioned, reaching this run through no
        # blocking check, is named: a bad training set starts with an input that changes shape
        # or content unannounced, more often when it is another team's (docs/risk-model.md).
        inputs = _unchecked_unversioned_sources(ctx, pipe.id)
        sent = f"; {', '.join(inputs)} reach it unversioned and unchecked" if inputs else ""
        gated = [
            m.id
            for m in ctx.system.manifest.models
            if m.id in models
            and p.get(m, "validation_gate.enabled")
            and p.get(m, "validation_gate.blocking")
        ]
        promoted = "."
        if automated:
            promoted = (
                "; only a gate on the model's own metrics stands between it and serving, and "
                "data errors that do not move those metrics pass it."
                if gated
                else " and is promoted automatically."
            )
        yield p.hit(
            [pipe.id, *models, *inputs],
            f"Training pipeline {pipe.id} has no blocking validation{sent}; bad input data "
            f"trains {', '.join(models) or 'the model'}{promoted}",
            pipe,
            "validation",
            severity=Severity.MEDIUM if not automated else None,
            anchor=models[0] if models else pipe.id,
            enact={(*pipe.path, "validation", "blocking"): True},
        )


def _unchecked_unversioned_sources(ctx: Context[PipelineAssessment], pipe: str) -> list[str]:
    """Sources upstream of ``pipe`` whose schema is declared unversioned and that a job on the
    way to it reads without a blocking check (``pipe`` itself has none)."""
    upstream = ctx.system.upstream(pipe) | {pipe}
    jobs = [p for p in ctx.system.manifest.pipelines if p.id in upstream]
    out = []
    for s in ctx.system.manifest.sources:
        if s.id not in upstream or s.contract is None or s.contract.schema_versioned is not False:
            continue
        readers = [p for p in jobs if s.id in p.inputs]
        if any(not (p.validation and p.validation.blocking) for p in readers):
            out.append(s.id)
    return out


@RULES.rule(
    4,
    "source-unmonitored",
    severity=Severity.HIGH,
    summary="A source has no freshness, volume or schema monitor.",
    rationale="A stale or half-empty table looks like a healthy one to every job downstream; "
    "Rules of ML tells of a table left stale for six months.",
    sources=(f"{ZINK} #10", f"{BRECK17} Monitor 4"),
    fix="Alert on the source's last-update age against its freshness SLO, on row-count "
    "anomalies and on schema changes.",
    mitigation="detect",
    scenario="source-outage",
    role="gap",
    likelihood=5,
    silent=True,
)
def source_unmonitored(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    live = {s.id for s in ctx.system.serving_sources()}
    called = {d.target for e in ctx.system.online_endpoints() for d in e.dependencies}
    for s in ctx.system.manifest.sources:
        p = ctx.probe()
        # An online API, or a source an online endpoint calls on each request (a database, a
        # stream or a third party's feed read per message), answers each request as it comes:
        # it has no update to go stale, and its outages and errors are the dependency rules'
        # subject.
        answers = s.kind == "online_api" or (
            s.kind in ("database", "stream", "third_party") and s.id in called
        )
        # A versioned snapshot is read as frozen and upgraded deliberately (DATA012's fix):
        # it is not expected to update, so not updating is no failure.
        frozen = s.versioned_snapshot is True
        answers = answers or frozen
        fresh = None if answers else p.get(s, "monitors.freshness", assume=False)
        volume = p.get(s, "monitors.volume", assume=False)
        schema = p.get(s, "monitors.schema", assume=False)
        checks = (
            *(() if answers else (("freshness", fresh),)),
            ("volume", volume),
            ("schema", schema),
        )
        missing = [n for n, v in checks if not v]
        if not missing:
            continue
        behaviour = s.on_failure.behaviour if s.on_failure else None
        if fresh and behaviour == "fail_closed":
            continue  # it fails loudly and its age is watched: nothing degrades unseen
        stale = "freshness" in missing
        yield p.hit(
            [s.id],
            f"Source {s.id} has no {either(missing)} monitor"
            + (": if it stops updating, nothing notices." if stale else "."),
            s,
            "monitors",
            severity=None if s.id in live else Severity.MEDIUM,
            anchor=s.id,
            scenario="stale-source" if stale else None,
            role="cause" if stale else None,
            enact={
                (*s.path, "monitors", "freshness"): "alert",
                (*s.path, "monitors", "volume"): "alert",
                (*s.path, "monitors", "schema"): "alert",
            },
        )


def _feeds_the_model(system: System, source: Source) -> bool:
    """Whether a source's values reach a feature or a job: a service the endpoint only calls
    (service discovery, a moderation check, a configuration read) changes no value the model
    learns or scores, so a change to its meaning is not an upstream data change."""
    return bool(system.features_fed_by(source.id) or system.readers(source.id))


@RULES.rule(
    5,
    "no-data-contract",
    severity=Severity.MEDIUM,
    summary="Another team's source is used without a contract or change notification.",
    rationale="Upstream owners change signals without knowing who depends on them; even "
    "'improvements' can harm a model trained on the old meaning.",
    sources=(f"{SCULLEY} (unstable data dependencies)", f"{BRECK17} Monitor 1", BRECK19),
    fix="Agree a data contract (schema, semantics, SLO), register as a consumer, and subscribe "
    "to change announcements; run contract tests in the producer's CI.",
    mitigation="prevent",
    scenario="upstream-change",
    likelihood=3,
    silent=True,
    # A changed meaning keeps the schema, so only a distribution check notices it; and it
    # changes every value computed from the source, not a share of rows.
    detectors=(Monitor("monitoring.drift.features"), Monitor("monitoring.inputs.ranges")),
)
def no_data_contract(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    live = {s.id for s in ctx.system.serving_sources()}
    for s in ctx.system.manifest.sources:
        if not _feeds_the_model(ctx.system, s):
            continue
        p = ctx.probe()
        if p.get(s, "owned_by_model_team") is not False:
            continue
        versioned = p.get(s, "contract.schema_versioned", assume=False)
        notified = p.get(s, "contract.change_notification", assume=False)
        if versioned and notified:
            continue
        gaps = [
            n for n, v in (("versioned schema", versioned), ("change notice", notified)) if not v
        ]
        owner = f" (owned by {s.owner})" if s.owner else ""
        yield p.hit(
            [s.id],
            f"Source {s.id}{owner} has no {' and no '.join(gaps)}.",
            s,
            "contract" if s.contract else "owned_by_model_team",
            severity=Severity.HIGH if s.id in live else None,
            anchor=s.id,
        )


@RULES.rule(
    6,
    "unsafe-rerun",
    severity=Severity.MEDIUM,
    summary="A pipeline cannot be retried or backfilled safely.",
    rationale="Without retries, idempotent writes and a backfill, one transient failure leaves "
    "a hole that someone must fill by hand, and a blind re-run can double-count.",
    sources=(f"{WAF} REL04-BP04, REL05-BP03", GCP),
    fix="Write partitions by overwrite so runs are idempotent, retry with backoff and jitter, "
    "and keep a backfill command for any date range.",
    mitigation="recover",
    scenario="pipeline-outage",
    pitfalls=("rerun",),
    likelihood=5,
)
def unsafe_rerun(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        p = ctx.probe()
        retries = p.get(pipe, "retries.max")
        idem = p.get(pipe, "idempotent")
        backfill = p.get(pipe, "backfill")
        gaps = []
        if retries == 0:
            gaps.append("no retries")
        if idem is False:
            gaps.append("non-idempotent writes")
        if backfill is False:
            gaps.append("no backfill")
        if gaps:
            yield p.hit(
                [pipe.id],
                f"Pipeline {pipe.id} has {', '.join(gaps)}.",
                pipe,
                "idempotent" if idem is False else None,
                anchor=pipe.id,
            )


@RULES.rule(
    7,
    "pipeline-failure-silent",
    severity=Severity.HIGH,
    summary="Nobody is alerted when a pipeline fails or misses its deadline.",
    rationale="If a daily job stopped producing its table, what alert would fire? Without one, "
    "downstream features age quietly until someone notices the model.",
    sources=(f"{BRECK17} Monitor 4", f"{WAF} REL06-BP03, OPS08-BP04"),
    fix="Alert the owner on job failure and on last-success age above the schedule, with a "
    "runbook.",
    mitigation="detect",
    scenario="pipeline-outage",
    likelihood=5,
    silent=True,
)
def pipeline_failure_silent(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        if pipe.kind == "labeling":
            continue
        p = ctx.probe()
        failure = p.get(pipe, "alerts.on_failure", assume=False)
        # A stream job has no run to finish late: falling behind its input is how it misses
        # its deadline, and a consumer-lag alert (DATA016's) is the alert on it.
        stream = pipe.schedule is not None and pipe.schedule.continuous
        lag = stream and pipe.alerts is not None and pipe.alerts.consumer_lag
        late = p.get(pipe, "alerts.consumer_lag") if lag else None
        late = late or p.get(pipe, "alerts.on_sla_miss", assume=False)
        missing = [n for n, v in (("failure", failure), ("missed deadline", late)) if not v]
        if not missing:
            continue
        yield p.hit(
            [pipe.id],
            f"Pipeline {pipe.id} has no alert on {' or '.join(missing)}.",
            pipe,
            "alerts",
            anchor=pipe.id,
            enact={
                (*pipe.path, "alerts", "on_failure"): "alert",
                (*pipe.path, "alerts", "on_sla_miss"): "alert",
            },
        )


@RULES.rule(
    8,
    "no-last-known-good-model",
    learned_only=True,
    severity=Severity.HIGH,
    summary="There is no earlier model version to roll back to.",
    rationale="When a retrain goes wrong, recovery is a rollback; without a registry holding "
    "at least two deployable versions it is a retrain under pressure.",
    sources=(f"{BRECK17} Infra 7", f"{MLLENS} MLREL05-BP02", GCP),
    fix="Keep at least two deployable versions with matching preprocessing in a registry, and "
    "never let a failed retrain replace the serving version.",
    mitigation="recover",
    scenario="bad-release",
    likelihood=3,
)
def no_last_known_good(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        kept = p.get(m, "registry.retained_versions", assume=0 if m.registry is None else None)
        if kept is None or kept >= 2:
            continue
        yield p.hit(
            [m.id],
            f"Model {m.id} keeps {kept} previous version{'s' if kept != 1 else ''} to roll "
            "back to.",
            m.registry or m,
            "retained_versions" if m.registry else None,
        )


@RULES.rule(
    9,
    "no-refresh-slack",
    severity=Severity.MEDIUM,
    summary="A feature's freshness budget leaves less than one refresh interval of slack.",
    rationale="If the budget is shorter than the interval between runs plus run time, one "
    "failed or late run makes the served value older than the budget.",
    sources=(f"{ZINK} #8", f"{BRECK17} Monitor 4"),
    fix="Refresh often enough (or stream it) that a missed run plus its recovery still lands "
    "within the budget; alert on refresh age before the budget is spent.",
    mitigation="limit",
    scenario="stale-feature",
    pitfalls=("schedule",),
    trigger="present",
    likelihood=5,
    detectors=(
        Monitor("monitoring.freshness.feature_freshness"),
        Monitor("monitoring.freshness.pipeline_age"),
    ),
)
def no_refresh_slack(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        for pipe in refresh_pipelines(ctx.system, f):
            slack = refresh_slack_seconds(ctx.system, f, pipe)
            if slack is None or pipe.schedule is None:
                continue
            if slack >= pipe.schedule.missed_run_gap - pipe.schedule.longest_gap:
                continue
            p = ctx.probe()
            sched = p.get(pipe, "schedule")
            if f.freshness_budget is not None:
                budget = p.get(f, "freshness_budget")
            else:
                store = ctx.system.get(f.store or "")
                budget = p.get(store, "ttl") if store else None
            p.get(pipe, "runtime")
            duty = None
            if slack < 0:
                text = f"is older than its {budget} budget even when every run succeeds"
                late = format_seconds(-slack)
                duty = (
                    -slack / sched.period,
                    f"{f.id} past its budget {late} of every "
                    f"{format_seconds(sched.period)} even when every run succeeds",
                )
            else:
                text = (
                    f"has {format_seconds(slack)} of slack: one failed run breaches its "
                    f"{budget} budget"
                )
            yield p.hit(
                [f.id, pipe.id],
                f"Feature {f.id}, refreshed {sched.phrase} by {pipe.id}, {text}.",
                pipe,
                "schedule",
                anchor=pipe.id,
                trigger="present" if duty else "event",
                duty=duty,
            )


@RULES.rule(
    10,
    "single-zone-online-data",
    severity=Severity.HIGH,
    summary="The online data path runs in a single zone.",
    rationale="A single-zone store or source on the synchronous path is a single point of "
    "failure: one zone outage stops every prediction that needs it.",
    sources=(f"{WAF} REL10-BP01", "AWS resilience analysis framework (single points of failure)"),
    fix="Replicate across at least two zones, or put a local cache with a staleness budget "
    "and a declared fallback in front of it.",
    mitigation="limit",
    scenario="dependency-outage",
    pitfalls=("failover",),
    likelihood=3,
)
def single_zone_online_data(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    readers: dict[str, list[str]] = {}
    for e in ctx.system.online_endpoints():
        for ident in ctx.system.live_reads(e):
            readers.setdefault(ident, []).append(e.id)
    for ident in sorted(readers):
        comp = ctx.system.get(ident)
        if comp is None or comp.KIND not in ("store", "source"):
            continue
        p = ctx.probe()
        if p.get(comp, "zones") != 1:
            continue
        ends = readers[ident]
        yield p.hit(
            [comp.id, *ends],
            f"{comp.KIND.capitalize()} {comp.id} runs in one zone and {', '.join(ends)} "
            f"{'reads' if len(ends) == 1 else 'read'} it synchronously.",
            comp,
            "zones",
            enact={(*comp.path, "zones"): 3},
        )


@RULES.rule(
    11,
    "retrain-slower-than-tolerated",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="The model is retrained less often than its tolerated age.",
    rationale="A model that may be at most N hours old but is retrained less often is out of "
    "tolerance by design, and one failed run makes it worse.",
    sources=(f"{ZINK} #8", f"{BRECK17} Model 4, Monitor 4"),
    fix="Retrain well inside the tolerated age so one failed run does not breach it, and "
    "alert on model age.",
    mitigation="prevent",
    scenario="unadapted-drift",
    trigger="event",
    likelihood=4,
    detectors=(Monitor("monitoring.freshness.model_age"),),
)
def retrain_slower_than_tolerated(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        cadence = p.get(m, "training.cadence")
        max_age = p.get(m, "max_age")
        if cadence is None or max_age is None or cadence.continuous:
            continue
        if cadence.longest_gap <= float(max_age):
            continue
        yield p.hit(
            [m.id],
            f"Model {m.id} is retrained {cadence.phrase} ({cadence.gap_phrase}) but may be at "
            f"most {max_age} old.",
            m.training or m,
            "cadence",
        )


@RULES.rule(
    12,
    "unversioned-mutable-source",
    severity=Severity.MEDIUM,
    summary="A mutable upstream signal is consumed without a versioned snapshot.",
    rationale="Lookup tables, APIs and other models' outputs change meaning under a trained "
    "model; a versioned copy lets a change be vetted before it is used.",
    sources=(f"{SCULLEY} (versioned copy of a signal)", f"{ZINK} #17"),
    fix="Freeze a versioned copy, upgrade deliberately with validation, and record the "
    "version in the model's metadata.",
    mitigation="prevent",
    scenario="upstream-change",
    likelihood=3,
    silent=True,
    detectors=(Monitor("monitoring.drift.features"), Monitor("monitoring.inputs.ranges")),
)
def unversioned_mutable(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for s in ctx.system.manifest.sources:
        mutable = s.kind in {"lookup_table", "online_api", "third_party"} or s.produced_by_model
        if not mutable or not _feeds_the_model(ctx.system, s):
            continue
        p = ctx.probe()
        if p.get(s, "versioned_snapshot", assume=False):
            continue
        why = f"output of model {s.produced_by_model}" if s.produced_by_model else s.kind
        yield p.hit(
            [s.id],
            f"Source {s.id} ({why}) is read live without a versioned snapshot.",
            s,
            "versioned_snapshot",
            anchor=s.id,
        )


@RULES.rule(
    13,
    "serving-inputs-unchecked",
    severity=Severity.HIGH,
    summary="Live model inputs are not checked for schema, ranges or null rate.",
    rationale="Input invariants catch the broken upstream before the metrics do; without "
    "them the first signal is a business KPI days later.",
    sources=(f"{BRECK17} Monitor 2", f"{ZINK} #10", BRECK19),
    fix="Check live inputs against the training schema, ranges and null/default rates, "
    "with alerts.",
    mitigation="detect",
    scenario="skew",
    role="gap",
    likelihood=5,
    silent=True,
)
def serving_inputs_unchecked(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    manifest = ctx.system.manifest
    if not manifest.endpoints:
        return
    p = ctx.probe()
    checks = {
        "schema": p.get(manifest, "monitoring.inputs.schema", assume=False),
        "null rate": p.get(manifest, "monitoring.inputs.null_rate", assume=False),
    }
    missing = [k for k, v in checks.items() if not v]
    if missing:
        yield p.hit(
            ["monitoring"],
            f"No {' or '.join(missing)} check on live inputs to "
            f"{', '.join(e.id for e in manifest.endpoints)}.",
            manifest.monitoring or manifest.system,
        )


@RULES.rule(
    14,
    "no-model-validation-gate",
    learned_only=True,
    severity=Severity.HIGH,
    summary="A retrained model can reach serving without a blocking comparison.",
    rationale="Without a gate that compares the candidate with the current model and a simple "
    "baseline, a bad retrain is promoted as readily as a good one.",
    sources=(f"{BRECK17} Infra 4, Model 5", f"{ZINK} #9", f"{MLLENS} MLREL03-BP03"),
    fix="Bless or veto each candidate automatically against the serving model and a baseline, "
    "per slice, before promotion.",
    mitigation="prevent",
    scenario="bad-training-data",
    likelihood=4,
    silent=True,
)
def no_model_validation_gate(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        if not trained_here(m) and m.validation_gate is None:
            continue
        p = ctx.probe()
        enabled = p.get(m, "validation_gate.enabled", assume=False)
        blocking = p.get(m, "validation_gate.blocking", assume=False) if enabled else False
        if enabled and blocking:
            continue
        automated = p.get(m, "training.automated")
        what = "no validation gate" if not enabled else "a validation gate that does not block"
        yield p.hit(
            [m.id],
            f"Model {m.id} has {what}" + ("; retraining is automated." if automated else "."),
            m.validation_gate or m,
            "blocking" if m.validation_gate else None,
            severity=None if automated else Severity.MEDIUM,
            enact={
                (*m.path, "validation_gate", "enabled"): True,
                (*m.path, "validation_gate", "blocking"): True,
            },
        )


@RULES.rule(
    15,
    "retry-without-backoff",
    severity=Severity.MEDIUM,
    summary="A pipeline retries without backoff and jitter.",
    rationale="Immediate retries hit a struggling source again at once, and many jobs retrying "
    "in step after a shared outage overload it as it recovers.",
    sources=(f"{WAF} REL05-BP03",),
    fix="Retry with exponential backoff and random jitter, capped in number and total time.",
    mitigation="recover",
    scenario="pipeline-outage",
    pitfalls=("rerun",),
    likelihood=4,
)
def retry_without_backoff(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        p = ctx.probe()
        tries = p.get(pipe, "retries.max")
        if not tries:
            continue
        backoff = p.get(pipe, "retries.backoff", assume=False)
        jitter = p.get(pipe, "retries.jitter", assume=False)
        gaps = [n for n, v in (("backoff", backoff), ("jitter", jitter)) if not v]
        if gaps:
            yield p.hit(
                [pipe.id],
                f"Pipeline {pipe.id} retries {tries} times without {' or '.join(gaps)}.",
                pipe.retries or pipe,
                "max",
                anchor=pipe.id,
            )


@RULES.rule(
    16,
    "stream-lag-unmonitored",
    severity=Severity.HIGH,
    summary="A stream job feeding serving has no consumer-lag alert.",
    rationale="A stream job that falls behind keeps running and keeps writing, so failure "
    "alerts stay quiet while served features grow minutes or hours old.",
    sources=(f"{BRECK17} Monitor 4", "Microsoft MLOps maturity model, level 4"),
    fix="Alert on consumer lag (offset or event-time delay) against the freshness budget of "
    "the features the job writes.",
    mitigation="detect",
    scenario="pipeline-outage",
    pitfalls=("stream",),
    likelihood=5,
    silent=True,
)
def stream_lag_unmonitored(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        if pipe.schedule is None or not pipe.schedule.continuous:
            continue
        row = ctx.assessment.failure_mode(pipe.id)
        if row is None or row.reach not in ("live", "refresh"):
            continue
        p = ctx.probe()
        if p.get(pipe, "alerts.consumer_lag", assume=False):
            continue
        budget = row.time_to_impact_minutes
        when = (
            f"; served features exceed their budget {duration(budget * 60)} after it stalls"
            if budget is not None
            else ""
        )
        yield p.hit(
            [pipe.id],
            f"Stream job {pipe.id} has no consumer-lag alert{when}.",
            pipe.alerts or pipe,
            "consumer_lag" if pipe.alerts else None,
            anchor=pipe.id,
            enact={(*pipe.path, "alerts", "consumer_lag"): "alert"},
        )


@RULES.rule(
    17,
    "silent-label-pipeline",
    severity=Severity.HIGH,
    summary="Labels can stop arriving without anyone being told.",
    rationale="When labels stop, retraining quietly uses fewer and older outcomes and quality "
    "metrics freeze at their last value; the model looks fine because nothing measures it.",
    sources=(f"{BRECK17} Monitor 4, Monitor 7", f"{ZINK} #10"),
    fix="Alert on the label pipeline's failures and on label volume and age against the "
    "expected delay.",
    mitigation="detect",
    scenario="stale-model",
    trigger="event",
    likelihood=4,
    silent=True,
)
def silent_label_pipeline(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    label_sources = {
        loop.label.source: loop
        for loop in ctx.system.manifest.feedback
        if loop.label and loop.label.source
    }
    labeling = [p for p in ctx.system.manifest.pipelines if p.kind == "labeling"]
    labeling += [
        p for p in ctx.system.manifest.pipelines if p.id in label_sources and p.kind != "labeling"
    ]
    for pipe in labeling:
        p = ctx.probe()
        failure = p.get(pipe, "alerts.on_failure", assume=False)
        late = p.get(pipe, "alerts.on_sla_miss", assume=False)
        if failure and late:
            continue
        models = sorted(
            {m.id for m in ctx.system.manifest.models if pipe.id in ctx.system.upstream(m.id)}
            | {loop.model for src, loop in label_sources.items() if src == pipe.id}
        )
        gap = "failure" if not failure else "lateness"
        yield p.hit(
            [pipe.id, *models],
            f"Label pipeline {pipe.id} has no alert on {gap}; {', '.join(models) or 'the model'} "
            "would retrain on stale labels without notice.",
            pipe.alerts or pipe,
            "on_failure" if pipe.alerts else None,
        )


@RULES.rule(
    18,
    "no-last-known-good-features",
    severity=Severity.MEDIUM,
    summary="One failed refresh lets online features expire before the next run.",
    rationale="An online store keeps last-known-good values only as long as its TTL. When the "
    "TTL is shorter than two refresh intervals, a single failed run empties the keys before "
    "the next run can refill them, and serving falls back to its missing-value policy.",
    sources=(f"{WAF} REL05-BP01", "Feast online store TTL"),
    fix="Keep the TTL above two refresh intervals plus run time, so one failed run serves "
    "last-known-good values, and alert on refresh age.",
    mitigation="limit",
    scenario="stale-feature",
    pitfalls=("expiry",),
    likelihood=5,
)
def no_last_known_good_features(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for store in ctx.system.manifest.stores:
        if store.kind not in ("online", "cache") or store.ttl is None:
            continue
        for pipe in ctx.system.writers(store.id):
            if pipe.schedule is None or pipe.schedule.continuous:
                continue
            # Writes land one run time after each start, so they are as far apart as the
            # starts: a failed run leaves the keys of the run before until the one after.
            gap, missed = pipe.schedule.longest_gap, pipe.schedule.missed_run_gap
            if not gap < float(store.ttl) < missed:
                continue
            p = ctx.probe()
            ttl = p.get(store, "ttl")
            sched = p.get(pipe, "schedule")
            yield p.hit(
                [store.id, pipe.id],
                f"If one run of {pipe.id} ({sched.phrase}) fails, {possessive(store.id)} {ttl} TTL "
                "expires "
                f"its keys up to {format_seconds(missed - float(ttl))} before the next run "
                f"rewrites them (writes {format_seconds(missed)} apart across the failed run).",
                store,
                "ttl",
                anchor=pipe.id,
            )


@RULES.rule(
    19,
    "availability-below-slo",
    severity=Severity.HIGH,
    summary="The components on a prediction path cannot meet the endpoint's availability SLO.",
    rationale="Components in series multiply: a path through a 99.9% store and a 99.95% "
    "serving platform is at most about 99.85% available, whatever the endpoint promises.",
    sources=(f"{WAF} REL10-BP01", "AWS resilience analysis framework"),
    fix="Add a fallback for the weakest dependency on the path (cache, defaults the model was "
    "trained with), replicate it across zones, or relax the SLO to what the path can deliver.",
    mitigation="limit",
    scenario="endpoint-outage",
    likelihood=7,
    detectors=(Monitor("monitoring.system.errors"),),
)
def availability_below_slo(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for row in ctx.assessment.availability:
        if row.meets_slo is not False or row.slo is None:
            continue
        e = ctx.system.get(row.endpoint)
        assert isinstance(e, Endpoint)
        p = ctx.probe()
        p.get(e, "slo.availability")
        for name in row.components:
            # Each figure the estimate multiplies is quoted, so one marked inferred shows as such.
            comp = ctx.system.components.get(name)
            if comp is not None and getattr(comp, "availability", None) is not None:
                p.get(comp, "availability")
        down = downtime(row.estimate, row.slo, row.estimate_is_upper_bound)
        yield p.hit(
            [e.id, *row.components],
            f"Endpoint {possessive(e.id)} path ({', '.join(row.components)}) leaves it {down}.",
            e.slo or e,
            "availability",
        )


@RULES.rule(
    20,
    "single-point-of-failure",
    severity=Severity.HIGH,
    summary="One component's failure alone stops or silently corrupts predictions.",
    rationale="With nothing to absorb its failure, this component's outage is the endpoint's "
    "outage, or worse, turns into wrong predictions that nobody sees.",
    sources=("AWS resilience analysis framework (single points of failure)", f"{WAF} REL10-BP01"),
    fix="Give the endpoint a fallback for this component (cache, defaults with a missing "
    "indicator, last-known-good values), replicate it, and alert when the fallback is used.",
    mitigation="limit",
    scenario="dependency-outage",
    pitfalls=("failover",),
    likelihood=5,
)
def single_point_of_failure(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for spof in ctx.assessment.single_point_details:
        comp = ctx.system.get(spof.component)
        assert comp is not None
        p = ctx.probe()
        parts = []
        if spof.stops:
            parts.append(f"stops {', '.join(spof.stops)}")
        if spof.corrupts:
            parts.append(f"silently corrupts {', '.join(spof.corrupts)}")
        silent = bool(spof.corrupts)
        yield p.hit(
            [comp.id, *spof.stops, *spof.corrupts],
            f"{comp.KIND.capitalize()} {comp.id} is a single point of failure: its outage "
            f"{' and '.join(parts)}.",
            comp,
            severity=Severity.CRITICAL if silent else None,
            anchor=comp.id,
            scenario="silent-default" if silent else None,
        )


@RULES.rule(
    21,
    "schedule-race",
    severity=Severity.HIGH,
    summary="A job starts before the upstream job whose output it reads can finish.",
    rationale="Schedules set by the clock rather than by completion race: the downstream run "
    "reads yesterday's or half-written data whenever the upstream run takes its usual time, "
    "with no failure anywhere to alert on. Time zones and daylight saving move the overlap.",
    sources=(
        "Apache Airflow documentation: data-aware scheduling and ExternalTaskSensor",
        f"{ZINK} #8",
    ),
    fix="Trigger the downstream run on the upstream's completion (a sensor, a dataset "
    "trigger), or move its start after the upstream's run time plus its usual variation, in "
    "one time zone; fail the run when its input partition is missing.",
    mitigation="prevent",
    scenario="schedule-race",
    pitfalls=("schedule",),
    likelihood=8,
    silent=True,
    detectors=(Monitor("monitoring.freshness.pipeline_age"),),
)
def schedule_race(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    for race in ctx.assessment.races:
        up, down = ctx.system.get(race.upstream), ctx.system.get(race.downstream)
        assert up is not None and down is not None
        p = ctx.probe()
        p.get(up, "schedule")
        p.get(up, "runtime")
        at = down if not isinstance(down, Endpoint) else (down.batch or down)
        p.get(at, "schedule")
        zones = (
            f" ({race.upstream_timezone} and {race.downstream_timezone})"
            if race.upstream_timezone != race.downstream_timezone
            else ""
        )
        start = local_time(race.downstream_schedule, race.downstream_timezone)
        up_start = local_time(race.upstream_schedule, race.upstream_timezone)
        how_often = (
            "on every run"
            if race.runs_overlapping == race.runs_sampled
            else f"on {race.runs_overlapping} of {race.runs_sampled} runs sampled across the year"
        )
        via = f" through {race.through}" if race.through != up.id else ""
        yield p.hit(
            [race.downstream, race.upstream, *([race.through] if via else [])],
            f"{race.downstream} starts at {start} on cron '{race.downstream_schedule}' but reads "
            f"{up.id}{via}, which starts at {up_start} on cron '{race.upstream_schedule}' and "
            f"runs {format_seconds(race.upstream_runtime_minutes * 60)}{zones}: it starts up to "
            f"{format_seconds(race.overlap_minutes * 60)} before that run can finish "
            f"{how_often}, so it reads the previous run's or half-written data.",
            at,
            "schedule",
            anchor=up.id,
            duty=(
                race.runs_overlapping / race.runs_sampled,
                f"{race.downstream} starts before {up.id} can finish {how_often}",
            ),
        )


@RULES.rule(
    22,
    "unvalidated-serving-artefact",
    severity=Severity.HIGH,
    summary="A job rewrites what serving reads on every request without a blocking check.",
    rationale="A generated file, index or table is a release that ships on every run. Unchecked "
    "against what its consumer can take, one bad run either fails every request at once, "
    "everywhere it is copied, when the consumer refuses it, or answers every request wrongly "
    "with no error when the consumer takes it; a fallback covers only the first. A limit fixed "
    "in the consumer's code (a table preallocated for speed) is declared as the dependency's "
    "load_limit, and the check's threshold comes from it.",
    sources=(
        "Cloudflare, 18 November 2025 outage post-mortem (feature file over the bot module's "
        "limit)",
        f"{WAF} REL08-BP02",
        f"{BRECK17} Data 1",
    ),
    fix="Validate each output against the consumer's limits (size, row count, schema, a probe "
    "set) before it ships, publish it as a new version swapped in atomically, and keep serving "
    "the last good version when a new one does not load.",
    mitigation="prevent",
    scenario="bad-artefact",
    likelihood=5,
)
def unvalidated_serving_artefact(ctx: Context[PipelineAssessment]) -> Iterator[Hit]:
    unversioned = {
        s.id
        for s in ctx.system.manifest.sources
        if s.contract is not None and s.contract.schema_versioned is False
    }
    for e in ctx.system.online_endpoints():
        for dep in e.dependencies:
            writers = [p for p in ctx.system.manifest.pipelines if dep.target in p.outputs]
            for pipe in writers:
                p = ctx.probe()
                if p.get(pipe, "validation.blocking", assume=False):
                    continue
                fallback = p.get(dep, "fallback", assume="none")
                closed = fallback in (None, "none", "fail")
                when = pipe.schedule.phrase if pipe.schedule else "on each run"
                consequence = (
                    "and fails its requests when the load fails"
                    if closed
                    else f"and serves whatever it wrote: the {fallback} fallback covers a failed "
                    "load, not a wrong one"
                )
                enact: dict[tuple[str | int, ...], object] = {
                    (*pipe.path, "validation", "blocking"): True
                }
                if closed:
                    enact[(*dep.path, "fallback")] = "cache"
                # An input whose schema is declared unversioned is named: a bad output starts
                # with an input that changes shape unannounced, and when it is another team's
                # that happens more often (docs/risk-model.md, likelihood).
                inputs = [i for i in pipe.inputs if i in unversioned]
                message = (
                    f"Endpoint {e.id} reads {dep.target}, which {pipe.id} rewrites {when} "
                    f"without a blocking check, {consequence}."
                )
                fix = None
                # A consumer's declared limit is what the check must hold the output to: the
                # finding names it and the fix takes its threshold from it.
                most = p.get(dep, "load_limit.max_entries")
                words, ceiling = load_limit_words(e.id, dep), load_ceiling(dep)
                if most is not None and words is not None and ceiling is not None:
                    p.get(dep, "load_limit.typical_entries")
                    message = (
                        f"Endpoint {words} and nothing checks what {pipe.id} writes there "
                        f"{when} against that before it ships; it "
                        f"{consequence.removeprefix('and ')}."
                    )
                    fix = _limit_fix(pipe.id, e.id, most, ceiling)
                yield p.hit(
                    [pipe.id, dep.target, e.id, *inputs],
                    message,
                    pipe,
                    "validation",
                    anchor=pipe.id,
                    fix=fix,
                    scenario=None if closed else "unchecked-output",
                    enact=enact,
                )


def _limit_fix(pipe: str, endpoint: str, most: int, ceiling: tuple[int, str]) -> str:
    count, working = ceiling
    return (
        f"Before each output of {pipe} ships, refuse it when it holds more than {number(count)} "
        f"entries ({working}; {endpoint} fails past {number(most)}) or names an entry twice "
        "(a query that starts returning duplicate rows doubles the count); publish it as a new "
        "version swapped in atomically, and keep serving the last good version when a new one "
        "does not load."
    )
