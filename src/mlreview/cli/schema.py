"""`mlreview schema`: the manifest's JSON Schema, or its field reference in Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlreview.cli._common import EXIT_OK, write


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = sub.add_parser("schema", help="write the manifest JSON Schema (draft-07)")
    schema.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    schema.add_argument(
        "--format",
        "--output-format",
        "-f",
        choices=("json", "markdown"),
        default="json",
        help="json: the schema; markdown: the field reference in docs/manifest.md",
    )
    schema.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mlreview.system.schema import reference_markdown, schema_text

    write(schema_text() if args.format == "json" else reference_markdown(), args.output)
    return EXIT_OK
