"""The shipped catalogue of technologies: kind, how that kind fails and, where published, SLA
availability."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from mlreview.system.yaml_source import SAFE_LOADER


@dataclass(frozen=True)
class Technology:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    availability: float | None = None
    single_zone_availability: float | None = None
    availability_note: str | None = None
    source: str | None = None
    instance_of: str | None = None
    """For a component the text names itself ('redis-feat'), the catalogue technology it runs."""
    from_text: bool = False
    """A component named only by what it is ('a key-value store'): no catalogue technology,
    so what is known of it, failure behaviour included, comes from the text only."""

    def availability_for(self, zones: int | None) -> float | None:
        """The published availability for a deployment in ``zones`` zones, if there is one."""
        if zones == 1 and self.single_zone_availability is not None:
            return self.single_zone_availability
        return self.availability


@dataclass(frozen=True)
class Kind:
    name: str
    is_: str
    fails_by: tuple[str, ...]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("mlreview.system").joinpath("catalogue.yaml").read_text("utf-8")
    # libyaml when it is there: every review reads this file, and it is the shipped one.
    data: dict[str, Any] = yaml.load(text, Loader=SAFE_LOADER)
    return data


@cache
def kinds() -> dict[str, Kind]:
    """What each kind of technology is in a manifest and how it typically fails."""
    return {
        name: Kind(name, entry["is"], tuple(entry["fails_by"]))
        for name, entry in _data()["kinds"].items()
    }


@cache
def catalogue() -> dict[str, Technology]:
    """Every technology by lower-case name and alias."""
    data = _data()
    out: dict[str, Technology] = {}
    for entry in data["technologies"]:
        tech = Technology(
            name=entry["name"],
            kind=entry["kind"],
            aliases=tuple(entry.get("aliases", ())),
            availability=entry.get("availability"),
            single_zone_availability=entry.get("single_zone_availability"),
            availability_note=entry.get("availability_note"),
            source=entry.get("source"),
        )
        for key in (tech.name, *tech.aliases):
            out[key.lower()] = tech
    return out


def lookup(name: str | None) -> Technology | None:
    return catalogue().get(name.strip().lower()) if name else None
