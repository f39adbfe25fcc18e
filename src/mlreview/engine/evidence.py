"""Evidence grades: a finding that rests on fields the manifest leaves unknown is a question,
never a finding above low. It keeps the severity it would have once confirmed, and the question
(from the field's Ask) that would settle it."""

from __future__ import annotations

from dataclasses import replace

from mlreview.areas.findings import Finding, Severity
from mlreview.engine.whatif.asking import question
from mlreview.system.manifest import Manifest
from mlreview.system.paths import declared_at


def settle(finding: Finding, manifest: Manifest) -> Finding:
    """``finding`` as its evidence allows: an assumed one capped at low, with its question."""
    if finding.grade != "assumed":
        return finding
    asked = []
    for a in finding.assumptions:
        declared = declared_at(type(manifest), a.path) if a.path else None
        if declared:
            cls, name = declared
            asked.append(f"{question(cls, name)} ({a.field})")
    capped = finding.severity if finding.severity.rank <= Severity.LOW.rank else Severity.LOW
    return replace(
        finding,
        severity=capped,
        confirmed_severity=finding.severity,
        question=" ".join(dict.fromkeys(asked)) or None,
    )
