"""GitHub Actions workflow commands: one annotation per finding on its manifest line.

``::error file=F,line=L,title=T::message``, escaped as the Actions runner unescapes them
(actions/toolkit, packages/core/src/command.ts): in the message ``%``, carriage return and line
feed; in properties also ``:`` and ``,``. Control characters from the input are shown as
escapes first, so no manifest text can end a command early or start another."""

from __future__ import annotations

from mlreview.areas.common import plural
from mlreview.areas.findings import Finding, Severity
from mlreview.engine.result import Review
from mlreview.report._escape import visible
from mlreview.report.formats import RenderOptions
from mlreview.system.repository import repository_path

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


STALE = "stale baseline entries"


def escape_data(text: str) -> str:
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, lines: tuple[str, ...], **properties: str) -> str:
    """One workflow command; ``lines`` are the message's lines, each escaped."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = "%0A".join(escape_data(line) for line in lines)
    return f"::{name}{' ' + props if props else ''}::{message}"


def annotation(f: Finding) -> str:
    return command(
        LEVEL[f.severity],
        (f.message, f"Fix: {f.fix}"),
        file=repository_path(f.file),
        line=str(max(1, f.line)),
        title=f"{f.rule} {f.name} ({f.severity.value}) on {', '.join(f.components)}",
    )


def render(review: Review, options: RenderOptions) -> str:
    lines = [annotation(f) for f in review.findings]
    use = review.baseline
    if use is not None and use.absent:
        gone = "; ".join(f"{e.rule} on {', '.join(e.components)} at {e.path}" for e in use.absent)
        lines.append(
            command(
                "notice",
                (f"No longer found, so the baseline can drop them (--write-baseline): {gone}",),
                file=repository_path(use.file),
                title=f"mlreview: {plural(len(use.absent), 'stale baseline entry', STALE)}",
            )
        )
    return "".join(f"{line}\n" for line in lines)
