"""What a senior reviewer does about a mechanism on this system: the steps that contain, detect,
recover from and prevent it, in the system's words and figures (its action, fallback, label
delay, training window, the sources a training run reads), and the test that reproduces the
failure to prove them. A rule's fix closes one finding; a playbook step is the change the
mechanism needs whether or not a rule found its absence, and it carries out (``replaces``) the
fixes of the rules whose findings it covers. The thresholds each step proposes, and why, are in
docs/plans.md."""

from __future__ import annotations

from collections.abc import Callable

from mlreview.areas.playbooks.automation import _runaway
from mlreview.areas.playbooks.base import Move, Playbook, Situation
from mlreview.areas.playbooks.data import (
    _bad_artefact,
    _schedule_race,
    _silent_default,
    _stale_feature,
    _stale_source,
    _upstream_change,
)
from mlreview.areas.playbooks.serving import (
    _bad_release,
    _capacity,
    _dependency_outage,
    _fleet_rollout,
)
from mlreview.areas.playbooks.training import (
    _bad_training_data,
    _drift,
    _leakage,
    _offline_gap,
    _selective_labels,
)

PLAYBOOKS: dict[str, Callable[[Situation], Playbook | None]] = {
    "fleet-rollout": _fleet_rollout,
    "dependency-outage": _dependency_outage,
    "runaway-automation": _runaway,
    "unadapted-drift": _drift,
    "bad-training-data": _bad_training_data,
    "bad-artefact": _bad_artefact,
    "upstream-change": _upstream_change,
    "stale-source": _stale_source,
    "silent-default": _silent_default,
    "capacity": _capacity,
    "schedule-race": _schedule_race,
    "leakage": _leakage,
    "stale-feature": _stale_feature,
    "selective-labels": _selective_labels,
    "bad-release": _bad_release,
    "offline-online-gap": _offline_gap,
}


def playbook(situation: Situation) -> Playbook | None:
    make = PLAYBOOKS.get(situation.family)
    return make(situation) if make else None


__all__ = ["Move", "Playbook", "Situation", "playbook"]
