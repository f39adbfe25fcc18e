"""For each manifest field that can be unknown: the values a what-if review tries, and how to ask.

Booleans, monitor signals and choices try every answer. Numbers, durations and schedules try a low
and a high value that are both common in production (a 0.99 and a 0.9999 SLA, a 10 s and a 10 min
cold start); the review decides which of them is the optimistic one by what it finds. Free text,
ids and lists are not asked about: no single value stands for their range.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from mlreview.system.manifest import Node
from mlreview.system.type_walk import strip
from mlreview.system.units import Duration, Schedule

RANGES: dict[str, tuple[Any, Any]] = {
    "Traffic.peak_qps": (50.0, 5000.0),
    "Traffic.growth_multiplier": (2.0, 20.0),
    "Traffic.ramp": ("10s", "30m"),
    "Traffic.daily_predictions": (10_000.0, 50_000_000.0),
    "Source.availability": (0.99, 0.9999),
    "Source.freshness": ("1m", "2d"),
    "Source.zones": (1, 3),
    "Source.mttr": ("15m", "8h"),
    "FailureBehaviour.max_staleness": ("15m", "7d"),
    "Pipeline.runtime": ("10m", "20h"),
    "Pipeline.sla": ("2h", "2d"),
    "Pipeline.sampling_rate": (0.1, 1.0),
    "Retries.max": (0, 3),
    "Store.ttl": ("1h", "30d"),
    "Store.zones": (1, 3),
    "Store.availability": (0.99, 0.9999),
    "Store.max_qps": (500.0, 100_000.0),
    "Store.mttr": ("15m", "8h"),
    "Implementation.window": ("1h", "30d"),
    "Feature.freshness_budget": ("1m", "7d"),
    "Feature.importance_rank": (1, 50),
    "Training.cadence": ("daily", "every 30d"),
    "Training.window": ("30d", "365d"),
    "Registry.retained_versions": (0, 5),
    "Model.max_age": ("7d", "90d"),
    "Endpoint.request_timeout": ("1s", "60s"),
    "Endpoint.accelerators_per_replica": (1, 4),
    "Endpoint.accelerator_quota": (4, 1000),
    "Endpoint.concurrency_per_replica": (1, 16),
    "Endpoint.cold_start": ("10s", "10m"),
    "Endpoint.availability": (0.99, 0.9999),
    "Endpoint.mttr": ("15m", "8h"),
    "Endpoint.zones": (1, 3),
    "Replicas.min": (1, 10),
    "Replicas.max": (2, 200),
    "Autoscaling.target": (0.5, 0.9),
    "Autoscaling.reaction": ("15s", "5m"),
    "ServiceTime.p50_ms": (5.0, 200.0),
    "ServiceTime.p99_ms": (20.0, 1000.0),
    "Capacity.qps_per_replica": (10.0, 1000.0),
    "LoadTest.replicas": (1, 4),
    "LoadTest.max_qps_tested": (100.0, 100_000.0),
    "Dependency.calls_per_request": (1.0, 10.0),
    "Dependency.timeout_ms": (20.0, 5000.0),
    "Dependency.max_qps": (500.0, 100_000.0),
    "Dependency.latency_ms": (2.0, 200.0),
    "Dependency.pool_size": (4, 256),
    "Slo.p99_ms": (50.0, 1000.0),
    "Slo.availability": (0.99, 0.9999),
    "PredictionLogging.sample_rate": (0.01, 1.0),
    "BatchWindow.window": ("1h", "12h"),
    "BatchWindow.runtime": ("30m", "10h"),
    "LabelDelay.p50": ("1h", "30d"),
    "LabelDelay.p95": ("1d", "90d"),
    "Label.coverage": (0.05, 1.0),
    "Label.base_rate": (0.001, 0.3),
    "Label.maturity_window": ("1d", "90d"),
    "FeedbackLoop.min_detectable_effect": (0.02, 0.2),
    "Exploration.fraction": (0.01, 0.1),
    "Holdout.fraction": (0.01, 0.1),
    "QualityMonitors.detection_target": ("1h", "14d"),
}
"""Low and high what-if values per numeric field ('Class.field'); tests check every numeric field
of the schema is here or in NOT_ASKED."""

NOT_ASKED: dict[str, str] = {
    "FailureBehaviour.default_value": "any value can be a default; default_in_valid_range asks",
    "Pipeline.schedule": "a schedule is a fact to read from the scheduler, not a what-if",
    "BatchWindow.schedule": "a schedule is a fact to read from the scheduler, not a what-if",
    "Batching.max_batch_size": "batching is declared as a whole or not at all",
    "Batching.latency_ms_batch_1": "batching is declared as a whole or not at all",
    "Batching.latency_ms_max_batch": "batching is declared as a whole or not at all",
    **dict.fromkeys(
        (
            "Release.canary_traffic",
            "Transformer.latency_ms",
            "Pipeline.failure_rate",
            "Pipeline.mttr",
        ),
        "recorded from imported files; no rule reads it yet",
    ),
}

OVERRIDES: dict[str, str] = {
    "Endpoint.traffic": "overrides system.traffic, which is asked about instead",
}
"""Nodes that only override a value declared elsewhere: never asked about themselves."""

ORDERED: dict[str, tuple[str, str]] = {
    "ServiceTime.p50_ms": ("<=", "p99_ms"),
    "ServiceTime.p99_ms": (">=", "p50_ms"),
    "Replicas.min": ("<=", "max"),
    "Replicas.max": (">=", "min"),
    "LabelDelay.p50": ("<=", "p95"),
    "LabelDelay.p95": (">=", "p50"),
}
"""Fields bounded by a sibling: a what-if value on the wrong side of a known sibling is skipped."""

QUESTIONS: dict[str, str] = {
    "Traffic.peak_qps": "What is today's peak request rate (requests per second)?",
    "Traffic.growth_multiplier": "How much traffic growth must serving absorb (e.g. 10x)?",
    "Traffic.ramp": "How fast does a traffic spike reach its peak?",
    "SystemInfo.criticality": "How bad is a wrong or missing prediction: low, medium, high or "
    "critical?",
    "Decision.automated_action": "Do predictions act without a person in the loop?",
    "Source.availability": "What availability does this source promise (e.g. 99.9%)?",
    "FailureBehaviour.behaviour": "When this source fails, what does serving do: fail closed, use "
    "a default, the last known good value, skip the feature, or a fallback source?",
    "FailureBehaviour.default_in_valid_range": "Does the default substituted for missing data "
    "look like a real value (e.g. 0 for a count)?",
    "FailureBehaviour.alert": "Is someone paged when serving falls back for this source?",
    "SourceMonitors.freshness": "Is there an alert on the age of this source's newest data?",
    "SourceMonitors.volume": "Is there an alert on this source's volume?",
    "PipelineAlerts.on_failure": "Does a failed run of this job page someone?",
    "PipelineAlerts.consumer_lag": "Is there an alert when this stream job falls behind its "
    "input (consumer lag)?",
    "PipelineAlerts.on_sla_miss": "Is there an alert when this job's last success is too old?",
    "Pipeline.idempotent": "Can this job be re-run without double counting?",
    "Retries.budget": "Are retries capped as a share of traffic (a retry budget)?",
    "Store.zones": "How many availability zones does this store run in?",
    "Store.max_qps": "What read rate is this store provisioned for?",
    "Feature.shared_definition": "Is this feature defined once for training and serving?",
    "Feature.point_in_time_join": "Does training join this feature as of each example's time?",
    "Feature.logged_at_serving": "Is the served value of this feature logged with the request id?",
    "Feature.available_at_prediction_time": "Does this value exist when the prediction is made?",
    "Missing.training": "How does training handle a missing value of this feature?",
    "Missing.serving": "How does serving handle a missing value of this feature?",
    "Training.split": "How is evaluation data split off: random, temporal or by group?",
    "Training.automated": "Is the model retrained and promoted without a person?",
    "Gate.enabled": "Does a validation gate run before a new model version is promoted?",
    "Gate.blocking": "Does a failed validation gate stop the promotion?",
    "Model.preprocessing_bundled": "Does the preprocessing ship inside the model bundle?",
    "Endpoint.routing": "Do requests queue per replica (random, e.g. a Kubernetes Service) or in "
    "one shared queue (next free replica)?",
    "Endpoint.cold_start": "How long does a new replica take from scheduling to serving?",
    "Endpoint.zones": "How many availability zones do the replicas run in?",
    "Endpoint.fallback": "What answers when the model service is down?",
    "Endpoint.concurrency_per_replica": "How many requests does one replica serve at once?",
    "Replicas.max": "What is the most replicas the autoscaler may run?",
    "Replicas.min": "What is the fewest replicas the autoscaler keeps?",
    "Autoscaling.enabled": "Are replicas added and removed automatically?",
    "ServiceTime.p50_ms": "What is the median time one replica spends on a request?",
    "ServiceTime.p99_ms": "What is the 99th-percentile time one replica spends on a request?",
    "Capacity.qps_per_replica": "How many requests per second does one replica sustain within "
    "the SLO?",
    "Dependency.timeout_ms": "What timeout does the client set on this call?",
    "Dependency.fallback": "What does the endpoint do when this call fails or times out?",
    "Dependency.max_qps": "What request rate does this dependency accept?",
    "Slo.p99_ms": "What p99 latency must the endpoint meet?",
    "Admission.load_shedding": "Are excess requests rejected early (load shedding)?",
    "Admission.bounded_queue": "Does the request queue have a size limit?",
    "Release.canary": "Do new model versions take a small share of traffic first?",
    "Release.auto_rollback": "Is a failing release rolled back automatically?",
    "PredictionLogging.features": "Are feature values logged with each prediction?",
    "PredictionLogging.request_id": "Does each prediction have a logged id?",
    "Label.kind": "What kind of label is it: outcome, explicit, implicit or human?",
    "LabelDelay.p50": "How long after a prediction does its label usually arrive?",
    "LabelDelay.p95": "How long until 95% of labels have arrived?",
    "Label.coverage": "What share of predictions ever gets a label?",
    "Label.base_rate": "What share of labelled outcomes is positive?",
    "FeedbackLoop.model_shapes_own_data": "Do the model's decisions decide which outcomes are "
    "seen?",
    "SourceMonitors.schema_": "Is there an alert when this source's schema changes?",
    "SourceMonitors.null_rate": "Is there an alert on this source's null or default rate?",
    "Pipeline.sampling_rate": "What share of rows does this job keep when it samples?",
    "Dependency.latency_ms": "What is the p99 latency of one call to this dependency?",
    "Store.ttl": "How long does an entry live in this store without a refresh?",
    "Feature.freshness_budget": "How old may the served value of this feature be?",
    "Source.owned_by_model_team": "Does the team that owns this system also own this data?",
    "Source.freshness": "How old is this source's newest data normally?",
    "Label.maturity_window": "How old must a labelled row be before training uses it?",
    "Label.join_key": "How is a label matched to its prediction: prediction id, entity and "
    "time, or entity only?",
    "Endpoint.request_timeout": "After how long is a queued request given up?",
    "Endpoint.disruption_budget": "Does a disruption budget limit the replicas taken down at once?",
    "PredictionLogging.predictions": "Are predictions logged?",
    "Release.shadow": "Do new versions score mirrored traffic before they act?",
    "Release.serving_compat_test": "Is each candidate scored in the production serving image "
    "before rollout?",
    "Holdout.enabled": "Is a random share of traffic kept from the model?",
    "Exploration.enabled": "Are some decisions randomised to explore?",
    "SkewMonitors.training_serving": "Are served features compared with training features?",
    "QualityMonitors.label_based": "Are quality metrics from labels monitored?",
    "FreshnessMonitors.model_age": "Is there an alert when the serving model is too old?",
    "SystemMonitors.latency": "Is serving latency alerted on against the SLO?",
    "Monitoring.runbooks": "Does every alert have an owner and a runbook?",
}
"""Questions as a person would ask them; other fields are asked from their schema description."""


def _is_signal(tp: Any) -> bool:
    args = get_args(tp)
    return bool in args and any(get_origin(a) is Literal for a in args)


def _parse(example: Any, tp: Any) -> Any:
    if tp is Duration:
        return Duration.parse(example)
    if tp is Schedule:
        return Schedule.parse(example)
    if tp is int:
        return int(example)
    if tp is float:
        return float(example)
    return example


def _within(key: str, value: Any, node: Node | None) -> bool:
    if key not in ORDERED or node is None:
        return True
    op, sibling = ORDERED[key]
    other = getattr(node, sibling)
    if other is None:
        return True
    return bool(value <= other if op == "<=" else value >= other)


def alternatives(model: type[Node], name: str, node: Node | None) -> tuple[Any, ...]:
    """The values a what-if review tries for ``model.name``; empty when the field is not asked.

    ``node`` is the instance the field belongs to (None when it does not exist yet)."""
    key = f"{model.__name__}.{name}"
    tp = strip(model.model_fields[name].annotation)
    if tp is bool or _is_signal(tp):
        return (True, False)
    if get_origin(tp) is Literal:
        return get_args(tp)
    if key not in RANGES:
        return ()
    return tuple(v for v in (_parse(x, tp) for x in RANGES[key]) if _within(key, v, node))


def question(model: type[Node], name: str) -> str:
    """How to ask for ``model.name`` in plain words."""
    key = f"{model.__name__}.{name}"
    if key in QUESTIONS:
        return QUESTIONS[key]
    info = model.model_fields[name]
    text = (info.description or name.replace("_", " ")).rstrip(".")
    tp = strip(info.annotation)
    if tp is bool or _is_signal(tp):
        return f"Is this so: {text[0].lower()}{text[1:]}?"
    if get_origin(tp) is Literal:
        return f"{text}: {', '.join(str(a) for a in get_args(tp))}?"
    return f"{text}?"
