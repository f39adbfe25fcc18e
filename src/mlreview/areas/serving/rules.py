"""Serving scalability rules: can the stack take the growth target (10x by default)?"""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.citations import BRECK17, KUBESCORE, MLLENS, SRE_CANARY, SRE_OVERLOAD, WAF
from mlreview.areas.common import ids, peak_share_words, possessive
from mlreview.areas.findings import Severity
from mlreview.areas.rule import Context, Hit, Monitor, RuleSet
from mlreview.areas.serving import working
from mlreview.areas.serving.assessment import GROWTH_FIELD, EndpointCapacity, ServingAssessment
from mlreview.areas.serving.capacity_model import NO_SLO_UTILISATION
from mlreview.areas.serving.launch import (
    check_launch,
    launch_at_risk,
    launch_of,
    replicas_for_miss,
)
from mlreview.document.cells import duration, number, share
from mlreview.system.manifest import Endpoint, Source

RULES: RuleSet[ServingAssessment] = RuleSet(area="serving", prefix="SCALE")


def _replica_cost(now: int | None, needed: int | None) -> str | None:
    if not now or not needed or needed <= now:
        return None
    return (
        f"{needed - now} more replicas at the target ({needed} instead of {now}), "
        f"{(needed - now) * 24:,} more replica-hours a day while traffic stays there"
    )


def _row(ctx: Context[ServingAssessment], e: Endpoint) -> EndpointCapacity:
    return ctx.assessment.endpoint(e.id)


@RULES.rule(
    1,
    "capacity-below-growth",
    severity=Severity.HIGH,
    summary="The replica ceiling cannot serve the growth target.",
    rationale="max replicas x per-replica QPS is the most the endpoint can serve within its "
    "SLO; above it, queues grow without bound and every request slows.",
    sources=(f"{WAF} REL07-BP01, PERF02-BP05", f"{MLLENS} MLREL05-BP01"),
    fix="Raise max replicas and the quotas behind them, or raise per-replica throughput "
    "(dynamic batching, quantisation, distillation, caching hot predictions).",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
    detectors=(Monitor("monitoring.system.saturation"), Monitor("monitoring.system.latency")),
)
def capacity_below_growth(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        if row.headroom is None or row.headroom >= 1:
            continue
        assert row.capacity_qps is not None and row.peak_qps is not None
        p = ctx.probe()
        p.get(e, "replicas.max")
        slo = p.get(e, "slo.p99_ms")
        critical = row.capacity_qps < 2 * row.peak_qps
        needed = row.replicas_needed
        need = f"it needs {needed} replicas" if needed else "no number of replicas meets the SLO"
        within = " within its latency SLO" if slo else ""
        at = f"at {share(NO_SLO_UTILISATION)} utilisation with no latency SLO declared"
        each = "" if slo else f" ({at})"
        if row.model and row.model.routing != "shared" and row.qps_per_replica:
            limit = f", a replica's limit {at}" if not slo else " a replica"
            each = f" ({row.max_replicas} x {number(row.qps_per_replica)} QPS{limit})"
        shared = peak_share_words(ctx.system, e)
        of = f" ({shared})" if shared else ""
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} serves at most {number(row.capacity_qps)} QPS{within} at "
            f"{row.max_replicas} replicas{each}, but {number(row.multiplier)}x of "
            f"{number(row.peak_qps)} QPS{of} is {number(row.target_qps)} QPS; {need}.",
            e.replicas or e,
            "max",
            severity=Severity.CRITICAL if critical else None,
            enact={(*e.path, "replicas", "max"): needed} if needed else None,
            cost=_replica_cost(row.max_replicas, needed),
        )


@RULES.rule(
    2,
    "capacity-untested",
    severity=Severity.HIGH,
    summary="Per-replica capacity was not measured by a load test near the growth target.",
    rationale="Capacity estimated or tested at a small factor above today's load says nothing "
    "about the breaking point; dependencies and queueing appear only near it.",
    sources=(f"{WAF} REL07-BP04, REL12-BP03",),
    fix="Load-test a production-like stack, dependencies included, to the growth target and "
    "beyond until it breaks; repeat on every model change.",
    mitigation="prevent",
    scenario="capacity",
    role="gap",
    likelihood=6,
)
def capacity_untested(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        p = ctx.probe()
        source = p.get(e, "capacity.source", assume="estimate")
        declared = p.get(e, "capacity.load_test.max_qps_tested") if source == "load_test" else None
        rates = [r.throughput_qps for r in row.load_tests if r.throughput_qps is not None]
        measured = max(rates, default=None)
        tested = max(v for v in (declared, measured, 0.0) if v is not None) or None
        target = row.target_qps
        goal = f" of {number(target)} QPS" if target else ""
        if tested and target and tested >= 0.9 * target:
            deps = p.get(e, "capacity.load_test.includes_dependencies", assume=False)
            if deps or not e.dependencies:
                continue
            yield p.hit(
                [e.id],
                f"Endpoint {e.id} was load-tested to {number(tested)} QPS without its "
                f"dependencies ({ids([d.target for d in e.dependencies])}).",
                e.capacity or e,
                "load_test",
            )
            continue
        basis = {
            "estimate": "an estimate",
            "vendor": "a vendor figure",
            "load_test": "a load test of unknown peak",
        }[source]
        files = f" ({len(row.load_tests)} result files)" if row.load_tests else ""
        if tested:
            text = (
                f"was load-tested to {number(tested)} QPS{files}, short of the growth target{goal}"
            )
        else:
            text = f"capacity is {basis}, not a load test at the growth target{goal}"
        yield p.hit([e.id], f"Endpoint {e.id} {text}.", e.capacity or e, "source")


@RULES.rule(
    3,
    "no-autoscaling",
    severity=Severity.HIGH,
    summary="An online endpoint cannot add replicas under load.",
    rationale="A fixed pool serves a spike at the capacity it had before the spike; the rest "
    "queue or time out.",
    sources=(f"{MLLENS} MLREL05-BP01", f"{KUBESCORE} horizontalpodautoscaler-has-target"),
    fix="Autoscale on concurrency or queue depth per replica with max replicas sized for the "
    "growth target.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
)
def no_autoscaling(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        enabled = p.get(e, "autoscaling.enabled", assume=False)
        lo = p.get(e, "replicas.min")
        hi = p.get(e, "replicas.max")
        if enabled and not (lo is not None and lo == hi):
            continue
        why = "has no autoscaling" if not enabled else f"is pinned at {lo} replicas"
        yield p.hit([e.id], f"Endpoint {e.id} {why}.", e.autoscaling or e.replicas or e)


@RULES.rule(
    4,
    "scale-up-slower-than-ramp",
    severity=Severity.MEDIUM,
    summary="New replicas arrive after the spike has already peaked.",
    rationale="The autoscaler's reaction plus the replica's cold start is the time a spike is "
    "served by the old pool; if it exceeds the ramp, the spike is absorbed by queueing. An "
    "endpoint whose day of requests at the growth target, spread over the day, is within one "
    "replica's QPS (traffic.daily_predictions x the multiplier / 86,400 s) is not checked.",
    sources=(f"{WAF} REL07-BP03", "AWS FMEA template (cold-start delay)"),
    fix="Keep warm headroom (higher min replicas), pre-scale on schedule, and shorten model "
    "load time (smaller image, pre-pulled weights).",
    mitigation="limit",
    scenario="capacity",
    likelihood=6,
    detectors=(Monitor("monitoring.system.latency"),),
)
def scale_up_slower_than_ramp(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        ramp = row.ramp_shortfall
        if ramp is None or ramp.time_to_capacity_seconds is None:
            continue
        if working.small_load(ctx.system, e, row) is not None:
            continue  # a day's requests at the target fit one replica: no ramp to speak of
        p = ctx.probe()
        p.get(e, "cold_start")
        p.get(e, "autoscaling.reaction")
        lost = ramp.timed_out + ramp.shed
        yield p.hit(
            [e.id],
            f"In a ramp to {number(row.multiplier)}x over {duration(ramp.ramp_seconds)}, "
            f"{e.id} has enough replicas only after {duration(ramp.time_to_capacity_seconds)}: "
            f"{share(1 - ramp.met_slo_share)} of requests miss the SLO ({ramp.over_slo:,} "
            f"answered late, {lost:,} timed out or shed).",
            e,
            "cold_start",
        )


@RULES.rule(
    5,
    "dependency-limit-at-growth",
    severity=Severity.HIGH,
    summary="A per-request dependency's QPS limit breaks before the endpoint does.",
    rationale="Fan-out multiplies load: at the growth target each request's calls land on "
    "stores and APIs whose limits were sized for today.",
    sources=(f"{WAF} REL01-BP01, REL01-BP02", "AWS resilience analysis framework"),
    fix="Raise the dependency's limit, fetch all features of an entity in one multi-get, cache, "
    "and bulkhead the dependency.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
)
def dependency_limit_at_growth(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        for dep, drow in zip(e.dependencies, row.dependencies, strict=True):
            need, limit = drow.qps_at_multiplier, drow.max_qps
            if need is None or limit is None or need <= limit:
                continue
            p = ctx.probe()
            p.get(dep, "calls_per_request")
            if dep.max_qps:
                p.get(dep, "max_qps")
            else:
                target = ctx.system.get(dep.target)
                if target is not None:
                    p.get(target, "max_qps")
            yield p.hit(
                [e.id, dep.target],
                f"At {number(row.multiplier)}x, {e.id} sends {number(need)} QPS to "
                f"{dep.target}, above its {number(limit)} QPS limit.",
                dep,
                "max_qps" if dep.max_qps else "target",
            )


@RULES.rule(
    6,
    "dependency-without-timeout-or-fallback",
    severity=Severity.HIGH,
    summary="A synchronous dependency has no timeout inside the SLO, or no fallback.",
    rationale="A slow dependency without a timeout holds every request thread until the "
    "endpoint itself stops answering; without a fallback its outage is the endpoint's outage.",
    sources=(f"{WAF} REL05-BP05, REL05-BP01",),
    fix="Budget a timeout inside the latency SLO, fall back to defaults the model was trained "
    "with, cached values or a heuristic, and add a circuit breaker.",
    mitigation="limit",
    scenario="dependency-outage",
    pitfalls=("failover",),
    likelihood=5,
    detectors=(Monitor("monitoring.system.errors"), Monitor("monitoring.system.latency")),
)
def dependency_without_timeout(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        for dep in e.dependencies:
            p = ctx.probe()
            timeout = p.get(dep, "timeout_ms")
            fallback = p.get(dep, "fallback", assume="none")
            slo = p.get(e, "slo.p99_ms")
            gaps = []
            if timeout is None:
                gaps.append("no timeout")
            elif slo is not None and timeout >= slo:
                gaps.append(
                    f"a {number(timeout)} ms timeout that exceeds the {number(slo)} ms p99 SLO"
                )
            if fallback in ("none", "fail"):
                gaps.append("no fallback")
            if not gaps:
                continue
            model_fallback = e.fallback in (None, "none")
            target = ctx.system.get(dep.target)
            store = getattr(target, "KIND", "") == "store"
            budget = (slo or 100.0) / 4
            patch: dict[tuple[str | int, ...], object] = {}
            if timeout is None or (slo is not None and timeout >= slo):
                patch[(*dep.path, "timeout_ms")] = budget
            if fallback in ("none", "fail"):
                patch[(*dep.path, "fallback")] = "default"
            yield p.hit(
                [e.id, dep.target],
                f"Endpoint {e.id} calls {dep.target} with {' and '.join(gaps)}.",
                dep,
                "timeout_ms" if timeout is None else "fallback",
                enact=patch,
                severity=Severity.CRITICAL
                if store and model_fallback and "no fallback" in gaps
                else None,
                anchor=dep.target,
            )


@RULES.rule(
    7,
    "retry-storm",
    severity=Severity.MEDIUM,
    summary="Retries have no backoff, jitter or budget.",
    rationale="Immediate, unbudgeted retries multiply load on a dependency exactly when it is "
    "struggling, turning a slowdown into an outage.",
    sources=(f"{WAF} REL05-BP03",),
    fix="Retry with exponential backoff and jitter under a retry budget (e.g. 10% of "
    "requests), behind a circuit breaker.",
    mitigation="limit",
    scenario="dependency-outage",
    pitfalls=("client_retries",),
    likelihood=5,
)
def retry_storm(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.manifest.endpoints:
        for dep in e.dependencies:
            p = ctx.probe()
            tries = p.get(dep, "retries.max")
            if not tries:
                continue
            backoff = p.get(dep, "retries.backoff", assume=False)
            budget = p.get(dep, "retries.budget", assume=False)
            gaps = [n for n, v in (("backoff", backoff), ("budget", budget)) if not v]
            if not gaps:
                continue
            yield p.hit(
                [e.id, dep.target],
                f"Endpoint {e.id} retries {dep.target} up to {tries} times with no "
                f"{' or '.join(gaps)}: at worst {tries + 1}x the load on it.",
                dep.retries or dep,
                "max",
                anchor=dep.target,
            )


@RULES.rule(
    8,
    "no-load-shedding",
    severity=Severity.HIGH,
    summary="The endpoint has no rate limit, load shedding or bounded queue.",
    rationale="Past saturation an unbounded queue makes every request late instead of a few "
    "rejected; shedding keeps the rest within the SLO.",
    sources=(f"{WAF} REL05-BP02, REL05-BP04", f"{MLLENS} MLREL01-BP01"),
    fix="Bound the request queue, shed low-priority traffic first, and rate-limit per client "
    "at the gateway.",
    mitigation="limit",
    scenario="capacity",
    likelihood=5,
)
def no_load_shedding(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        shed = p.get(e, "admission.load_shedding", assume=False)
        queue = p.get(e, "admission.bounded_queue", assume=False)
        if shed or queue:
            continue
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} neither sheds load nor bounds its queue.",
            e.admission or e,
        )


@RULES.rule(
    9,
    "no-model-fallback",
    severity=Severity.HIGH,
    summary="Nothing answers when the model service itself is down.",
    rationale="A default action, cached scores, a previous model or a heuristic keeps the "
    "product working through a model outage; without one the caller fails.",
    sources=(f"{WAF} REL05-BP01", "Zinkevich, Rules of Machine Learning #1"),
    fix="Declare and exercise a fallback tier: a heuristic, cached last scores, the previous "
    "model or a safe default action.",
    mitigation="limit",
    scenario="endpoint-outage",
    likelihood=4,
)
def no_model_fallback(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    decision = ctx.system.manifest.system.decision
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        if p.get(e, "fallback", assume="none") != "none":
            continue
        text = f"Endpoint {e.id} has no fallback when {e.model} is unavailable"
        severity = None
        if decision is not None and decision.automated_action:
            # A synchronous decision: what the caller does without a score is the blast radius.
            action = p.get(decision, "action") or "the automated decision"
            caller = e.caller_on_failure
            if caller == "fail_closed":
                p.get(e, "caller_on_failure")
                text += (
                    f", and its caller fails closed: every '{action}' is refused while it is down"
                )
                severity = Severity.CRITICAL
            elif caller == "fail_open":
                p.get(e, "caller_on_failure")
                text += "; its caller fails open: decisions go ahead unscored while it is down"
            else:
                text += (
                    f", and nothing says whether its caller then fails open or closed ({action})"
                )
        elif e.caller_on_failure is not None:
            # No decision is automated, but what the caller does is declared: say it, or "no
            # fallback" reads as if the product broke where it degrades with a refusal.
            p.get(e, "caller_on_failure")
            text += (
                "; its caller refuses the request while it is down (fails closed)"
                if e.caller_on_failure == "fail_closed"
                else "; its caller goes ahead without a prediction while it is down (fails open)"
            )
        yield p.hit(
            [e.id],
            text + ".",
            e,
            "fallback",
            severity=severity,
            enact={(*e.path, "fallback"): "heuristic"},
        )


@RULES.rule(
    10,
    "single-zone-serving",
    severity=Severity.HIGH,
    summary="Serving replicas run in one zone, or without a disruption budget.",
    rationale="One zone outage or one node drain can take every replica at once.",
    sources=(f"{WAF} REL10-BP01", f"{KUBESCORE} deployment-has-poddisruptionbudget"),
    fix="Spread replicas over at least two zones with anti-affinity and a disruption budget.",
    mitigation="limit",
    scenario="endpoint-outage",
    likelihood=3,
)
def single_zone_serving(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        zones = p.get(e, "zones", assume=1)
        pdb = p.get(e, "disruption_budget")
        if zones >= 2 and pdb is not False:
            continue
        what = f"runs in {zones} zone" if zones < 2 else "has no disruption budget"
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} {what}.",
            e,
            "zones" if zones < 2 else "disruption_budget",
            severity=None if zones < 2 else Severity.MEDIUM,
            enact={(*e.path, "zones"): 3, (*e.path, "disruption_budget"): True},
        )


@RULES.rule(
    11,
    "no-safe-rollout",
    severity=Severity.HIGH,
    summary="New model versions go live without a canary or automatic rollback.",
    rationale="A bad model reaches all traffic at once and stays until a person notices and "
    "reverts it.",
    sources=(f"{BRECK17} Infra 6, Infra 7", f"{MLLENS} MLREL04-BP02", f"{WAF} REL08-BP02"),
    fix="Canary (or shadow) each version with guardrails on errors, p99 and the prediction "
    "distribution, and roll back automatically; rehearse the rollback.",
    mitigation="limit",
    scenario="bad-release",
    likelihood=4,
)
def no_safe_rollout(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.manifest.endpoints:
        p = ctx.probe()
        canary = p.get(e, "release.canary", assume=False)
        shadow = p.get(e, "release.shadow", assume=False)
        rollback = p.get(e, "release.auto_rollback", assume=False)
        gaps = []
        batch = e.mode == "batch"
        if not (canary or shadow):
            # A batch run has no traffic to split: its canary is a run of the new version
            # beside the current one, compared before its scores are published.
            gaps.append(
                "no shadow run beside the current version" if batch else "no canary or shadow"
            )
        if not rollback:
            gaps.append("no automatic rollback")
        if gaps:
            fix = None  # the rule's own, for neither
            if batch and not (canary or shadow):
                fix = (
                    "Score each new version beside the current one on the same run and compare "
                    "the two outputs before publishing (the score distribution and the largest "
                    "changes per entity); publish the current version's output when they differ "
                    "past a tolerance, and keep the last good output to restore."
                )
            elif canary or shadow:
                fix = (
                    f"Its {'canary' if canary else 'shadow'} already runs: give it guardrails on "
                    "errors, p99 and the prediction distribution that roll the version back "
                    "automatically, and rehearse the rollback."
                )
            elif rollback:
                fix = (
                    "Canary (or shadow) each version, so the automatic rollback judges a small "
                    "slice before all traffic, with guardrails on errors, p99 and the prediction "
                    "distribution."
                )
            what = (
                f"Batch endpoint {e.id} publishes the scores of each new version of {e.model} "
                "at once,"
                if batch and not (canary or shadow)
                else f"{'Batch endpoint' if batch else 'Endpoint'} {e.id} releases {e.model}"
            )
            yield p.hit(
                [e.id],
                f"{what} with {' and '.join(gaps)}.",
                e.release or e,
                fix=fix,
                enact={
                    (*e.path, "release", "canary"): True,
                    (*e.path, "release", "auto_rollback"): True,
                },
            )


@RULES.rule(
    12,
    "accelerator-quota-below-growth",
    severity=Severity.HIGH,
    summary="The accelerator quota cannot hold the replicas the growth target needs.",
    rationale="GPU quota is granted in days, not seconds; an autoscaler asking beyond it gets "
    "pending pods.",
    sources=(f"{WAF} REL01-BP01", f"{MLLENS} MLPERF04-BP01"),
    fix="Reserve accelerators or raise the quota ahead of the growth, or make the model cheaper "
    "to serve; until then cap admission at what the quota serves (per-user limits, a waitlist "
    "for new sign-ups, early rejection with a retry-after for the rest), so overload is refused "
    "at the door rather than queued past its timeout.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
)
def accelerator_quota(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        p = ctx.probe()
        per = p.get(e, "accelerators_per_replica")
        quota = p.get(e, "accelerator_quota")
        need = row.replicas_needed
        if not per or quota is None or need is None or per * need <= quota:
            continue
        needed, granted = number(per * need), number(quota)
        fix = None
        launch = check_launch(ctx.system, e, row)
        if launch is not None and launch_at_risk(launch):
            # SCALE018's step caps the launch's admission; saying it again here would be a
            # second, differently sized cap on the same door.
            fix = (
                f"Reserve accelerators or raise the quota ahead of the growth ({needed} "
                f"needed, {granted} granted), or make the model cheaper to serve; until then the "
                "launch's admission cap holds the load at the door."
            )
            if row.qps_per_replica:
                # Sized to the launch it is for, not to the growth target's default.
                grant, working = replicas_for_miss(launch, row.qps_per_replica)
                if grant * per > quota:
                    asked = number(grant * per)
                    fix = (
                        "Request the accelerator quota the launch needs ahead of it, since a "
                        f"grant takes days: {working}, x {per} = {asked} accelerators "
                        f"against {granted} granted; until then the launch's admission cap holds "
                        "the load at the door."
                    )
        elif row.qps_per_replica and row.model and row.model.routing != "shared":
            # The replicas that can run today: the quota's, or fewer if the pool stops first.
            fits = min(quota // per, row.max_replicas or quota // per)
            fix = (
                f"Reserve accelerators or raise the quota ahead of the growth ({needed} "
                f"needed, {granted} granted), or make the model cheaper to serve; until then cap "
                f"admission at what the fleet serves, {number(fits * row.qps_per_replica)} QPS "
                f"({fits:,} replicas x {number(row.qps_per_replica)} QPS), with per-user limits, a "
                "waitlist for new sign-ups and early rejection with a retry-after for the rest, "
                "so overload is refused at the door rather than queued past its timeout."
            )
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} needs {needed} accelerators ({need:,} replicas x {per}) at "
            f"{number(row.multiplier)}x but the quota is {granted}.",
            e,
            "accelerator_quota",
            fix=fix,
        )


@RULES.rule(
    13,
    "batch-window-at-growth",
    severity=Severity.MEDIUM,
    summary="A batch scoring run would not finish in its window at the growth target.",
    rationale="A run that scales linearly with data and does not scale out takes the "
    "multiplier times as long; past its window the downstream consumer reads yesterday's "
    "scores.",
    sources=(f"{WAF} REL07-BP01, PERF02-BP05",),
    fix="Partition and score in parallel on an autoscaled cluster, or score only changed entities.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
)
def batch_window(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.manifest.endpoints:
        if e.mode != "batch":
            continue
        row = _row(ctx, e)
        if len(row.batch) < 2 or row.batch[1].fits_window is not False:
            continue
        grown = row.batch[1]
        p = ctx.probe()
        window = p.get(e, "batch.window")
        runtime = p.get(e, "batch.runtime")
        quota = ""
        if p.get(e, "batch.scales_horizontally", assume=False):
            workers, most = p.get(e, "batch.workers"), p.get(e, "batch.max_workers")
            if workers and most:
                quota = (
                    f" (it scales out only to its quota of {most} workers, "
                    f"{number(most / workers)}x "
                    f"today's {workers})"
                )
        yield p.hit(
            [e.id],
            f"Batch endpoint {e.id} takes {runtime} today; at {number(row.multiplier)}x data "
            f"that is about {number(grown.runtime_hours)} h against a {window} window{quota}.",
            e.batch or e,
            "runtime",
        )


@RULES.rule(
    14,
    "serving-health-unmonitored",
    severity=Severity.MEDIUM,
    summary="Serving latency, errors or saturation are not monitored.",
    rationale="Regressions in latency, throughput and memory are slow leaks; the first sign "
    "without a monitor is a user complaint.",
    sources=(f"{BRECK17} Monitor 6",),
    fix="Alert on p99 latency against the SLO, error rate and saturation (CPU/GPU, queue "
    "depth), and track their trend per model version.",
    mitigation="detect",
    scenario="capacity",
    role="gap",
    likelihood=5,
)
def serving_health_unmonitored(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    manifest = ctx.system.manifest
    if not ctx.system.online_endpoints():
        return
    p = ctx.probe()
    checks = {
        "latency": p.get(manifest, "monitoring.system.latency", assume=False),
        "saturation": p.get(manifest, "monitoring.system.saturation", assume=False),
    }
    missing = [k for k, v in checks.items() if not v]
    if missing:
        yield p.hit(
            ["monitoring"],
            f"No {' or '.join(missing)} monitor on serving.",
            manifest.monitoring or manifest.system,
        )


@RULES.rule(
    15,
    "scale-to-zero-on-critical-path",
    severity=Severity.HIGH,
    summary="An online endpoint may scale to zero replicas.",
    rationale="The first request after idle waits a full cold start, far beyond a millisecond SLO.",
    sources=(f"{WAF} REL07-BP03",),
    fix="Keep at least one warm replica per zone on latency-critical endpoints.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=6,
)
def scale_to_zero(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        if p.get(e, "replicas.min") != 0:
            continue
        cold = p.get(e, "cold_start")
        wait = f" and waits {cold} to start" if cold else ""
        yield p.hit([e.id], f"Endpoint {e.id} scales to zero{wait}.", e.replicas or e, "min")


@RULES.rule(
    16,
    "slo-missed-today",
    severity=Severity.HIGH,
    summary="The endpoint misses its latency SLO at today's peak.",
    rationale="At the replicas the autoscaler settles on for today's peak, queueing already "
    "pushes p99 past the SLO; growth only makes it worse.",
    sources=(f"{WAF} REL07-BP01, PERF02-BP05",),
    fix="Lower the autoscaler's utilisation target or raise min replicas until p99 fits, or "
    "cut the service-time tail (batching, caching, a smaller model).",
    mitigation="prevent",
    scenario="capacity",
    trigger="present",
    likelihood=8,
    detectors=(Monitor("monitoring.system.latency"),),
)
def slo_missed_today(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        if not row.scenarios or e.slo is None or e.slo.p99_ms is None:
            continue
        now = row.scenarios[0]
        if now.p99_ms is not None and now.p99_ms <= e.slo.p99_ms:
            continue
        p = ctx.probe()
        slo = p.get(e, "slo.p99_ms")
        seen = f"p99 {number(now.p99_ms)} ms" if now.p99_ms is not None else "an unbounded queue"
        assert row.peak_qps is not None
        at = f"{seen} against a {number(slo)} ms SLO"
        # Today's p99 worked out from a service time or concurrency the manifest does not give
        # is the queueing model's estimate, not a measurement: say what it rests on.
        basis = [a.what for a in row.assumed if a.field != GROWTH_FIELD]
        if basis:
            message = (
                f"At today's {number(row.peak_qps)} QPS the queueing model, on assumed figures "
                f"({'; '.join(basis)}), puts {e.id} at {now.replicas} replicas and "
                f"{share(now.utilization)} utilisation, {at}: measure p99 at today's peak to "
                "confirm it."
            )
        else:
            message = (
                f"At today's {number(row.peak_qps)} QPS, {e.id} runs {now.replicas} replicas at "
                f"{share(now.utilization)} utilisation: {at}."
            )
        yield p.hit([e.id], message, e.slo, "p99_ms")


@RULES.rule(
    17,
    "connection-pool-at-growth",
    severity=Severity.HIGH,
    summary="The connection pool to a dependency runs out at the growth target.",
    rationale="Little's law: calls in flight = rate x calls per request x latency. When that "
    "exceeds the pool, requests wait for a connection and latency climbs even though the "
    "dependency itself has room.",
    sources=(f"{WAF} REL05-BP02", "Little's law"),
    fix="Raise the pool size per replica, reduce calls per request (one multi-get), or cut the "
    "dependency's latency with a local cache.",
    mitigation="prevent",
    scenario="capacity",
    likelihood=5,
)
def connection_pool_at_growth(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        row = _row(ctx, e)
        for b in row.bottlenecks:
            if b.constraint != "connection pool" or b.holds:
                continue
            dep = next(d for d in e.dependencies if d.target == b.component)
            p = ctx.probe()
            p.get(dep, "pool_size")
            p.get(dep, "latency_ms")
            assert row.target_qps is not None
            yield p.hit(
                [e.id, dep.target],
                f"{possessive(e.id)} pools to {dep.target} carry at most {number(b.capacity_qps)} "
                "QPS "
                f"({dep.pool_size} connections x {row.max_replicas} replicas); "
                f"{number(row.multiplier)}x needs {number(row.target_qps)} QPS.",
                dep,
                "pool_size",
                anchor=dep.target,
            )


@RULES.rule(
    18,
    "launch-near-fixed-ceiling",
    severity=Severity.HIGH,
    summary="A launch's forecast sits under a fixed ceiling with nothing to cap demand.",
    rationale="A launch's demand is a forecast, wrong by a factor rather than a percentage, "
    "and the accelerators behind the ceiling cannot be added during it; with no sign-up cap, "
    "per-user limit or shedding, demand past the ceiling queues until it times out for "
    "everyone instead of being refused for a few.",
    sources=(f"{WAF} REL05-BP02, REL01-BP01", SRE_OVERLOAD),
    fix="Before the launch, cap demand at a set share of the ceiling: a per-user limit and a "
    "staged opening (accounts or sign-ups widened in batches), with rejection (and a "
    "retry-after) once the estimated wait passes the SLO.",
    mitigation="limit",
    scenario="capacity",
    likelihood=6,
    detectors=(Monitor("monitoring.system.saturation"), Monitor("monitoring.system.latency")),
)
def launch_near_fixed_ceiling(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        check = check_launch(ctx.system, e, _row(ctx, e))
        if check is None or not launch_at_risk(check):
            continue
        p = ctx.probe()
        launch = launch_of(ctx.system, e)
        assert launch is not None
        p.get(launch, "peak_qps")
        p.get(launch, "signups_capped")
        p.get(launch, "per_user_limit")
        p.get(e, "admission.load_shedding", assume=False)
        row = _row(ctx, e)
        goal = (
            f"; the {number(row.multiplier)}x growth target ({number(row.target_qps)} QPS) would "
            f"need {row.target_qps / check.ceiling_qps:.1f}x this ceiling"
            if row.target_qps and row.target_qps > check.ceiling_qps
            else ""
        )
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} serves at most {number(check.ceiling_qps)} QPS ({check.constraint}), "
            f"{check.headroom:.2f}x the {number(check.forecast_qps)} QPS forecast for its launch, "
            f"and {check.unbounded_words()}: {check.working()}{goal}.",
            launch,
            "peak_qps",
            severity=Severity.CRITICAL if check.headroom < 1.5 else None,
            enact={(*launch.path, "per_user_limit"): True, (*launch.path, "signups_capped"): True},
        )


@RULES.rule(
    19,
    "fleet-wide-infrastructure-rollout",
    severity=Severity.HIGH,
    summary="Changes to shared infrastructure on the serving path reach every cluster at once.",
    rationale="A change to a control plane, service discovery or an agent that runs on every "
    "node is not a model release: no canary covers it. Rolled out everywhere at once, a change "
    "whose cost grows with cluster size passes a smaller staging cluster and then overloads every "
    "production cluster together; caches hide it until they expire, and the rollback needs the "
    "control plane it overloaded.",
    sources=(f"{WAF} REL08-BP04, OPS06-BP03", SRE_CANARY),
    fix="Roll changes to it out by cluster (a small production cluster, then a large one, then "
    "the rest), each stage held longer than the caches hide a failure, with an automatic halt "
    "on its load; keep a break-glass path that does not need it.",
    mitigation="limit",
    scenario="fleet-rollout",
    likelihood=5,
    detectors=(Monitor("monitoring.system.errors"),),
)
def fleet_wide_infrastructure_rollout(ctx: Context[ServingAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        for dep in e.dependencies:
            target = ctx.system.get(dep.target)
            if not isinstance(target, Source) or target.rollout is None:
                continue
            p = ctx.probe()
            staged = p.get(target, "rollout.staged", assume=False)
            if staged:
                continue
            scale = p.get(target, "rollout.tested_at_scale")
            owner = p.get(target, "owner")
            hidden = ""
            failure = target.on_failure
            if failure and failure.behaviour == "last_known_good" and failure.max_staleness:
                p.get(target, "on_failure.max_staleness")
                hidden = (
                    f"; cached answers hide a failure for up to "
                    f"{duration(float(failure.max_staleness))}, so it shows everywhere at once"
                )
            tested = " after testing only at a smaller scale" if scale is False else ""
            theirs = f" (owned by {owner})" if owner else ""
            yield p.hit(
                [target.id, e.id],
                f"Changes to {target.id}{theirs}, which {e.id} calls on every request, reach every "
                f"cluster at once{tested}, outside {possessive(e.id)} release process{hidden}.",
                target.rollout,
                "staged",
                anchor=target.id,
                severity=Severity.CRITICAL if scale is False else None,
                enact={(*target.rollout.path, "staged"): True},
            )
