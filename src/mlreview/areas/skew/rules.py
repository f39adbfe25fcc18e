"""Training-serving skew rules: where training and inference can see different data."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.citations import BRECK17, BRECK19, MLLENS, SCULLEY, ZINK
from mlreview.areas.common import (
    plural,
    possessive,
    raw_input,
    refresh_pipelines,
    served_online,
    serving_platforms,
)
from mlreview.areas.findings import Severity
from mlreview.areas.rule import Context, Hit, Monitor, RuleSet
from mlreview.areas.skew.assessment import SkewAssessment
from mlreview.document.cells import number, share
from mlreview.system.manifest import Model
from mlreview.system.units import Duration, format_seconds

RULES: RuleSet[SkewAssessment] = RuleSet(area="skew", prefix="SKEW")


@RULES.rule(
    1,
    "separate-feature-code",
    severity=Severity.HIGH,
    summary="A feature is computed by different code in training and in serving.",
    rationale="Two implementations of one feature drift apart silently; every change must be "
    "made twice and any difference becomes skew the offline metrics never see.",
    sources=(f"{ZINK} #32", f"{BRECK17} Data 7, Monitor 3", f"{MLLENS} MLREL03-BP02"),
    fix="Define the feature once and use it on both paths (shared library, transform bundled "
    "with the model, or feature-store definition); until then add a parity test that scores "
    "logged serving rows with the training code.",
    mitigation="prevent",
    scenario="skew",
    pitfalls=("code_paths", "missing_values"),
    likelihood=3,
    silent=True,
    detectors=(Monitor("monitoring.skew.training_serving"),),
    rows=0.25,
)
def separate_feature_code(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        p = ctx.probe()
        shared = p.get(f, "shared_definition")
        t = p.get(f, "training.code")
        s = p.get(f, "serving.code")
        if shared is True or not (shared is False or (t and s and t != s)):
            continue
        top = f.importance_rank is not None and f.importance_rank <= 10
        online = served_online(ctx.system, f)
        where = f" ({t} vs {s})" if t and s else ""
        yield p.hit(
            [f.id],
            f"Feature {f.id} is computed by separate training and serving code{where}.",
            f,
            "serving" if f.serving else None,
            severity=Severity.CRITICAL if top and online else None,
            enact={(*f.path, "shared_definition"): True},
        )


@RULES.rule(
    2,
    "cross-language-feature",
    severity=Severity.HIGH,
    summary="Training and serving implement a feature in different languages.",
    rationale="Code cannot be shared across languages, so the two paths can only be kept equal "
    "by tests; numeric types, rounding, null and string handling differ between runtimes.",
    sources=(f"{ZINK} #32", f"{SCULLEY} (multiple-language smell)"),
    fix="Compile one specification to both runtimes or serve the feature from a service in the "
    "training language; until then run a bit-exact parity test on logged examples.",
    mitigation="prevent",
    scenario="skew",
    pitfalls=("code_paths", "missing_values"),
    likelihood=3,
    silent=True,
    detectors=(Monitor("monitoring.skew.training_serving"),),
    rows=0.25,
)
def cross_language(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        p = ctx.probe()
        t = p.get(f, "training.language")
        s = p.get(f, "serving.language")
        if t and s and t.lower() != s.lower():
            yield p.hit(
                [f.id],
                f"Feature {f.id} is written in {t} for training and {s} for serving.",
                f.serving or f,
                "language",
                enact={(*f.path, "serving", "language"): t, (*f.path, "shared_definition"): True},
            )


@RULES.rule(
    3,
    "no-serving-feature-log",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Online predictions do not log the feature values they used.",
    rationale="Without the served feature vector and a request id, skew can only be guessed, "
    "and the next training set cannot be built from what the model really saw.",
    sources=(f"{ZINK} #29", f"{BRECK17} Monitor 3"),
    fix="Log the feature vector with request_id and model_version for at least a sample of "
    "requests, and build training sets from those logs.",
    mitigation="detect",
    scenario="skew",
    role="gap",
    likelihood=6,
    silent=True,
)
def no_serving_feature_log(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for e in ctx.system.online_endpoints():
        p = ctx.probe()
        logged = p.get(e, "logging.features", assume=False)
        rate = p.get(e, "logging.sample_rate")
        if logged and rate != 0:
            continue
        model = ctx.system.model_of(e)
        if raw_input(ctx.system, model):
            continue
        feats = ctx.system.model_features(model)
        if feats and all(f.logged_at_serving for f in feats):
            continue
        why = "a sample rate of 0" if logged else "no feature logging"
        what = plural(len(feats), "feature") if feats else "its inputs"
        yield p.hit(
            [e.id],
            f"Endpoint {e.id} serves {model.id} with {why}; {what} cannot be compared with "
            "training.",
            e,
            "logging",
            enact={(*e.path, "logging", "features"): True},
        )


@RULES.rule(
    4,
    "no-skew-monitor",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Nothing compares serving features with training features.",
    rationale="Training-serving skew is silent: predictions keep flowing while quality drops. "
    "The ML Test Score calls this monitor the most important and least implemented.",
    sources=(f"{BRECK17} Monitor 3", f"{ZINK} #37", f"{MLLENS} MLOPS06-BP01"),
    fix="Schedule a job that joins logged serving features to a training-code recomputation by "
    "request id, and alert on the share of rows and features that differ.",
    mitigation="detect",
    scenario="skew",
    role="gap",
    likelihood=6,
    silent=True,
)
def no_skew_monitor(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    manifest = ctx.system.manifest
    if not manifest.endpoints or not manifest.features:
        return
    p = ctx.probe()
    if p.get(manifest, "monitoring.skew.training_serving", assume=False):
        return
    names = ", ".join(e.id for e in manifest.endpoints)
    yield p.hit(
        ["monitoring"],
        f"No training-serving skew monitor covers {names}.",
        manifest.monitoring or manifest.system,
        enact={("monitoring", "skew", "training_serving"): "alert"},
    )


@RULES.rule(
    5,
    "no-point-in-time-join",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Training joins a changing table without point-in-time semantics.",
    rationale="Joining today's value of a mutable table to last month's labels leaks the "
    "future into training, so offline metrics overstate what serving can reach.",
    sources=(f"{ZINK} #31", "Feast point-in-time joins", "Databricks point-in-time lookups"),
    fix="Use event-timestamped feature tables with as-of joins, or train on features logged "
    "at serving time.",
    mitigation="prevent",
    scenario="leakage",
    likelihood=5,
    silent=True,
)
def no_point_in_time_join(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    mutable = {"database", "lookup_table", "batch_table"}
    for f in ctx.system.manifest.features:
        srcs = [ctx.system.get(s) for s in f.sources]
        kinds = sorted({getattr(s, "kind", "") for s in srcs} & mutable)
        if not kinds:
            continue
        p = ctx.probe()
        pit = p.get(f, "point_in_time_join", assume=False)
        logged = p.get(f, "logged_at_serving", assume=False)
        if pit or logged:
            continue
        yield p.hit(
            [f.id],
            f"Feature {f.id} is joined from a {'/'.join(kinds)} source without a point-in-time "
            "join and is not logged at serving.",
            f,
            "point_in_time_join",
            enact={(*f.path, "point_in_time_join"): True},
        )


@RULES.rule(
    6,
    "future-leak",
    learned_only=True,
    severity=Severity.CRITICAL,
    summary="A feature is not available at prediction time.",
    rationale="A feature that only exists after the outcome makes offline metrics fiction; in "
    "serving it is missing or defaulted for every request.",
    sources=("Databricks point-in-time correctness", "TFDV common data problems"),
    fix="Redefine the feature with an as-of cutoff at the prediction timestamp and add a "
    "leakage test comparing feature and prediction timestamps on every training set.",
    mitigation="prevent",
    scenario="leakage",
    likelihood=8,
    silent=True,
)
def future_leak(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        p = ctx.probe()
        if p.get(f, "available_at_prediction_time") is False:
            yield p.hit(
                [f.id],
                f"Feature {f.id} is declared unavailable at prediction time but is used in "
                "training.",
                f,
                "available_at_prediction_time",
            )


@RULES.rule(
    7,
    "window-mismatch",
    severity=Severity.MEDIUM,
    summary="A feature's aggregation window differs between training and serving.",
    rationale="A count over 24 h in training and 1 h in serving is a different feature with "
    "the same name; the model applies weights learned for one to the other.",
    sources=(f"{ZINK} #32", "Feast TTL semantics"),
    fix="Generate both windows from one definition and assert equality in a parity test.",
    mitigation="prevent",
    scenario="skew",
    pitfalls=("windows",),
    trigger="present",
    likelihood=6,
    silent=True,
)
def window_mismatch(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        p = ctx.probe()
        t = p.get(f, "training.window")
        s = p.get(f, "serving.window")
        if t is not None and s is not None and abs(float(t) - float(s)) > 1e-9:
            yield p.hit(
                [f.id],
                f"Feature {f.id} aggregates over {t} in training but {s} in serving.",
                f.serving or f,
                "window",
                enact={(*f.path, "serving", "window"): t},
            )


@RULES.rule(
    8,
    "missing-policy-mismatch",
    severity=Severity.HIGH,
    summary="Missing values are handled differently in training and serving.",
    rationale="Rows dropped in training but zero-filled in serving teach the model nothing "
    "about the zeros it then sees; an error code passed off as a value was the cause of a "
    "documented Google outage.",
    sources=(BRECK19, f"{ZINK} #10"),
    fix="Use one imputation function on both paths and add an explicit missing-indicator "
    "feature; monitor the serving null/default rate against training.",
    mitigation="prevent",
    scenario="skew",
    pitfalls=("missing_values",),
    trigger="present",
    likelihood=6,
    silent=True,
    detectors=(Monitor("monitoring.inputs.null_rate"),),
    rows=0.05,
)
def missing_policy_mismatch(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        p = ctx.probe()
        t = p.get(f, "missing.training")
        s = p.get(f, "missing.serving")
        if t and s and t != s:
            yield p.hit(
                [f.id],
                f"Feature {f.id} treats missing values as '{t}' in training but '{s}' in serving.",
                f.missing or f,
                "serving",
                enact={(*f.path, "missing", "serving"): t},
            )


@RULES.rule(
    9,
    "ttl-shorter-than-refresh",
    severity=Severity.HIGH,
    summary="Online-store entries expire before the pipeline refreshes them.",
    rationale="When the TTL is shorter than the refresh interval, keys vanish between runs and "
    "serving falls back to the missing-value policy for part of every cycle, while training "
    "read complete values.",
    sources=("Feast online store TTL", f"{ZINK} #8"),
    fix="Set the TTL above the refresh interval plus run time and one retry, or refresh more "
    "often; alert on the online miss rate.",
    mitigation="prevent",
    scenario="stale-feature",
    pitfalls=("expiry",),
    trigger="present",
    likelihood=8,
    silent=True,
    detectors=(
        Monitor("monitoring.inputs.null_rate"),
        Monitor("monitoring.freshness.feature_freshness"),
    ),
)
def ttl_shorter_than_refresh(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for store in ctx.system.manifest.stores:
        if store.kind not in {"online", "cache"} or store.ttl is None:
            continue
        for pipe in ctx.system.manifest.pipelines:
            if store.id not in pipe.outputs or pipe.schedule is None or pipe.schedule.continuous:
                continue
            p = ctx.probe()
            ttl = p.get(store, "ttl")
            sched = p.get(pipe, "schedule")
            # Each run writes one run time after it starts, so writes are as far apart as the
            # starts: the run time delays the first write, it does not lengthen the period.
            margin = float(ttl) - sched.longest_gap
            if margin > 0:
                continue
            feats = [f.id for f in ctx.system.manifest.features if f.store == store.id]
            rewrites = f"{pipe.id} rewrites them {sched.phrase} ({sched.gap_phrase})"
            if margin == 0:
                effect = (
                    "entries expire just as the next run's writes land: zero slack, so a run "
                    "that finishes late or fails leaves keys missing"
                )
            else:
                effect = f"keys are missing for up to {format_seconds(-margin)} before each write"
            cycle = sched.longest_gap
            # Keys missing part of every cycle harm by design; zero slack harms only when a run
            # is late or fails.
            duty = (
                (
                    -margin / cycle,
                    f"keys missing {format_seconds(-margin)} of every "
                    f"{format_seconds(cycle)} cycle",
                )
                if margin < 0
                else None
            )
            yield p.hit(
                [store.id, pipe.id, *feats],
                f"Store {store.id} expires entries after {ttl} and {rewrites}: {effect}.",
                store,
                "ttl",
                duty=duty,
                trigger=None if duty else "event",
                enact={(*store.path, "ttl"): Duration(cycle * 3, format_seconds(cycle * 3))},
            )


@RULES.rule(
    10,
    "random-split-on-time",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="The model is evaluated on a random split of time-dependent data.",
    rationale="A random split lets the model see the future of its test rows, so offline "
    "metrics beat what tomorrow's traffic will give.",
    sources=(f"{ZINK} #33",),
    fix="Split by time: train up to a date, evaluate on the days after it, and report the gap.",
    mitigation="prevent",
    scenario="offline-online-gap",
    likelihood=6,
    silent=True,
)
def random_split(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        if not ctx.system.model_features(m):
            continue  # no declared features that change over time: nothing leaks forward
        p = ctx.probe()
        if p.get(m, "training.split") == "random":
            yield p.hit(
                [m.id],
                f"Model {m.id} is evaluated on a random split; its features come from data "
                "that changes over time.",
                m.training or m,
                "split",
            )


@RULES.rule(
    11,
    "unweighted-sampling",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="Training data is sampled without importance weights.",
    rationale="Sampling one class or period shifts the base rate; scores stop being "
    "probabilities and thresholds tuned offline misfire in serving.",
    sources=(f"{ZINK} #30",),
    fix="Weight sampled rows by 1/rate and keep the rate in the pipeline metadata; check "
    "calibration by slice.",
    mitigation="prevent",
    scenario="offline-online-gap",
    likelihood=5,
    silent=True,
)
def unweighted_sampling(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for pipe in ctx.system.manifest.pipelines:
        p = ctx.probe()
        rate = p.get(pipe, "sampling_rate")
        if rate is None or rate >= 1:
            continue
        if p.get(pipe, "importance_weighted", assume=False):
            continue
        trained = [
            m.id for m in ctx.system.manifest.models if ctx.system.training_pipeline(m) is pipe
        ]
        yield p.hit(
            [pipe.id, *trained],
            f"Pipeline {pipe.id} samples {share(rate)} of rows without importance weights "
            f"(weight should be {number(1 / rate)}).",
            pipe,
            "sampling_rate",
            # What it overstates is the model's offline quality: one scenario with its split.
            anchor=trained[0] if trained else pipe.id,
        )


@RULES.rule(
    12,
    "preprocessing-not-bundled",
    learned_only=True,
    severity=Severity.MEDIUM,
    summary="Preprocessing artefacts are not versioned with the model.",
    rationale="Vocabularies, scalers and encoders fetched as 'latest' at serving change under "
    "a model trained with older ones.",
    sources=(f"{MLLENS} MLREL02-BP03, MLREL05-BP02", SCULLEY),
    fix="Package the transform graph and its artefacts inside the model bundle and register "
    "them together.",
    mitigation="prevent",
    scenario="skew",
    likelihood=3,
    silent=True,
    rows=0.25,
)
def preprocessing_not_bundled(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        if p.get(m, "preprocessing_bundled") is False:
            yield p.hit(
                [m.id],
                f"Model {m.id} loads its preprocessing separately from the model artefact.",
                m,
                "preprocessing_bundled",
            )


@RULES.rule(
    13,
    "no-serving-compat-test",
    learned_only=True,
    severity=Severity.HIGH,
    summary="A new model is not scored in the production serving image before rollout.",
    rationale="A model that needs an operator, library or version the serving binary lacks "
    "fails or scores differently only once it is live. Served on several platforms, the same "
    "model runs each one's own kernels, compiler and sampling code, and a change to any of them "
    "moves that platform's outputs: only a diff against a reference implementation sees it "
    "(canaries and quality evaluations judge averages).",
    sources=(
        f"{BRECK17} Infra 6",
        f"{ZINK} #5",
        "Anthropic, A postmortem of three recent issues, 17 September 2025 (a TPU runtime "
        "misconfiguration and an XLA:TPU top-k miscompilation)",
    ),
    fix="In CI, load the candidate into the production serving image, score a golden set and "
    "assert the scores equal the training environment's within tolerance.",
    mitigation="prevent",
    scenario="bad-release",
    pitfalls=("model_numerics",),
    likelihood=3,
    detectors=(Monitor("monitoring.system.errors"),),
)
def no_serving_compat_test(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for e in ctx.system.manifest.endpoints:
        p = ctx.probe()
        if p.get(e, "release.serving_compat_test", assume=False):
            continue
        message = (
            f"Endpoint {e.id} takes new versions of {e.model} without scoring them in its "
            "serving image first."
        )
        fix = None
        platforms = serving_platforms(ctx.system, e)
        if platforms:
            # The same model on several platforms: each one's kernels, compiler and sampling
            # code change its outputs on their own, so the reference is the model's reference
            # implementation, and serving changes need the check as much as new versions.
            p.get(e, "accelerator" if e.accelerator else "platform")
            message = (
                f"Endpoint {e.id} serves {e.model} on {platforms[0]}, one of "
                f"{len(platforms)} platforms serving it ({', '.join(sorted(platforms))}), and "
                "nothing compares its outputs with a reference implementation before a serving "
                "change (sampling code, kernels, compiler, runtime settings) or a new version "
                "is released."
            )
            fix = REFERENCE_DIFF_FIX
        yield p.hit(
            [e.id],
            message,
            e,
            "release",
            fix=fix,
            enact={(*e.path, "release", "serving_compat_test"): True},
        )


REFERENCE_DIFF_FIX = (
    "Before a change to a platform's serving stack (sampling code, kernels, compiler, runtime "
    "settings) or a new model version ships there, run a fixed set of a few thousand inputs "
    "through that platform and through the reference implementation and compare the "
    "output distributions position by position (next-token probabilities for a language "
    "model, class probabilities for a classifier): block the release when the mean KL "
    "divergence passes 1e-3 nats or top-1 agreement falls below 99.5%."
)
"""The reference diff's gate; its thresholds and their reasons are in docs/plans.md."""


@RULES.rule(
    14,
    "stale-online-feature",
    severity=Severity.MEDIUM,
    summary="Serving reads a feature refreshed less often than its freshness budget.",
    rationale="Training joins exact point-in-time values; serving reads values up to one "
    "refresh interval old. When that age exceeds the feature's budget, the model sees "
    "systematically staler inputs than it learned from.",
    sources=(f"{ZINK} #8", "Microsoft MLOps maturity model, level 4"),
    fix="Refresh the feature at least as often as its budget, stream it, or lag it in training "
    "by the serving refresh interval so both paths see the same age.",
    mitigation="prevent",
    scenario="stale-feature",
    pitfalls=("expiry",),
    trigger="present",
    likelihood=9,
    silent=True,
    detectors=(Monitor("monitoring.freshness.feature_freshness"),),
)
def stale_online_feature(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for f in ctx.system.manifest.features:
        if f.freshness_budget is None or not served_online(ctx.system, f):
            continue
        for pipe in refresh_pipelines(ctx.system, f):
            if pipe.schedule is None or pipe.schedule.continuous:
                continue
            p = ctx.probe()
            budget = p.get(f, "freshness_budget")
            sched = p.get(pipe, "schedule")
            if sched.longest_gap <= float(budget):
                continue
            share = (sched.period - float(budget)) / sched.period
            yield p.hit(
                [f.id, pipe.id],
                f"Feature {f.id} has a freshness budget of {budget} but {pipe.id} refreshes it "
                f"{sched.phrase} ({sched.gap_phrase}).",
                f,
                "freshness_budget",
                anchor=pipe.id,
                duty=(
                    share,
                    f"{f.id} past its {budget} budget for {share:.0%} of every "
                    f"{format_seconds(sched.period)} refresh cycle",
                ),
            )


DATA_SEVERITY = {"schema": Severity.HIGH, "skew": Severity.HIGH, "drift": Severity.MEDIUM}

COPIED_PIPELINE = f"{ZINK} #6"
"""'Be careful about dropped data when copying pipelines': Google Plus's Stream and Play's Apps
Home rankers, trained on examples another team's pipeline had filtered or pooled."""


@RULES.rule(
    15,
    "skew-in-linked-data",
    severity=Severity.HIGH,
    summary="The training data and serving log a model links differ for a feature.",
    rationale="This is skew observed, not inferred: the model is scoring inputs unlike those it "
    "learned from. The cause (a unit, a time zone, a default, a format) says which path to fix.",
    sources=(f"{BRECK17} Monitor 3", f"{ZINK} #37", "Polyzotis et al., Data Validation for ML"),
    fix="Apply the fix the cause names on the path that differs, then re-run the comparison.",
    mitigation="detect",
    scenario="skew",
    pitfalls=("code_paths", "missing_values"),
    trigger="present",
    likelihood=9,
    silent=True,
    detectors=(Monitor("monitoring.skew.training_serving"),),
)
def skew_in_linked_data(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for linked in ctx.assessment.data:
        model = ctx.system.get(linked.model)
        if not isinstance(model, Model) or model.data is None:
            continue
        for row in linked.features:
            status = row.result.status
            if status == "ok":
                continue
            cause = row.result.causes[0] if row.result.causes else None
            feature = ctx.system.get(row.feature)
            p = ctx.probe()
            p.note(model, "data.training", linked.training)
            p.note(model, "data.serving", linked.serving)
            why = f"{cause.kind}: {cause.evidence}" if cause else status
            yield p.hit(
                [row.feature, model.id],
                f"Feature {row.feature} differs between {possessive(model.id)} training data and "
                f"serving log ({status}; {why}).",
                feature if feature is not None else model,
                None if feature is not None else "data",
                severity=DATA_SEVERITY[status],
                anchor=row.feature,
                fix=f"{cause.fix} {cause.prevention}" if cause else None,
                observed=True,
            )


@RULES.rule(
    16,
    "training-drops-served-cases",
    learned_only=True,
    severity=Severity.HIGH,
    summary="A filter keeps cases the model serves out of every training example.",
    rationale="The model never learns the excluded cases yet scores them in production, and an "
    "offline gate on the same filtered examples cannot see the gap; reweighting cannot restore "
    "cases that were never kept.",
    sources=(COPIED_PIPELINE,),
    fix="Remove the filter from the training examples (or add the excluded cases back), gate "
    "each candidate on a slice of the excluded cases from logged serving traffic, and alert "
    "when the examples cover less of the served traffic than planned.",
    mitigation="prevent",
    scenario="offline-online-gap",
    likelihood=7,
    silent=True,
)
def training_drops_served_cases(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        excluded = p.get(m, "training.population.excluded")
        if not excluded:
            continue
        kept = p.get(m, "training.population.share_kept")
        share_of = f"only {share(kept)} of " if kept is not None else "part of "
        population = m.training.population if m.training else None
        yield p.hit(
            [m.id],
            f"Model {m.id} is trained on {share_of}the cases it serves: {excluded} never reach "
            "a training example, so it extrapolates on them in production, and an offline gate "
            "on the same examples cannot see it.",
            population or m,
            "excluded",
            anchor=m.id,
            enact={(*population.path, "excluded"): None} if population else None,
        )


@RULES.rule(
    17,
    "training-pools-other-contexts",
    learned_only=True,
    severity=Severity.HIGH,
    summary="Training pools examples from a context the model does not serve, with no feature "
    "telling the contexts apart.",
    rationale="The model learns a blend of two audiences and serves it where only one applies; "
    "an offline gate on the same pooled examples rewards the blend.",
    sources=(COPIED_PIPELINE,),
    fix="Keep only the served context's examples, or add the context as a feature (crossed with "
    "the strongest ones) and serve it; gate each candidate on the served context's examples "
    "alone.",
    mitigation="prevent",
    scenario="offline-online-gap",
    likelihood=7,
    silent=True,
)
def training_pools_other_contexts(ctx: Context[SkewAssessment]) -> Iterator[Hit]:
    for m in ctx.system.manifest.models:
        p = ctx.probe()
        pooled = p.get(m, "training.population.pooled")
        if not pooled:
            continue
        if p.get(m, "training.population.context_feature", assume=False):
            continue
        population = m.training.population if m.training else None
        yield p.hit(
            [m.id],
            f"Model {m.id} is trained on {pooled} pooled with its own examples, and no feature "
            "says which context each came from: it learns a blend of both and serves it where "
            "only one applies.",
            population or m,
            "pooled",
            anchor=m.id,
            enact={(*population.path, "context_feature"): True} if population else None,
        )
