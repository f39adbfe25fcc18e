"""Finding words in sentences: patterns, the words a value came from, cadences and small numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlreview.draft.draft import Draft
from mlreview.draft.prose import NUMBER, UNIT, Sentence, duration_text, number
from mlreview.system.units import parse_duration_seconds

Found = tuple[Sentence, re.Match[str]]

A_OR_NUMBER = r"(?P<num>\d+(?:\.\d+)?|an?|one|two|three|four|six|twelve)"
SMALL_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "six": 6.0,
    "twelve": 12.0,
}

CADENCES: tuple[tuple[str, str], ...] = (
    (r"\bnightly\b|every night|each night|overnight", "daily"),
    (r"\bdaily\b|every day|each day|once a day|every morning|each morning", "daily"),
    (r"\bhourly\b|every hour|each hour|once an hour", "hourly"),
    (
        r"\bweekly\b|every week|each week|once a week|every (?:sun|mon|tues|wednes|thurs|fri|"
        r"satur)day",
        "weekly",
    ),
    (r"\bmonthly\b|every month|each month|once a month", "monthly"),
    (r"\bquarterly\b|every quarter|each quarter|once a quarter", "every 90d"),
    (r"\b(?:yearly|annually)\b|once a year|every year|each year", "every 365d"),
)


def quote(s: Sentence, start: int = 0, end: int | None = None, width: int = 70) -> str:
    """The whole words around [start, end) of a sentence, about ``width`` characters at most."""
    text = s.text.rstrip(".;!?")
    if end is None:
        start, end = 0, len(text)
    else:
        start, end = s.span(start, end)
    end = min(end, len(text))
    if len(text) <= width:
        return text
    slack = max(0, width - (end - start)) // 2
    lo, hi = max(0, start - slack), min(len(text), end + slack)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return ("..." if lo else "") + text[lo:hi].strip() + ("..." if hi < len(text) else "")


def quote_found(found: Found) -> str:
    s, m = found
    return quote(s, m.start(), m.end())


def first(pattern: str | re.Pattern[str], sents: Iterable[Sentence]) -> Found | None:
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    for s in sents:
        m = regex.search(s.lower)
        if m:
            return s, m
    return None


def first_stated(pattern: str | re.Pattern[str], sents: Iterable[Sentence]) -> Found | None:
    """The first match of ``pattern`` that the text does not negate."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    for s in sents:
        for m in regex.finditer(s.lower):
            if not s.negated(m.start(), m.end()):
                return s, m
    return None


def find_all(pattern: str, sents: Iterable[Sentence]) -> list[Found]:
    regex = re.compile(pattern)
    return [(s, m) for s in sents for m in regex.finditer(s.lower)]


def yes_no(draft: Draft, key: tuple[str, ...], pattern: str, sents: list[Sentence]) -> None:
    """A yes/no fact: true where the wording appears, false where it is negated."""
    found = first(pattern, sents)
    if found:
        s, m = found
        draft.put(key, not s.negated(m.start(), m.end()), quote_found(found))


def small_number(text: str) -> float:
    return SMALL_NUMBERS.get(text) or float(text)


def find_cadence(text: str, s: Sentence, offset: int = 0) -> tuple[str, str] | None:
    """The first cadence stated in ``text`` (a part of ``s`` starting at ``offset``)."""
    every = re.search(r"every\s+" + NUMBER + r"\s*(?P<unit>" + UNIT + r")\b", text)
    if every and not s.negated(offset + every.start(), offset + every.end()):
        return (
            f"every {duration_text(number(every), every.group('unit'))}",
            quote(s, offset + every.start(), offset + every.end()),
        )
    best: tuple[int, str, re.Match[str]] | None = None
    for pattern, cadence in CADENCES:
        for m in re.finditer(pattern, text):
            if s.negated(offset + m.start(), offset + m.end()):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), cadence, m)
            break
    if best is None:
        return None
    return best[1], quote(s, offset + best[2].start(), offset + best[2].end())


def segments(s: Sentence) -> list[tuple[int, str]]:
    """Parts of a sentence joined by 'and', 'then' or commas, with their offsets."""
    out, pos = [], 0
    for m in re.finditer(r",\s*|\s+and\s+(?:a|an|the|then)?\s*|\s+then\s+", s.lower):
        out.append((pos, s.lower[pos : m.start()]))
        pos = m.end()
    out.append((pos, s.lower[pos:]))
    return out


def seconds(amount: float, unit: str) -> float:
    return parse_duration_seconds(duration_text(amount, unit)) or 0.0
