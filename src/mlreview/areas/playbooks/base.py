"""What a playbook is (its moves, the plan slot of each, the fixes it carries out) and the top
scenario as a playbook sees it, with the helpers the families share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlreview.areas.common import either
from mlreview.areas.domain import Domain, domain_of, slowest_delays
from mlreview.system.manifest import Endpoint, FeedbackLoop, Model, Pipeline
from mlreview.system.system import System


@dataclass(frozen=True)
class Move:
    part: str
    """The plan slot: limit, detect, recover or prevent (engine/plan.py's order)."""
    components: tuple[str, ...]
    change: str
    """Empty for a step that is the replaced rules' own fix, moved to this step's slot."""
    replaces: tuple[str, ...] = ()
    """Rule codes whose fixes this step carries out: their findings are closed by it."""
    cost: str | None = None
    """The step's own cost, where it is sized differently from the replaced findings'."""
    enact: tuple[tuple[tuple[str | int, ...], Any], ...] | None = None
    """The step's own manifest change, where it is sized differently from the replaced
    findings' (which the step then carries out only in part)."""
    spare: bool = False
    """A step the plan takes only while it has room (``MAX_STEPS``): a signal the manifest
    calls for beside the mechanism's own steps (signals.py), never folded into another."""


@dataclass(frozen=True)
class Mechanism:
    """A mechanism that sizes the top risk, worked from the manifest (playbooks/mechanisms.py)."""

    key: str
    """What it is: adverse-selection, trend-extrapolation, dependency-timeout, ..."""
    components: tuple[str, ...]
    text: str
    """The paragraph for the top risk: the mechanism, its formula with its inputs."""
    step: str
    """The plan step that bounds it; empty where the top risk's playbook already has it."""


@dataclass(frozen=True)
class Playbook:
    moves: tuple[Move, ...]
    verify: str | None = None
    """The proving step, where the family's would not reproduce this system's failure."""


@dataclass(frozen=True)
class Situation:
    """The top scenario as a playbook sees it."""

    system: System
    family: str
    anchors: tuple[str, ...]
    components: tuple[str, ...]
    rules: frozenset[str]

    @property
    def anchor(self) -> str:
        return either(list(self.anchors), "and")

    @property
    def domain(self) -> Domain:
        return domain_of(self.system)

    def endpoints(self) -> list[Endpoint]:
        found: list[Endpoint] = []
        for ident in self.components:
            c = self.system.get(ident)
            if isinstance(c, Endpoint):
                found.append(c)
            elif isinstance(c, Model):
                found += self.system.endpoints_of(c)
        return list({e.id: e for e in found}.values())

    def models(self) -> list[Model]:
        found: list[Model] = []
        for ident in self.components:
            c = self.system.get(ident)
            if isinstance(c, Model):
                found.append(c)
            elif isinstance(c, Endpoint):
                found.append(self.system.model_of(c))
            elif isinstance(c, Pipeline):
                found += [m for m in self.system.manifest.models if _trains(self.system, c, m)]
        return list({m.id: m for m in found}.values())

    def loops(self) -> list[FeedbackLoop]:
        ids = {m.id for m in self.models()}
        return [f for f in self.system.manifest.feedback if f.model in ids]

    def label_delay(self) -> tuple[float | None, float | None]:
        """Seconds until the median and the 95th-percentile label of its models arrive."""
        return slowest_delays(self.loops())

    def inputs(self, limit: int = 2) -> list[str]:
        """The most important features of the models, by declared rank."""
        ranked = []
        for m in self.models():
            for f in self.system.model_features(m):
                ranked.append((f.importance_rank or 10**6, f.id))
        return [ident for _, ident in sorted(set(ranked))[:limit]]


def _trains(system: System, pipeline: Pipeline, model: Model) -> bool:
    return system.training_pipeline(model) is pipeline


def _fallback_words(endpoints: list[Endpoint]) -> str | None:
    words = {
        "default_action": "its declared default action",
        "heuristic": "its declared heuristic",
        "previous_model": "the previous model",
        "cached_scores": "its cached scores",
    }
    for e in endpoints:
        if e.fallback in words:
            return words[e.fallback]
    return None


DAY = 86400.0


def _page_window(delay: float | None) -> float:
    """How long an action may sit at its limit before someone is paged: the time its outcome
    takes to show, between 10 minutes and an hour; a day where outcomes take longer than that."""
    if delay is not None and delay > DAY:
        return DAY
    return min(3600.0, max(600.0, delay or 0.0))


def _action(s: Situation) -> str:
    decision = s.system.manifest.system.decision
    return decision.action if decision and decision.action else s.domain.act


def _off_switch(anchors: tuple[str, ...], endpoints: list[Endpoint], then: str = "") -> Move:
    fallback = _fallback_words(endpoints)
    return Move(
        "recover",
        anchors,
        "Give on-call one switch, usable without a deploy, per segment and for the whole "
        "system, that stops it acting by itself and "
        + (f"falls back to {fallback}" if fallback else "routes every decision to a person")
        + f" within one decision cycle{then}",
    )
