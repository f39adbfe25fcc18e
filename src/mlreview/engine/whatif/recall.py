"""The per-component results of a watched review, with the fields each one read, and their
reuse by the what-if reviews of the same system (``mlreview.system.recall``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from mlreview.engine.whatif.reads import Changed, ReadLog
from mlreview.system.recall import Recall

T = TypeVar("T")


def _label(group: str, ident: str) -> str:
    return f"kept:{group}:{ident}"


class Noting(Recall):
    """Keeps each result and notes what it read under its own label, as well as under the
    label of what asked for it (the assessment), so the assessment's reads stay complete."""

    def __init__(self, log: ReadLog) -> None:
        self.log = log
        self.kept: dict[str, Any] = {}

    def keep(self, group: str, ident: str, compute: Callable[[], T]) -> T:
        label = _label(group, ident)
        with self.log.within(label):
            value = compute()
        self.kept[label] = value
        return value

    def shared(self, group: str) -> AbstractContextManager[object]:
        return self.log.within(f"kept:{group}")


class Replay(Recall):
    """For a what-if review setting ``changed``: the watched review's result when neither it
    nor what its group shares read a changed field, else the result computed anew."""

    def __init__(self, noting: Noting, changed: Changed) -> None:
        self.noting = noting
        self.changed = changed
        self._shared: dict[str, tuple[object, bool]] = {}
        """Whether each group's shared reads touch a changed field, with the log's ``version``
        it was found at (asked once per group, not once per component: ~70 a what-if)."""

    def keep(self, group: str, ident: str, compute: Callable[[], T]) -> T:
        label = _label(group, ident)
        log = self.noting.log
        if (
            label in self.noting.kept
            and not log.touches(label, self.changed)
            and not self._shared_touched(group)
        ):
            kept: T = self.noting.kept[label]
            return kept
        return compute()

    def _shared_touched(self, group: str) -> bool:
        log = self.noting.log
        known = self._shared.get(group)
        if known is None or known[0] != log.version:
            known = (log.version, log.touches(f"kept:{group}", self.changed))
            self._shared[group] = known
        return known[1]
