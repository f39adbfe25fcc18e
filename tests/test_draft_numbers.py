"""Numbers written in words become digits, with the original words kept for quoting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlreview.draft.numbers import value_of
from mlreview.draft.prose import sentences


@pytest.mark.parametrize(
    ("text", "lower"),
    [
        ("Minimum four and maximum sixteen instances.", "minimum 4 and maximum 16 instances."),
        ("Retrained every two weeks", "retrained every 2 weeks"),
        ("twenty-four pods, one hundred and twenty ms", "24 pods, 120 ms"),
        ("two three-node clusters", "2 3-node clusters"),
        ("a couple of days", "2 days"),
        ("about 50 million events", "about 50 million events"),
        ("no one knows", "no one knows"),
        ("a two-tower model", "a two-tower model"),
    ],
)
def test_number_words_become_digits(text: str, lower: str) -> None:
    assert sentences(text)[0].lower == lower


def test_quotes_keep_the_words_as_written() -> None:
    s = sentences("Minimum four and maximum Sixteen instances")[0]
    start = s.lower.index("16")
    a, b = s.span(start, start + 2)
    assert s.text[a:b] == "Sixteen"


UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words(n: int) -> str:
    """A plain English spelling of 1..999, for the property below."""
    parts = []
    if n >= 100:
        parts += [UNITS[n // 100 - 1], "hundred"]
        n %= 100
    if n >= 20:
        parts.append(TENS[n // 10 - 2] + (f"-{UNITS[n % 10 - 1]}" if n % 10 else ""))
    elif n:
        teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
        parts.append(UNITS[n - 1] if n < 10 else teens.split()[n - 10])
    return " ".join(parts)


@given(st.integers(1, 999))
def test_every_spelling_below_a_thousand_reads_back(n: int) -> None:
    assert value_of(_words(n)) == n
    assert sentences(f"we run {_words(n)} pods")[0].lower == f"we run {n} pods"
