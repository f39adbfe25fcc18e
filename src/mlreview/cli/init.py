"""`mlreview init`: a manifest drafted from prose, or completed by answering questions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli._common import EXIT_OK, UsageError, notes, write


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.from_text is None:
        if args.output is not None:
            raise UsageError("init: --output goes with --from-text; name the manifest instead")
        from mlreview.draft.interview import interview

        return interview(args.manifest, force=args.force)
    from mlreview.draft.from_text import drafted

    result = drafted(*notes(args.from_text))
    target = args.output if args.output is not None else str(args.manifest)
    if target == "-":
        sys.stdout.write(result.yaml)
        return EXIT_OK
    path = Path(target)
    if path.exists() and not args.force:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it")
    write(result.yaml, path)
    print(
        f"wrote {path}: {result.values} values from the text, "
        f"{len(result.review.questions)} open questions at its end; "
        f"next: mlreview check {path}",
        file=sys.stderr,
    )
    return EXIT_OK
