"""`mlreview init`: a questionnaire that writes a manifest, asking first what matters most.

A new manifest starts from a few sentences of description (drafted like `--from-text`), then a
question for anything essential the text left out (the model, how it serves). After that every
round asks the review's own material questions, most consequential first, and writes each answer
into the manifest text in place, so re-running on an existing manifest asks only about what is
still unknown and keeps its comments. Nothing is written until the end; Ctrl-C writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from mlreview.draft.atomic import write_atomically
from mlreview.draft.emit import to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.draft.yaml_edit import set_value
from mlreview.engine.result import Question
from mlreview.engine.whatif.questions import review_with_questions
from mlreview.problems import InputError
from mlreview.system.loader import load_text, read_text
from mlreview.system.manifest import Manifest
from mlreview.system.paths import strip, walk
from mlreview.system.units import Duration, Schedule

Ask = Callable[[str], str]
"""Shows a prompt and returns the answer; an empty answer skips."""

MAX_ROUNDS = 4
NOTE = "answered in mlreview init"
EXIT_INTERRUPTED = 130
EXIT_NO_INPUT = 2

ESSENTIALS = (
    (
        "models",
        "What does the model predict, with which algorithm? (e.g. 'an XGBoost fraud model')",
    ),
    (
        "endpoints",
        "How are predictions served: an online API (say the platform, e.g. 'online "
        "on SageMaker') or batch scoring (e.g. 'batch scoring nightly')?",
    ),
)


def _kind(path: tuple[str | int, ...]) -> Any:
    return strip(walk(Manifest, path)[1])


def parse_answer(path: tuple[str | int, ...], answer: str) -> Any:
    """The typed value of an answer for the field at ``path``; ValueError saying what fits."""
    tp = _kind(path)
    text = answer.strip()
    lowered = text.lower()
    choices: tuple[Any, ...] = ()
    if get_origin(tp) is Literal:
        choices = get_args(tp)
    elif bool in get_args(tp):
        choices = tuple(
            a for arg in get_args(tp) if get_origin(arg) is Literal for a in get_args(arg)
        )
    if tp is bool or bool in get_args(tp):
        if lowered in ("y", "yes", "true"):
            return True
        if lowered in ("n", "no", "false"):
            return False
    if choices:
        if lowered in choices:
            return lowered
        shown = ", ".join(["yes", "no", *choices] if bool in get_args(tp) else choices)
        raise ValueError(f"expected one of {shown}")
    if tp is bool:
        raise ValueError("expected yes or no")
    if tp is Duration:
        return Duration.parse(text)
    if tp is Schedule:
        return Schedule.parse(text)
    try:
        number = float(text.replace(",", "").removesuffix("%"))
    except ValueError:
        raise ValueError("expected a number") from None
    if text.endswith("%"):
        number = round(number / 100, 10)
    if tp is int:
        if not number.is_integer():
            raise ValueError("expected a whole number")
        return int(number)
    return number


def answer_hint(path: tuple[str | int, ...]) -> str:
    tp = _kind(path)
    if get_origin(tp) is Literal:
        return " / ".join(str(a) for a in get_args(tp))
    if tp is bool or bool in get_args(tp):
        return "yes / no"
    if tp is Duration:
        return "a duration, e.g. 15m, 6h, 30d"
    if tp is Schedule:
        return "e.g. daily, hourly, every 6h"
    return "a number"


EACH = "each"
"""The answer that asks a grouped question once per component."""


def _as_written(value: Any) -> Any:
    """A parsed answer as the manifest takes it: a duration as its text ('15m'), not seconds."""
    if isinstance(value, Duration):
        return value.text
    if isinstance(value, Schedule):
        return str(value)
    return value


TRIES = 3
"""Unreadable answers to one prompt before it is skipped: a script (or a stuck terminal) that
keeps sending the same wrong answer must not keep the interview asking forever."""


def _ask_one(ask: Ask, console: Console, path: tuple[str | int, ...], prompt: str) -> Any:
    """One typed answer for ``path``; None when skipped; EACH when asked to split."""
    for _ in range(TRIES):
        answer = ask(prompt)
        if not answer.strip():
            return None
        if answer.strip().lower() == EACH and "'each'" in prompt:
            return EACH
        try:
            return parse_answer(path, answer)
        except ValueError as exc:
            console.print(f"  {exc}", markup=False)
    console.print(f"  skipped after {TRIES} answers it could not read", markup=False)
    return None


def _ask_typed(ask: Ask, console: Console, q: Question) -> dict[tuple[str | int, ...], Any]:
    """The answers to one question, by manifest path: one for every component it stands for,
    or, after 'each', one per component."""
    console.print(Text(q.question, style="bold") + Text(f"  ({q.field})"))
    console.print(f"  assumed meanwhile: {q.assumed}. {q.changes}", markup=False)
    hint = answer_hint(q.paths[0])
    if len(q.paths) == 1:
        value = _ask_one(ask, console, q.paths[0], f"  answer ({hint}; Enter to skip)")
        return {} if value is None else {q.paths[0]: value}
    prompt = (
        f"  answer for all of {', '.join(q.owners)} ({hint}; '{EACH}' to answer for each; "
        "Enter to skip)"
    )
    value = _ask_one(ask, console, q.paths[0], prompt)
    if value is None:
        return {}
    if value != EACH:
        return dict.fromkeys(q.paths, value)
    out = {}
    for path, owner in zip(q.paths, q.owners, strict=True):
        one = _ask_one(ask, console, path, f"  {owner} ({hint}; Enter to skip)")
        if one is not None:
            out[path] = one
    return out


def _describe(ask: Ask, console: Console) -> str:
    console.print(
        "Describe the ML system in a few sentences: where the data comes from, how the model "
        "is trained and served, traffic and latency targets, and when labels arrive. "
        "An empty line finishes."
    )
    lines = []
    while line := ask(">").strip():
        lines.append(line)
    text = " ".join(lines)
    for section, prompt in ESSENTIALS:
        if not draft_from_text(text).data.get(section):
            extra = ask(prompt).strip()
            if extra:
                text = f"{text} {extra.rstrip('.')}."
    return text


def _start(ask: Ask, console: Console) -> str:
    text = _describe(ask, console)
    draft = draft_from_text(text)
    header = ["Written by `mlreview init`; values end with the words they came from."]
    if "name" not in draft.data["system"] or draft.data["system"]["name"] == "ml-system":
        named = ask("Name of the system (used in report titles)").strip()
        if named:
            draft.put(("system", "name"), named, "", replace=True)
    return to_yaml(draft, header, [])


@dataclass
class _Session:
    file: str
    text: str | None = None
    asked: set[str] = field(default_factory=set)

    def round(self, ask: Ask, console: Console) -> int:
        """Ask the review's new material questions; the number asked."""
        assert self.text is not None
        review = review_with_questions(load_text(self.text, self.file))
        fresh = [q for q in review.questions if q.field not in self.asked]
        for q in fresh:
            self.asked.add(q.field)
            for path, value in _ask_typed(ask, console, q).items():
                self.text = set_value(self.text, self.file, path, _as_written(value), NOTE)
        return len(fresh)


def interview(
    path: Path, *, force: bool = False, ask: Ask | None = None, console: Console | None = None
) -> int:
    """Ask, then write ``path``; returns the exit code."""
    console = console or Console(stderr=True, highlight=False)
    ask = ask or (
        lambda prompt: Prompt.ask(prompt, default="", show_default=False, console=console)
    )
    session = _Session(str(path))
    try:
        if path.exists() and not force:
            session.text = read_text(path, session.file)
            load_text(session.text, session.file)
            console.print(
                f"Completing {path}: only what is still unknown and would change the review."
            )
        else:
            session.text = _start(ask, console)
        for _ in range(MAX_ROUNDS):
            if session.round(ask, console) == 0:
                break
    except KeyboardInterrupt:
        console.print("\ninterrupted: nothing was written")
        return EXIT_INTERRUPTED
    except EOFError:
        if session.text is None:
            console.print("\nend of input before a description: nothing was written")
            return EXIT_NO_INPUT
        console.print("\nend of input: writing what was answered")
    text = session.text
    load_text(text, session.file)
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise InputError.single(session.file, f"cannot write: {exc.strerror}") from None
    console.print(f"wrote {path}; next: mlreview check {path}")
    return 0
