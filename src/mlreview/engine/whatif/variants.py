"""The same system with a few unknown manifest fields given values (for what-if reviews)."""

from __future__ import annotations

from typing import Any

from mlreview.system.manifest import Manifest, Node
from mlreview.system.paths import Path, with_value
from mlreview.system.system import System


def buildable(model: type[Node]) -> bool:
    """True when an absent node of this type can be created with every field unknown."""
    return all(not f.is_required() for f in model.model_fields.values())


def with_values(system: System, values: dict[Path, Any]) -> System:
    """``system`` with each manifest path set to its value; line positions stay the original's,
    and so does the id-level lineage (what-ifs change only scalar fields)."""
    manifest: Node = system.manifest
    for path, value in values.items():
        manifest = with_value(manifest, path, value)
    assert isinstance(manifest, Manifest)
    return system.with_manifest(manifest)
