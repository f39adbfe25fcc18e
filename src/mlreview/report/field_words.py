"""Manifest field paths on the opening screen: found, and left out where the words beside them
already say what the field means.

The review's texts name the field a statement rests on ('no flag marks it
(on_failure.missing_indicator is false)'; 'how often is the price recomputed? Set
system.decision.update_every'), which --full, HTML and JSON keep, so a reader can find and set
it. The opening screen is read by someone who has not opened the manifest: it keeps the words
and drops the bracketed field, the ': set <field>' note and the '? Set <field>' pointer. The
questions keep their fields (the reader must set them there).

A manifest path is a dotted or bracketed run of the schema's own field names
(``monitoring.quality.label_based``, ``dependencies[app_feature_store].fallback``), so a file
name ('engagement.py') or a component id is never taken for one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from mlreview.system.manifest import Manifest

_SEGMENT = r"[a-z][a-z0-9_]*(?:\[[^\]\s]*\])?"
_CANDIDATE = re.compile(rf"(?<![\w./\[])\.?{_SEGMENT}(?:\.{_SEGMENT})*")


@cache
def field_names() -> frozenset[str]:
    """Every property name anywhere in the manifest's JSON schema."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                names.update(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(Manifest.model_json_schema())
    return frozenset(names)


def _is_path(token: str) -> bool:
    """A dotted or bracketed run that opens and ends with a manifest field's name: 'replicas.max',
    'sources[x].mttr', 'feedback.x.factors.ours' (a loop's id between), '.theirs' (the second
    of 'a.b.ours and .theirs')."""
    if "." not in token and "[" not in token:
        return False
    names = [re.sub(r"\[.*?\]$", "", part) for part in token.strip(".").split(".")]
    known = field_names()
    return names[0] in known and names[-1] in known


def manifest_paths(text: str) -> Iterator[str]:
    """The manifest paths ``text`` names."""
    for m in _CANDIDATE.finditer(text):
        token = m.group(0).rstrip(".")
        if _is_path(token):
            yield token


def _only_paths(text: str) -> bool:
    """``text`` is field paths and what they are set to: 'a.b is false', 'a.b and c.d false',
    'a.b', 'set a.b and .c'."""
    rest = text.removeprefix("set ")
    rest = re.sub(r"\s+(?:is\s+)?(?:false|true|not set)$", "", rest)
    parts = re.split(r"\s+and\s+|,\s*", rest)
    return all(_is_path(p) for p in parts)


_BRACKETED = re.compile(r" ?\(([^()]*)\)")
_SET_NOTE = re.compile(r"(?::| -) set ([^;)]*)(?=[;)]|$)")
_DECLARED = re.compile(r"declared in ([^\s;),]+)")
_SET_POINTER = re.compile(r"(?<=[?.]) Set ([^\s;)]+(?: and [^\s;)]+)*)\.?")


def without_fields(text: str) -> str:
    """``text`` with the field paths that stand beside words left out: a bracket holding only
    fields ('(monitoring.action_limits is false)'), an assumed figure's ': set <field>' note,
    the '? Set <field>' after a question put in the text, a '(set <field> ...)' pointer and the
    field a 'declared in <field>' names."""

    def bracket(m: re.Match[str]) -> str:
        inside = m.group(1)
        pointer = inside.startswith("set ") and _is_path(inside[4:].split(" ", 1)[0])
        return "" if pointer or _only_paths(inside) else m.group(0)

    def declared(m: re.Match[str]) -> str:
        return "declared" if _is_path(m.group(1)) else m.group(0)

    def note(m: re.Match[str]) -> str:
        return "" if _only_paths(f"set {m.group(1).strip()}") else m.group(0)

    def pointer(m: re.Match[str]) -> str:
        return "" if _only_paths(m.group(1)) else m.group(0)

    text = _SET_POINTER.sub(pointer, text)
    text = _SET_NOTE.sub(note, text)
    text = _DECLARED.sub(declared, text)
    return _BRACKETED.sub(bracket, text)


WORDS = ((re.compile(r"\bmax_replicas\b"), "the replicas it may scale to"),)
"""Manifest field names a calculation's working quotes, said in words on the opening screen
(where a bracketed field is dropped instead, ``without_fields``)."""


def in_words(text: str) -> str:
    """``text`` with the field names its working quotes said in words."""
    for pattern, words in WORDS:
        text = pattern.sub(words, text)
    return text
