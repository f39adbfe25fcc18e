"""`mlreview skew`: which features differ between training and serving data, and why."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli import _engine
from mlreview.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    progress,
    split,
    width_for,
    write,
)
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    skew = sub.add_parser("skew", help="compare training data with serving data; name causes")
    skew.add_argument("training", help="training data (file, folder, glob) or a saved profile")
    skew.add_argument("serving", help="serving data (file, folder, glob) or a saved profile")
    skew.add_argument(
        "--format",
        "--output-format",
        "-f",
        choices=formats.names(*KINDS),
        help="default: from -o, else terminal",
    )
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
    _engine.add(skew)
    skew.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mlreview.datasets.dataset import compare_specs, rows_to_read
    from mlreview.datasets.importance import read_importances
    from mlreview.datasets.skew import Thresholds, at_or_above
    from mlreview.report.skew_document import skew_printable

    try:
        thresholds = Thresholds().with_overrides(args.threshold)
    except ValueError as exc:
        raise UsageError(f"--threshold {exc}") from None
    keys = split(args.key)
    twice = [k for i, k in enumerate(keys) if k in keys[:i]]
    if twice:
        raise UsageError(f"--key {twice[0]!r} is given twice; expected each key column once")
    _engine.check(args)
    importances = read_importances(args.importance) if args.importance else None
    if args.engine == "spark":
        with _engine.session(args) as spark:
            from mlreview.spark.skew import compare_spark

            report = compare_spark(
                spark,
                args.training,
                args.serving,
                thresholds=thresholds,
                importances=importances,
                keys=keys,
            )
    else:
        context, on_rows = progress(
            "profiling", total=lambda: rows_to_read([args.training, args.serving])
        )
        with context:
            report = compare_specs(
                args.training,
                args.serving,
                thresholds=thresholds,
                importances=importances,
                on_rows=on_rows,
                keys=keys,
            )
    fmt = formats.find(args.format).name if args.format else formats.for_output(args.output, KINDS)
    to_tty = args.output is None and sys.stdout.isatty()
    options = formats.RenderOptions(width=width_for(args.width, to_tty))
    write(formats.render(skew_printable(report), fmt, options), args.output)
    if args.fail_on is not None and any(
        at_or_above(f.status, args.fail_on) for f in report.features
    ):
        return EXIT_FINDINGS
    return EXIT_OK
