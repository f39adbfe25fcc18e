"""`mlreview profile`: profile a dataset once, to compare it later without the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli import _engine
from mlreview.cli._common import EXIT_OK, UsageError, progress, width_for
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prof = sub.add_parser("profile", help="profile a dataset once, to compare later without it")
    prof.add_argument(
        "data",
        nargs="+",
        help="Parquet, CSV, Arrow IPC or JSON-lines files, folders or globs (one profile of all)",
    )
    prof.add_argument(
        "--output",
        "-o",
        type=Path,
        help="save the profile (JSON, for `mlreview skew PROFILE DATA` later); without it, "
        "print a summary of each column",
    )
    prof.add_argument(
        "--format",
        "--output-format",
        "-f",
        choices=formats.names(*KINDS),
        help="json is the saved profile (default with -o); others summarise it",
    )
    prof.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    _engine.add(prof)
    prof.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mlreview.datasets.dataset import profile_paths, rows_to_read, write_profile
    from mlreview.report.profile_document import profile_document

    _engine.check(args)
    if args.engine == "spark":
        with _engine.session(args) as spark:
            from mlreview.spark.profile import profile_spark
            from mlreview.spark.read import read_specs

            frame, files = read_specs(spark, args.data)
            profile = profile_spark(frame, files)
    else:
        context, on_rows = progress("profiling", total=lambda: rows_to_read(args.data))
        with context:
            profile = profile_paths(args.data, on_rows)
    default = "json" if args.output is not None else "terminal"
    fmt = formats.find(args.format).name if args.format else default
    if fmt == "json":
        body = write_profile(profile)
    else:
        what = formats.Printable(lambda: profile_document(profile), profile.to_dict)
        to_tty = args.output is None and sys.stdout.isatty()
        options = formats.RenderOptions(width=width_for(args.width, to_tty))
        body = formats.render(what, fmt, options).encode()
    if args.output is None:
        sys.stdout.buffer.write(body)
        return EXIT_OK
    try:
        args.output.write_bytes(body)
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror}") from None
    print(
        f"wrote {args.output}: {profile.rows:,} rows, {len(profile.columns)} columns, "
        f"{len(profile.files)} file(s), 0 rows skipped",
        file=sys.stderr,
    )
    return EXIT_OK
