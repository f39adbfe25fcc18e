"""Merge imported values into an existing manifest's text: add what it leaves unknown, keep every
value a person wrote (a different imported value is reported as a conflict with both sources),
and keep every comment and line as it was."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from mlreview.draft.draft import Key
from mlreview.draft.importers.base import checked, field_of, same
from mlreview.draft.imports import Imported, import_paths, shown
from mlreview.draft.yaml_edit import Change, apply
from mlreview.problems import InputError
from mlreview.system.loader import load_text
from mlreview.system.manifest import COMPONENT_SECTIONS, RefTo
from mlreview.system.system import System
from mlreview.system.yaml_source import Document, read_yaml
from mlreview.system.yaml_source import Path as Where


@dataclass
class Merged:
    """The merged text and what happened to each imported value."""

    text: str
    added: int = 0
    agreed: int = 0
    conflicts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    """Imported components taken to be one the manifest names otherwise."""


def _leaves(data: Any, key: Key = ()) -> Iterator[tuple[Key, Any]]:
    """(key, value) of every scalar or list value of draft data, in order."""
    for name, value in data.items():
        here = (*key, name)
        if isinstance(value, dict) and value:
            yield from _leaves(value, here)
        else:
            yield here, value


def _is_ref(key: Key) -> bool:
    model, name = field_of(key)
    info = model.model_fields[name]
    marks = [*info.metadata, *(m for a in get_args(info.annotation) for m in _metadata(a))]
    return any(isinstance(m, RefTo) for m in marks)


def _metadata(tp: Any) -> list[Any]:
    found = list(getattr(tp, "__metadata__", ()))
    for arg in get_args(tp):
        found += _metadata(arg)
    return found


class _Manifest:
    """The manifest being merged into: its data, and where each component is."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.doc: Document = read_yaml(text, file)
        data = self.doc.data if isinstance(self.doc.data, dict) else {}
        self.data: dict[str, Any] = data
        self.index: dict[tuple[str, str], int] = {}
        self.section: dict[str, str] = {}
        for section in COMPONENT_SECTIONS:
            for i, item in enumerate(data.get(section) or []):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.index[(section, item["id"])] = i
                    self.section.setdefault(item["id"], section)

    def components(self) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for (section, ident), i in self.index.items():
            out.setdefault(section, {})[ident] = self.data[section][i]
        return out

    def path(self, key: Key) -> Where:
        """The manifest path of a draft key (component ids become list indices)."""
        if key[0] in COMPONENT_SECTIONS and len(key) > 1:
            return (key[0], self.index[(key[0], key[1])], *key[2:])
        return key

    def value(self, path: Where) -> Any:
        node: Any = self.data
        for part in path:
            in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if not (in_dict or in_list):
                return None
            node = node[part]
        return node


def _aliases(imported: Imported, manifest: _Manifest) -> dict[str, str]:
    """Imported ids the manifest calls otherwise: the model (or store, pipeline) that a component
    both name refers to by one reference, such as the model an endpoint serves."""
    found: dict[str, str] = {}
    for key, value in _leaves(imported.collector.draft.data):
        if not isinstance(value, str) or not _is_ref(key) or key[-1] == "id":
            continue
        if key[0] in COMPONENT_SECTIONS and (key[0], key[1]) in manifest.index:
            written = manifest.value(manifest.path(key))
            if isinstance(written, str) and written != value and value not in manifest.section:
                found.setdefault(value, written)
    return found


def _renamed(data: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """The draft with made-up ids replaced by the manifest's, in components and references."""
    out: dict[str, Any] = {}
    for section, value in data.items():
        if section not in COMPONENT_SECTIONS:
            out[section] = value
            continue
        items: dict[str, Any] = {}
        for ident, component in value.items():
            new = aliases.get(ident, ident)
            merged = items.setdefault(new, {})
            for name, v in _swap(component, aliases, (section, new)).items():
                merged.setdefault(name, v)
            merged["id"] = new
        out[section] = items
    return out


def _swap(node: dict[str, Any], aliases: dict[str, str], key: Key) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in node.items():
        here = (*key, name)
        if isinstance(value, dict):
            out[name] = _swap(value, aliases, here)
        elif name != "id" and _is_ref(here):
            if isinstance(value, list):
                out[name] = [aliases.get(v, v) for v in value]
            else:
                out[name] = aliases.get(value, value)
        else:
            out[name] = value
    return out


def import_into(
    text: str, file: str, paths: list[str], base: Path | None = None
) -> tuple[Imported, Merged]:
    """Import ``paths`` and merge them into manifest ``text`` (named ``file`` in messages)."""
    manifest = _Manifest(text, file)
    imported = import_paths(paths, base, manifest.components())
    return imported, merge(text, file, imported)


def merge(text: str, file: str, imported: Imported) -> Merged:
    """``text`` with the imported values it leaves unknown added, each with its origin."""
    manifest = _Manifest(text, file)
    collector = imported.collector
    aliases = _aliases(imported, manifest)
    notes = {_alias_key(k, aliases): v for k, v in collector.draft.notes.items()}
    data = _renamed(collector.draft.data, aliases)
    merged = Merged(text)
    for old, theirs in aliases.items():
        named = collector.draft.notes.items()
        why = next((v for k, v in named if k[1:] == (old, "id")), "imported")
        merged.same.append(f"{old} ({why}) is the manifest's {theirs}")
    changes: list[Change] = []
    for section, value in data.items():
        if section not in COMPONENT_SECTIONS:
            for key, leaf in _leaves({section: value}):
                changes += _leaf(key, leaf, manifest, notes, merged)
            continue
        added: list[dict[str, Any]] = []
        for ident, component in value.items():
            if ident in manifest.section:
                changes += _existing(
                    section, ident, component, manifest, notes=notes, merged=merged
                )
            else:
                added.append(component)
        changes += _new(section, added, manifest, notes, merged)
    merged.text = _applied(text, file, changes, merged)
    return merged


def _alias_key(key: Key, aliases: dict[str, str]) -> Key:
    if len(key) > 1 and key[0] in COMPONENT_SECTIONS and key[1] in aliases:
        return (key[0], aliases[key[1]], *key[2:])
    return key


def _new(
    section: str,
    components: list[dict[str, Any]],
    manifest: _Manifest,
    notes: dict[Key, str],
    merged: Merged,
) -> list[Change]:
    """Components the manifest does not have, appended to its section (made if absent)."""
    if not components:
        return []

    def rel(component: dict[str, Any], prefix: Where) -> dict[Where, str]:
        key = (section, component["id"])
        return {(*prefix, *k[2:]): notes[k] for k, _ in _leaves(component, key) if k in notes}

    merged.added += sum(sum(1 for _ in _leaves(c)) - 1 for c in components)
    if section not in manifest.data:
        found: dict[Where, str] = {}
        for i, c in enumerate(components):
            found.update(rel(c, (i,)))
        return [Change((section,), components, found)]
    start = len(manifest.data.get(section) or [])
    return [Change((section, start + i), c, rel(c, ())) for i, c in enumerate(components)]


def _existing(
    section: str,
    ident: str,
    component: dict[str, Any],
    manifest: _Manifest,
    *,
    notes: dict[Key, str],
    merged: Merged,
) -> list[Change]:
    owner = manifest.section[ident]
    if owner != section:
        line = manifest.doc.position((owner, manifest.index[(owner, ident)]))[0]
        merged.conflicts.append(
            f"{manifest.file}:{line}: {ident}: the manifest declares it under {owner}; "
            f"{notes.get((section, ident, 'id'), 'an imported file')} makes it one of "
            f"{section}; not merged"
        )
        return []
    changes: list[Change] = []
    for key, leaf in _leaves(component, (section, ident)):
        if key[-1] != "id":
            changes += _leaf(key, leaf, manifest, notes, merged)
    return changes


def _leaf(
    key: Key, value: Any, manifest: _Manifest, notes: dict[Key, str], merged: Merged
) -> list[Change]:
    path = manifest.path(key)
    written = manifest.value(path)
    note = notes.get(key, "imported")
    if written is None:
        merged.added += 1
        return [Change(path, value, {(): note})]
    try:
        agrees = same(checked(key, written), checked(key, value))
    except ValueError:
        agrees = False
    if agrees:
        merged.agreed += 1
    else:
        line = manifest.doc.position(path)[0]
        label = manifest.doc.label(path)
        merged.conflicts.append(
            f"{manifest.file}:{line}: {label}: the manifest says {shown(written)}; "
            f"{note} says {shown(value)}; kept {shown(written)}"
        )
    return []


def _applied(text: str, file: str, changes: list[Change], merged: Merged) -> str:
    """The text with every change that leaves a valid manifest; the others are reported."""
    if not changes:
        return text
    out = apply(text, file, changes)
    try:
        load_text(out, file)
        return out
    except InputError:
        pass
    out = text
    for change in changes:  # one at a time, to say which value would break the manifest
        candidate = apply(out, file, [change])
        try:
            load_text(candidate, file)
            out = candidate
        except InputError as exc:
            merged.added -= 1
            note = next(iter(change.notes.values()), "imported")
            merged.refused.append(f"{exc.problems[0]} (adding {note}); not added")
    return out


def remap_lines(system: System, before: str, after: str) -> System:
    """``system`` (loaded from ``after``) with its positions moved to the lines of ``before``:
    a value added by the merge points at the line it was added after."""
    old, new = before.splitlines(), after.splitlines()
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, _, b0, b1 in matcher.get_opcodes():
        for j in range(b0, b1):
            mapping[j + 1] = (a0 + (j - b0) + 1) if tag == "equal" else max(a0, 1)
    doc = system.doc
    for table in (doc.values, doc.keys):
        for path, (line, column) in list(table.items()):
            table[path] = (mapping.get(line, line), column)
    return system
