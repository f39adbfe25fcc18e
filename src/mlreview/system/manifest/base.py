"""The manifest's building blocks: nodes, components, references and shared field types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as a reference to a component of the given kinds."""

    kinds: tuple[str, ...]


def ref(*kinds: str) -> Any:
    return RefTo(kinds)


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
Count = Annotated[int, Field(ge=0)]
Signal = bool | Literal["alert", "dashboard", "manual"]
"""How a condition is watched: true or 'alert' pages someone, 'dashboard' must be looked at."""
Criticality = Literal["low", "medium", "high", "critical"]


class Node(BaseModel):
    """A manifest mapping. Remembers its path so findings can point at its line."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def path(self) -> tuple[str | int, ...]:
        private = self.__pydantic_private__
        return private["_path"] if private else ()


class Suppression(Node):
    """Silences one rule on one component; the reason is required and printed."""

    rule: str = Field(description="Rule code or name, e.g. SKEW003 or no-serving-feature-log.")
    reason: Annotated[str, Field(min_length=3)] = Field(description="Why this is acceptable.")


class Component(Node):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=120)] = Field(
        description="Unique id across the whole manifest; other components refer to it."
    )
    description: str | None = Field(None, description="Free text for readers of the review.")
    suppress: list[Suppression] = Field(
        default_factory=list, description="Rules accepted for this component, each with a reason."
    )

    KIND: ClassVar[str] = "component"


@dataclass(frozen=True)
class Ask:
    """How the review asks about a field when the manifest leaves it unknown.

    ``question`` is asked as written (else one is made from the field's description);
    ``values`` are a low and a high value both common in production, tried by what-if reviews
    (booleans, signals and choices try every answer and need none); ``bounded_by`` keeps a
    tried value on the right side of a known sibling (('<=', 'p99_ms')); ``never`` says why a
    field is not asked at all."""

    question: str | None = None
    values: tuple[Any, Any] | None = None
    bounded_by: tuple[str, str] | None = None
    never: str | None = None


IMPORTED_ONLY = "recorded from imported files; no rule reads it yet"
