"""`mlreview check`: the five-part review of a manifest (or of a draft from prose)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mlreview.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    SEVERITIES,
    UsageError,
    notes,
    split,
    steps,
    width_for,
    write,
)
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data", "findings")

if TYPE_CHECKING:
    from mlreview.cli._config import Settings
    from mlreview.engine.result import Review
    from mlreview.system.system import System


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
        "--output-format",
        "-f",
        choices=formats.names(*KINDS),
        help="output format (default: from -o's suffix, else terminal)",
    )
    check.add_argument("--output", "-o", type=Path, help="write the report to this file")
    add_selection_options(check)
    check.add_argument(
        "--full",
        action="store_true",
        help="print every table, finding and assumption after the opening screen",
    )
    check.add_argument(
        "--plan-start",
        type=_plan_start,
        metavar="YYYY-MM-DD",
        help="date the plan's steps from this day (by the Friday of each step's week); without "
        "it the plan says 'this week', 'within a month'",
    )
    check.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    add_ci_options(check)
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE (a new baseline) instead of printing the review",
    )
    check.add_argument(
        "--show-config",
        action="store_true",
        help="print the effective settings and where each came from, then exit",
    )
    check.set_defaults(run=run)


def _plan_start(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    """Which rules run, which severity fails, whether questions are looked for."""
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 when a finding at or above this severity remains (default: never)",
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="only these rules: codes, code prefixes or names, comma-separated",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="skip these rules: codes, code prefixes or names, comma-separated",
    )
    parser.add_argument(
        "--no-questions",
        action="store_true",
        help="skip the what-if reviews that find which unknowns would change the result",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="processes for the what-if reviews (default: $MLREVIEW_WORKERS, else 2, at most "
        "the CPUs; 1 runs them in this process); the review is the same whatever N",
    )


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return n


def add_ci_options(parser: argparse.ArgumentParser) -> None:
    """Baselines and the configuration file (docs/ci.md)."""
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this baseline, and its entries that no "
        "longer occur",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read settings from this mlreview.toml or pyproject.toml (default: the first "
        "found upwards from the manifest)",
    )


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


def settings(args: argparse.Namespace, fail_on_default: str | None = None) -> Settings:
    """The configuration file's settings (found upwards from what is reviewed) under the
    flags given."""
    from mlreview.cli._config import resolve

    target = args.manifest if args.manifest is not None else args.from_text
    start = Path(target).parent if target not in (None, "-") else Path.cwd()
    flags = {
        "select": tuple(split(args.select)),
        "ignore": tuple(split(args.ignore)),
        "fail-on": args.fail_on,
        "baseline": args.baseline,
        "format": args.format,
    }
    defaults = {"fail-on": fail_on_default} if fail_on_default is not None else {}
    return resolve(start, args.config, flags, formats.names(*KINDS), defaults)


def run(args: argparse.Namespace, fail_on_default: str | None = None) -> int:
    """Review one manifest; ``fail_on_default`` is the fail-on severity when neither the flags
    nor the configuration set one (the pre-commit hook fails on any finding)."""
    from mlreview.cli._config import describe
    from mlreview.engine.rules import SelectionError
    from mlreview.engine.runner import run
    from mlreview.report.baseline_document import printable
    from mlreview.system.loader import load
    from mlreview.system.system import Defaults

    if (args.manifest is None) == (args.from_text is None) and not args.show_config:
        raise UsageError("check: expected a manifest file or --from-text NOTES (one of them)")
    config = settings(args, fail_on_default)
    if args.show_config:
        write(describe(config), None)
        return EXIT_OK
    if args.imports and args.manifest is None:
        raise UsageError("check: --import goes with a manifest file")
    if args.from_text is not None:
        from mlreview.draft.from_text import drafted

        system = drafted(*notes(args.from_text)).system
    elif args.imports:
        system = _with_imports(args.manifest, args.imports)
    else:
        system = load(args.manifest)
    system = system.with_defaults(Defaults(config.get("growth-target"), config.get("thresholds")))
    # A format flag, then -o's suffix, then the configuration's format.
    fmt = args.format or formats.for_output(
        args.output, KINDS, default=config.get("format") or "terminal"
    )
    fmt = formats.find(fmt).name
    # Questions change no finding: a baseline or a findings format does without them.
    quick = args.no_questions or args.write_baseline is not None
    quick = quick or formats.find(fmt).kind == "findings"
    select, ignore = config.get("select"), config.get("ignore")
    try:
        if quick:
            review = run(system, select=select, ignore=ignore)
        else:
            # Imported only when asked: a review without questions does without the module.
            from mlreview.engine.whatif.questions import review_with_questions

            context, on_progress = steps("what-if reviews", "unknown fields")
            with context:
                review = review_with_questions(
                    system, select, ignore, on_progress, workers=args.workers
                )
    except SelectionError as exc:
        raise UsageError(f"--select/--ignore: {exc}") from None
    if args.write_baseline is not None:
        return _write_baseline(review, args.write_baseline)
    if config.get("baseline") is not None:
        review = _against_baseline(review, system, config.get("baseline"), fmt)
    if review.plan is not None:
        review.plan.start = getattr(args, "plan_start", None)
    to_tty = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (args.color == "auto" and to_tty and fmt == "terminal")
    fail_on = config.get("fail-on")
    width = width_for(args.width, to_tty)
    options = formats.RenderOptions(width=width, color=color, fail_on=fail_on, full=args.full)
    write(formats.render(printable(review), fmt, options), args.output)
    return _exit_code(review, fail_on)


def _write_baseline(review: Review, path: Path) -> int:
    from mlreview.engine.baseline import baseline_text
    from mlreview.system.repository import repository_path

    write(baseline_text(repository_path(review.file), review.findings), path)
    print(f"wrote {path}: {len(review.findings)} findings recorded", file=sys.stderr)
    return EXIT_OK


def _against_baseline(review: Review, system: System, path: Path, fmt: str) -> Review:
    """The review without the findings the baseline knows. Its stale entries are in the
    document formats' baseline section; for the others they are also noted on stderr."""
    from mlreview.engine.baseline import apply, read

    done = apply(review, system, read(path))
    use = done.baseline
    if use is not None and use.absent and formats.find(fmt).kind != "document":
        print(
            f"mlreview: {path}: {len(use.absent)} baseline entries no longer occur; rewrite it "
            "with --write-baseline to drop them",
            file=sys.stderr,
        )
    return done
