"""What every importer shares: the documents it reads, where a value came from, and the collector
it writes manifest values into (checked against the manifest's own field types as they arrive)."""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, ClassVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from mlreview.draft.draft import Draft, Key
from mlreview.system.manifest import COMPONENT_SECTIONS, Manifest
from mlreview.system.paths import is_model, keys_of, strip
from mlreview.system.units import Duration, Schedule


@dataclass(frozen=True)
class SourceFile:
    """A file given to `mlreview import`; ``display`` is how messages and comments name it."""

    path: str
    display: str


@dataclass(frozen=True, eq=False)
class Doc:
    """One document of a file: a YAML document, or a whole JSON (or JSON-lines) file."""

    file: SourceFile
    index: int
    count: int
    data: Any

    @property
    def label(self) -> str:
        if self.count > 1:
            return f"{self.file.display} (document {self.index + 1})"
        return self.file.display


@dataclass(frozen=True)
class Origin:
    """Where an imported value came from: the document and the field in it."""

    doc: Doc
    field: str

    def text(self) -> str:
        return f"{self.doc.file.display}: {self.field}"


class Importer(ABC):
    """One kind of file. ``claims`` recognises a document by its content; ``read`` turns every
    document it claimed (across all the files imported) into manifest values."""

    name: ClassVar[str]
    title: ClassVar[str]

    @abstractmethod
    def claims(self, doc: Doc) -> bool:
        """Whether ``doc`` is of this kind (apiVersion/kind, schema URL or top-level keys)."""

    @abstractmethod
    def read(self, docs: list[Doc], out: Collector) -> None:
        """Write what ``docs`` say into ``out``; say why anything is skipped or partly read."""


# ---- values ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}"  # Helm/Jinja templates and test matchers: {{ .Values.x }}, {{ any(result) }}
    r"|\$\{[^}]*\}"  # ${ENV} and CloudFormation !Sub parameters
    r"|^\$[A-Z][A-Z0-9_]*$"  # $VARIABLE
    r"|<[A-Z][A-Z0-9 _-]*>"  # <YOUR NAME HERE>
    r"|%[A-Z][A-Z0-9_]*%"  # %AWS_REGION% (feast init)
    r"|\[SET YOUR [^\]]*\]"
    r"|json-unit\.any"  # json-unit matchers in expected-event fixtures
)


def placeholder(value: Any) -> str | None:
    """The unfilled template placeholder in ``value``, if it holds one."""
    if isinstance(value, str):
        match = _PLACEHOLDER.search(value)
        if match:
            return match.group(0)
    return None


_ID_BAD = re.compile(r"[^A-Za-z0-9_.:-]+")


def ident(text: str) -> str | None:
    """A manifest id made from a name (invalid characters become '_'); None if nothing is left."""
    cleaned = _ID_BAD.sub("_", text.strip()).strip("_.:-")
    cleaned = re.sub(r"^[^A-Za-z0-9]+", "", cleaned)[:120].rstrip("_.:-")
    return cleaned or None


_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$")
_SUFFIX = {"": 1.0, "m": 1e-3, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "Ki": 1024.0}


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity ('500m', '2', 3) as a number; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        match = _QUANTITY.match(value)
        if match and match.group(2) in _SUFFIX:
            return float(match.group(1)) * _SUFFIX[match.group(2)]
    return None


def seconds(value: float) -> str:
    """A duration for the manifest, in whole units where it divides evenly: '90s', '5m', '2h';
    a measured one to three significant figures below a minute, to the second above."""
    value = float(f"{value:.3g}") if value < 60 else float(round(value))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value >= size and value % size == 0:
            return f"{int(value // size)}{unit}"
    return f"{value:g}s"


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping with string keys, else an empty one (for tolerant reading)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


# ---- the manifest's field types ------------------------------------------------------------


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:  # constraints pydantic moved off the annotation (min_length, pattern)
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation, config=ConfigDict(strict=True))


def field_of(key: Key) -> tuple[type[BaseModel], str]:
    """The model and attribute a draft key ends at (list items of components named by id)."""
    model: type[BaseModel] = Manifest
    i = 0
    while True:
        names = keys_of(model)
        if key[i] not in names:
            raise KeyError(f"{'.'.join(key)}: {key[i]!r} is not a manifest field")
        name = names[key[i]]
        if i == len(key) - 1:
            return model, name
        tp = strip(model.model_fields[name].annotation)
        if get_origin(tp) is list and is_model(strip(get_args(tp)[0])):
            model, i = strip(get_args(tp)[0]), i + 2
        elif is_model(tp):
            model, i = tp, i + 1
        else:
            raise KeyError(f"{'.'.join(key)}: {key[i]!r} holds no fields")


def checked(key: Key, value: Any) -> Any:
    """The manifest's reading of ``value`` at ``key``; ValueError saying what was expected."""
    model, name = field_of(key)
    try:
        return _adapter(model, name).validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(str(first["msg"]).removeprefix("Value error, ").lower()) from None


def same(a: Any, b: Any) -> bool:
    """Whether two checked values say the same (durations by length, lists in any order)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Duration) and isinstance(b, Duration):
        return math.isclose(float(a), float(b), rel_tol=1e-9)
    if isinstance(a, Schedule) and isinstance(b, Schedule):
        return str(a).strip().lower() == str(b).strip().lower()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        if all(isinstance(x, str) for x in (*a, *b)):
            return sorted(a) == sorted(b)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# ---- the collector --------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Two imported files disagree on one value; the first (in file order) was kept."""

    key: Key
    kept: Any
    kept_from: Origin
    other: Any
    other_from: Origin


@dataclass(frozen=True)
class Attachment:
    """A value for components that only the whole import (or the manifest merged into) knows:
    an alert on consumer lag goes to every stream pipeline, say."""

    section: str
    field: Key
    value: Any
    origin: Origin
    matches: Callable[[str, Mapping[str, Any]], bool]
    wanted: str
    """What it attaches to, in words: 'stream pipelines'."""
    also: tuple[Doc, ...] = ()
    """Other documents whose values this one covers (a weaker alert on the same thing)."""


@dataclass
class Collector:
    """The draft being imported: values with their origins, and what each document gave."""

    draft: Draft = field(default_factory=lambda: Draft(data={}))
    origins: dict[Key, Origin] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: dict[Doc, list[str]] = field(default_factory=dict)
    skipped: dict[Doc, str] = field(default_factory=dict)
    values: dict[Doc, int] = field(default_factory=dict)
    kinds: dict[Doc, str] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)

    def note(self, doc: Doc, text: str) -> None:
        """Something in ``doc`` was not imported, and why."""
        found = self.notes.setdefault(doc, [])
        if text not in found:
            found.append(text)

    def skip(self, doc: Doc, reason: str) -> None:
        """Nothing of ``doc`` is imported, and why."""
        self.skipped.setdefault(doc, reason)

    def put(self, key: Key, value: Any, origin: Origin) -> bool:
        """Set ``key`` to ``value`` unless it is not valid there or another file said otherwise."""
        field_name = ".".join(key[2:] if key[0] in COMPONENT_SECTIONS else key)
        bad = placeholder(value)
        if bad is not None:
            self.note(origin.doc, f"{origin.field}: {bad!r} is an unfilled placeholder")
            return False
        try:
            new = checked(key, value)
        except ValueError as exc:
            self.note(origin.doc, f"{origin.field}: {value!r} does not fit {field_name}: {exc}")
            return False
        if key in self.origins:
            first, current = self.origins[key], self.draft.get(key)
            if not same(checked(key, current), new):
                self.conflicts.append(Conflict(key, current, first, value, origin))
                return False
            self._count(origin.doc)
            return True
        self.draft.put(key, value, "", replace=True)
        self.draft.notes[key] = origin.text()
        self.origins[key] = origin
        self._count(origin.doc)
        return True

    def component(self, section: str, name: str, origin: Origin, **required: Any) -> str | None:
        """The id of component ``name`` in ``section``, created with ``required`` if new.

        Returns None (with a note) when the name is a placeholder or makes no id."""
        bad = placeholder(name)
        if bad is not None:
            self.note(origin.doc, f"{origin.field}: the name {bad!r} is an unfilled placeholder")
            return None
        found = ident(name)
        if found is None:
            self.note(origin.doc, f"{origin.field}: {name!r} makes no usable id")
            return None
        owner = self.section_of(found)
        if owner is not None and owner != section and {owner, section} != {"sources", "stores"}:
            found = f"{found}-{COMPONENT_SECTIONS[section]}"
        elif owner is not None and owner != section:
            section = owner  # a dataset one file reads and another writes: a store either way
        if not self.draft.has(section, found):
            self.draft.component(section, found, "")
        self.put((section, found, "id"), found, origin)
        for name_, value in required.items():
            self.put((section, found, name_), value, origin)
        return found

    def made_up(self, section: str, name: str, why: str, origin: Origin, **required: Any) -> str:
        """A component the files imply but do not name (the model an endpoint serves)."""
        found = ident(name) or COMPONENT_SECTIONS[section]
        if not self.draft.has(section, found):
            self.draft.component(section, found, "")
            self.draft.notes[(section, found, "id")] = f"named by mlreview: {why}"
            self.origins[(section, found, "id")] = origin
        for name_, value in required.items():
            self.put((section, found, name_), value, origin)
        return found

    def folded(self, doc: Doc) -> None:
        """``doc`` gave a value that another document's, for the same field, already covers."""
        self._count(doc)

    def column_feature(
        self,
        column: str,
        owner: str,
        origin: Origin,
        taken: Callable[[str], bool] | None = None,
    ) -> str | None:
        """The feature for a data column: named by the column, or '<owner>.<column>' when that
        id belongs to another kind of component or ``taken(id)`` says another owner has it."""
        fid = ident(column)
        if fid is None:
            return None
        if self.section_of(fid) not in (None, "features") or (taken is not None and taken(fid)):
            fid = ident(f"{owner}.{column}") or fid
        made = self.component("features", fid, origin)
        if made is not None and made != column:
            self.put(("features", made, "column"), column, origin)
        return made

    def attach(self, attachment: Attachment) -> None:
        self.attachments.append(attachment)

    def resolve(self, known: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Attach pending values to the components they match, in the draft or in ``known``."""
        for a in self.attachments:
            pool = dict(known.get(a.section, {}))
            pool.update(self.draft.data.get(a.section, {}))
            targets = sorted(ident for ident, data in pool.items() if a.matches(ident, data))
            if not targets:
                self.note(a.origin.doc, f"{a.origin.field}: no {a.wanted} to attach it to")
            for target in targets:
                self.put((a.section, target, *a.field), a.value, a.origin)
            for doc in a.also if targets else ():
                self.folded(doc)
        self.attachments.clear()

    def section_of(self, ident: str) -> str | None:
        for section in COMPONENT_SECTIONS:
            if self.draft.has(section, ident):
                return section
        return None

    def _count(self, doc: Doc) -> None:
        self.values[doc] = self.values.get(doc, 0) + 1
