"""The one registry of output formats: names, file suffixes, and what each renders.

Document formats (terminal, Markdown, HTML) draw any command's Document; data formats (JSON)
write its JSON contract; findings formats (SARIF, GitHub annotations, JUnit XML, JSON lines)
need a review's findings. Renderer modules are imported only when used, so listing the formats
(the CLI's choices) costs nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mlreview.document.blocks import Document
    from mlreview.engine.result import Review

Kind = Literal["document", "data", "findings"]


@dataclass(frozen=True)
class RenderOptions:
    width: int = 100
    color: bool = False
    fail_on: str | None = None
    """The --fail-on severity, for formats that mark failures (JUnit)."""
    full: bool = False
    """Expand detail sections (the terminal shows only the opening screen; Markdown and HTML
    fold them)."""


@dataclass(frozen=True)
class Format:
    name: str
    kind: Kind
    module: str
    suffixes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    joins: bool = False
    """Outputs of several runs written one after another still read as this format."""


FORMATS: tuple[Format, ...] = (
    Format("terminal", "document", "mlreview.report.terminal", aliases=("text",), joins=True),
    Format("markdown", "document", "mlreview.report.markdown", (".md", ".markdown"), joins=True),
    Format("html", "document", "mlreview.report.html", (".html", ".htm")),
    Format("json", "data", "mlreview.report.json_format", (".json",)),
    Format("sarif", "findings", "mlreview.report.sarif", (".sarif",)),
    Format("concise", "findings", "mlreview.report.concise", joins=True),
    Format("github", "findings", "mlreview.report.github", joins=True),
    Format("junit", "findings", "mlreview.report.junit", (".xml",)),
    Format("json-lines", "findings", "mlreview.report.json_lines", (".jsonl",), joins=True),
)


def names(*kinds: Kind) -> tuple[str, ...]:
    """Format names (and aliases) of these kinds, for a command's --format choices."""
    return tuple(n for f in FORMATS if f.kind in kinds for n in (f.name, *f.aliases))


def find(name: str) -> Format:
    return next(f for f in FORMATS if name in (f.name, *f.aliases))


def for_output(path: Path | None, kinds: tuple[Kind, ...], default: str = "terminal") -> str:
    """The format a file's suffix asks for (among these kinds), else ``default``."""
    suffix = path.suffix.lower() if path is not None else ""
    return next((f.name for f in FORMATS if f.kind in kinds and suffix in f.suffixes), default)


@dataclass(frozen=True)
class Printable:
    """What a command prints, each form built only when a format asks for it."""

    document: Callable[[], Document]
    data: Callable[[], Any]
    review: Callable[[], Review] | None = None


def render(what: Printable, name: str, options: RenderOptions | None = None) -> str:
    fmt = find(name)
    module = importlib.import_module(fmt.module)
    render_fn: Callable[[Any, RenderOptions], str] = module.render
    subject: Any
    if fmt.kind == "document":
        subject = what.document()
    elif fmt.kind == "data":
        subject = what.data()
    else:
        if what.review is None:
            raise ValueError(f"{fmt.name} needs a review's findings")
        subject = what.review()
    text: str = render_fn(subject, options or RenderOptions())
    return text
