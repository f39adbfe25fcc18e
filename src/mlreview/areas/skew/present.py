"""The skew area as a reader sees it: its summary line and the per-feature table."""

from __future__ import annotations

from collections.abc import Callable

from mlreview.areas.common import marked_inferred, plural, possessive, raw_input
from mlreview.areas.findings import Finding
from mlreview.areas.skew.assessment import FeatureRow, SkewAssessment
from mlreview.document.blocks import Block, Column
from mlreview.document.cells import table_of
from mlreview.system.system import System


def summarise(system: System, a: SkewAssessment, findings: list[Finding]) -> str:
    online = sum(1 for r in a.features if r.served_online)
    logged = sum(1 for r in a.features if r.logged_at_serving)
    separate = len(a.separate_code_paths)
    monitor = "a" if a.skew_monitor else "no"
    return (
        f"{plural(len(a.features), 'feature')}, {online} served online; {separate} computed by "
        f"separate training and serving code; {logged} logged at serving; {monitor} "
        f"training-serving skew monitor declared; {plural(len(findings), 'finding')}."
    )


def present(a: SkewAssessment) -> list[Block]:
    columns: list[tuple[Column, Callable[[FeatureRow], object]]] = [
        (Column("feature"), lambda r: r.feature),
        (Column("code paths"), lambda r: r.code_paths),
        (Column("training"), lambda r: r.training_language),
        (Column("serving"), lambda r: r.serving_language),
        (Column("point-in-time"), lambda r: r.point_in_time_join),
        (Column("logged"), lambda r: r.logged_at_serving),
        (Column("online"), lambda r: r.served_online),
        (Column("refresh", "h"), lambda r: r.refresh_hours),
    ]
    return [table_of("Features", columns, a.features)]


def verdict(system: System, a: SkewAssessment, findings: list[Finding]) -> str:
    """One line: what the data shows, then what the design does."""
    parts = []
    for linked in a.data:
        differ = [f for f in linked.features if f.result.status != "ok"]
        if differ:
            worst = differ[0]
            cause = worst.result.causes[0] if worst.result.causes else None
            why = f" ({cause.kind}: {cause.evidence})" if cause else ""
            parts.append(
                f"{possessive(linked.model)} serving log differs from its training data for "
                f"{plural(len(differ), 'feature')} of {len(linked.features)}; "
                f"{worst.feature}{why}"
            )
        else:
            parts.append(f"{possessive(linked.model)} serving log matches its training data")
    separate = a.separate_code_paths
    if separate:
        chosen = set(separate)
        pairs = sorted(
            {
                f"{r.training_language}/{r.serving_language}"
                for r in a.features
                if r.feature in chosen and r.training_language and r.serving_language
            }
        )
        how = f" ({', '.join(pairs)})" if pairs else ""
        parts.append(
            f"{len(separate)} of {len(a.features)} features computed by separate code{how}"
        )
    elif system.manifest.models and all(m.learned is False for m in system.manifest.models):
        rules = ", ".join(m.id for m in system.manifest.models)
        parts.append(f"nothing here is learned from data ({rules}: learned: false)")
    elif a.features:
        shared = sum(1 for r in a.features if r.code_paths == "shared")
        if shared == len(a.features):
            # A definition the manifest only infers is said as such (Unity, Zillow: the prose
            # does not say how the features are computed).
            guessed = sum(
                1
                for f in system.manifest.features
                if marked_inferred(system, f, "shared_definition")
            )
            said = "every feature has one definition for training and serving"
            if guessed:
                n = len(a.features)
                which = f" for {guessed} of {n}" if guessed < n else f" for all {n}"
                if n == 1:
                    which = ""
                said += f" (marked inferred{which})"
            parts.append(said)
        else:
            # Features that say nothing about their code are not known to share it.
            parts.append(
                f"{shared} of {len(a.features)} features declare one definition for training "
                "and serving; the rest do not say"
            )
    elif raw := [m for m in system.manifest.models if raw_input(system, m)]:
        names = ", ".join(f"{m.id} ({m.family})" for m in raw)
        verb = "reads" if len(raw) == 1 else "read"
        parts.append(f"{names} {verb} raw requests, with no engineered features to compute twice")
    return "; ".join(parts) or "no features declared"
