"""Scenario families: the failure mechanisms a rule's findings belong to, each with its title, its
effect on the system and a default plan to prevent, detect, limit and recover. A rule names its
family when it registers; an unknown name is refused there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    title: str
    effect: str
    plan: dict[str, str]
    title_any: str = ""

    def heading(self, anchor: str) -> str:
        """The title naming the anchor component, or the general title without one."""
        return self.title.format(anchor=anchor) if anchor else (self.title_any or self.title)


FAMILIES: dict[str, Family] = {
    "skew": Family(
        "Training-serving skew goes unnoticed",
        "serving computes or sees {who} differently from training, so predictions degrade with no "
        "error and no alert",
        {
            "prevent": "Define each feature once for both paths and gate changes on a parity "
            "test over logged rows.",
            "detect": "Log served features with request ids and compare them daily with a "
            "training-code recomputation of the same rows.",
            "limit": "Canary every feature-code change with a guardrail on the prediction "
            "distribution.",
            "recover": "Roll back the feature code with the model version it was trained with, "
            "and retrain on logged serving features.",
        },
    ),
    "offline-online-gap": Family(
        "Offline evaluation overstates production quality",
        "{who} look better offline than they can be in serving, so launches and retrains are "
        "judged on fiction",
        {
            "prevent": "Evaluate on a time split that mirrors serving.",
            "detect": "Compare next-day production metrics with the offline estimate per release.",
            "limit": "Ship through an online A/B test before full rollout.",
            "recover": "Re-evaluate the serving model on the corrected split and roll back if it "
            "loses to the previous one.",
        },
    ),
    "source-outage": Family(
        "Source {anchor} fails and predictions degrade silently",
        "the data behind {who} stops or turns into defaults while serving carries on",
        {
            "prevent": "Declare the source's failure behaviour and test it in a game day.",
            "detect": "Alert on the source's freshness, volume and default rate.",
            "limit": "Fall back to last-known-good values within a stated staleness limit.",
            "recover": "Backfill the gap and exclude the outage window from training.",
        },
        "A source fails and bad inputs reach the model unnoticed",
    ),
    "bad-training-data": Family(
        "Bad data trains and ships a worse model",
        "an upstream data error trains {who} and reaches serving",
        {
            "prevent": "Validate data before training and block the run on failure.",
            "detect": "Compare each candidate with the serving model and a baseline per slice.",
            "limit": "Promote new models through a canary with automatic rollback.",
            "recover": "Roll back to the last blessed model and retrain without the bad partition.",
        },
    ),
    "upstream-change": Family(
        "An upstream change to {anchor} changes what the model sees",
        "another team changes the meaning or schema of {who} and the model keeps scoring with it",
        {
            "prevent": "Agree a data contract and consume a versioned snapshot.",
            "detect": "Alert on schema and distribution changes of the source's columns.",
            "limit": "Pin the consumed version until a change is validated.",
            "recover": "Revert to the previous snapshot and retrain if the change is kept.",
        },
        "An upstream change alters what the model sees",
    ),
    "pipeline-outage": Family(
        "Pipeline {anchor} fails and what it feeds goes stale",
        "a missed run leaves {who} older than their budget while they are still used",
        {
            "prevent": "Retry with backoff and keep slack of at least one run in every budget.",
            "detect": "Alert on job failure and on last-success age.",
            "limit": "Serve last-known-good outputs within a stated staleness limit.",
            "recover": "Re-run idempotently and backfill the missed partitions.",
        },
        "A pipeline fails and what it feeds goes stale",
    ),
    "zone-outage": Family(
        "One zone outage stops predictions",
        "a zone outage in {who} takes every prediction on that path with it",
        {
            "prevent": "Run every synchronous component in at least two zones.",
            "detect": "Alert per zone on error rate and availability.",
            "limit": "Serve from a cache or fallback while the zone is down.",
            "recover": "Rehearse zone failover in a game day.",
        },
    ),
    "stale-model": Family(
        "The model goes stale faster than anyone can see",
        "labels for {who} arrive too late to retrain or to measure quality in time",
        {
            "prevent": "Retrain on mature labels well inside the tolerated model age.",
            "detect": "Alert on model age and on the prediction distribution.",
            "limit": "Fall back to a simpler, fresher model when age limits are breached.",
            "recover": "Retrain on demand from the latest mature window.",
        },
    ),
    "bad-release": Family(
        "A bad model version reaches all traffic",
        "a version of {who} that scores differently in production goes live everywhere at once",
        {
            "prevent": "Score each candidate in the serving image against a golden set.",
            "detect": "Guard releases on errors, latency and the prediction distribution.",
            "limit": "Canary new versions and roll back automatically.",
            "recover": "Keep the previous version deployable and rehearse the rollback.",
        },
    ),
    "capacity": Family(
        "Serving cannot absorb the traffic growth target",
        "at the growth target requests to {who} queue past the latency SLO or are dropped",
        {
            "prevent": "Size max replicas, quotas and dependencies for the growth target from a "
            "load test that reaches it.",
            "detect": "Alert on saturation and p99 latency against the SLO.",
            "limit": "Bound queues and shed low-priority traffic first.",
            "recover": "Serve cached or fallback scores until capacity catches up.",
        },
    ),
    "dependency-outage": Family(
        "Dependency {anchor} takes the endpoint down with it",
        "a slow or failed call in {who} holds requests until the endpoint fails",
        {
            "prevent": "Budget a timeout for the dependency inside the SLO.",
            "detect": "Alert on the dependency's latency and error rate from the caller's side.",
            "limit": "Fall back to defaults, cached values or a heuristic behind a circuit "
            "breaker.",
            "recover": "Close the circuit gradually once the dependency is healthy.",
        },
        "A dependency takes the endpoint down with it",
    ),
    "selective-labels": Family(
        "The model cannot see its own mistakes",
        "outcomes for {who} are seen only where the model's decision allowed them, so errors on "
        "the rest are never measured or learned",
        {
            "prevent": "Let a small randomised share through and log its propensity.",
            "detect": "Track precision on the randomised holdout, not only on labelled traffic.",
            "limit": "Cap the automated action rate and review decisions above the cap.",
            "recover": "Retrain with inverse-propensity weights from the holdout once it has "
            "enough outcomes.",
        },
    ),
    "biased-feedback": Family(
        "The feedback loop biases the next model",
        "the data {who} learn from is shaped by their own past decisions",
        {
            "prevent": "Explore a small share of traffic and log propensities.",
            "detect": "Monitor exposure concentration and catalogue coverage over time.",
            "limit": "Keep a persistent holdout that the model never influences.",
            "recover": "Retrain on debiased (inverse-propensity weighted) data.",
        },
    ),
    "review-hygiene": Family("Review hygiene", "suppressions no longer match findings", {}),
}
