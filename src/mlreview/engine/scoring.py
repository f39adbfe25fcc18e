"""FMEA scores for findings: severity x likelihood x detectability, each 1-10.

Scales follow the AWS Prescriptive Guidance FMEA: detectability 2 = automated alert, 4 =
dashboard, 6 = found on investigation, 9 = found by customers.
"""

from __future__ import annotations

from mlreview.areas.findings import Severity
from mlreview.areas.rule import Rule
from mlreview.system.manifest import Source
from mlreview.system.paths import read
from mlreview.system.system import System

SEVERITY_SCORE = {
    Severity.CRITICAL: 9,
    Severity.HIGH: 7,
    Severity.MEDIUM: 5,
    Severity.LOW: 3,
    Severity.INFO: 1,
}
SIGNAL_DETECTION: dict[bool | str, int] = {"alert": 2, True: 2, "dashboard": 4, "manual": 6}
UNWATCHED_LOUD = 6
UNWATCHED_SILENT = 9


def detection(
    rule: Rule, components: tuple[str, ...], system: System
) -> tuple[int, tuple[str, ...]]:
    """How hard the failure is to notice (1-10) and the declared monitors that notice it."""
    best = UNWATCHED_SILENT if rule.silent else UNWATCHED_LOUD
    seen: list[tuple[int, str]] = []
    sources = [c for c in (system.get(i) for i in components) if isinstance(c, Source)]
    for monitor in rule.detectors:
        if monitor.per_source:
            reads = [(f"sources[{s.id}].{monitor.path}", read(s, monitor.path)[0]) for s in sources]
        else:
            reads = [(monitor.path, read(system.manifest, monitor.path)[0])]
        for where, value in reads:
            if isinstance(value, (bool, str)) and value in SIGNAL_DETECTION:
                seen.append((SIGNAL_DETECTION[value], where))
    if not seen:
        return best, ()
    seen.sort()
    return min(best, seen[0][0]), tuple(where for _, where in seen)


def likelihood_raises(
    components: tuple[str, ...], system: System
) -> list[tuple[int, list[str], str]]:
    """What raises a finding's occurrence above its rule's level: +2 where a source it names is
    another team's, +1 where one is under 99.9% available; each with those sources and why."""
    sources = [c for c in (system.get(i) for i in components) if isinstance(c, Source)]
    foreign = [s.id for s in sources if s.owned_by_model_team is False]
    weak = [s.id for s in sources if s.availability is not None and s.availability < 0.999]
    raises = ((2, foreign, "another team's"), (1, weak, "under 99.9% available"))
    return [(n, ids, why) for n, ids, why in raises if ids]


def likelihood(rule: Rule, components: tuple[str, ...], system: System) -> int:
    score = rule.likelihood + sum(n for n, _, _ in likelihood_raises(components, system))
    return max(1, min(10, score))


def severity_score(severity: Severity, system: System) -> int:
    score = SEVERITY_SCORE[severity]
    if system.manifest.system.criticality in ("high", "critical"):
        score += 1
    return max(1, min(10, score))


def score(
    rule: Rule, severity: Severity, components: tuple[str, ...], system: System
) -> tuple[tuple[int, int, int], tuple[str, ...]]:
    """The (severity, likelihood, detectability) of a finding of ``rule`` with ``severity`` on
    ``components``, and the declared monitors that detect it."""
    d, monitors = detection(rule, components, system)
    return (severity_score(severity, system), likelihood(rule, components, system), d), monitors
