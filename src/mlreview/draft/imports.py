"""`mlreview import`: read the files a team already has into manifest values, with each value's
origin, and say for every file what was read, what was skipped and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlreview.draft.emit import scalar, to_yaml
from mlreview.draft.importers import IMPORTERS
from mlreview.draft.importers.base import Collector, Doc, Importer, SourceFile, mapping
from mlreview.draft.importers.files import Unreadable, documents, find
from mlreview.system.manifest import COMPONENT_SECTIONS

PLACEHOLDER_NAME = "imported-system"


@dataclass
class FileReport:
    """What one file gave: the kinds read, the values taken, and why anything was left."""

    file: SourceFile
    kinds: list[str] = field(default_factory=list)
    values: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.values:
            return "skipped"
        return "partly read" if self.reasons else "read"

    def line(self) -> str:
        kinds = f" ({', '.join(self.kinds)})" if self.kinds else ""
        if self.status == "skipped":
            return f"{self.file.display}: skipped{kinds}: {'; '.join(self.reasons)}"
        text = f"{self.file.display}: {self.status}{kinds}: {self.values} values"
        return text + (f"; {'; '.join(self.reasons)}" if self.reasons else "")


@dataclass
class Imported:
    """Everything imported, by file."""

    collector: Collector
    files: list[FileReport]

    @property
    def values(self) -> int:
        return sum(f.values for f in self.files)

    def conflict_lines(self) -> list[str]:
        out = []
        for c in self.collector.conflicts:
            where = _label(c.key)
            kept, other = shown(c.kept), shown(c.other)
            out.append(
                f"{where}: {c.kept_from.text()} says {kept}, {c.other_from.text()} says "
                f"{other}; kept {kept}"
            )
        return out


def shown(value: Any) -> str:
    """A value as the manifest would write it: a YAML scalar, or a flow list of them."""
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return scalar(value)


def _label(key: tuple[str, ...]) -> str:
    """'endpoints[api].replicas.max' for a draft key."""
    if key and key[0] in COMPONENT_SECTIONS and len(key) > 1:
        return f"{key[0]}[{key[1]}]" + "".join(f".{k}" for k in key[2:])
    return ".".join(key)


def import_paths(
    paths: list[str],
    base: Path | None = None,
    known: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
) -> Imported:
    """Read ``paths``; ``known`` holds the components of a manifest being merged into, by
    section and id, so values that attach by role (an alert on every stream job) find them."""
    files, missing = find(paths, base)
    out = Collector()
    reports = {f.display: FileReport(f) for f in files}
    for gone in missing:
        reports[gone.file.display] = FileReport(gone.file, reasons=[gone.reason])
    claimed: dict[str, list[Doc]] = {}
    by_name = {i.name: i for i in IMPORTERS}
    all_docs: list[Doc] = []
    for file in files:
        docs = documents(file)
        if isinstance(docs, Unreadable):
            reports[file.display].reasons.append(docs.reason)
            continue
        for doc in docs:
            all_docs.append(doc)
            owner = _claimant(doc)
            if owner is None:
                out.skip(doc, _unclaimed(doc))
            else:
                claimed.setdefault(owner.name, []).append(doc)
                out.kinds[doc] = owner.title
    for name, docs in claimed.items():
        _read(by_name[name], docs, out)
    out.resolve(known or {})
    for doc in all_docs:
        report = reports[doc.file.display]
        kind = out.kinds.get(doc)
        if kind and kind not in report.kinds:
            report.kinds.append(kind)
        report.values += out.values.get(doc, 0)
        if doc in out.skipped and not out.values.get(doc):
            report.reasons.append(_in_doc(doc, out.skipped[doc]))
        report.reasons.extend(_in_doc(doc, n) for n in out.notes.get(doc, []))
    for report in reports.values():
        if not report.values and not report.reasons:
            report.reasons.append("holds nothing the manifest describes")
    return Imported(out, sorted(reports.values(), key=lambda r: r.file.display))


def _claimant(doc: Doc) -> Importer | None:
    for importer in IMPORTERS:
        if importer.claims(doc):
            return importer
    return None


def _read(importer: Importer, docs: list[Doc], out: Collector) -> None:
    try:
        importer.read(docs, out)
    except Exception as exc:  # a file no importer foresaw must not end the import
        for doc in docs:
            out.note(
                doc,
                f"the {importer.name} importer failed on it ({type(exc).__name__}: {exc}); "
                "please report this",
            )


def _in_doc(doc: Doc, text: str) -> str:
    return f"document {doc.index + 1}: {text}" if doc.count > 1 else text


def _unclaimed(doc: Doc) -> str:
    data = mapping(doc.data)
    kind, api = data.get("kind"), data.get("apiVersion")
    if isinstance(kind, str) and isinstance(api, str):
        return f"{kind} ({api}) is not a kind mlreview imports"
    if not data and not isinstance(doc.data, list):
        return "not a mapping; not a kind mlreview imports"
    return "not a kind mlreview imports (no apiVersion and kind, schema URL or known keys)"


def draft_text(imported: Imported) -> str:
    """A standalone draft manifest of everything imported, each value with its origin."""
    draft = imported.collector.draft
    draft.data = {"version": 1, "system": {"name": PLACEHOLDER_NAME}, **draft.data}
    draft.notes[("system", "name")] = "placeholder: the files name no system; rename it"
    read = [f for f in imported.files if f.values]
    header = [
        f"Drafted by `mlreview import` from {len(read)} files.",
        "Each value ends with the file and field it came from. What the files do not say is",
        "left out: the review treats it as unknown. Check every value before relying on it.",
    ]
    footer: list[str] = []
    conflicts = imported.conflict_lines()
    if conflicts:
        footer = ["", "Imported files that disagree (the first value was kept):"]
        footer += [f"- {line}" for line in conflicts]
    return to_yaml(draft, header, footer)
