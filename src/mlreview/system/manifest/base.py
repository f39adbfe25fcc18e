"""The manifest's building blocks: nodes, components, references and shared field types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from mlreview.system.cron import valid_zone
from mlreview.system.units import Duration

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as a reference to a component of the given kinds."""

    kinds: tuple[str, ...]


def ref(*kinds: str) -> Any:
    return RefTo(kinds)


# Every number has a floor and a ceiling that no real system reaches, so that no declared
# value can overflow or divide by zero downstream; non-finite numbers are refused by
# Node (allow_inf_nan=False). docs/bad-input.md lists them.
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Availability = Annotated[float, Field(ge=0.5, le=1.0)]
"""A share of time up, from 0.5 (less is not a service level) to 1."""
Rate = Annotated[float, Field(ge=1e-6, le=1e9)]
"""Requests per second: one a fortnight to a billion."""
Millis = Annotated[float, Field(ge=0.001, le=86_400_000.0)]
"""A latency in milliseconds: a microsecond to a day."""
Multiplier = Annotated[float, Field(ge=0.01, le=1000.0)]
"""A growth factor on today's traffic (the bounds of `mlreview capacity --traffic`)."""
Count = Annotated[int, Field(ge=0, le=1_000_000)]
AtLeastOne = Annotated[int, Field(ge=1, le=1_000_000)]
MAX_REPLICAS = 100_000
ReplicaCount = Annotated[int, Field(ge=0, le=MAX_REPLICAS)]
Zones = Annotated[int, Field(ge=1, le=10_000)]
PerYear = Annotated[float, Field(ge=0.0, le=100_000.0)]
"""Events a year, from none to about one every five minutes."""
PerMonth = Annotated[float, Field(ge=0.0, le=10_000.0)]
"""Events a month, from none to about one every five minutes."""
Mechanism = Literal[
    "silent-default",
    "skew",
    "leakage",
    "stale-feature",
    "source-outage",
    "stale-source",
    "upstream-change",
    "pipeline-outage",
    "schedule-race",
    "dependency-outage",
    "fleet-rollout",
    "endpoint-outage",
    "capacity",
    "bad-release",
    "bad-training-data",
    "stale-model",
    "selective-labels",
    "biased-feedback",
    "unadapted-drift",
    "bad-artefact",
    "unchecked-output",
    "offline-online-gap",
    "runaway-automation",
]
"""A scenario's failure mechanism, as the review names it (areas/scenario_families.py; a test
keeps the two lists the same)."""
Signal = bool | Literal["alert", "dashboard", "manual"]
"""How a condition is watched: true or 'alert' pages someone, 'dashboard' must be looked at."""


def _repair_time(value: Duration) -> Duration:
    if float(value) < 60.0:
        raise ValueError(f"expected a repair time of at least 1m, got {value.text!r}")
    return value


RepairTime = Annotated[Duration, AfterValidator(_repair_time)]
"""Mean time to repair: at least a minute (the outage simulation draws one outage per repair)."""
Criticality = Literal["low", "medium", "high", "critical"]


def _zone(name: str) -> str:
    if not valid_zone(name):
        raise ValueError(
            f"expected an IANA time zone such as 'Europe/Berlin' or 'UTC', got {name!r}"
        )
    return name


TimeZone = Annotated[str, AfterValidator(_zone)]
"""An IANA time-zone name; cron schedules run in it."""


class Node(BaseModel):
    """A manifest mapping. Remembers its path so findings can point at its line."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True
    )
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
    incidents_per_year: dict[Mechanism, PerYear] | None = Field(
        None,
        description="Times a year a failure of each mechanism started at this component, from "
        "the team's incident history, e.g. {unadapted-drift: 2}; replaces the rule's default "
        "event rate (and any rate worked out from release or run figures) for the scenario of "
        "that mechanism rooted here.",
    )

    KIND: ClassVar[str] = "component"


SIZES_ONLY = (
    "no finding or score reads it: it sizes a mechanism under the top risk, whose paragraph "
    "asks for it when it is not declared"
)
"""Why a field read only by the printed mechanisms (areas/playbooks/mechanisms.py) is never
asked about by what-if reviews."""


@dataclass(frozen=True)
class Ask:
    """How the review asks about a field when the manifest leaves it unknown.

    ``question`` is asked as written (else one is made from the field's description);
    ``values`` are a low and a high value both common in production, tried by what-if reviews
    (booleans, signals and choices try every answer and need none); ``bounded_by`` keeps a
    tried value on the right side of a known sibling (('<=', 'p99_ms')); ``never`` says why a
    field is not asked at all; ``assumed`` is what the review uses while the field is unknown
    (a value of the field's type, or a phrase such as 'no limit'), reported with the question;
    ``assumed_default`` names the configurable default (a ``Defaults`` field) it uses instead;
    ``better`` says which way the answer makes a control stronger or a failure rarer or
    shorter: 'more' (a higher value, or yes) or 'less' (alert signals are 'more' without it).
    Such an answer must never raise a risk: a question whose answers would move one the other
    way is not asked (``whatif.questions``)."""

    question: str | None = None
    values: tuple[Any, Any] | None = None
    bounded_by: tuple[str, str] | None = None
    never: str | None = None
    assumed: Any = None
    assumed_default: str | None = None
    better: Literal["more", "less"] | None = None


IMPORTED_ONLY = "recorded from imported files; no rule reads it yet"
