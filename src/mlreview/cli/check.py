"""`mlreview check`: the five-part review of a manifest (or of a draft from prose)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mlreview.cli._common import EXIT_FINDINGS, EXIT_OK, UsageError, notes, split, width_for, write
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data", "findings")

if TYPE_CHECKING:
    from mlreview.engine.result import Review
    from mlreview.system.system import System

SEVERITIES = ("critical", "high", "medium", "low", "info")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="review a system manifest (the five-part review)")
    check.add_argument("manifest", type=Path, nargs="?", help="the system's YAML manifest")
    check.add_argument(
        "--from-text",
        metavar="NOTES",
        help="review a manifest drafted from this prose description ('-' reads stdin)",
    )
    check.add_argument(
        "--import",
        dest="imports",
        nargs="+",
        default=[],
        metavar="PATH",
        help="review with values imported from these files, folders or globs (writes nothing)",
    )
    check.add_argument(
        "--format",
        "-f",
        choices=formats.names(*KINDS),
        help="output format (default: from -o's suffix, else terminal)",
    )
    check.add_argument("--output", "-o", type=Path, help="write the report to this file")
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 when a finding at or above this severity remains (default: never)",
    )
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="only these rules: codes, code prefixes or names, comma-separated",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="skip these rules: codes, code prefixes or names, comma-separated",
    )
    check.add_argument(
        "--no-questions",
        action="store_true",
        help="skip the what-if reviews that find which unknowns would change the result",
    )
    check.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.set_defaults(run=run)


def _exit_code(review: Review, fail_on: str | None) -> int:
    if fail_on is None:
        return EXIT_OK
    from mlreview.areas.findings import Severity

    bar = Severity(fail_on).rank
    return EXIT_FINDINGS if any(f.severity.rank >= bar for f in review.findings) else EXIT_OK


def _with_imports(manifest: Path, paths: list[str]) -> System:
    """The manifest with imported values merged in memory; findings keep the file's lines."""
    from mlreview.draft.merge import import_into, remap_lines
    from mlreview.system.loader import load_text, read_text

    display = str(manifest)
    text = read_text(manifest, display)
    imported, merged = import_into(text, display, paths, manifest.resolve().parent)
    for line in [f.line() for f in imported.files if f.status != "read"]:
        print(line, file=sys.stderr)
    for conflict in [*imported.conflict_lines(), *merged.conflicts]:
        print(f"conflict: {conflict}", file=sys.stderr)
    if not imported.values:
        raise UsageError(f"--import: nothing could be imported from {' '.join(paths)}")
    print(
        f"reviewing {display} with {merged.added} imported values added "
        f"({merged.agreed} already there, {len(merged.conflicts)} conflicts)",
        file=sys.stderr,
    )
    return remap_lines(load_text(merged.text, display), text, merged.text)


def run(args: argparse.Namespace) -> int:
    from mlreview.engine.rules import SelectionError
    from mlreview.engine.runner import run
    from mlreview.engine.whatif.questions import review_with_questions
    from mlreview.report.review_document import review_printable
    from mlreview.system.loader import load

    if (args.manifest is None) == (args.from_text is None):
        raise UsageError("check: expected a manifest file or --from-text NOTES (one of them)")
    if args.imports and args.manifest is None:
        raise UsageError("check: --import goes with a manifest file")
    if args.from_text is not None:
        from mlreview.draft.from_text import drafted

        system = drafted(*notes(args.from_text)).system
    elif args.imports:
        system = _with_imports(args.manifest, args.imports)
    else:
        system = load(args.manifest)
    reviewer = run if args.no_questions else review_with_questions
    try:
        review = reviewer(system, select=split(args.select), ignore=split(args.ignore))
    except SelectionError as exc:
        raise UsageError(f"--select/--ignore: {exc}") from None
    fmt = formats.find(args.format).name if args.format else formats.for_output(args.output, KINDS)
    to_tty = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (args.color == "auto" and to_tty and fmt == "terminal")
    options = formats.RenderOptions(width=width_for(args.width, to_tty), color=color)
    write(formats.render(review_printable(review), fmt, options), args.output)
    return _exit_code(review, args.fail_on)
