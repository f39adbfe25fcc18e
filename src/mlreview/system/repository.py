"""Where a manifest is within its repository, as code scanning, CI servers and baselines name
it: the same path wherever the command runs."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def repository_path(file: str) -> str:
    """The manifest's path relative to its repository's root (the nearest folder above it
    holding .git), else its file name relative to its own folder; the same wherever the command
    runs, and relative, as a SARIF base id requires (SARIF 2.1.0, 3.4.4) and as GitHub resolves
    annotation files against the checkout."""
    path = Path(file).resolve()
    root = next((p for p in path.parents if (p / ".git").exists()), path.parent)
    return str(PurePosixPath(*path.relative_to(root).parts))
