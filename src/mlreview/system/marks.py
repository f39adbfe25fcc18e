"""Values the manifest's author marks as a guess: a comment on the value's line that says it is
inferred, assumed, guessed or estimated. The review uses such a value as written and names it
wherever it quotes it, so a reader can tell it from a stated fact."""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"[^"]*"')
"""Quoted words in a comment are someone else's (a drafted value's source sentence)."""
_MARK = re.compile(
    r"(?<!\bnot )(?<!\bno )\b(inferred|assumed|assumption|guess|guessed|estimated?)\b",
    re.IGNORECASE,
)


def marks_guess(comment: str) -> bool:
    """True when ``comment`` says the value on its line is inferred, assumed or a guess."""
    return _MARK.search(_QUOTED.sub("", comment)) is not None
