"""The shipped catalogue of known pitfalls per technology and per language pair
(``pitfalls.yaml``), checked when it loads, and which of them apply to a finding's stack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from mlreview.system.catalogue import lookup
from mlreview.system.manifest import Endpoint, Feature, Model, Pipeline, Source, Store
from mlreview.system.system import System

TOPICS: dict[str, str] = {
    "code_paths": "a feature computed by separate training and serving code",
    "missing_values": "how each path represents and aggregates a missing value",
    "windows": "where a time window starts and ends",
    "expiry": "when an online store's entries expire or disappear",
    "failover": "what an online store loses when a node or zone fails",
    "stream": "what a stream job reads again, skips or drops",
    "rerun": "what a retried or re-run job writes twice",
    "schedule": "in which time zone a schedule runs",
    "model_numerics": "numeric precision between training and the serving scorer",
}
"""What a rule's finding can rest on; a rule names the topics whose pitfalls its text cites."""

LANGUAGES = frozenset({"python", "java", "scala", "kotlin", "go", "sql"})
"""Languages a feature's code path can be written in (``features[].training.language``)."""


class PitfallError(ValueError):
    """A catalogue entry that is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Citation:
    url: str
    title: str


@dataclass(frozen=True)
class Pitfall:
    id: str
    title: str
    topics: frozenset[str]
    technologies: frozenset[str]
    pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]
    mechanism: str
    check: str
    sources: tuple[Citation, ...]

    def applies(self, stack: Stack) -> bool:
        if self.technologies and self.technologies & stack.everything:
            return True
        return any(
            (a & stack.training and b & stack.serving) or (b & stack.training and a & stack.serving)
            for a, b in self.pairs
        )

    def text(self) -> str:
        """The pitfall as the review prints it: what, why, how to check, where it is stated."""
        urls = " ".join(s.url for s in self.sources)
        return f"{self.title}: {self.mechanism} Check: {self.check} Source: {urls}"


@dataclass(frozen=True)
class Stack:
    """The technologies a finding rests on: each code path's languages and engines, and the
    technologies of the components it names."""

    training: frozenset[str] = frozenset()
    serving: frozenset[str] = frozenset()
    other: frozenset[str] = frozenset()

    @property
    def everything(self) -> frozenset[str]:
        return self.training | self.serving | self.other


Name = Annotated[str, StringConstraints(min_length=1, pattern=r"^[a-z0-9][a-z0-9_+.-]*$")]
Sentence = Annotated[str, StringConstraints(min_length=20)]


class _SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    title: Annotated[str, StringConstraints(min_length=3)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: Name
    title: Annotated[str, StringConstraints(min_length=3)]
    topics: list[Name] = Field(min_length=1)
    technologies: list[Name] = Field(default_factory=list)
    pairs: list[Annotated[list[list[Name]], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list
    )
    mechanism: Sentence
    check: Sentence
    sources: list[_SourceEntry] = Field(min_length=1)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: int
    pitfalls: list[dict[str, Any]]


def _known(name: str) -> bool:
    """A language, or a technology under its catalogue name (not an alias: one spelling)."""
    tech = lookup(name)
    return name in LANGUAGES or (tech is not None and tech.name == name)


def _entry(raw: dict[str, Any], where: str) -> Pitfall:
    try:
        e = _Entry.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "entry"
        raise PitfallError(f"{where}: {field}: {first['msg']}") from None
    if bool(e.technologies) == bool(e.pairs):
        raise PitfallError(f"{where}: expected exactly one of 'technologies' or 'pairs'")
    unknown_topics = sorted(set(e.topics) - set(TOPICS))
    if unknown_topics:
        raise PitfallError(
            f"{where}: unknown topic {unknown_topics[0]!r}; expected one of {', '.join(TOPICS)}"
        )
    names = [*e.technologies, *(n for a, b in e.pairs for n in (*a, *b))]
    unknown = [n for n in names if not _known(n)]
    if unknown:
        raise PitfallError(
            f"{where}: {unknown[0]!r} is neither a language ({', '.join(sorted(LANGUAGES))}) "
            "nor a technology's name in system/catalogue.yaml"
        )
    return Pitfall(
        id=e.id,
        title=e.title,
        topics=frozenset(e.topics),
        technologies=frozenset(e.technologies),
        pairs=tuple((frozenset(a), frozenset(b)) for a, b in e.pairs),
        mechanism=" ".join(e.mechanism.split()),
        check=" ".join(e.check.split()),
        sources=tuple(Citation(s.url, s.title) for s in e.sources),
    )


def load(text: str, origin: str) -> tuple[Pitfall, ...]:
    """The catalogue in ``text`` (read from ``origin``), every entry checked."""
    try:
        data = yaml.safe_load(text)
        top = _File.model_validate(data)
    except yaml.YAMLError as err:
        raise PitfallError(f"{origin}: not valid YAML: {err}") from None
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "top level"
        raise PitfallError(f"{origin}: {field}: {first['msg']}") from None
    out: list[Pitfall] = []
    seen: set[str] = set()
    for i, raw in enumerate(top.pitfalls):
        name = raw.get("id") if isinstance(raw.get("id"), str) else None
        where = f"{origin}: pitfalls[{i}]" + (f" ({name})" if name else "")
        pitfall = _entry(raw, where)
        if pitfall.id in seen:
            raise PitfallError(f"{where}: id {pitfall.id!r} is used twice")
        seen.add(pitfall.id)
        out.append(pitfall)
    return tuple(out)


@cache
def catalogue() -> tuple[Pitfall, ...]:
    """The shipped catalogue, in file order."""
    text = resources.files("mlreview.areas").joinpath("pitfalls.yaml").read_text("utf-8")
    return load(text, "mlreview/areas/pitfalls.yaml")


def matching(topics: Iterable[str], stack: Stack) -> tuple[Pitfall, ...]:
    """The catalogue's pitfalls on one of ``topics`` whose technologies ``stack`` has."""
    wanted = set(topics)
    return tuple(p for p in catalogue() if p.topics & wanted and p.applies(stack))


def _name(text: str | None) -> set[str]:
    if not text:
        return set()
    tech = lookup(text)
    return {tech.name if tech is not None else text.strip().lower()}


def _technology(system: System, ident: str) -> set[str]:
    comp = system.get(ident)
    return _name(comp.technology) if isinstance(comp, (Source, Store)) else set()


def stack_of(system: System, components: Iterable[str]) -> Stack:
    """The stack of the components a finding names. A feature's code paths are its two sides:
    the training language, and the serving language with the engines of the jobs that refresh
    what serving reads; every other component adds its technology, engine or platform (a job
    also its inputs' and outputs', an endpoint its model's family and its dependencies')."""
    training: set[str] = set()
    serving: set[str] = set()
    other: set[str] = set()
    for ident in components:
        comp = system.get(ident)
        if isinstance(comp, Feature):
            if comp.training is not None:
                training |= _name(comp.training.language)
            if comp.serving is not None:
                serving |= _name(comp.serving.language)
            for job in system.refreshers(comp):
                serving |= _name(job.engine)
            for model in system.manifest.models:
                if any(f.id == comp.id for f in system.model_features(model)):
                    other |= _name(model.family)
        elif isinstance(comp, (Source, Store)):
            other |= _technology(system, ident)
        elif isinstance(comp, Pipeline):
            other |= _name(comp.engine)
            for linked in (*comp.inputs, *comp.outputs):
                other |= _technology(system, linked)
        elif isinstance(comp, Endpoint):
            other |= _name(comp.platform)
            served = system.get(comp.model)
            if isinstance(served, Model):
                other |= _name(served.family)
            for dep in comp.dependencies:
                other |= _technology(system, dep.target)
        elif isinstance(comp, Model):
            other |= _name(comp.family)
    return Stack(frozenset(training), frozenset(serving), frozenset(other))
