"""Load a manifest file into a checked System, or raise InputError with located problems."""

from __future__ import annotations

import difflib
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

MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def read_text(path: Path, display: str, what: str = "a YAML manifest file") -> str:
    """The UTF-8 text of a file, or InputError for every way that can fail."""
    if path.is_dir():
        raise InputError.single(display, f"is a directory; expected {what}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError.single(display, f"no such file; expected {what}") from None
    except OSError as exc:
        raise InputError.single(display, f"cannot read: {exc.strerror}") from None
    if size > MAX_MANIFEST_BYTES:
        raise InputError.single(
            display, f"file is {size} bytes; expected {what} under {MAX_MANIFEST_BYTES} bytes"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            display, f"byte {exc.start} is not UTF-8; expected a UTF-8 text file"
        ) from None
    except OSError as exc:
        raise InputError.single(display, f"cannot read: {exc.strerror}") from None


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
    if problems:
        raise InputError(problems)
    return system


def _label(doc: Document, path: tuple[str | int, ...]) -> str:
    return doc.label(path)


def _validation_problems(exc: ValidationError, doc: Document) -> list[Problem]:
    by_path: dict[tuple[str | int, ...], dict[str, Any]] = {}
    for err in exc.errors():
        path, tp, parent = walk(Manifest, tuple(err["loc"]))
        entry = by_path.setdefault(path, {"errors": [], "type": tp, "parent": parent})
        entry["errors"].append(err)
    problems = []
    for path, entry in by_path.items():
        message, at_key = _message(path, entry, doc)
        line, col = doc.position(path, key=at_key)
        problems.append(Problem(doc.file, line, col, message))
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
    if len(errors) == 1 and errors[0]["type"] in _CONSTRAINTS:
        return f"{where}: {errors[0]['msg'].lower()}, got {_show(errors[0]['input'])}", False
    custom = [e for e in errors if e["type"] == "value_error"]
    if custom:
        text = str(custom[0]["msg"]).removeprefix("Value error, ")
        return f"{where}: {text}", False
    given = errors[0].get("input")
    return f"{where}: expected {describe(entry['type'])}, got {_show(given)}", False


_CONSTRAINTS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "multiple_of",
    "string_too_short",
    "string_too_long",
    "string_pattern_mismatch",
    "too_short",
    "too_long",
}


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
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in edges.get(n, []):
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state and (cycle := visit(m)):
                return cycle
        stack.pop()
        state[n] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            closer = system.components[cycle[-2]]
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
    return []


def _ranges(system: System) -> list[Problem]:
    problems = []
    for e in system.manifest.endpoints:
        r = e.replicas
        if r and r.min is not None and r.max is not None and r.min > r.max:
            line, col = system.position(r, "min")
            problems.append(
                Problem(
                    system.file,
                    line,
                    col,
                    f"endpoints[{e.id}].replicas: min {r.min} is above max {r.max}; "
                    "expected min <= max",
                )
            )
    return problems
