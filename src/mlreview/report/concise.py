"""One line per finding, ``file:line: severity CODE name: message``, as linters print in a
terminal or a pre-commit hook; then one line per baseline entry that no longer occurs. Nothing
at all for a clean review."""

from __future__ import annotations

from mlreview.engine.result import Review
from mlreview.report._escape import visible
from mlreview.report.formats import RenderOptions


def render(review: Review, options: RenderOptions) -> str:
    lines = [
        f"{f.file}:{f.line}: {f.severity.value} {f.rule} {f.name}: {f.message}"
        for f in review.findings
    ]
    use = review.baseline
    if use is not None:
        lines += [
            f"{use.file}: not found any more, drop it with --write-baseline: {e.rule} on "
            f"{', '.join(e.components)} at {e.path}"
            for e in use.absent
        ]
    return "".join(f"{visible(line)}\n" for line in lines)
