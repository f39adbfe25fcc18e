"""The risk model: how much of the next 90 days' decisions a scenario is expected to harm.

    risk = 1000 x T x R x E x I

T  share of the horizon the harm is expected to last: a defect acting now lasts until someone
   notices it and fixes it (all of the horizon when nobody would); a failure that recurs at a
   rate n per horizon and lasts d each time lasts n x d, never more than an unnoticed first
   occurrence would (1 - (1 - e^-n) / n); traffic reaching the growth target lasts until the
   binding constraint is lifted.
R  share of predictions reached: all of an endpoint's, those the affected features weigh on (by
   importance rank), those over the SLO at the growth target, those whose outcome is never seen,
   or the share the data shows affected.
E  harm to one reached prediction: wrong with no error 1.0, no answer 0.6 (0.2 when a fallback
   answers), stale 0.4, unmeasured 0.5, judged on overstated offline figures 0.3.
I  the system's stake: criticality (low 0.25, medium 0.5, high 0.75, critical 1) x automation
   (acts by itself 1, no automated action 0.5) x decision path (synchronous 1, batch 0.8).

Detection enters only through d: an alert shortens how long a failure harms, it does not make it
less likely. Every factor is printed with its inputs (docs/risk-model.md works one per area).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import NamedTuple

from mlreview.areas.assumed import Assumed, component_field
from mlreview.areas.common import either
from mlreview.areas.domain import family_for
from mlreview.areas.findings import Finding
from mlreview.areas.pipeline.availability import availability_of
from mlreview.areas.record import Record
from mlreview.areas.registry import SERVING, SKEW
from mlreview.areas.scenario_families import FAMILIES, Family, Trigger
from mlreview.areas.serving.assessment import (
    GROWTH_FIELD,
    EndpointCapacity,
    ServingAssessment,
)
from mlreview.areas.serving.launch import MISS_FACTOR, LaunchCheck, check_launch
from mlreview.areas.skew.assessment import SkewAssessment
from mlreview.document.cells import availability, number, share
from mlreview.engine.result import AreaResult, assessment_of
from mlreview.engine.rules import find
from mlreview.engine.scoring import likelihood_raises
from mlreview.engine.whatif.reads import derived, note_derived
from mlreview.system.manifest import (
    Component,
    Endpoint,
    Feature,
    Model,
    Node,
    Pipeline,
    Source,
    Store,
)
from mlreview.system.manifest.endpoints import CHANGE_FAILURE_ASSUMED, RELEASES_ASSUMED
from mlreview.system.system import System

HORIZON_DAYS = 90
HORIZON_HOURS = HORIZON_DAYS * 24.0

MONTH_DAYS = 30.0
"""Days in a month of releases, so that the horizon is 3 months."""
RUN_FAILURES = frozenset({"pipeline-outage", "stale-feature", "unchecked-output", "bad-artefact"})
"""Mechanisms whose event is a run of a job that fails, runs late or writes a bad output: their
rate is the runs in the horizon x the job's declared share of such runs."""

EVENTS_PER_YEAR = {1: 0.2, 2: 0.5, 3: 1, 4: 2, 5: 4, 6: 12, 7: 26, 8: 52, 9: 180, 10: 365}
"""A rule's likelihood on the AWS FMEA occurrence scale (3-4 yearly, 5-6 up to monthly, 7-8
weekly, 9-10 daily) as events per year: the default, named as assumed, when the manifest
declares no rate for the event."""

FALLBACK_EFFECT = 0.2
CRITICALITY = {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}
UNKNOWN_CRITICALITY = 0.5
AUTOMATED, HUMAN, UNKNOWN_AUTOMATION = 1.0, 0.5, 0.75
SYNCHRONOUS, BATCH = 1.0, 0.8

DETECTION_HOURS = {2: 0.25, 4: 24.0, 6: 168.0}
"""Detectability score of the best declared control (alert, dashboard, manual check) -> hours
until someone knows."""
LOOKS = {"dashboard": 168.0, "manual": 720.0}
"""After labels arrive, hours until a quality drop is seen: a dashboard someone looks at weekly,
a manual check monthly, an alert within a day."""
LOOKERS = {
    "dashboard": (" and someone reads its dashboard", "the dashboard taken as read weekly"),
    "manual": (" and a manual check sees it", "the check taken as monthly"),
}
"""How a quality drop is seen on a signal nobody is paged by, said with the cadence assumed."""
LOUD_UNWATCHED_HOURS = 1.0
"""A failure that fails requests is reported by its callers within about an hour."""

FIX_HOURS = {
    "skew": 24.0,
    "silent-default": 24.0,
    "upstream-change": 24.0,
    "stale-feature": 2.0,
    "pipeline-outage": 2.0,
    "bad-release": 1.0,
    "bad-training-data": 24.0,
    "runaway-automation": 1.0,
    "fleet-rollout": 4.0,
}
"""Hours from knowing to fixed, by mechanism: revert a feature change, re-run a job, roll a
release back, retrain, switch automation off, or remove a fleet-wide change through a control
plane it overloaded (hours: the rollback needs the API servers that are down). Outages use the
component's repair time."""
DEFAULT_MTTR_HOURS = 1.0
DEFAULT_AVAILABILITY = 0.999
CONSTRAINT_FIX_HOURS = {
    "replica pool at max replicas": 1.0,
    "connection pool": 1.0,
    "dependency QPS limit": 168.0,
    "accelerator quota": 720.0,
}
"""Hours to lift a capacity constraint: a config change (max replicas, pool size), a week to
provision a dependency, a month for accelerators (quota and stock are granted in weeks)."""
UNCONFIRMED = 0.5
"""A declared skew on a feature whose linked data shows no difference weighs half."""
QUERIED_KINDS = frozenset({"database", "online_api"})
"""Sources read by querying them: while one is down the query fails, so a job that reads it
fails too, where a table or stream that stops updating is read without error."""
CONTENT_FAULTS = frozenset({"bad-training-data", "upstream-change"})
"""Mechanisms in which a source's content is wrong (a bad batch, a change of meaning), rather
than its stopping or ageing."""
SOURCE_EVENTS = CONTENT_FAULTS | RUN_FAILURES
"""Event mechanisms that start in what a source sends (its content, or the runs that read it):
another team's source, or a less available one, that their finding names raises their default
rate (``scoring.likelihood_raises``). Other events (a release, a change to shared infrastructure, a
shift in the world) are counted at their rule's own rate."""
UNKNOWN_RANK_WEIGHT = 0.3
"""A feature's weight is 1 / its importance rank; 0.3 when no rank is declared."""
UNLABELLED_ASSUMED = 0.05


@dataclass(frozen=True)
class Part:
    """One way a scenario's causes start harm, with its share of the horizon and its reach."""

    trigger: Trigger
    rules: tuple[str, ...]
    likelihood: float
    """Probability of at least one occurrence in the horizon (1 for a defect acting now and
    for the growth target, which the review assumes is reached)."""
    exposure: float
    reach: float
    working: str = ""
    """Where its chance, its share of the horizon and its reach come from, as part 5 prints
    them after the part's name."""
    chance: str = ""
    """Where its chance alone comes from (the rate and P), when every figure of the rate is
    declared; "" when it is certain (acting now, the growth target) or rests on a default."""
    guessed: tuple[Assumed, ...] = ()
    """The defaults its chance rests on (a rule's event rate, an availability or a repair
    time), each with the field that would replace it."""
    when: str = ""
    """For growth: what makes it certain in words, when not the growth target (a launch), or
    the guessed growth figure it happens only if (``premise``)."""
    premise: str = ""
    """The guessed figure it happens only if: a growth target left to the default or marked a
    guess in the manifest ("the 3x growth target, marked inferred on line 16"); "" when
    stated."""
    premise_field: str = ""
    """The field that would state that figure."""
    share_assumed: bool = False
    """Its share of the horizon or its reach rests on the review's own figures (the time to fix
    a defect or lift a ceiling, which no field states; a reach from an assumed weight): the
    opening screen states no share from it (``scenarios.share_on_default``)."""


@dataclass
class Risk:
    """A scenario's score and the working behind each factor."""

    parts: list[Part]
    effect: float
    impact: float
    working: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    harm: str = ""
    """What one reached prediction suffers, in words."""
    stake: str = ""
    """What rides on the system, in words."""
    defaults: list[Assumed] = field(default_factory=list)
    """The figures behind the score that rest on a default, with the field to declare."""
    unstaked: Unstaked | None = field(default=None, compare=False, repr=False)
    """The score before the system's stake, to score it again at another (``staked``)."""

    @cached_property
    def exposure_reach(self) -> float:
        """The parts' shares added, at most all of the horizon's predictions."""
        return min(1.0, sum(p.exposure * p.reach for p in self.parts))

    @property
    def main(self) -> Part:
        return max(self.parts, key=lambda p: (p.exposure * p.reach, p.trigger))

    @property
    def trigger(self) -> Trigger:
        return self.main.trigger

    @property
    def likelihood(self) -> float:
        return 1.0 - math.prod(1.0 - p.likelihood for p in self.parts)

    @property
    def premise(self) -> str:
        """The guessed figure the whole of its harm happens only if, when every part that harms
        rests on one (a capacity shortfall at a growth target nobody stated); else ""."""
        return self._premised[0].premise if self._premised else ""

    @property
    def premise_field(self) -> str:
        """The field that would state the figure ``premise`` names."""
        return self._premised[0].premise_field if self._premised else ""

    @property
    def _premised(self) -> list[Part]:
        harming = [p for p in self.parts if p.exposure * p.reach > 0] or self.parts
        return harming if harming and all(p.premise for p in harming) else []

    @cached_property
    def score(self) -> int:
        return round(1000 * self.exposure_reach * self.effect * self.impact)


def _hours(h: float) -> str:
    if h >= 48:
        return f"{h / 24:.3g} d"
    if h >= 1:
        return f"{h:.3g} h"
    return f"{h * 60:.0f} min"


def _watches_requests_only(monitors: tuple[str, ...]) -> bool:
    return all(m.startswith("monitoring.system.") for m in monitors)


def _exposure_working(n: float, hours: float) -> tuple[float, str]:
    """Share of the horizon harmed by ``n`` expected occurrences of ``hours`` each, capped by an
    unnoticed first occurrence harming from when it happens to the horizon's end; with the
    arithmetic a reader can redo."""
    if n <= 0:
        return 0.0, "T = 0"
    summed = n * hours / HORIZON_HOURS
    # For Poisson arrivals, the expected share of the horizon left after the first one.
    after_first = 1.0 - (1.0 - math.exp(-n)) / n
    if summed <= after_first:
        return summed, f"T = {n:.2g} x {_hours(hours)} / {HORIZON_DAYS} d = {summed:.3f}"
    return after_first, (
        f"T = {after_first:.3f}: harm runs from the first one to the end of the {HORIZON_DAYS} d "
        f"({n:.2g} x {_hours(hours)} would be more), and the expected share of the {HORIZON_DAYS} "
        f"d after the first one is 1 - (1 - e^-{n:.2g}) / {n:.2g}"
    )


TRIGGER_WORDS: dict[Trigger, str] = {
    "present": "Acting now",
    "growth": "At the growth target",
    "outage": "On each outage",
}


@dataclass(frozen=True)
class _Rate:
    """Events expected in the horizon with their working, when the manifest declares the
    figures; else the field(s) that would (``settle``), if there is one."""

    n: float | None = None
    text: str = ""
    settle: tuple[str, ...] = ()


TRIGGER_ORDER: tuple[Trigger, ...] = ("present", "growth", "outage", "event")
OWN_EVENTS = frozenset({("stale-feature", "skew")})
"""Causes joined to another mechanism's scenario that keep their own kind of event: a feature's
second implementation, joined to its staleness, goes wrong when either side's code changes, not
on a missed refresh, and is counted at that rate on that feature."""


class _Case(NamedTuple):
    family: Family
    family_key: str
    anchor: str
    findings: list[Finding]


SKEW_DATA = ("@skew", "data")
"""What a score notes it read of the skew assessment (the linked data's results only)."""


def serving_row(endpoint: str) -> tuple[str, str]:
    """What a score notes it read of the serving assessment: one endpoint's row."""
    return ("@serving", endpoint)


def changed_inputs(before: dict[str, Record], after: dict[str, Record]) -> list[tuple[str, str]]:
    """The parts of the skew and serving assessments a score reads that differ between two
    reviews of a system, as noted by ``note_derived``."""
    out: list[tuple[str, str]] = []
    skew_a, skew_b = before[SKEW.key], after[SKEW.key]
    if skew_a is not skew_b:
        assert isinstance(skew_a, SkewAssessment) and isinstance(skew_b, SkewAssessment)
        if not _same(skew_a.data, skew_b.data):
            out.append(SKEW_DATA)
    serving_a, serving_b = before[SERVING.key], after[SERVING.key]
    if serving_a is not serving_b:
        assert isinstance(serving_a, ServingAssessment)
        assert isinstance(serving_b, ServingAssessment)
        rows_a, rows_b = _first_rows(serving_a), _first_rows(serving_b)
        for endpoint in sorted(rows_a.keys() | rows_b.keys()):
            a, b = rows_a.get(endpoint), rows_b.get(endpoint)
            if a is None or b is None or not _same(a, b):
                out.append(serving_row(endpoint))
    return out


def _first_rows(serving: ServingAssessment) -> dict[str, EndpointCapacity]:
    """Each endpoint's first row (the one a score reads)."""
    rows: dict[str, EndpointCapacity] = {}
    for row in serving.endpoints:
        rows.setdefault(row.endpoint, row)
    return rows


def _same(a: object, b: object) -> bool:
    """Equal (values that cannot be compared count as changed)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


LABEL_WATCH = ("@label-watch",)
UNPAGED = ("@unpaged-watches",)
"""The derived reads (``whatif.reads.derived``) of how the outputs are watched: system-wide
monitors every silent scenario's detection reads, and that a what-if on another monitor
leaves as they were."""


def label_watch_of(system: System) -> object:
    """How the quality metric against labels is watched (``monitoring.quality.label_based``),
    None when not said."""
    monitoring = system.manifest.monitoring
    return monitoring and monitoring.quality and monitoring.quality.label_based


def unpaged_output_watches(system: System) -> list[str]:
    """Watches of the outputs that page nobody: a proxy of quality or the predictions'
    distribution on a dashboard or checked by hand."""
    monitoring = system.manifest.monitoring
    if monitoring is None:
        return []
    out = []
    for group, name in (("quality", "proxy"), ("drift", "predictions")):
        node = getattr(monitoring, group)
        signal = getattr(node, name) if node is not None else None
        if signal in ("dashboard", "manual"):
            out.append(f"monitoring.{group}.{name} = {signal}")
    return out


STAKE = ("@stake",)
"""The derived read (``whatif.reads.derived``) of a score's stake (``stake_of``)."""
Stake = tuple[str | None, bool | None]


def stake_of(system: System) -> Stake:
    """The system-wide half of every score's impact factor I, as declared: the criticality and
    whether the system acts by itself (None when not said). A what-if on either field moves
    only I of a score that read nothing else it changed (``staked``)."""
    info = system.manifest.system
    decision = info.decision
    return info.criticality, decision.automated_action if decision else None


@dataclass(frozen=True)
class Unstaked:
    """A scenario's score before its stake: every factor but the system's criticality and
    automation, with the working and the assumptions behind them, so that a what-if that moves
    only the stake scores it again from here (``staked``)."""

    parts: list[Part]
    effect: float
    working: tuple[str, ...]
    assumed: tuple[str, ...]
    defaults: tuple[Assumed, ...]
    harm: str
    path: float
    """The decision path's factor of I (synchronous 1, batch 0.8)."""
    path_text: str


def staked(base: Unstaked, stake: Stake) -> Risk:
    """The score of ``base`` at a stake (``stake_of``): I = criticality x automation x path,
    then the risk; the working says each factor with its input."""
    crit, automated = stake
    working, assumed, defaults = list(base.working), list(base.assumed), list(base.defaults)
    c = CRITICALITY.get(crit or "", UNKNOWN_CRITICALITY)
    if crit is None:
        assumed.append("criticality")
        defaults.append(Assumed("medium criticality", "system.criticality"))
    a = UNKNOWN_AUTOMATION if automated is None else AUTOMATED if automated else HUMAN
    if automated is None:
        assumed.append("decision.automated_action")
        defaults.append(Assumed("automation unknown", "system.decision.automated_action"))
    p, path_text = base.path, base.path_text
    crit_text = f"criticality {crit} ({c:g})" if crit else f"criticality unknown ({c:g})"
    auto_text = (
        "acts by itself"
        if automated
        else "no automated action"
        if automated is False
        else "automation unknown"
    )
    working.append(
        f"I = {c:g} x {a:g} x {p:g}: {crit_text}, {auto_text} ({a:g}), {path_text} ({p:g})"
    )
    stake_text = f"{crit_text.rpartition(' (')[0]}, {auto_text}, on a {path_text} path"
    impact = c * a * p
    parts, effect = base.parts, base.effect
    risk = Risk(
        parts,
        effect,
        impact,
        working,
        assumed,
        base.harm,
        stake_text,
        list(dict.fromkeys(defaults)),
        unstaked=base,
    )
    terms = " + ".join(f"{part.exposure:.3g} x {part.reach:.3g}" for part in parts)
    harmed = sum(part.exposure * part.reach for part in parts)
    total = f"min(1, {terms})" if harmed > 1 else f"({terms})"
    working.append(f"risk = 1000 x {total} x {effect:g} x {impact:.3g} = {risk.score}")
    return risk


def family_of(key: str, system: System) -> Family:
    """``family_for(key, system)``, read as a derived value (``whatif.reads.derived``): a
    family's words rest on the system's decision, which every score reads through it, and a
    what-if below that decision seldom changes them."""
    return derived(("@family", key), partial(family_for, key), system)


class RiskModel:
    """Scores scenarios of one review; reads the manifest and the areas' assessments."""

    def __init__(self, system: System, areas: dict[str, AreaResult]) -> None:
        self.system = system
        self.areas = areas
        self.defaults: list[Assumed] = []
        """The defaults the scenario being scored rests on."""
        self.harm = ""
        self.launch_assumed = False
        """The scenario being scored has a launch finding (SCALE018) resting only on assumed
        figures: it is then framed by the growth target, as its title is."""
        self.launches: dict[str, LaunchCheck | None] = {}
        """The launch check of each anchor the scenario being scored asks for (``_launch``)."""
        self.chance = ""
        """How the chance of the part being scored is worked (``Part.chance``)."""
        self.rate_default = False
        """Whether that part's event rate is the rule's default."""
        self.timed_by_default = False
        """Whether that part's share of the horizon rests on the review's time to fix or lift."""

    # --- the factors -----------------------------------------------------------------------

    def path(self, components: list[str]) -> tuple[float, str]:
        """The decision path's factor of I and its word: synchronous when the scenario reaches
        an online endpoint."""
        # A component the flows do not trace to an endpoint (a job writing the table a batch
        # run reads) is on the system's paths: synchronous only if one of them is.
        endpoints = self._endpoints(components) or list(self.system.manifest.endpoints)
        online = any(e.mode != "batch" for e in endpoints) or not endpoints
        return (SYNCHRONOUS, "synchronous") if online else (BATCH, "batch")

    def _endpoints(self, components: list[str]) -> list[Endpoint]:
        """Endpoints the scenario's components are, or reach."""
        out: dict[str, Endpoint] = {}
        for ident in components:
            comp = self.system.get(ident)
            if isinstance(comp, Endpoint):
                out[comp.id] = comp
            for down in self.system.endpoints_reached(ident):
                e = self.system.components[down]
                assert isinstance(e, Endpoint)
                out[e.id] = e
        return [out[k] for k in sorted(out)]

    def _features(self, anchor: str, components: list[str]) -> list[Feature]:
        """Features the scenario touches: named in it, computed from its root, or else read by
        the models it names or trains (``_declared_features``)."""
        every = self.system.components
        names = set(components) | {anchor}
        feats = {n: f for n in names if isinstance(f := every.get(n), Feature)}
        if not feats:
            feats = {
                n: f for n in self.system.features_of(anchor) if isinstance(f := every[n], Feature)
            }
        if not feats:
            feats = {f.id: f for f in self._declared_features(sorted(names))}
        return [feats[k] for k in sorted(feats)]

    def _declared_features(self, names: list[str]) -> list[Feature]:
        """The features a model states it reads (``models[].features``), for a mechanism rooted
        at the model or at the job that trains it: what it touches is what the model reads, not
        an assumed share. None when no such model states its features."""
        models: list[Model] = []
        for name in names:
            comp = self.system.get(name)
            if isinstance(comp, Model):
                models.append(comp)
            elif isinstance(comp, Pipeline):
                models += [
                    m
                    for m in self.system.manifest.models
                    if self.system.training_pipeline(m) is comp
                ]
        every = self.system.components
        return [
            f
            for m in models
            for ident in m.features or ()
            if isinstance(f := every.get(ident), Feature)
        ]

    @staticmethod
    def _weight(f: Feature) -> float:
        rank = f.importance_rank
        return UNKNOWN_RANK_WEIGHT if rank is None else 1.0 / max(rank, 1)

    def _observed_share(self, features: list[Feature]) -> tuple[float, str, Feature] | None:
        """The excess share of served rows the data shows affected (a default or a null
        appearing more often in serving than in training), for the most affected feature."""
        skew = assessment_of(self.areas, SKEW)
        note_derived(SKEW_DATA)
        if skew is None:
            return None
        by_id = {f.id: f for f in features}
        best: tuple[float, str, Feature] | None = None
        for linked in skew.data:
            for lf in linked.features:
                if lf.feature not in by_id:
                    continue
                for cause in lf.result.causes:
                    d = cause.details
                    if "serving_share" in d and "training_share" in d:
                        excess = max(0.0, float(d["serving_share"]) - float(d["training_share"]))
                        why = (
                            f"{lf.feature} is {d.get('value', 'the default')} in "
                            f"{float(d['serving_share']):.2%} of served rows against "
                            f"{float(d['training_share']):.2%} in training, an excess of "
                            f"{excess:.3f}"
                        )
                        if best is None or excess > best[0]:
                            best = (excess, why, by_id[lf.feature])
        return best

    def reach(
        self,
        family: Family,
        anchor: str,
        findings: list[Finding],
        working: list[str],
        assumed: list[str],
    ) -> float:
        components = sorted({c for f in findings for c in f.components} | {anchor})
        if family.reach == "features":
            feats = self._features(anchor, components)
            observed = (
                self._observed_share(feats)
                if any(f.grade == "observed" for f in findings)
                else None
            )
            if observed is not None:
                excess, why, feature = observed
                weight = self._weight(feature)
                working.append(
                    f"R = {excess:.3f} x {weight:g}: observed, {why}; importance weight {weight:g}"
                )
                return excess * weight
            if not feats:
                working.append(f"R = {UNKNOWN_RANK_WEIGHT:g}: no feature named (assumed)")
                assumed.append("features")
                self.defaults.append(
                    # It sizes the share only, which the opening screen then leaves out too.
                    Assumed(
                        f"{share(UNKNOWN_RANK_WEIGHT)} of predictions reached", "features", brief=""
                    )
                )
                return UNKNOWN_RANK_WEIGHT
            top = max(feats, key=self._weight)
            w = self._weight(top)
            if top.importance_rank is None:
                where = component_field(self.system, top.id, "importance_rank")
                self.defaults.append(
                    Assumed(f"weight {w:g} for {top.id}", where or "importance_rank", brief="")
                )
            rank = (
                f"importance rank {top.importance_rank}"
                if top.importance_rank
                else "importance rank unknown"
            )
            tag = self._tag(top, "importance_rank") if top.importance_rank else "declared"
            if tag != "declared":
                # A guessed rank is the whole of this reach: say so where it is used.
                rank += f", {tag.removeprefix('declared, ')}"
            rows = max(f.rows for f in findings)
            if rows >= 1:
                working.append(f"R = {w:.3g}: {top.id}, {rank} (weight 1 / rank)")
                return w
            touching = next(f for f in findings if f.rows == rows)
            working.append(
                f"R = {w:.3g} x {rows:g} = {w * rows:.3g}: {top.id}, {rank} (weight 1 / rank); "
                f"{touching.rule} touches about {share(rows)} of its rows (assumed)"
            )
            assumed.append(f"{touching.rule} row share")
            return w * rows
        if family.reach == "capacity":
            return self._capacity_reach(anchor, working)
        if family.reach == "unlabelled":
            return self._unlabelled(anchor, findings, working, assumed)
        excluded = self._excluded_share(findings)
        if excluded is not None:
            working.append(
                f"R = 1 - {1 - excluded:g} = {excluded:.2f}: the served cases its training "
                "filter keeps out, on which it extrapolates"
            )
            return excluded
        working.append("R = 1: every prediction on the path")
        return 1.0

    def _excluded_share(self, findings: list[Finding]) -> float | None:
        """A training filter that keeps some served cases out (SKEW016) harms those cases, not
        every prediction: the share it keeps out, when the manifest gives the share it keeps."""
        for f in findings:
            if f.rule != "SKEW016":
                continue
            for ident in f.components:
                model = self.system.get(ident)
                if not isinstance(model, Model) or model.training is None:
                    continue
                population = model.training.population
                if population is not None and population.share_kept is not None:
                    return 1.0 - population.share_kept
        return None

    def _launch(self, anchor: str) -> LaunchCheck | None:
        """The anchor's launch check, when it declares a launch that twice its forecast would
        push past the ceiling: the capacity scenario then works from the launch rather than
        the growth target."""
        if anchor not in self.launches:
            serving = assessment_of(self.areas, SERVING)
            endpoint = self.system.get(anchor)
            check = None
            if not self.launch_assumed and serving is not None and isinstance(endpoint, Endpoint):
                row = next((r for r in serving.endpoints if r.endpoint == anchor), None)
                check = check_launch(self.system, endpoint, row) if row else None
            self.launches[anchor] = check if check is not None and check.excess_qps > 0 else None
        return self.launches[anchor]

    def _capacity_reach(self, anchor: str, working: list[str]) -> float:
        serving = assessment_of(self.areas, SERVING)
        note_derived(serving_row(anchor))
        rows = serving.endpoints if serving else []
        row = next((r for r in rows if r.endpoint == anchor), None)
        launch = self._launch(anchor)
        if row is not None and launch is not None and launch.bounded:
            working.append(
                "R = 0: the launch's demand is capped (sign-ups and each user's use, or "
                "shedding), so what passes the ceiling is refused at the door, not failed"
            )
            return 0.0
        if row is not None and launch is not None:
            self.defaults += row.assumed
            working.append(
                f"R = {number(launch.excess_qps)} / {number(launch.missed_qps)} = "
                f"{launch.refused_share:.2f}: requests over the {number(launch.ceiling_qps)} QPS "
                f"ceiling ({launch.constraint}) at {MISS_FACTOR:g}x the launch forecast of "
                f"{number(launch.forecast_qps)} QPS"
            )
            return launch.refused_share
        if row is None or not row.bottlenecks or not row.target_qps:
            working.append("R = 0.5: capacity at the target unknown (assumed)")
            return 0.5
        self.defaults += row.assumed
        first = row.bottlenecks[0]
        served = min(first.capacity_qps, row.target_qps)
        share = max(0.0, 1.0 - served / row.target_qps)
        working.append(
            f"R = 1 - {served:,.0f} / {row.target_qps:,.0f} = {share:.2f}: requests above "
            f"the first limit ({first.constraint}, {first.component}) at "
            f"{row.multiplier:g}x"
        )
        return share

    def _unlabelled(
        self, anchor: str, findings: list[Finding], working: list[str], assumed: list[str]
    ) -> float:
        loops = [
            loop
            for loop in self.system.manifest.feedback
            if loop.id == anchor or loop.id in {c for f in findings for c in f.components}
        ]
        for loop in loops:
            coverage = loop.label.coverage if loop.label else None
            if coverage is not None:
                share = 1.0 - coverage
                working.append(f"R = 1 - {coverage:g} = {share:.2f}: predictions never labelled")
                return share
        working.append(
            f"R = {UNLABELLED_ASSUMED:g}: share of decisions whose outcome is never seen "
            "(label coverage not declared; assumed)"
        )
        assumed.append("label.coverage")
        where = component_field(self.system, loops[0].id, "label.coverage") if loops else None
        self.defaults.append(
            Assumed(
                f"{UNLABELLED_ASSUMED:.0%} of outcomes never seen",
                where or "label.coverage",
                brief="",
            )
        )
        return UNLABELLED_ASSUMED

    def _detection_hours(
        self, family: Family, findings: list[Finding], present: bool, key: str = ""
    ) -> tuple[float, str]:
        """Hours until someone knows. Only a monitor of the failure itself notices a defect that
        has been there all along: a quality metric moves on a change, not on a constant."""
        controls = [f for f in findings if f.detected_by]
        if family.harm != "loud":
            # Error and latency monitors watch requests that fail; a wrong answer fails none.
            controls = [f for f in controls if not _watches_requests_only(f.detected_by)]
        if controls:
            best = min(controls, key=lambda f: f.score[2])
            hours = DETECTION_HOURS.get(best.score[2], DETECTION_HOURS[6])
            return hours, f"noticed in {_hours(hours)} ({best.detected_by[0]})"
        if family.harm == "loud":
            return (
                LOUD_UNWATCHED_HOURS,
                f"noticed in {_hours(LOUD_UNWATCHED_HOURS)} (callers see errors)",
            )
        label_watch = derived(LABEL_WATCH, label_watch_of, self.system)
        delay = self._label_delay_hours()
        if label_watch and delay is not None and not present:
            built = self._labels_built_from(key, findings)
            if built:
                return HORIZON_HOURS, (
                    f"no monitor would notice it: the quality metric scores against labels "
                    f"{built}, so wrong data there is wrong in the labels too"
                )
            hours = delay + LOOKS.get(str(label_watch), 24.0)
            # A dashboard or a manual check is looked at when someone chooses to: the cadence
            # is the model's, and the working says so rather than implying a scheduled check.
            who, cadence = LOOKERS.get(str(label_watch), ("", ""))
            when = ", ".join(filter(None, (_hours(hours), cadence)))
            return hours, f"noticed when labels move the quality metric{who} ({when})"
        # A defect there all along moves no output metric (as for labels above): only a change.
        watched = [] if present else derived(UNPAGED, unpaged_output_watches, self.system)
        if watched:
            # People who look at the outputs by hand or on a dashboard may see it, but nothing
            # says how soon: the figure does not count them, and the working says so.
            return HORIZON_HOURS, (
                f"no alert would notice it; {either(watched, 'and', limit=len(watched))} "
                f"{'is' if len(watched) == 1 else 'are'} not counted, as nothing says how soon "
                "anyone looks"
            )
        return HORIZON_HOURS, "no monitor would notice it"

    def _labels_built_from(self, key: str, findings: list[Finding]) -> str | None:
        """How the labels come from the source at fault, when they do with nothing checking:
        wrong content in it (a bad batch, a changed meaning) is then wrong in the labels too, and
        a quality metric computed on those labels agrees with the model trained on them. Only a
        source declared unversioned that is the label source, or that the job building the
        labels reads with no blocking validation."""
        if key not in CONTENT_FAULTS:
            return None
        for ident in dict.fromkeys(c for f in findings for c in f.components):
            source = self.system.get(ident)
            if not isinstance(source, Source) or source.contract is None:
                continue
            if source.contract.schema_versioned is not False:
                continue
            for loop in self.system.manifest.feedback:
                label = loop.label.source if loop.label else None
                if label == source.id:
                    return f"read from {source.id}"
                job = self.system.get(label) if label else None
                if (
                    isinstance(job, Pipeline)
                    and source.id in job.inputs
                    and not (job.validation and job.validation.blocking)
                ):
                    return f"that {job.id} builds from {source.id} without a blocking check"
        return None

    def _label_delay_hours(self) -> float | None:
        delays = [
            float(loop.label.delay.p50) / 3600.0
            for loop in self.system.manifest.feedback
            if loop.label and loop.label.delay and loop.label.delay.p50
        ]
        return min(delays) if delays else None

    def _outage(self, anchor: str, assumed: list[str]) -> tuple[float, float, str]:
        """(failures expected in the horizon, hours each, basis) for the root component."""
        comp = self.system.get(anchor)
        figure = availability_of(comp) if isinstance(comp, (Source, Store, Endpoint)) else None
        if figure is None:
            a, basis = DEFAULT_AVAILABILITY, f"{availability(DEFAULT_AVAILABILITY)} (assumed)"
            assumed.append(f"{anchor} availability")
            where = component_field(self.system, anchor, "availability")
            self.defaults.append(
                Assumed(
                    f"{availability(DEFAULT_AVAILABILITY)} availability of {anchor}",
                    where or "availability",
                )
            )
        else:
            a, basis = figure.availability, f"{availability(figure.availability)} ({figure.basis})"
        mttr = getattr(comp, "mttr", None)
        hours = float(mttr) / 3600.0 if mttr is not None else DEFAULT_MTTR_HOURS
        if mttr is None:
            assumed.append(f"{anchor} mttr")
            where = component_field(self.system, anchor, "mttr")
            self.defaults.append(Assumed(f"{_hours(hours)} to repair {anchor}", where or "mttr"))
        n = HORIZON_HOURS * (1.0 - a) / hours
        text = (
            f"{anchor} available {basis}, {_hours(hours)} to repair: {n:.2g} failures expected "
            f"in {HORIZON_DAYS} d ({HORIZON_HOURS:,.0f} h x {share(1 - a)} / {_hours(hours)})"
        )
        return n, hours, text

    def _writers(self, anchor: str, findings: list[Finding]) -> list[Pipeline]:
        """The batch or stream jobs that rewrite ``anchor`` (the job itself, or those that
        write the store): the ones the findings name, else every one."""
        comp = self.system.get(anchor)
        writers = [
            p
            for p in self.system.manifest.pipelines
            if p is comp or (isinstance(comp, Store) and comp.id in p.outputs)
        ]
        named = {c for f in findings for c in f.components}
        return [p for p in writers if p.id in named] or writers

    def _next_run_hours(self, anchor: str, findings: list[Finding]) -> float | None:
        """The longest wait for the next scheduled run that rewrites ``anchor`` (a batch job,
        or the store it writes), which ends staleness from one missed run by itself: the jobs
        the findings name, else every job that writes it."""
        writers = self._writers(anchor, findings)
        gaps = [
            p.schedule.longest_gap / 3600.0
            for p in writers
            if p.schedule is not None and not p.schedule.continuous
        ]
        return max(gaps) if gaps and len(gaps) == len(writers) else None

    def _stalls(self, key: str, anchor: str) -> bool:
        """Whether the scenario is a source that stops updating with nobody downstream told: a
        table that has stopped updating can still be read, so its availability does not count
        its stalls, and its repair time does not end the harm, which lasts until someone
        notices (Rules of ML #10: a table stale for six months). Its stalls are then counted
        as events: the source's declared incident count, else the rule's default rate."""
        return key == "stale-source" and self._owner_tells(anchor) is None

    def _stall_detection(self, findings: list[Finding]) -> tuple[float, str]:
        """Hours until someone knows a source stopped updating when nobody is told: a monitor
        among the findings that watches it, else never within the horizon (a slowly ageing
        input moves a quality metric too little to trip it)."""
        controls = [
            f for f in findings if f.detected_by and not _watches_requests_only(f.detected_by)
        ]
        if controls:
            best = min(controls, key=lambda f: f.score[2])
            hours = DETECTION_HOURS.get(best.score[2], DETECTION_HOURS[6])
            return hours, f"noticed in {_hours(hours)} ({best.detected_by[0]})"
        return HORIZON_HOURS, (
            "nobody downstream is told it stopped, no freshness monitor would notice, and a "
            "slowly ageing input moves a quality metric too little to trip it; a table that has "
            "stopped updating can still be read, so neither its availability nor its repair "
            "time counts or ends a stall"
        )

    def _stall_repair(self, anchor: str, detect: float, assumed: list[str]) -> tuple[float, str]:
        """Hours from noticing a stall to the source updating again: its repair time, read only
        where someone notices within the horizon (otherwise nothing repairs it in time, and the
        repair time bounds nothing)."""
        if detect >= HORIZON_HOURS:
            return 0.0, ""
        source = self.system.get(anchor)
        mttr = getattr(source, "mttr", None)
        if source is not None and mttr is not None:
            hours = float(mttr) / 3600.0
            return hours, f"repaired {_hours(hours)} later ({self._tag(source, 'mttr')})"
        assumed.append(f"{anchor} mttr")
        where = component_field(self.system, anchor, "mttr")
        self.defaults.append(
            Assumed(f"{_hours(DEFAULT_MTTR_HOURS)} to repair {anchor}", where or "mttr")
        )
        return DEFAULT_MTTR_HOURS, f"repaired {_hours(DEFAULT_MTTR_HOURS)} later (assumed)"

    def _owner_tells(self, anchor: str) -> str | None:
        """Why a stopped source's consumers would know it stopped, if they would."""
        source = self.system.get(anchor)
        if not isinstance(source, Source):
            return None
        if source.owned_by_model_team:
            return "the model team owns it"
        contract = source.contract
        if contract is not None and contract.change_notification:
            return "its owner notifies its consumers"
        if source.kind in QUERIED_KINDS:
            readers = self.system.readers(source.id)
            if readers and all(p.alerts and p.alerts.on_failure == "alert" for p in readers):
                names = ", ".join(p.id for p in readers)
                return (
                    f"a {source.kind} that is down fails the runs that query it, and {names} "
                    "alert on a failed run"
                )
        return None

    def _adaptation_hours(self, anchor: str, retrain: float) -> tuple[float, str]:
        """After a shift, a model retrained on a window of w days predicts mostly from the new
        world only once half its window is new data: w / 2 after the shift, at least a retrain."""
        model = self.system.get(anchor)
        window = model.training.window if isinstance(model, Model) and model.training else None
        if window is None or window.hours / 2 <= retrain:
            return retrain, f"fixed {_hours(retrain)} later"
        half = window.hours / 2
        return half, (
            f"adapted once half its {window.days:g} d training window is new data, "
            f"{_hours(half)} later"
        )

    def _growth_premise(self, anchor: str) -> tuple[str, str]:
        """The growth target in words when nobody stated it ("the 3x growth target, marked
        inferred on line 16", "the default 10x growth target"), with the field that would state
        it: the shortfall at it then happens only if that guess comes true, where a stated
        target (a plan, a forecast) makes it certain once traffic gets there. ("", "") when it
        is stated."""
        endpoint = self.system.get(anchor)
        if not isinstance(endpoint, Endpoint):
            return "", ""
        for traffic in (endpoint.traffic, self.system.manifest.system.traffic):
            if traffic and traffic.growth_multiplier:
                tag = self._tag(traffic, "growth_multiplier")
                if tag == "declared":
                    return "", ""
                return (
                    f"the {traffic.growth_multiplier:g}x growth target, "
                    f"{tag.removeprefix('declared, ')}",
                    self._field(traffic, "growth_multiplier"),
                )
        default = self.system.defaults.growth_target
        return f"the default {default:g}x growth target (set {GROWTH_FIELD})", GROWTH_FIELD

    def _growth_fix(self, anchor: str) -> tuple[float, str]:
        serving = assessment_of(self.areas, SERVING)
        note_derived(serving_row(anchor))
        rows = serving.endpoints if serving else []
        row = next((r for r in rows if r.endpoint == anchor), None)
        broken = [b for b in (row.bottlenecks if row else []) if not b.holds]
        if not broken:
            return CONSTRAINT_FIX_HOURS["replica pool at max replicas"], "raise max replicas"
        worst = max(broken, key=lambda b: CONSTRAINT_FIX_HOURS.get(b.constraint, 1.0))
        hours = CONSTRAINT_FIX_HOURS.get(worst.constraint, 1.0)
        return hours, f"lift {worst.constraint} of {worst.component}"

    # --- a scenario ------------------------------------------------------------------------

    def score(self, family_key: str, anchor: str, findings: list[Finding]) -> Risk:
        """Sum over the ways the scenario's causes start harm (acting now, at the growth
        target, on an outage, on an event) of T x R; times E and I."""
        family = FAMILIES[family_key]
        causes = [f for f in findings if f.role == "cause"] or findings
        working: list[str] = []
        assumed: list[str] = []
        self.defaults = []
        launch_hits = [f for f in findings if f.rule == "SCALE018"]
        self.launch_assumed = bool(launch_hits) and all(f.grade == "assumed" for f in launch_hits)
        self.launches = {}
        groups: dict[tuple[Trigger, str], list[Finding]] = {}
        stalls = self._stalls(family_key, anchor)
        for f in causes:
            trigger: Trigger = "present" if f.grade == "observed" else f.trigger  # type: ignore[assignment]
            if trigger == "outage" and stalls:
                trigger = "event"
            own = f.family if trigger == "event" and (family_key, f.family) in OWN_EVENTS else ""
            groups.setdefault((trigger, own), []).append(f)
        parts: list[Part] = []
        for trigger, own in sorted(groups, key=lambda k: (TRIGGER_ORDER.index(k[0]), k[1])):
            group = groups[(trigger, own)]
            lines: list[str] = []
            kind, key, root = (
                (FAMILIES[own], own, group[0].anchor)
                if own
                else (
                    family,
                    family_key,
                    anchor,
                )
            )
            before, self.chance, self.rate_default = len(self.defaults), "", False
            self.timed_by_default = False
            likelihood, exposure = self._exposure(
                trigger, _Case(kind, key, root, group if own else findings), group, lines, assumed
            )
            guessed = tuple(self.defaults[before:])
            reached_from = len(self.defaults)
            reach = self.reach(kind, root, group, lines, assumed)
            share_assumed = self.timed_by_default or len(self.defaults) > reached_from
            rules = tuple(sorted({f.rule for f in group}))
            chance = "" if guessed else self.chance
            launched = trigger == "growth" and self._launch(anchor) is not None
            premise, premise_field = (
                self._growth_premise(anchor) if trigger == "growth" and not launched else ("", "")
            )
            when = (
                f"certain if launch demand reaches {MISS_FACTOR:g}x its forecast"
                if launched
                else f"only if traffic reaches {premise}"
                if premise
                else ""
            )
            part = Part(
                trigger,
                rules,
                likelihood,
                exposure,
                reach,
                "; ".join(lines),
                chance,
                guessed,
                when,
                premise,
                premise_field,
                share_assumed,
            )
            parts.append(part)
            occurrence = family_of(key, self.system).occurrence
            words = f"On each {occurrence}" if trigger == "event" else TRIGGER_WORDS[trigger]
            if launched:
                words = f"At {MISS_FACTOR:g}x the launch forecast"
            working.append(f"{words} ({', '.join(rules)}): {part.working}")
        effect = self._effect(family, family_key, anchor, findings, working)
        p, path_text = self.path(sorted({c for f in findings for c in f.components} | {anchor}))
        unstaked = Unstaked(
            parts,
            effect,
            tuple(working),
            tuple(assumed),
            tuple(self.defaults),
            self.harm,
            p,
            path_text,
        )
        return staked(unstaked, derived(STAKE, stake_of, self.system))

    def _exposure(
        self,
        trigger: Trigger,
        case: _Case,
        group: list[Finding],
        working: list[str],
        assumed: list[str],
    ) -> tuple[float, float]:
        """(probability in the horizon, T) for causes that start harm the same way."""
        if trigger == "present":
            return self._present(case, group, working)
        if trigger == "growth":
            return self._growth(case, working)
        if trigger == "outage":
            return self._outages(case, working, assumed)
        return self._events(case, group, working, assumed)

    def _present(
        self, case: _Case, group: list[Finding], working: list[str]
    ) -> tuple[float, float]:
        family, family_key, _, findings = case
        if any(f.grade == "observed" for f in group):
            working.append(
                "T = 1: observed in the data, so it is happening now and no declared "
                "monitor has caught it"
            )
            return 1.0, 1.0
        duties = [f.duty for f in group if f.duty is not None]
        if duties:
            share, text = max(duties)
            shown = "1" if share >= 1 else f"{share:.3f}"
            working.append(
                f"T = {shown}: {text}, by design, so a monitor that notices it does not stop it"
            )
            return 1.0, min(1.0, share)
        detect, detect_text = self._detection_hours(family, findings, present=True)
        fix = FIX_HOURS.get(family_key, 24.0)
        exposure = min(1.0, (detect + fix) / HORIZON_HOURS)
        self.timed_by_default = exposure < 1
        if exposure < 1:
            working.append(
                f"T = ({_hours(detect)} + {_hours(fix)}) / {HORIZON_DAYS} d = {exposure:.3f}: "
                f"{detect_text}, fixed {_hours(fix)} later"
            )
        else:
            working.append(f"T = 1: {detect_text}, so it lasts all {HORIZON_DAYS} d")
        return 1.0, exposure

    def _growth(self, case: _Case, working: list[str]) -> tuple[float, float]:
        family, _, anchor, findings = case
        detect, detect_text = self._detection_hours(family, findings, present=False)
        fix, fix_text = self._growth_fix(anchor)
        exposure = min(1.0, (detect + fix) / HORIZON_HOURS)
        # No field states how long lifting a ceiling takes: T rests on CONSTRAINT_FIX_HOURS.
        self.timed_by_default = exposure < 1
        premise = "" if self._launch(anchor) else self._growth_premise(anchor)[0]
        when = (
            f"certain if launch demand reaches {MISS_FACTOR:g}x its forecast, and it lasts until "
            "the ceiling is lifted"
            if self._launch(anchor)
            else f"not certain: it happens only if traffic reaches {premise}"
            if premise
            else "certain once traffic reaches the target"
        )
        working.append(
            f"T = ({_hours(detect)} + {_hours(fix)}) / {HORIZON_DAYS} d = {exposure:.3f}: "
            f"{when}; {detect_text}, then {fix_text}"
        )
        return 1.0, exposure

    def _outages(self, case: _Case, working: list[str], assumed: list[str]) -> tuple[float, float]:
        family, family_key, anchor, findings = case
        n, repair, text = self._outage(anchor, assumed)
        base, hours = text, repair
        if family_key == "stale-source":
            # Only a source whose consumers are told it stopped is scored as outages (one
            # nobody is told of is a stall, counted as an event: ``_stalls``).
            text += f"; {self._owner_tells(anchor)}, so it is stale only while it is down"
        elif family.harm in ("silent", "stale"):
            detect, detect_text = self._detection_hours(family, findings, False, family_key)
            retrain = self._retrain_hours(findings) if family_key == "silent-default" else None
            if retrain:
                hours += detect + retrain
                text += (
                    "; the defaults train the next model and no monitor would notice them to "
                    f"start a clean retrain ({_hours(retrain)})"
                    if detect >= HORIZON_HOURS
                    else f"; the defaults train the next model, so each harms until it is "
                    f"{detect_text} and a clean retrain ({_hours(retrain)}) has shipped"
                )
            elif detect >= HORIZON_HOURS:
                hours = HORIZON_HOURS
                text += "; served as if current until someone notices, and no monitor would"
        exposure, arithmetic = _exposure_working(n, hours)
        likelihood = 1.0 - math.exp(-n)
        self.chance = f"{base}; P(at least one) = 1 - e^-{n:.2g} = {share(likelihood)}"
        working.append(
            f"{text}, each harming {_hours(hours)}; P(at least one) = 1 - e^-{n:.2g} = "
            f"{share(likelihood)}; {arithmetic}"
        )
        return likelihood, exposure

    def _events(
        self, case: _Case, group: list[Finding], working: list[str], assumed: list[str]
    ) -> tuple[float, float]:
        family, family_key, anchor, findings = case
        if family_key == "stale-source":
            detect, detect_text = self._stall_detection(findings)
        else:
            detect, detect_text = self._detection_hours(family, findings, False, family_key)
        fix = FIX_HOURS.get(family_key, 24.0)
        fix_text = f"fixed {_hours(fix)} later"
        if family_key == "stale-source":
            fix, fix_text = self._stall_repair(anchor, detect, assumed)
        elif family_key == "unadapted-drift":
            fix, fix_text = self._adaptation_hours(anchor, fix)
        elif family_key == "bad-release":
            restore = self._restore_hours(anchor)
            if restore is not None:
                fix, fix_text = restore
        level, raised = self._occurrence(family_key, group)
        n, rate_text = self._event_rate(case, group, level, assumed, raised)
        hours = detect + fix
        heal = self._next_run_hours(anchor, group) if family.harm == "stale" else None
        if heal is not None and heal < hours:
            hours = heal
            fix_text += f"; the next scheduled run refills it within {_hours(heal)}, sooner"
        exposure, arithmetic = _exposure_working(n, hours)
        likelihood = 1.0 - math.exp(-n)
        # Unnoticed within the horizon, it is never fixed in it: a repair time would contradict
        # "lasts 90 d" (the hour it adds is below the figure's precision).
        why = detect_text if min(detect, hours) >= HORIZON_HOURS else f"{detect_text}, {fix_text}"
        if not self.rate_default:
            self.chance = f"{rate_text}, P = 1 - e^-{n:.2g} = {share(likelihood)}"
        working.append(
            f"{rate_text}, P = 1 - e^-{n:.2g} = {share(likelihood)}; each lasts "
            f"{_hours(hours)} ({why}); {arithmetic}"
        )
        return likelihood, exposure

    # --- event rates -----------------------------------------------------------------------

    def _tag(self, node: Node, *path: str) -> str:
        """'declared', or 'declared, marked inferred on line 12' when the value's line says
        it is a guess."""
        line = self.system.doc.position((*node.path, *path))[0]
        if line in self.system.marked_lines:
            return f"declared, marked inferred on line {line}"
        return "declared"

    def _field(self, node: Node, *path: str) -> str:
        return self.system.label((*node.path, *path))

    def _occurrence(self, key: str, group: list[Finding]) -> tuple[int, str]:
        """The level on the FMEA occurrence scale for a default event rate, and how it is raised
        above the rule's own (""): another team's source (+2) or one under 99.9% available (+1)
        that the finding names raises it only where the event comes in what the source sends
        (SOURCE_EVENTS); a change someone ships to shared infrastructure (a fleet-wide rollout)
        is counted at its rule's rate, whose premise is already that the change comes from
        outside the release process."""
        best, words = 0, ""
        for f in group:
            rule = find(f.rule)
            base = rule.likelihood if rule is not None else f.score[1]
            level = f.score[1] if key in SOURCE_EVENTS else base
            level = max(1, min(10, level))
            if level > best:
                best = level
                words = self._raised(f, base) if level > base else ""
        return best, words

    def _raised(self, finding: Finding, base: int) -> str:
        """How the finding's occurrence is raised above its rule's ``base``, in words."""
        why = [f"the rule's {base}"]
        for n, ids, what in likelihood_raises(finding.components, self.system):
            why.append(f"+{n} as {either(ids, 'and')} {'is' if len(ids) == 1 else 'are'} {what}")
        return ", ".join(why)

    def _event_rate(
        self,
        case: _Case,
        group: list[Finding],
        level: int,
        assumed: list[str],
        raised: str = "",
    ) -> tuple[float, str]:
        """(events expected in the horizon, their working): the component's declared incident
        count for the mechanism, else the rate its declared delivery, change or run figures give,
        else the rule's likelihood on the FMEA occurrence scale, named as assumed with the field
        that would replace it."""
        _, key, anchor, findings = case
        comp = self.system.get(anchor)
        counts = comp.incidents_per_year if comp is not None else None
        per_year = {str(k): v for k, v in (counts or {}).items()}.get(key)
        if comp is not None and per_year is not None:
            n = per_year * HORIZON_DAYS / 365.0
            tag = self._tag(comp, "incidents_per_year", key)
            return n, (
                f"{per_year:g} a year ({tag}: {self._field(comp, 'incidents_per_year', key)}) "
                f"x {HORIZON_DAYS} / 365 d = {n:.2g} in {HORIZON_DAYS} d"
            )
        found: _Rate
        if key == "bad-release":
            found = self._release_rate(anchor, comp)
        elif key == "upstream-change" and isinstance(comp, Source):
            found = self._change_rate(comp)
        elif key in RUN_FAILURES:
            found = self._run_rate(anchor, group or findings)
        else:
            found = _Rate()
        if found.n is not None:
            return found.n, found.text
        default = EVENTS_PER_YEAR[level]
        n = default * HORIZON_DAYS / 365.0
        settle = found.settle
        if not settle and comp is not None:
            settle = (self._field(comp, "incidents_per_year", key),)
        assumed.append(f"{anchor} event rate")
        self.chance = ""
        self.rate_default = True
        what = f"{default:g} a year ({family_of(key, self.system).occurrence})"
        if settle:
            self.defaults.append(Assumed(what, settle[0], settle[1:], rate=True))
        named = f": set {' and '.join(settle)}" if settle else ""
        return n, (
            f"assumed {default:g} a year, the rule's default (occurrence {level} of 10 on the "
            f"AWS FMEA scale{': ' + raised if raised else ''}){named}; {n:.2g} in {HORIZON_DAYS} d"
        )

    def _release_endpoints(self, comp: Component | None) -> list[Endpoint]:
        if isinstance(comp, Endpoint):
            return [comp]
        if isinstance(comp, Model):
            return self.system.endpoints_of(comp)
        return []

    def _release_rate(self, anchor: str, comp: Component | None) -> _Rate:
        """Releases a month x 3 months x the share that fail in production (DORA's deployment
        frequency and change failure rate), for the endpoint with the most; a figure of the two
        left out takes the review's default, named as assumed."""
        best: _Rate | None = None
        first: str | None = None
        for e in self._release_endpoints(comp):
            release = e.release
            where = self._field(e, "release")
            first = first or where
            freq = release.releases_per_month if release else None
            cfr = release.change_failure_rate if release else None
            if release is None or (freq is None and cfr is None):
                continue
            months = HORIZON_DAYS / MONTH_DAYS
            f, freq_text = self._figure(
                release, where, "releases_per_month", RELEASES_ASSUMED, "release a month"
            )
            c, cfr_text = self._figure(
                release,
                where,
                "change_failure_rate",
                CHANGE_FAILURE_ASSUMED,
                "of releases failing",
                shown=share(CHANGE_FAILURE_ASSUMED),
            )
            n = f * months * c
            who = "" if e.id == anchor else f"{e.id}: "
            text = (
                f"{who}{f:g} releases a month ({freq_text}) x {months:g} months x {share(c)} "
                f"that fail in production ({cfr_text}) = {n:.2g} in {HORIZON_DAYS} d"
            )
            if best is None or (best.n is not None and n > best.n):
                best = _Rate(n, text)
        if best is not None:
            return best
        if first is None:
            return _Rate()
        return _Rate(settle=(f"{first}.releases_per_month", f"{first}.change_failure_rate"))

    def _figure(
        self,
        release: Node,
        where: str,
        name: str,
        default: float,
        what: str,
        *,
        shown: str | None = None,
    ) -> tuple[float, str]:
        """A release figure and how it is known: declared (tagged), else the review's default,
        named as assumed ('{shown} {what}') with the field that would replace it."""
        value = getattr(release, name)
        if value is not None:
            return float(value), self._tag(release, name)
        shown = f"{default:g}" if shown is None else shown
        self.defaults.append(Assumed(f"{shown} {what}", f"{where}.{name}", rate=True))
        return default, f"assumed: set {where}.{name}"

    def _change_rate(self, source: Source) -> _Rate:
        per_year = source.changes_per_year
        if per_year is None:
            return _Rate(settle=(self._field(source, "changes_per_year"),))
        n = per_year * HORIZON_DAYS / 365.0
        return _Rate(
            n,
            f"{per_year:g} upstream changes a year ({self._tag(source, 'changes_per_year')}) x "
            f"{HORIZON_DAYS} / 365 d = {n:.2g} in {HORIZON_DAYS} d",
        )

    def _run_rate(self, anchor: str, findings: list[Finding]) -> _Rate:
        """Runs in the horizon (from each job's schedule) x the share that fail or run late,
        summed over the jobs that rewrite ``anchor``, when every one of them declares it."""
        writers = self._writers(anchor, findings)
        if not writers:
            return _Rate()
        terms: list[tuple[float, str]] = []
        missing: list[str] = []
        countable = True
        for p in writers:
            schedule = p.schedule
            if schedule is None or schedule.continuous:
                countable = False
                continue
            rate = p.failure_rate
            if rate is None:
                missing.append(self._field(p, "failure_rate"))
                continue
            runs = HORIZON_HOURS * 3600.0 / schedule.period
            who = "" if p.id == anchor else f"{p.id}: "
            terms.append(
                (
                    runs * rate,
                    f"{who}{runs:.3g} runs in {HORIZON_DAYS} d ({schedule.phrase}) x "
                    f"{share(rate)} failing or late ({self._tag(p, 'failure_rate')})",
                )
            )
        if not countable:
            return _Rate()
        if missing:
            return _Rate(settle=tuple(missing))
        n = sum(t[0] for t in terms)
        return _Rate(n, f"{' + '.join(t[1] for t in terms)} = {n:.2g} in {HORIZON_DAYS} d")

    def _restore_hours(self, anchor: str) -> tuple[float, str] | None:
        """The longest declared time to restore a failed release among the endpoints a release
        of ``anchor`` goes to."""
        declared = [
            (float(ttr) / 3600.0, e)
            for e in self._release_endpoints(self.system.get(anchor))
            if e.release is not None and (ttr := e.release.time_to_restore) is not None
        ]
        if not declared:
            return None
        hours, e = max(declared, key=lambda d: d[0])
        assert e.release is not None
        tag = self._tag(e.release, "time_to_restore")
        return hours, f"restored {_hours(hours)} later (time to restore, {tag})"

    def _retrain_hours(self, findings: list[Finding]) -> float | None:
        models = [self.system.get(c) for f in findings for c in f.components]
        periods = [
            m.training.cadence.period / 3600.0
            for m in models
            if isinstance(m, Model)
            and m.training
            and m.training.cadence
            and not m.training.cadence.continuous
        ]
        return min(periods) if periods else None

    def _effect(
        self, family: Family, key: str, anchor: str, findings: list[Finding], working: list[str]
    ) -> float:
        effect = family.damage
        words = {
            "silent": "wrong with no error"
            + (
                ": a constant scored as data"
                if key == "silent-default"
                else ": wrong actions taken with no cap"
                if key == "runaway-automation"
                else ""
            ),
            "loud": "no answer",
            "stale": "stale inputs",
            "blind": "errors nobody measures",
            "evaluation": "judged on overstated offline figures",
        }[family.harm]
        if words == "wrong with no error" and effect < 1.0:
            # A shift or a differently computed value moves a prediction part of the way; said
            # alike, it would read as the same harm as a constant scored as data.
            words = "partly wrong with no error"
        if family.harm == "loud" and self._falls_back(key, anchor):
            effect, words = FALLBACK_EFFECT, "a fallback answers"
        if key == "skew" and self._unchanged_in_data(anchor):
            effect *= UNCONFIRMED
            words += (
                f"; the linked data shows {anchor} distributed alike on both sides, so only "
                f"rows can differ (x {UNCONFIRMED:g})"
            )
        working.append(f"E = {effect:g}: {words}")
        self.harm = words
        return effect

    def _unchanged_in_data(self, feature: str) -> bool:
        skew = assessment_of(self.areas, SKEW)
        note_derived(SKEW_DATA)
        results = [
            lf.result.status
            for d in (skew.data if skew else [])
            for lf in d.features
            if lf.feature == feature
        ]
        return bool(results) and all(status == "ok" for status in results)

    def _falls_back(self, key: str, anchor: str) -> bool:
        if key == "dependency-outage":
            deps = [
                d
                for e in self.system.manifest.endpoints
                for d in e.dependencies
                if d.target == anchor
            ]
            return bool(deps) and all(d.fallback not in (None, "none", "fail") for d in deps)
        if key == "endpoint-outage":
            e = self.system.get(anchor)
            return isinstance(e, Endpoint) and e.fallback not in (None, "none")
        return False
