"""What a what-if review tries for an unknown field, and how the question is put, read from the
``Ask`` declared beside each field in the manifest models.

Booleans, monitor signals and choices try every answer. Numbers, durations and schedules try the
low and the high value their ``Ask`` names (a 0.99 and a 0.9999 SLA, a 10 s and a 10 min cold
start); the review decides which of them is the optimistic one by what it finds. Free text, ids
and lists are not asked about: no single value stands for their range."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Literal, get_args, get_origin

from mlreview.engine.whatif.context import floor_and_ceiling, implied, never_here
from mlreview.system.manifest import Ask, Node
from mlreview.system.paths import strip
from mlreview.system.system import System
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


def _clamped(values: tuple[Any, ...], limits: tuple[Any, Any] | None) -> tuple[Any, ...]:
    """Each value moved inside its physical limits, duplicates dropped."""
    if limits is None:
        return values
    low, high = limits
    out: list[Any] = []
    for value in values:
        moved = low if low is not None and value < low else value
        moved = high if high is not None and moved > high else moved
        if moved not in out:
            out.append(moved)
    return tuple(out)


def alternatives(
    model: type[Node], name: str, node: Node | None, system: System | None = None
) -> tuple[Any, ...]:
    """The values a what-if review tries for ``model.name``; empty when the field is not asked.

    ``node`` is the instance the field belongs to (None when it does not exist yet). With the
    ``system``, nothing is tried for a value the manifest implies or a field that means nothing
    on this component, and numbers stay within their physical limits (``whatif.context``)."""
    ask = ask_of(model, name)
    if ask is not None and ask.never is not None:
        return ()
    if system is not None and (
        never_here(model, name, node) or implied(system, model, name, node) is not None
    ):
        return ()
    tp = strip(model.model_fields[name].annotation)
    if tp is bool or _is_signal(tp):
        return (True, False)
    if get_origin(tp) is Literal:
        return get_args(tp)
    if ask is None or ask.values is None:
        return ()
    tried = tuple(v for v in (_parse(x, tp) for x in ask.values) if _within(ask, v, node))
    if system is None:
        return tried
    return _clamped(tried, floor_and_ceiling(system, model, name, node))


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


def _rank(value: Any) -> float:
    """A tried value's place on its field's scale: yes above no, an alert above none."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return 0.0 if value in ("none", "false") else 1.0
    return float(value)


def better_of(model: type[Node], name: str, values: Iterable[Any]) -> tuple[Any, Any] | None:
    """(the answer that makes the control stronger or the failure rarer or shorter, the one
    that makes it weakest) among the ``values`` tried, when the field's ``Ask.better`` says
    which way that is or the field is an alert signal (having one is the stronger control);
    None when neither says, or fewer than two values differ."""
    ask = ask_of(model, name)
    better = ask.better if ask is not None else None
    if better is None and _is_signal(strip(model.model_fields[name].annotation)):
        better = "more"
    ranked = sorted(values, key=_rank)
    if better is None or len(ranked) < 2 or _rank(ranked[0]) == _rank(ranked[-1]):
        return None
    return (ranked[-1], ranked[0]) if better == "more" else (ranked[0], ranked[-1])
