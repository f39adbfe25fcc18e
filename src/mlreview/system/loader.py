"""Load a manifest file into a checked System, or raise InputError with located problems."""

from __future__ import annotations

import difflib
import sys
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from mlreview.problems import InputError, Problem
from mlreview.system.manifest import COMPONENT_SECTIONS, Component, Manifest, Node, RefTo
from mlreview.system.paths import keys_of, walk
from mlreview.system.system import System
from mlreview.system.type_words import describe
from mlreview.system.yaml_source import Document, read_yaml
from mlreview.textfile import read_text

__all__ = ["load", "load_text", "read_text"]


def load(path: str | Path) -> System:
    """Read, validate and cross-check a manifest file."""
    file = Path(path)
    display = str(path)
    return load_text(read_text(file, display), display)


def load_text(text: str, display: str = "<manifest>") -> System:
    """Validate manifest text; ``display`` names the file in messages."""
    if not text.strip():
        raise InputError.single(display, "file is empty; expected a YAML manifest mapping")
    doc = read_yaml(text, display)
    if not isinstance(doc.data, dict):
        raise InputError.single(
            display, "expected a mapping with 'version' and 'system' at the top level"
        )
    try:
        manifest = Manifest.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(_validation_problems(exc, doc)) from None
    _stamp_paths(manifest, ())
    system = System(manifest, doc)
    problems = [*_duplicate_ids(system), *_dangling_refs(system), *_cycles(system)]
    problems += _ranges(system)
    problems += _feature_writers(system)
    if problems:
        raise InputError(problems)
    return system


def _label(doc: Document, path: tuple[str | int, ...]) -> str:
    return doc.label(path)


MAX_LISTED = 200
MAX_WITH_CONTEXT = 10_000
"""Validation problems listed one by one; past this, one line counts the rest."""


def _validation_problems(exc: ValidationError, doc: Document) -> list[Problem]:
    by_path: dict[tuple[str | int, ...], dict[str, Any]] = {}
    # Each error's context (the bound it broke) costs memory: a million wrong values in a
    # generated file would take a third more (benchmarks/yaml_memory.py), so past a few
    # thousand errors bounds are worded as pydantic words them.
    errors = exc.errors(include_url=False, include_context=exc.error_count() <= MAX_WITH_CONTEXT)
    unlisted = 0
    for err in errors:
        path, tp, parent = walk(Manifest, tuple(err["loc"]))
        if path not in by_path and len(by_path) == MAX_LISTED:
            if not unlisted:
                first_unlisted = path
            unlisted += 1
            continue
        entry = by_path.setdefault(path, {"errors": [], "type": tp, "parent": parent})
        entry["errors"].append(err)
    problems = []
    for path, entry in by_path.items():
        message, at_key = _message(path, entry, doc)
        line, col = doc.position(path, key=at_key)
        problems.append(Problem(doc.file, line, col, message))
    if unlisted:
        line, col = doc.position(first_unlisted)
        problems.append(
            Problem(
                doc.file,
                line,
                col,
                f"{unlisted:,} more problems like these, not listed (the first {MAX_LISTED} "
                "are); expected a manifest",
            )
        )
    return problems


def _message(path: tuple[str | int, ...], entry: dict[str, Any], doc: Document) -> tuple[str, bool]:
    errors: list[dict[str, Any]] = entry["errors"]
    kinds = {e["type"] for e in errors}
    where = _label(doc, path)
    if "extra_forbidden" in kinds:
        key = str(path[-1])
        parent: type[BaseModel] = entry["parent"]
        known = sorted(keys_of(parent))
        guess = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
        hint = (
            f"; did you mean {guess[0]!r}?" if guess else f"; expected one of: {', '.join(known)}"
        )
        return f"{_label(doc, path[:-1])}: unknown key {key!r}{hint}", True
    if "missing" in kinds:
        return f"{_label(doc, path[:-1])}: missing required key {path[-1]!r}", True
    if len(errors) == 1 and errors[0]["type"] in _BOUNDS and "ctx" in errors[0]:
        limit = errors[0]["ctx"].get(_BOUNDS[errors[0]["type"]][1])
        expected = f"{_BOUNDS[errors[0]['type']][0]} {_limit(limit)}"
        return f"{where}: expected {expected}, got {_show(errors[0]['input'])}", False
    if len(errors) == 1 and errors[0]["type"] in _CONSTRAINTS:
        msg = str(errors[0]["msg"])
        return f"{where}: {msg[:1].lower()}{msg[1:]}, got {_show(errors[0]['input'])}", False
    given = errors[0].get("input")
    if "finite_number" in kinds:
        return f"{where}: expected a finite number, got {_show(given)}", False
    if isinstance(given, int) and not isinstance(given, bool) and abs(given) > _LARGEST_FLOAT:
        digits = len(str(abs(given)))
        return f"{where}: expected a number, got an integer of {digits} digits", False
    custom = [e for e in errors if e["type"] == "value_error"]
    if custom:
        text = str(custom[0]["msg"]).removeprefix("Value error, ")
        return f"{where}: {text}", False
    return f"{where}: expected {describe(entry['type'])}, got {_show(given)}", False


_LARGEST_FLOAT = sys.float_info.max
_BOUNDS = {
    "greater_than": ("more than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}
_CONSTRAINTS = {
    *_BOUNDS,
    "multiple_of",
    "string_too_short",
    "string_too_long",
    "string_pattern_mismatch",
    "too_short",
    "too_long",
}


def _limit(value: Any) -> str:
    """A bound as a reader writes it: 1,000,000,000 and 0.001, not 1000000000.0 and 1e-03."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _stamp_paths(node: Node, path: tuple[str | int, ...]) -> None:
    node._path = path
    for name, field in type(node).model_fields.items():
        key = field.alias or name
        value = getattr(node, name)
        if isinstance(value, Node):
            _stamp_paths(value, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Node):
                    _stamp_paths(item, (*path, key, i))


def _duplicate_ids(system: System) -> list[Problem]:
    seen: dict[str, Component] = {}
    problems = []
    for section in COMPONENT_SECTIONS:
        for comp in getattr(system.manifest, section):
            if comp.id in seen:
                first = seen[comp.id]
                line, col = system.position(comp, "id")
                first_line = system.position(first, "id")[0]
                problems.append(
                    Problem(
                        system.file,
                        line,
                        col,
                        f"duplicate id {comp.id!r} (first used by a {first.KIND} at line "
                        f"{first_line}); expected ids unique across the manifest",
                    )
                )
            else:
                seen[comp.id] = comp
    return problems


def _list_ref(annotation: Any) -> RefTo | None:
    """The reference kinds of a ``list[Annotated[str, RefTo]]`` field, if it is one."""
    for arg in get_args(annotation):
        for sub in (arg, *get_args(arg)):
            for meta in getattr(sub, "__metadata__", ()):
                if isinstance(meta, RefTo):
                    return meta
    return None


@cache
def _ref_fields(model: type[Node]) -> tuple[tuple[str, str, RefTo | None, bool], ...]:
    """(attribute, manifest key, reference kinds, holds a list of references) per field."""
    out = []
    for name, field in model.model_fields.items():
        marks = [m for m in field.metadata if isinstance(m, RefTo)]
        inner = _list_ref(field.annotation)
        out.append((name, field.alias or name, marks[0] if marks else inner, inner is not None))
    return tuple(out)


def _refs(node: Node) -> list[tuple[Node, str, int | None, str, RefTo]]:
    """Every reference below ``node``: (owner, key, list index, target id, allowed kinds)."""
    found: list[tuple[Node, str, int | None, str, RefTo]] = []
    for name, key, kinds, is_list in _ref_fields(type(node)):
        value = getattr(node, name)
        if kinds is not None and not is_list and isinstance(value, str):
            found.append((node, key, None, value, kinds))
        elif kinds is not None and is_list and isinstance(value, list):
            found.extend((node, key, i, v, kinds) for i, v in enumerate(value))
        if isinstance(value, Node):
            found.extend(_refs(value))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    found.extend(_refs(item))
    return found


def _dangling_refs(system: System) -> list[Problem]:
    problems = []
    for owner, key, index, target, allowed in _refs(system.manifest):
        comp = system.components.get(target)
        if comp is not None and comp.KIND in allowed.kinds:
            continue
        path = (*owner.path, key) if index is None else (*owner.path, key, index)
        line, col = system.doc.position(path)
        kinds = " or ".join(allowed.kinds)
        if comp is not None:
            message = f"{target!r} is a {comp.KIND}; expected a {kinds} id"
        else:
            pool = [c.id for c in system.components.values() if c.KIND in allowed.kinds]
            guess = difflib.get_close_matches(target, pool, n=1, cutoff=0.6)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            message = f"{target!r} is not a declared {kinds}{hint}"
        where = _label(system.doc, path[:-1] if index is not None else path)
        problems.append(Problem(system.file, line, col, f"{where}: {message}"))
    return problems


def _cycles(system: System) -> list[Problem]:
    """Data must flow one way through pipelines, sources and stores."""
    edges: dict[str, list[str]] = {}
    for p in system.manifest.pipelines:
        for i in p.inputs:
            edges.setdefault(i, []).append(p.id)
        edges.setdefault(p.id, []).extend(p.outputs)
    cycle = _first_cycle(edges)
    if cycle is None:
        return []
    # Ids in the cycle may be undeclared (reported as dangling); its pipelines are declared.
    closer = next(system.components[n] for n in reversed(cycle[:-1]) if n in system.components)
    line, col = system.position(closer)
    loop = " -> ".join(cycle)
    return [
        Problem(
            system.file,
            line,
            col,
            f"data flows in a cycle ({loop}); expected pipelines to read only upstream "
            "data (declare feedback loops under 'feedback')",
        )
    ]


def _first_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """The first cycle a depth-first walk from each sorted start meets, closed by its first
    node; iterative, so a chain of any length cannot exhaust the stack."""
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        path, on_path = [start], {start}
        pending = [iter(edges.get(start, []))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(edges.get(nxt, [])))
    return None


def _ranges(system: System) -> list[Problem]:
    """A lower bound above its upper bound, named with both values."""
    problems = []

    def above(node: Node, where: str, low: str, high: str) -> None:
        lo, hi = getattr(node, low), getattr(node, high)
        if lo is not None and hi is not None and lo > hi:
            line, col = system.position(node, low)
            problems.append(
                Problem(
                    system.file,
                    line,
                    col,
                    f"{where}: {low} {lo} is above {high} {hi}; expected {low} <= {high}",
                )
            )

    for e in system.manifest.endpoints:
        if e.replicas:
            above(e.replicas, f"endpoints[{e.id}].replicas", "min", "max")
        if e.batch:
            above(e.batch, f"endpoints[{e.id}].batch", "workers", "max_workers")
    return problems


def _feature_writers(system: System) -> list[Problem]:
    """A feature's ``pipeline`` must be a job that writes the feature's store."""
    problems = []
    for f in system.manifest.features:
        if not f.pipeline or not f.store:
            continue
        job = system.components.get(f.pipeline)
        outputs = getattr(job, "outputs", None) or []
        if f.store not in outputs:
            line, col = system.position(f, "pipeline")
            problems.append(
                Problem(
                    system.file,
                    line,
                    col,
                    f"features[{f.id}].pipeline: {f.pipeline} does not write {f.store}; expected "
                    "a job whose outputs include the feature's store",
                )
            )
    return problems
