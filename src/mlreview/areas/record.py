"""Typed assessment rows: dataclasses whose ``to_dict`` is the JSON contract.

Every field is a key of the contract under its own name, unless its metadata says otherwise:
``key`` renames it (``from`` is a Python keyword), ``omit_none`` leaves it out while it is None,
``internal`` keeps it out of the contract (a value rules read that the contract never had).
Properties named in ``DERIVED`` are added as keys too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar


def key(name: str) -> Mapping[str, Any]:
    """Metadata for a field that the contract names ``name``."""
    return {"key": name}


INTERNAL: Mapping[str, Any] = MappingProxyType({"internal": True})
"""Metadata of a field rules may read that is not part of the JSON contract."""
OMIT_NONE: Mapping[str, Any] = MappingProxyType({"omit_none": True})
"""Metadata of a field the contract carries only when it has a value."""


_KEYS: dict[type, tuple[tuple[str, str, bool], ...]] = {}
"""Per record class: (attribute, contract key, omitted while None) for each contract field."""

_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Types that are JSON data as they are (exactly these: an Enum may derive from str)."""


def _keys(cls: type) -> tuple[tuple[str, str, bool], ...]:
    if cls not in _KEYS:
        assert is_dataclass(cls)
        _KEYS[cls] = tuple(
            (f.name, f.metadata.get("key", f.name), bool(f.metadata.get("omit_none")))
            for f in fields(cls)
            if not f.metadata.get("internal")
        )
    return _KEYS[cls]


class Record:
    """Base of every assessment dataclass."""

    DERIVED: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, contract_key, omit_none in _keys(type(self)):
            value = getattr(self, name)
            if value is None and omit_none:
                continue
            out[contract_key] = plain(value)
        for name in self.DERIVED:
            out[name] = plain(getattr(self, name))
        return out


def plain(value: Any) -> Any:
    """``value`` as JSON data: records and objects with ``to_dict`` become mappings."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value
