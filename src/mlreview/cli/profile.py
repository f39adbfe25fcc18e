"""`mlreview profile`: profile a dataset once, to compare it later without the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli._common import EXIT_OK, UsageError, progress


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prof = sub.add_parser("profile", help="profile a dataset once, to compare later without it")
    prof.add_argument("data", help="Parquet, CSV, Arrow IPC or JSON-lines file, folder or glob")
    prof.add_argument("--output", "-o", type=Path, required=True, help="the profile (JSON)")
    prof.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mlreview.datasets.dataset import profile_paths, write_profile

    context, on_rows = progress()
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
