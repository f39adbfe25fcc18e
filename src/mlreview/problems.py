"""Located input problems: one line each, ``file:line:column: message``."""

from __future__ import annotations

from dataclasses import dataclass


def _visible(text: str) -> str:
    """``text`` on one line: control and other invisible characters as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{_visible(self.file)}:{self.line}:{self.column}: {_visible(self.message)}"


class InputError(Exception):
    """Raised when an input cannot be used; carries every problem found, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, message: str, line: int = 1, column: int = 1) -> InputError:
        return cls([Problem(file, line, column, message)])


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a library's error may run to many), or its
    type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
