"""Command line: argument parsing and exit codes only. Heavy modules load per command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlreview._version import __version__

if TYPE_CHECKING:
    from mlreview.engine.result import Review

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
FORMATS = ("terminal", "markdown", "json", "sarif", "html")
SEVERITIES = ("critical", "high", "medium", "low", "info")


class UsageError(Exception):
    """A bad argument the parser could not catch; reported in one line with exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlreview",
        description="Review a production ML system: training-serving skew, data-pipeline "
        "reliability, serving at 10x traffic, feedback loops, and the biggest risk.",
    )
    parser.add_argument("--version", action="version", version=f"mlreview {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="review a system manifest (the five-part review)")
    check.add_argument("manifest", type=Path, nargs="?", help="the system's YAML manifest")
    check.add_argument(
        "--from-text",
        metavar="NOTES",
        help="review a manifest drafted from this prose description ('-' reads stdin)",
    )
    check.add_argument(
        "--format", "-f", choices=FORMATS, help="output format (default: from -o, else terminal)"
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

    init = sub.add_parser(
        "init", help="write a manifest: from a prose description, or by answering questions"
    )
    init.add_argument(
        "manifest",
        type=Path,
        nargs="?",
        default=Path("system.yaml"),
        help="the manifest to write, or to complete if it exists (default: system.yaml)",
    )
    init.add_argument(
        "--from-text",
        metavar="NOTES",
        help="draft the manifest from this prose description ('-' reads stdin), offline",
    )
    init.add_argument(
        "--output", "-o", help="with --from-text: write here instead ('-' for stdout)"
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")

    prof = sub.add_parser("profile", help="profile a dataset once, to compare later without it")
    prof.add_argument("data", help="Parquet, CSV, Arrow IPC or JSON-lines file, folder or glob")
    prof.add_argument("--output", "-o", type=Path, required=True, help="the profile (JSON)")

    skew = sub.add_parser("skew", help="compare training data with serving data; name causes")
    skew.add_argument("training", help="training data (file, folder, glob) or a saved profile")
    skew.add_argument("serving", help="serving data (file, folder, glob) or a saved profile")
    skew.add_argument("--format", "-f", choices=("terminal", "markdown", "json", "html"))
    skew.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    skew.add_argument(
        "--importance",
        type=Path,
        help="feature importances: JSON {feature: value}, CSV, XGBoost JSON or LightGBM text model",
    )
    skew.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="COLUMNS",
        help="join training and serving rows on these columns (comma-separated) and compare "
        "each example's values",
    )
    skew.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a threshold: wasserstein, psi, js, ks, linf, missing, p_value",
    )
    skew.add_argument(
        "--fail-on",
        choices=("schema", "skew", "drift"),
        help="exit 1 when a feature has this status or a worse one (schema > skew > drift)",
    )
    skew.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")

    cap = sub.add_parser("capacity", help="serving what-if: latency against load, spikes, limits")
    cap.add_argument("manifest", type=Path, help="the system's YAML manifest")
    cap.add_argument(
        "--traffic", help="growth multiplier, e.g. 10x (default: the manifest's, else 10)"
    )
    cap.add_argument("--replicas", type=int, help="run this many replicas at least (min replicas)")
    cap.add_argument("--max-replicas", type=int, help="allow at most this many replicas")
    cap.add_argument("--format", "-f", choices=("terminal", "markdown", "json"), default="terminal")
    cap.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")

    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="rule code or name, e.g. SKEW003 or no-serving-feature-log")

    schema = sub.add_parser("schema", help="write the manifest JSON Schema (draft-07)")
    schema.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    schema.add_argument(
        "--format",
        "-f",
        choices=("json", "markdown"),
        default="json",
        help="json: the schema; markdown: the field reference in docs/manifest.md",
    )
    return parser


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{output}: cannot write: {exc.strerror}") from None


def _format_for(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output is not None:
        from mlreview.report.base import SUFFIXES

        return SUFFIXES.get(args.output.suffix.lower(), "terminal")
    return "terminal"


def _exit_code(review: Review, fail_on: str | None) -> int:
    if fail_on is None:
        return EXIT_OK
    from mlreview.areas.findings import Severity

    bar = Severity(fail_on).rank
    return EXIT_FINDINGS if any(f.severity.rank >= bar for f in review.findings) else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    import shutil

    from mlreview.engine.questions import review_with_questions
    from mlreview.engine.runner import SelectionError, run
    from mlreview.report.base import RenderOptions, render
    from mlreview.system.loader import load

    if (args.manifest is None) == (args.from_text is None):
        raise UsageError("check: expected a manifest file or --from-text NOTES (one of them)")
    if args.from_text is not None:
        from mlreview.draft.from_text import drafted

        system = drafted(*_notes(args.from_text)).system
    else:
        system = load(args.manifest)
    reviewer = run if args.no_questions else review_with_questions
    try:
        review = reviewer(system, select=_split(args.select), ignore=_split(args.ignore))
    except SelectionError as exc:
        raise UsageError(f"--select/--ignore: {exc}") from None
    fmt = _format_for(args)
    to_tty = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (args.color == "auto" and to_tty and fmt == "terminal")
    width = args.width or (shutil.get_terminal_size((100, 24)).columns if to_tty else 100)
    if width < 40:
        raise UsageError(f"--width {width}: expected at least 40 columns")
    _write(render(review, fmt, RenderOptions(width=width, color=color)), args.output)
    return _exit_code(review, args.fail_on)


def _notes(where: str) -> tuple[str, str]:
    """(text, name for messages) of a prose description: a file, or stdin for '-'."""
    from mlreview.problems import InputError
    from mlreview.system.loader import read_text

    if where == "-":
        try:
            return sys.stdin.read(), "<stdin>"
        except UnicodeDecodeError as exc:
            raise InputError.single("<stdin>", f"byte {exc.start} is not UTF-8") from None
    return read_text(Path(where), where, "a text file describing the system"), where


def _init(args: argparse.Namespace) -> int:
    if args.from_text is None:
        if args.output is not None:
            raise UsageError("init: --output goes with --from-text; name the manifest instead")
        from mlreview.draft.interview import interview

        return interview(args.manifest, force=args.force)
    from mlreview.draft.from_text import drafted

    result = drafted(*_notes(args.from_text))
    target = args.output if args.output is not None else str(args.manifest)
    if target == "-":
        sys.stdout.write(result.yaml)
        return EXIT_OK
    path = Path(target)
    if path.exists() and not args.force:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it")
    _write(result.yaml, path)
    print(
        f"wrote {path}: {result.values} values from the text, "
        f"{len(result.review.questions)} open questions at its end; "
        f"next: mlreview check {path}",
        file=sys.stderr,
    )
    return EXIT_OK


def _progress() -> tuple[Any, Any]:
    """A rows-read counter on stderr when it is a terminal: (context, callback)."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("reading: {task.completed:,.0f} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("rows", total=None)
    return progress, lambda n: progress.advance(task, n)


def _profile(args: argparse.Namespace) -> int:
    from mlreview.datasets.dataset import profile_paths, write_profile

    context, on_rows = _progress()
    with context:
        profile = profile_paths([args.data], on_rows)
    try:
        args.output.write_bytes(write_profile(profile))
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror}") from None
    print(
        f"wrote {args.output}: {profile.rows:,} rows, {len(profile.columns)} columns, "
        f"{len(profile.files)} file(s), 0 rows skipped",
        file=sys.stderr,
    )
    return EXIT_OK


FAIL_ORDER = {"schema": 3, "skew": 2, "drift": 1, "ok": 0}


def _thresholds(items: list[str]) -> Any:
    from dataclasses import fields, replace

    from mlreview.datasets.skew import Thresholds

    t = Thresholds()
    names = {f.name for f in fields(Thresholds)}
    for item in items:
        name, _, value = item.partition("=")
        if name not in names:
            raise UsageError(
                f"--threshold {item!r}: expected NAME=VALUE with NAME one of "
                + ", ".join(sorted(names))
            )
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"--threshold {item!r}: expected a number after '='") from None
        if number < 0:
            raise UsageError(f"--threshold {item!r}: expected a value of at least 0")
        t = replace(t, **{name: number})
    return t


def _skew(args: argparse.Namespace) -> int:
    import shutil

    from mlreview.datasets.dataset import compare_specs
    from mlreview.datasets.importance import read_importances
    from mlreview.report.skew_report import render

    thresholds = _thresholds(args.threshold)
    importances = read_importances(args.importance) if args.importance else None
    context, on_rows = _progress()
    with context:
        report = compare_specs(
            args.training,
            args.serving,
            thresholds=thresholds,
            importances=importances,
            on_rows=on_rows,
            keys=_split(args.key),
        )
    suffix = args.output.suffix.lower() if args.output else ""
    fmt = args.format or {".json": "json", ".md": "markdown", ".html": "html"}.get(
        suffix, "terminal"
    )
    to_tty = args.output is None and sys.stdout.isatty()
    width = args.width or (shutil.get_terminal_size((100, 24)).columns if to_tty else 100)
    _write(render(report.to_dict(), fmt, width), args.output)
    if args.fail_on is None:
        return EXIT_OK
    bar = FAIL_ORDER[args.fail_on]
    return EXIT_FINDINGS if any(FAIL_ORDER[f.status] >= bar for f in report.features) else EXIT_OK


def _multiplier(text: str | None) -> float | None:
    if text is None:
        return None
    raw = text.strip().lower().removesuffix("x")
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"--traffic {text!r}: expected a multiplier such as 10x or 2.5") from None
    if not 0 < value <= 1000:
        raise UsageError(f"--traffic {text!r}: expected a multiplier between 0 and 1000")
    return value


def _capacity(args: argparse.Namespace) -> int:
    from mlreview.engine.capacity import report
    from mlreview.report.capacity_report import render
    from mlreview.system.loader import load

    for flag, value in (("--replicas", args.replicas), ("--max-replicas", args.max_replicas)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} {value}: expected at least 1")
    low, high = args.replicas, args.max_replicas
    if low is not None and high is not None and low > high:
        raise UsageError(f"--replicas {low}: expected at most --max-replicas {high}")
    system = load(args.manifest)
    data = report(system, _multiplier(args.traffic), args.replicas, args.max_replicas)
    _write(render(data, args.format), args.output)
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from mlreview.report.rule_docs import rules_json, rules_markdown, rules_text

    writer = {"text": rules_text, "markdown": rules_markdown, "json": rules_json}[args.format]
    _write(writer(), None)
    return EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from mlreview.engine.runner import every_rule
    from mlreview.report.rule_docs import explain

    matches = [
        r for r in every_rule() if r.code == args.code.upper() or r.name == args.code.lower()
    ]
    if not matches:
        raise UsageError(
            f"rule {args.code!r}: no rule has that code or name (see 'mlreview rules')"
        )
    _write(explain(matches[0]), None)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from mlreview.system.schema import reference_markdown, schema_text

    _write(schema_text() if args.format == "json" else reference_markdown(), args.output)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    from mlreview.problems import InputError

    commands = {
        "check": _check,
        "init": _init,
        "capacity": _capacity,
        "profile": _profile,
        "skew": _skew,
        "rules": _rules,
        "rule": _rule,
        "schema": _schema,
    }
    try:
        return commands[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"mlreview: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
