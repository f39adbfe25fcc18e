"""A manifest being drafted: values by path, each with the words it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("sources", "pipelines", "stores", "features", "models", "endpoints", "feedback")

Key = tuple[str, ...]
"""A path with list items named by id: ('endpoints', 'fraud_api', 'slo', 'p99_ms')."""


@dataclass
class Draft:
    """Nested plain data in manifest order, and the source words of every value set."""

    data: dict[str, Any] = field(default_factory=lambda: {"version": 1, "system": {}})
    words: dict[Key, str] = field(default_factory=dict)
    notes: dict[Key, str] = field(default_factory=dict)
    """Comments for values the text did not give (a required name, say)."""

    def component(self, section: str, ident: str, words: str, **values: Any) -> dict[str, Any]:
        """The component ``ident`` of ``section``, created with ``values`` if new."""
        items: dict[str, dict[str, Any]] = self.data.setdefault(section, {})
        if ident not in items:
            items[ident] = {"id": ident}
            for key, value in values.items():
                self.put((section, ident, key), value, words)
        return items[ident]

    def has(self, section: str, ident: str) -> bool:
        return ident in self.data.get(section, {})

    def ids(self, section: str) -> list[str]:
        return list(self.data.get(section, {}))

    def get(self, key: Key) -> Any:
        node: Any = self.data
        for part in key:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def put(self, key: Key, value: Any, words: str, *, replace: bool = False) -> None:
        """Set ``key`` unless already set (first statement wins, unless ``replace``)."""
        node = self.data
        for part in key[:-1]:
            node = node.setdefault(part, {})
        if key[-1] in node and not replace:
            return
        node[key[-1]] = value
        if words:
            self.words[key] = words

    def add_to(self, key: Key, item: str, words: str) -> None:
        """Append ``item`` to the list at ``key`` once."""
        current = self.get(key)
        if current is None:
            self.put(key, [item], words)
        elif item not in current:
            current.append(item)
