"""Results a review computes per component, kept for the what-if reviews of the same system.

An assessment asks ``system.recall.keep(group, ident, compute)`` for a per-component result.
A plain review computes it. A review that what-if reviews will follow notes which manifest
fields each result read (``mlreview.engine.whatif.recall``), and a what-if review of that
system reuses every result that read none of the fields it sets.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TypeVar

T = TypeVar("T")


class Recall:
    """Computes every result (a review that no what-if review follows)."""

    def keep(self, group: str, ident: str, compute: Callable[[], T]) -> T:
        """``compute()``: the result for ``ident``, a function of the fields it reads."""
        return compute()

    def shared(self, group: str) -> AbstractContextManager[object]:
        """A block computing something every result of ``group`` may use (read once, kept for
        them all): a change to what it reads makes all of them computed again."""
        return nullcontext()
