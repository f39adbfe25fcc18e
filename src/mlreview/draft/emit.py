"""Write a draft as manifest YAML, each value followed by the words it came from as a comment."""

from __future__ import annotations

import re
from typing import Any

import yaml

from mlreview.draft.draft import SECTIONS, Draft, Key
from mlreview.system.yaml_source import plain_scalar

ORDER = ("version", "system", *SECTIONS, "monitoring")
INDENT = "  "
PLAIN = re.compile(r"^[A-Za-z0-9_][\w.@/-]*$")
RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "y", "n", "~"})


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as the same value and type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if PLAIN.match(text) and text.lower() not in RESERVED and plain_scalar(text) == text:
        return text
    dumped: str = yaml.safe_dump(text, default_style='"', width=10_000).strip()
    return dumped


def _comment(draft: Draft, key: Key) -> str:
    """The source words of the value at ``key`` as a comment, or the draft's note about it."""
    note = " ".join(draft.notes[key].split()) if key in draft.notes else ""
    if key in draft.words:
        flat = " ".join(draft.words[key].split())
        return f'  # "{flat}"' + (f" ({note})" if note else "")
    return f"  # {note}" if note else ""


def _mapping(data: dict[str, Any], key: Key, depth: int, draft: Draft, out: list[str]) -> None:
    pad = INDENT * depth
    for name, value in data.items():
        here = (*key, name)
        if isinstance(value, dict) and key and key[-1] in SECTIONS and len(key) == 1:
            continue
        if isinstance(value, dict):
            if name in SECTIONS and len(key) == 0:
                out.append(f"{pad}{name}:")
                for ident, item in value.items():
                    _item(item, (*here, ident), depth + 1, draft, out)
                continue
            out.append(f"{pad}{name}:")
            _mapping(value, here, depth + 1, draft, out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{pad}{name}:")
            for i, item in enumerate(value):
                _item(item, (*here, str(i)), depth + 1, draft, out)
        elif isinstance(value, list):
            shown = ", ".join(scalar(v) for v in value)
            out.append(f"{pad}{name}: [{shown}]{_comment(draft, here)}")
        else:
            out.append(f"{pad}{name}: {scalar(value)}{_comment(draft, here)}")


def _item(item: dict[str, Any], key: Key, depth: int, draft: Draft, out: list[str]) -> None:
    """One list item: its first key on the dash line, the rest indented under it."""
    lines: list[str] = []
    _mapping(item, key, depth + 1, draft, lines)
    if lines:
        first = lines[0][len(INDENT) * (depth + 1) :]
        out.append(f"{INDENT * depth}- {first}")
        out.extend(lines[1:])


def to_yaml(draft: Draft, header: list[str], footer: list[str]) -> str:
    """The draft as a manifest file with ``header`` and ``footer`` comment lines."""
    data = {k: draft.data[k] for k in ORDER if draft.data.get(k) not in (None, {})}
    data.setdefault("system", draft.data.get("system", {}))
    out = [f"# {line}".rstrip() for line in header]
    _mapping(data, (), 0, draft, out)
    out += [f"# {line}".rstrip() for line in footer]
    return "\n".join(out) + "\n"
