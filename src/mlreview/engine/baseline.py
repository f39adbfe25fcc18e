"""Baselines: today's findings recorded, so a later review reports only the new ones.

A finding is known when the baseline holds an entry with its identity (rule code, components,
manifest path; ``Finding.identity``). Entries are counted, so a second finding with one identity
is new even when the first is known. Entries matching nothing are reported as absent, so the
file can shrink. A baseline records one manifest (its path in the repository) and is refused
for another, whose component ids could match by chance. The format is docs/ci.md's, versioned
by ``version``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from mlreview.areas.findings import Finding
from mlreview.areas.registry import AREA_LIST
from mlreview.engine.result import Review
from mlreview.problems import InputError
from mlreview.system.repository import repository_path
from mlreview.system.system import System

BASELINE_VERSION = 1
Identity = tuple[str, tuple[str, ...], str]


@dataclass(frozen=True, order=True)
class Entry:
    """One recorded finding: what identifies it across edits, nothing else."""

    rule: str
    components: tuple[str, ...]
    path: str

    @property
    def identity(self) -> Identity:
        return (self.rule, tuple(sorted(set(self.components))), self.path)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "components": list(self.components), "path": self.path}


@dataclass(frozen=True)
class Baseline:
    file: str
    manifest: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class BaselineUse:
    """What a baseline did to a review: how many findings it knew, and its entries that matched
    no finding (fixed, or renamed: either way the file can drop them)."""

    file: str
    known: tuple[Finding, ...]
    absent: tuple[Entry, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "known": len(self.known),
            "absent": [e.to_dict() for e in self.absent],
        }


def entry_of(f: Finding) -> Entry:
    return Entry(*f.identity)


def baseline_text(manifest: str, findings: list[Finding]) -> str:
    """The baseline file recording ``findings`` of ``manifest`` (its repository path): sorted,
    one entry a line, so the same findings give the same bytes and a finding fixed or added is
    one line of a diff."""
    entries = [orjson.dumps(e.to_dict()).decode() for e in sorted(map(entry_of, findings))]
    body = ",\n".join(f"    {e}" for e in entries)
    head = {"version": BASELINE_VERSION, "tool": "mlreview", "manifest": manifest}
    lines = [f"  {orjson.dumps(k).decode()}: {orjson.dumps(v).decode()}," for k, v in head.items()]
    findings_list = f"[\n{body}\n  ]" if entries else "[]"
    return "{\n" + "\n".join(lines) + f'\n  "findings": {findings_list}\n}}\n'


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict) or set(item) != {"rule", "components", "path"}:
        raise ValueError(f"{where}: expected an object with rule, components and path")
    rule, components, path = item["rule"], item["components"], item["path"]
    if not isinstance(rule, str) or not isinstance(path, str):
        raise ValueError(f"{where}: expected rule and path to be strings")
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise ValueError(f"{where}: expected components to be a list of strings")
    return Entry(rule, tuple(components), path)


def parse(text: str, file: str) -> Baseline:
    """A baseline from its text; InputError naming the file (and line) when it is not one."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError.single(file, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    if not isinstance(doc, dict) or doc.get("tool") != "mlreview" or "findings" not in doc:
        raise InputError.single(file, "expected a baseline written by mlreview --write-baseline")
    if doc.get("version") != BASELINE_VERSION:
        raise InputError.single(
            file,
            f"baseline version {doc.get('version')!r}: this mlreview reads version "
            f"{BASELINE_VERSION}; rewrite it with --write-baseline",
        )
    items, manifest = doc["findings"], doc.get("manifest")
    if not isinstance(manifest, str):
        raise InputError.single(file, "manifest: expected the path of the manifest it records")
    if not isinstance(items, list):
        raise InputError.single(file, "findings: expected a list")
    try:
        entries = tuple(_entry(item, f"findings[{i}]") for i, item in enumerate(items))
    except ValueError as exc:
        raise InputError.single(file, str(exc)) from None
    return Baseline(file, manifest, entries)


def read(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(
            str(path), "no such baseline; write one with --write-baseline"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(str(path), f"cannot read the baseline: {exc}") from None
    return parse(text, str(path))


def split(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], BaselineUse]:
    """(findings the baseline does not know, what it did), in the findings' order."""
    left = Counter(e.identity for e in baseline.entries)
    new: list[Finding] = []
    known: list[Finding] = []
    for f in findings:
        if left[f.identity] > 0:
            left[f.identity] -= 1
            known.append(f)
        else:
            new.append(f)
    absent: list[Entry] = []
    for e in sorted(baseline.entries):
        if left[e.identity] > 0:
            left[e.identity] -= 1
            absent.append(e)
    return new, BaselineUse(baseline.file, tuple(known), tuple(absent))


def apply(review: Review, system: System, baseline: Baseline) -> Review:
    """The review with the findings the baseline knows taken out of its findings lists, each
    area's summary recounted; its assessments, scenarios, top risk and questions still describe
    the whole system (a baseline hides known findings, it does not fix them)."""
    here = repository_path(system.file)
    if baseline.manifest != here:
        raise InputError.single(
            baseline.file,
            f"records the findings of {baseline.manifest}, not of {here}; each manifest needs "
            "its own baseline (an mlreview.toml beside it can name it)",
        )
    new, use = split(review.findings, baseline)
    known = {id(f) for f in use.known}
    areas = {}
    for area in AREA_LIST:
        result = review.areas[area.key]
        found = [f for f in result.findings if id(f) not in known]
        summary = area.summarise(system, result.assessment, found)
        areas[area.key] = replace(result, findings=found, summary=summary)
    return replace(review, areas=areas, findings=new, baseline=use)
