"""`mlreview capacity`: the serving part alone, with what-if traffic and replica bounds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli._common import EXIT_OK, UsageError, width_for, write
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cap = sub.add_parser("capacity", help="serving what-if: latency against load, spikes, limits")
    cap.add_argument("manifest", type=Path, help="the system's YAML manifest")
    cap.add_argument(
        "--traffic", help="growth multiplier, e.g. 10x (default: the manifest's, else 10)"
    )
    cap.add_argument("--replicas", type=int, help="run this many replicas at least (min replicas)")
    cap.add_argument("--max-replicas", type=int, help="allow at most this many replicas")
    cap.add_argument(
        "--format",
        "--output-format",
        "-f",
        choices=formats.names(*KINDS),
        help="default: from -o, else terminal",
    )
    cap.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    cap.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    cap.set_defaults(run=run)


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


def run(args: argparse.Namespace) -> int:
    from mlreview.engine.capacity_what_if import what_if
    from mlreview.report.capacity_document import capacity_printable
    from mlreview.system.loader import load
    from mlreview.system.manifest.base import MAX_REPLICAS

    for flag, value in (("--replicas", args.replicas), ("--max-replicas", args.max_replicas)):
        if value is not None and not 1 <= value <= MAX_REPLICAS:
            raise UsageError(f"{flag} {value}: expected 1 to {MAX_REPLICAS:,}")
    low, high = args.replicas, args.max_replicas
    if low is not None and high is not None and low > high:
        raise UsageError(f"--replicas {low}: expected at most --max-replicas {high}")
    system = load(args.manifest)
    data = what_if(system, _multiplier(args.traffic), args.replicas, args.max_replicas)
    fmt = formats.find(args.format).name if args.format else formats.for_output(args.output, KINDS)
    to_tty = args.output is None and sys.stdout.isatty()
    options = formats.RenderOptions(width=width_for(args.width, to_tty))
    write(formats.render(capacity_printable(data), fmt, options), args.output)
    return EXIT_OK
