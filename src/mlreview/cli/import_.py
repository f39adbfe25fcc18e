"""`mlreview import`: draft a manifest from the files a team already has, or merge them into one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlreview.cli._common import EXIT_INPUT, EXIT_OK, UsageError


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "import",
        help="draft a manifest from Kubernetes, KServe, SageMaker, Feast, dbt, OpenLineage, "
        "Prometheus and MLflow files",
    )
    command.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    command.add_argument(
        "--output",
        "-o",
        help="where to write ('-' for stdout; default: system.yaml, or the --merge manifest)",
    )
    command.add_argument(
        "--merge",
        type=Path,
        metavar="MANIFEST",
        help="add to this manifest in place: values it leaves unknown, never over one it states",
    )
    command.add_argument("--force", action="store_true", help="overwrite an existing -o file")
    command.set_defaults(run=run)


def _target(args: argparse.Namespace) -> Path | None:
    """The file to write (None for stdout)."""
    if args.output == "-":
        return None
    if args.output is not None:
        path = Path(args.output)
    else:
        path = args.merge if args.merge is not None else Path("system.yaml")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory; expected a manifest file to write")
    if path.exists() and not args.force and path != args.merge:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it (or --merge it)")
    return path


def run(args: argparse.Namespace) -> int:
    from mlreview.draft.atomic import write_atomically
    from mlreview.problems import InputError
    from mlreview.system.loader import read_text

    target = _target(args)
    base = target.resolve().parent if target is not None else None
    if args.merge is not None:
        from mlreview.draft.merge import import_into

        manifest = str(args.merge)
        text = read_text(args.merge, manifest)
        imported, merged = import_into(text, manifest, list(args.paths), base)
        lines = [f.line() for f in imported.files]
        lines += [f"conflict: {c}" for c in imported.conflict_lines()]
        lines += [f"conflict: {c}" for c in merged.conflicts]
        lines += [f"not added: {r}" for r in merged.refused]
        lines += [f"same component: {s}" for s in merged.same]
        output = merged.text
        summary = (
            f"merged into {target or '<stdout>'}: {merged.added} values added, "
            f"{merged.agreed} already there, "
            f"{len(merged.conflicts)} conflicts (the manifest's values kept)"
        )
    else:
        from mlreview.draft.imports import draft_text, import_paths
        from mlreview.system.loader import load_text

        imported = import_paths(list(args.paths), base)
        lines = [f.line() for f in imported.files]
        lines += [f"conflict: {c}" for c in imported.conflict_lines()]
        output = draft_text(imported)
        read = sum(1 for f in imported.files if f.values)
        summary = (
            f"imported {imported.values} values from {read} of {len(imported.files)} files; "
            f"wrote {target or '<stdout>'}"
        )
        if imported.values:
            load_text(output, str(target or "<stdout>"))
    for line in lines:
        print(line, file=sys.stderr)
    if not imported.values:
        print("nothing could be imported; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    if target is None:
        sys.stdout.write(output)
    else:
        try:
            write_atomically(target, output)
        except OSError as exc:
            raise InputError.single(str(target), f"cannot write: {exc.strerror}") from None
    print(summary, file=sys.stderr)
    return EXIT_OK
