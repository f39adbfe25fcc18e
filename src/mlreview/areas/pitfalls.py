"""The shipped catalogue of known pitfalls per technology and per language pair
(``pitfalls.yaml``), checked when it loads, and which of them apply to a finding's stack."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from mlreview.document.blocks import Link
from mlreview.problems import InputError, Problem
from mlreview.system.catalogue import lookup
from mlreview.system.manifest import Endpoint, Feature, Model, Pipeline, Source, Store
from mlreview.system.system import System
from mlreview.system.yaml_source import SAFE_LOADER

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
    "client_retries": "what a client library retries underneath the caller's own retries",
}
"""What a rule's finding can rest on; a rule names the topics whose pitfalls its text cites."""

LANGUAGES = frozenset({"python", "java", "scala", "kotlin", "go", "sql"})
"""Languages a feature's code path can be written in (``features[].training.language``)."""


class PitfallError(InputError):
    """A malformed catalogue: one line naming the file, the line, the entry and what was
    expected (``pitfalls.yaml:17:1: pitfalls[2] (rounding-half): check: Field required``)."""

    def __init__(self, origin: str, line: int, message: str) -> None:
        super().__init__([Problem(origin, line, 1, " ".join(message.split()))])


@dataclass(frozen=True)
class Pitfall:
    id: str
    title: str
    topics: frozenset[str]
    technologies: frozenset[str]
    pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]
    mechanism: str
    check: str
    sources: tuple[Link, ...]

    def applies(self, stack: Stack) -> bool:
        if self.technologies and self.technologies & stack.everything:
            return True
        return any(
            (a & stack.training and b & stack.serving) or (b & stack.training and a & stack.serving)
            for a, b in self.pairs
        )

    def to_dict(self) -> dict[str, Any]:
        """The entry in the JSON contract (docs/json-contract.md, "Pitfall")."""
        return {
            "id": self.id,
            "title": self.title,
            "topics": sorted(self.topics),
            "technologies": sorted(self.technologies),
            "pairs": [[sorted(a), sorted(b)] for a, b in self.pairs],
            "mechanism": self.mechanism,
            "check": self.check,
            "sources": [{"url": s.url, "title": s.title} for s in self.sources],
        }

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


# Built on first use: the shipped catalogue passes ``_plainly_valid`` and never needs them.
class _SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"'`\\]+$")]
    title: Annotated[str, StringConstraints(min_length=3)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)
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
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)
    version: int
    pitfalls: list[Any]


_NAME = re.compile(r"[a-z0-9][a-z0-9_+.-]*")
_URL = re.compile(r"https://[!#-&(-;=?-\[\]-_a-~]+")
"""``_SourceEntry.url``'s pattern narrowed to printable ASCII (no space, quote, angle bracket,
backquote or backslash), so that whatever it accepts the model accepts too."""
_ENTRY_KEYS = frozenset(_Entry.model_fields)
_REQUIRED = frozenset(k for k, f in _Entry.model_fields.items() if f.is_required())


@dataclass(frozen=True)
class _Fields:
    """An entry's fields, checked (by ``_plainly_valid`` or by ``_Entry``)."""

    id: str
    title: str
    topics: list[str]
    technologies: list[str]
    pairs: list[list[list[str]]]
    mechanism: str
    check: str
    sources: Any


def _names(value: Any, at_least: int = 0) -> bool:
    return (
        type(value) is list
        and len(value) >= at_least
        and all(type(n) is str and _NAME.fullmatch(n) for n in value)
    )


def _plainly_valid(raw: Any) -> bool:
    """True when ``raw`` is an entry ``_Entry`` accepts as it is, by checks at least as strict
    as the model's (exact types, as strict mode wants): the shipped catalogue is checked
    without building the models, which cost a review about 20 ms. Anything else goes to the
    model, for its verdict and its error message."""
    if type(raw) is not dict or not _REQUIRED <= raw.keys() <= _ENTRY_KEYS:
        return False
    text = [raw["title"], raw["mechanism"], raw["check"]]
    if not all(type(t) is str for t in text) or len(text[0]) < 3:
        return False
    if len(text[1]) < 20 or len(text[2]) < 20 or not _names([raw["id"]]):
        return False
    if not _names(raw["topics"], 1) or not _names(raw.get("technologies", [])):
        return False
    pairs = raw.get("pairs", [])
    if type(pairs) is not list or not all(
        type(p) is list and len(p) == 2 and all(_names(side) for side in p) for p in pairs
    ):
        return False
    sources = raw["sources"]
    return (
        type(sources) is list
        and len(sources) >= 1
        and all(
            type(s) is dict
            and s.keys() == {"url", "title"}
            and type(s["url"]) is str
            and _URL.fullmatch(s["url"]) is not None
            and type(s["title"]) is str
            and len(s["title"]) >= 3
            for s in sources
        )
    )


def _known(name: str) -> bool:
    """A language, or a technology under its catalogue name (not an alias: one spelling)."""
    tech = lookup(name)
    return name in LANGUAGES or (tech is not None and tech.name == name)


def _field(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a manifest-style path: ``sources[0].url``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return out


class _Lines:
    """Where each entry, and each field of an entry, starts in the file (1-based)."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.entries: list[tuple[int, dict[str, int]]] = []
        if isinstance(root, yaml.MappingNode):
            for key, value in root.value:
                if key.value == "pitfalls" and isinstance(value, yaml.SequenceNode):
                    self.entries = [self._entry(node) for node in value.value]

    @staticmethod
    def _entry(node: yaml.Node) -> tuple[int, dict[str, int]]:
        keys = node.value if isinstance(node, yaml.MappingNode) else []
        return node.start_mark.line + 1, {k.value: k.start_mark.line + 1 for k, _ in keys}

    def of(self, index: int, key: str | None = None) -> int:
        if index >= len(self.entries):
            return 1
        start, keys = self.entries[index]
        return keys.get(key, start) if key else start


def _entry(raw: Any, index: int, origin: str, lines: _Lines) -> Pitfall:
    name = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    where = f"pitfalls[{index}]" + (f" ({name})" if name else "")

    def fail(message: str, key: str | None = None) -> PitfallError:
        return PitfallError(origin, lines.of(index, key), f"{where}: {message}")

    if _plainly_valid(raw):
        e = _Fields(**{k: raw.get(k, []) for k in _ENTRY_KEYS})
        sources = [Link(s["title"], s["url"]) for s in raw["sources"]]
    else:
        try:
            checked = _Entry.model_validate(raw)
        except ValidationError as err:
            first = err.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else None
            if first["type"] == "model_type":
                message = "expected a mapping with id, title, topics, mechanism, check and sources"
                raise fail(message) from None
            raise fail(f"{_field(first['loc'])}: {first['msg']}", key) from None
        e = _Fields(**{k: getattr(checked, k) for k in _ENTRY_KEYS})
        sources = [Link(s.title, s.url) for s in checked.sources]
    if bool(e.technologies) == bool(e.pairs):
        raise fail("expected exactly one of 'technologies' or 'pairs'")
    unknown_topics = sorted(set(e.topics) - set(TOPICS))
    if unknown_topics:
        raise fail(
            f"unknown topic {unknown_topics[0]!r}; expected one of {', '.join(TOPICS)}", "topics"
        )
    names = [*e.technologies, *(n for a, b in e.pairs for n in (*a, *b))]
    unknown = [n for n in names if not _known(n)]
    if unknown:
        raise fail(
            f"{unknown[0]!r} is neither a language ({', '.join(sorted(LANGUAGES))}) "
            "nor a technology's name in system/catalogue.yaml",
            "technologies" if e.technologies else "pairs",
        )
    return Pitfall(
        id=e.id,
        title=e.title,
        topics=frozenset(e.topics),
        technologies=frozenset(e.technologies),
        pairs=tuple((frozenset(a), frozenset(b)) for a, b in e.pairs),
        mechanism=" ".join(e.mechanism.split()),
        check=" ".join(e.check.split()),
        sources=tuple(sources),
    )


def _parsed(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, parsed once: by libyaml when
    it is there (every review loads the catalogue, and the pure-Python parser took about a
    tenth of a 300-feature review), but the error of a malformed file is the pure parser's,
    whose messages the tests and users know."""
    if SAFE_LOADER is not yaml.SafeLoader:
        try:
            return _parse_with(SAFE_LOADER(text))
        except yaml.YAMLError:
            pass
    return _parse_with(yaml.SafeLoader(text))


def _parse_with(loader: yaml.SafeLoader | yaml.CSafeLoader) -> tuple[yaml.Node | None, Any]:
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str, origin: str) -> tuple[Pitfall, ...]:
    """The catalogue in ``text`` (read from ``origin``), every entry checked."""
    try:
        node, data = _parsed(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise PitfallError(origin, line, f"not valid YAML: {err.problem or err}") from None
    except yaml.YAMLError as err:
        raise PitfallError(origin, 1, f"not valid YAML: {err}") from None
    lines = _Lines(node)
    try:
        plain = type(data) is dict and data.keys() == {"version", "pitfalls"}
        plain = plain and type(data["version"]) is int and type(data["pitfalls"]) is list
        top = _File.model_construct(**data) if plain else _File.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        if first["type"] == "model_type":
            raise PitfallError(
                origin, 1, "expected a mapping with 'version' and 'pitfalls'"
            ) from None
        raise PitfallError(origin, 1, f"{_field(first['loc'])}: {first['msg']}") from None
    out: list[Pitfall] = []
    seen: set[str] = set()
    for i, raw in enumerate(top.pitfalls):
        pitfall = _entry(raw, i, origin, lines)
        if pitfall.id in seen:
            raise PitfallError(
                origin, lines.of(i, "id"), f"pitfalls[{i}] ({pitfall.id}): id is used twice"
            )
        seen.add(pitfall.id)
        out.append(pitfall)
    return tuple(out)


@cache
def catalogue() -> tuple[Pitfall, ...]:
    """The shipped catalogue, in file order."""
    text = resources.files("mlreview.areas").joinpath("pitfalls.yaml").read_text("utf-8")
    return load(text, "mlreview/areas/pitfalls.yaml")


def entry(ident: str) -> Pitfall:
    """The catalogue's entry ``ident``."""
    return _by_id()[ident]


@cache
def _by_id() -> dict[str, Pitfall]:
    return {p.id: p for p in catalogue()}


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
    what serving reads and the technology of the store it is read from; every other component
    adds its technology, engine or platform (a job also its inputs' and outputs', an endpoint
    its model's family and its dependencies')."""
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
            if comp.store is not None:
                serving |= _technology(system, comp.store)
            for model in system.manifest.models:
                if comp.id in system.model_feature_ids(model):
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
