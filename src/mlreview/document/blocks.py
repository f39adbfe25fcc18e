"""The blocks a document is made of. Each block hands itself to a renderer's method for its kind
(``accept``), so a renderer draws every kind and no renderer switches on types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

Style = Literal["", "strong", "code", "muted", "em", "fix"]
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Span:
    """A run of text in one style: emphasis, a literal (code) or a quieter aside (muted)."""

    text: str
    style: Style = ""
    href: str = ""
    """A link within the document ('#top-risk'); formats without links show the text."""


Inline = tuple[Span, ...]


def inline(*parts: str | Span) -> Inline:
    """Spans from plain strings and spans."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p != "")


def plain_text(content: Inline) -> str:
    return "".join(s.text for s in content)


@dataclass(frozen=True)
class Column:
    """A table column: its name and the unit of its numbers ('' when none)."""

    name: str
    unit: str = ""

    @property
    def header(self) -> str:
        return f"{self.name} {self.unit}" if self.unit else self.name


@dataclass(frozen=True)
class Paragraph:
    content: Inline

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.paragraph(self)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    whole: bool = False
    """Every row is shown in every format (a reference list), never cut to fit a terminal."""

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.table(self)


@dataclass(frozen=True)
class Item:
    """A list item; its children are the lines under it (one step of its working a line)."""

    content: Inline
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Bullets:
    title: str
    items: tuple[Item, ...]

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.bullets(self)


@dataclass(frozen=True)
class NumberedItem:
    """A numbered entry: a head line and the detail under it."""

    head: Inline
    body: Inline = ()


@dataclass(frozen=True)
class Numbered:
    items: tuple[NumberedItem, ...]
    start: int = 1
    """The first item's number, for a list continued from an earlier one."""

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.numbered(self)


@dataclass(frozen=True)
class Evidence:
    field: str
    value: str
    line: int


@dataclass(frozen=True)
class Link:
    """A cited page: its title and an https address."""

    title: str
    url: str


@dataclass(frozen=True)
class PitfallNote:
    """A known pitfall, printed in full under the first finding it explains."""

    id: str
    title: str
    mechanism: str
    check: str
    sources: tuple[Link, ...]


@dataclass(frozen=True)
class PitfallsAbove:
    """Known pitfalls a finding shares with one printed earlier: their ids and titles, and
    the finding they are printed under."""

    printed_under: str
    pitfalls: tuple[tuple[str, str], ...]
    printed_there: int
    """How many entries are printed under that finding."""

    @property
    def noun(self) -> str:
        return "pitfall" if len(self.pitfalls) == 1 else "pitfalls"

    @property
    def named(self) -> bool:
        """Whether to name each one: not when they are all of the many printed there."""
        return len(self.pitfalls) < 4 or len(self.pitfalls) < self.printed_there


@dataclass(frozen=True)
class FindingItem:
    """One finding as a reader sees it."""

    severity: str
    rule: str
    name: str
    message: str
    where: str
    fix: str
    evidence: tuple[Evidence, ...] = ()
    assumptions: tuple[Evidence, ...] = ()
    pitfalls: tuple[PitfallNote, ...] = ()
    pitfalls_above: tuple[PitfallsAbove, ...] = ()


@dataclass(frozen=True)
class Findings:
    items: tuple[FindingItem, ...]

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.findings(self)


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    kind: str
    mark: Literal["stops", "corrupts", "hurt", ""]


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    style: Literal["hot", "loop", "plain"]


@dataclass(frozen=True)
class Graph:
    """Components in data-flow columns; red where a failure stops or corrupts predictions."""

    title: str
    columns: tuple[str, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    legend: str = ""

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.graph(self)


@dataclass(frozen=True)
class LoopStep:
    label: str
    status: Literal["ok", "risk", "added"]


@dataclass(frozen=True)
class Loop:
    """Steps in a row, the last feeding back into the first."""

    title: str
    steps: tuple[LoopStep, ...]

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.loop(self)


@dataclass(frozen=True)
class Series:
    name: str
    unit: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Chart:
    """Lines over a shared x axis, the first on the left scale and the second on the right;
    a table elsewhere in the document carries the same numbers."""

    title: str
    x_unit: str
    left: Series
    right: Series
    legend: str = ""

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.chart(self)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Bars:
    """A small bar chart of counts (findings per severity); the counts are also in the text."""

    title: str
    bars: tuple[Bar, ...]

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.bars(self)


@dataclass(frozen=True)
class Histogram:
    """Two distributions over the same bins (training and serving)."""

    title: str
    labels: tuple[str, ...]
    first: tuple[float, ...]
    second: tuple[float, ...]
    numeric: bool

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.histogram(self)


@dataclass(frozen=True)
class Callout:
    """A boxed part that must stand out (the top risk)."""

    title: str
    blocks: tuple[Block, ...]

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.callout(self)


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    anchor: str = ""
    detail: bool = False
    """Detail behind the opening screen: printed by the terminal and Markdown only when the
    reader asks for everything, folded away in HTML."""
    brief: tuple[Block, ...] | None = None
    """What the terminal and Markdown print in place of ``blocks`` on the opening screen (a
    list cut short, facts without their trailers); --full and HTML print ``blocks``. A section
    with no title prints no heading: it only gives its blocks a brief variant."""

    def accept(self, renderer: Renderer[T]) -> T:
        return renderer.section(self)


Block = (
    Paragraph
    | Table
    | Bullets
    | Numbered
    | Findings
    | Graph
    | Loop
    | Chart
    | Bars
    | Histogram
    | Callout
    | Section
)


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: Inline = ()
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    brief_subtitle: Inline | None = None
    """What the terminal and Markdown print in place of ``subtitle`` on the opening screen."""

    def shown_subtitle(self, full: bool) -> Inline:
        """The subtitle a format prints: the brief one on the opening screen, when there is one."""
        return self.subtitle if full or self.brief_subtitle is None else self.brief_subtitle


class Renderer(Protocol[T_co]):
    """Draws each kind of block; the format's module walks the document with it."""

    def paragraph(self, block: Paragraph) -> T_co: ...
    def table(self, block: Table) -> T_co: ...
    def bullets(self, block: Bullets) -> T_co: ...
    def numbered(self, block: Numbered) -> T_co: ...
    def findings(self, block: Findings) -> T_co: ...
    def graph(self, block: Graph) -> T_co: ...
    def loop(self, block: Loop) -> T_co: ...
    def chart(self, block: Chart) -> T_co: ...
    def bars(self, block: Bars) -> T_co: ...
    def histogram(self, block: Histogram) -> T_co: ...
    def callout(self, block: Callout) -> T_co: ...
    def section(self, block: Section) -> T_co: ...
