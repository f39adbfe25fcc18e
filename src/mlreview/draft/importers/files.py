"""Find the files to import (files, folders, globs) and read each into plain documents, safely.

YAML is read with PyYAML's safe loader: plain data only, timestamps left as text, and aliases
bounded by the size they expand to. CloudFormation's short-form tags (``!Ref``, ``!Sub``, ...)
become their long form as plain mappings (``{"Ref": "X"}``); any other tag is refused. JSON is
one document, or one event per line (JSON lines).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from mlreview.draft.importers.base import Doc, SourceFile

MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
_GLOB = set("*?[")

CLOUDFORMATION_TAGS = (
    "Ref",
    "Condition",
    "GetAtt",
    "Sub",
    "If",
    "Equals",
    "And",
    "Or",
    "Not",
    "Join",
    "Select",
    "Split",
    "FindInMap",
    "Base64",
    "Cidr",
    "GetAZs",
    "ImportValue",
    "Transform",
    "Length",
    "ToJsonString",
)

_Base: Any = yaml.SafeLoader  # pure Python: the same result on every machine, libyaml or not


class _Loader(_Base):  # type: ignore[misc]  # PyYAML's loaders are untyped
    """Safe loading with timestamps as text and CloudFormation tags as plain mappings."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _cloudformation(tag: str) -> Any:
    key = tag if tag in ("Ref", "Condition") else f"Fn::{tag}"

    def construct(loader: Any, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


for _tag in CLOUDFORMATION_TAGS:
    _Loader.add_constructor(f"!{_tag}", _cloudformation(_tag))


@dataclass(frozen=True)
class Unreadable:
    """A file that gave no documents, and why."""

    file: SourceFile
    reason: str


def find(paths: list[str], base: Path | None = None) -> tuple[list[SourceFile], list[Unreadable]]:
    """Every file named by ``paths`` (folders walked, globs expanded), sorted and without repeats.

    ``display`` names are relative to ``base`` (the folder of the manifest being written), or as
    given when there is none."""
    found: dict[str, SourceFile] = {}
    missing: list[Unreadable] = []
    for given in paths:
        if set(given) & _GLOB:
            matches = _glob(given)
            if not matches:
                missing.append(Unreadable(SourceFile(given, given), "matches no file"))
            for match in matches:
                _add(match, found, base, missing)
            continue
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                _add(file, found, base, missing)
        elif path.exists():
            _add(path, found, base, missing)
        else:
            missing.append(Unreadable(SourceFile(given, given), "no such file or folder"))
    return sorted(found.values(), key=lambda f: f.display), missing


def _glob(pattern: str) -> list[Path]:
    """Paths matching ``pattern`` ('data/**/*.yaml', '/abs/x/*.json'), sorted."""
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if set(part) & _GLOB)
    base = Path(*parts[:first]) if first else Path()
    return sorted(base.glob(str(Path(*parts[first:]))))


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, hidden ones (and hidden folders) left out; links not followed."""
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
    return out


def _add(
    path: Path, found: dict[str, SourceFile], base: Path | None, missing: list[Unreadable]
) -> None:
    if path.is_dir():
        for file in _walk(path):
            _add(file, found, base, missing)
        return
    real = str(path.resolve())
    if real in found:
        return
    shown = os.path.relpath(real, base.resolve()) if base is not None else str(path)
    found[real] = SourceFile(real, shown.replace(os.sep, "/"))


def documents(file: SourceFile) -> list[Doc] | Unreadable:
    """The documents in ``file``, or why there are none."""
    try:
        size = Path(file.path).stat().st_size
        if size > MAX_FILE_BYTES:
            return Unreadable(file, f"is {size} bytes; files over {MAX_FILE_BYTES} are not read")
        raw = Path(file.path).read_bytes()
    except OSError as exc:
        return Unreadable(file, f"cannot read: {exc.strerror}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Unreadable(file, "not UTF-8 text (a binary file?)")
    if not text.strip():
        return Unreadable(file, "empty")
    try:
        data = _json(text)
    except RecursionError:
        return Unreadable(file, "nested too deeply to be a file mlreview imports")
    if data is not None:
        return [Doc(file, 0, 1, data[0])]
    if file.display.lower().endswith((".json", ".jsonl", ".ndjson")):
        return Unreadable(file, f"not valid JSON: {_json_error(text)}")
    docs = _yaml(file, text)
    if isinstance(docs, Unreadable) and not file.display.lower().endswith((".yaml", ".yml")):
        return Unreadable(file, f"neither JSON nor YAML ({docs.reason})")
    return docs


def _json(text: str) -> tuple[Any] | None:
    """The JSON value of ``text`` (a list of events for JSON lines), or None if it is not JSON."""
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return None
    try:
        return (json.loads(text),)
    except ValueError:
        pass
    events = []
    for line in text.splitlines():
        if line.strip():
            try:
                events.append(json.loads(line))
            except ValueError:
                return None
    return (events,) if len(events) > 1 else None


def _json_error(text: str) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno} column {exc.colno}: {exc.msg}"
    return "not one JSON value per line"


def _yaml(file: SourceFile, text: str) -> list[Doc] | Unreadable:
    loader = _Loader(text)
    data: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if _expanded(node) > MAX_EXPANDED_NODES:
                return Unreadable(
                    file, f"aliases expand to more than {MAX_EXPANDED_NODES} nodes; not read"
                )
            data.append(loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        what = exc.problem or exc.context or "malformed"
        if "tag" in what and "constructor" in what:
            what = f"{what.split(' for the tag ')[-1]} is not a tag mlreview reads"
        return Unreadable(file, f"not valid YAML: {where}{what}")
    except yaml.YAMLError as exc:
        return Unreadable(file, f"not valid YAML: {exc}")
    except RecursionError:
        return Unreadable(file, "nested too deeply to be a file mlreview imports")
    finally:
        loader.dispose()
    kept = [d for d in data if d is not None]
    if not kept:
        return Unreadable(file, "holds no YAML document")
    return [Doc(file, i, len(kept), d) for i, d in enumerate(kept)]


def _expanded(root: yaml.Node) -> float:
    """Nodes ``root`` stands for with every alias expanded (infinite for a recursive alias)."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done:
            open_.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if id(node) in sizes:
            continue
        open_.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                return math.inf
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]
