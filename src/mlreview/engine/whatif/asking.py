"""What a what-if review tries for an unknown field, and how the question is put, read from the
``Ask`` declared beside each field in the manifest models.

Booleans, monitor signals and choices try every answer. Numbers, durations and schedules try the
low and the high value their ``Ask`` names (a 0.99 and a 0.9999 SLA, a 10 s and a 10 min cold
start); the review decides which of them is the optimistic one by what it finds. Free text, ids
and lists are not asked about: no single value stands for their range."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, get_args, get_origin

from mlreview.system.manifest import Ask, Node
from mlreview.system.paths import strip
from mlreview.system.units import Duration, Schedule


@cache
def ask_of(model: type[Node], name: str) -> Ask | None:
    """The ``Ask`` declared on ``model.name``, if any."""
    return next((m for m in model.model_fields[name].metadata if isinstance(m, Ask)), None)


def never_asked(model: type[Node], name: str) -> bool:
    ask = ask_of(model, name)
    return ask is not None and ask.never is not None


def _is_signal(tp: Any) -> bool:
    args = get_args(tp)
    return bool in args and any(get_origin(a) is Literal for a in args)


def _parse(example: Any, tp: Any) -> Any:
    if tp is Duration:
        return Duration.parse(example)
    if tp is Schedule:
        return Schedule.parse(example)
    if tp is int:
        return int(example)
    if tp is float:
        return float(example)
    return example


def _within(ask: Ask, value: Any, node: Node | None) -> bool:
    if ask.bounded_by is None or node is None:
        return True
    op, sibling = ask.bounded_by
    other = getattr(node, sibling)
    if other is None:
        return True
    return bool(value <= other if op == "<=" else value >= other)


def alternatives(model: type[Node], name: str, node: Node | None) -> tuple[Any, ...]:
    """The values a what-if review tries for ``model.name``; empty when the field is not asked.

    ``node`` is the instance the field belongs to (None when it does not exist yet)."""
    ask = ask_of(model, name)
    if ask is not None and ask.never is not None:
        return ()
    tp = strip(model.model_fields[name].annotation)
    if tp is bool or _is_signal(tp):
        return (True, False)
    if get_origin(tp) is Literal:
        return get_args(tp)
    if ask is None or ask.values is None:
        return ()
    return tuple(v for v in (_parse(x, tp) for x in ask.values) if _within(ask, v, node))


def question(model: type[Node], name: str) -> str:
    """How to ask for ``model.name`` in plain words."""
    ask = ask_of(model, name)
    if ask is not None and ask.question:
        return ask.question
    info = model.model_fields[name]
    text = (info.description or name.replace("_", " ")).rstrip(".")
    tp = strip(info.annotation)
    if tp is bool or _is_signal(tp):
        return f"Is this so: {text[0].lower()}{text[1:]}?"
    if get_origin(tp) is Literal:
        return f"{text}: {', '.join(str(a) for a in get_args(tp))}?"
    return f"{text}?"
