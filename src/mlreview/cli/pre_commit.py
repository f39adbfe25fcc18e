"""`mlreview pre-commit`: check each manifest a pre-commit hook passes (.pre-commit-hooks.yaml).

Each manifest is reviewed with the configuration found upwards from it, one line per finding
by default, and the hook fails on any finding unless --fail-on or the configuration says
otherwise. A manifest that cannot be read is reported and the others are still checked."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli import check
from mlreview.cli._common import EXIT_INPUT, EXIT_OK
from mlreview.report import formats

FAIL_ON = "info"


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hook = sub.add_parser(
        "pre-commit", help="check each manifest given, as the pre-commit hook does"
    )
    hook.add_argument("manifests", type=Path, nargs="+", help="the manifests to check")
    joined = tuple(n for f in formats.FORMATS if f.joins for n in (f.name, *f.aliases))
    hook.add_argument(
        "--format",
        "--output-format",
        "-f",
        choices=joined,
        default="concise",
        help="output format, one after another for each manifest (default: concise)",
    )
    check.add_selection_options(hook)
    check.add_ci_options(hook)
    hook.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mlreview.problems import InputError

    worst = EXIT_OK
    for manifest in args.manifests:
        one = argparse.Namespace(
            **vars(args),
            manifest=manifest,
            from_text=None,
            output=None,
            width=None,
            color="never",
            write_baseline=None,
            show_config=False,
            imports=[],
            full=False,
        )
        try:
            code = check.run(one, fail_on_default=FAIL_ON)
        except InputError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            code = EXIT_INPUT
        worst = max(worst, code)
    return worst
