"""Evidence grades: a finding that rests on fields the manifest leaves unknown is a question,
never a finding above low. It keeps the severity it would have once confirmed, and the question
(from the field's Ask) that would settle it."""

from __future__ import annotations

from mlreview.areas.findings import Assumption, Severity
from mlreview.engine.whatif.asking import question
from mlreview.system.manifest import Manifest
from mlreview.system.paths import declared_at


def settle(
    severity: Severity, assumptions: tuple[Assumption, ...], manifest: Manifest
) -> tuple[Severity, str | None]:
    """The severity of an assumed finding of ``severity`` (capped at low) and the question that
    would settle it."""
    asked = []
    for a in assumptions:
        declared = declared_at(type(manifest), a.path) if a.path else None
        if declared:
            cls, name = declared
            asked.append(f"{question(cls, name)} ({a.field})")
    capped = severity if severity.rank <= Severity.LOW.rank else Severity.LOW
    return capped, " ".join(dict.fromkeys(asked)) or None
