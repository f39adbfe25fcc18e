"""Reading prose: sentences, numbers with units, negation, and technology names (typos included)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from mlreview.draft.numbers import number_words
from mlreview.system.catalogue import Technology, catalogue

WORD_NUMBERS = {
    "one": 1,
    "a single": 1,
    "single": 1,
    "two": 2,
    "a couple of": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
SCALE_WORDS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
}
NUMBER = (
    r"(?<![\w.])(?P<num>\d+(?:[.,]\d+)*|"
    + "|".join(sorted(map(re.escape, WORD_NUMBERS), key=len, reverse=True))
    + r")(?:\s*(?P<scale>k|thousand|mm|m|million|b|billion)\b)?"
)
DURATION_UNITS = {
    "ms": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "msec": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "wk": "w",
    "week": "w",
    "weeks": "w",
    "month": "mo",
    "months": "mo",
    "year": "y",
    "years": "y",
    "yr": "y",
    "yrs": "y",
}
UNIT = "|".join(sorted(map(re.escape, DURATION_UNITS), key=len, reverse=True))
NEGATION = re.compile(
    r"\b(no|not|without|never|none|nobody|nothing|lacks?|isn't|aren't|don't|doesn't|didn't|"
    r"won't|can't|cannot|neither|nor|no longer|not yet|nor|zero|lack of|absence of|missing)\b|"
    r"n't\b|n\u2019t\b"
)


def number(match: re.Match[str]) -> float:
    """The value of a NUMBER match: '2,000' -> 2000, '1.5k' -> 1500, 'two' -> 2."""
    raw = match.group("num").lower()
    if raw in WORD_NUMBERS:
        value = float(WORD_NUMBERS[raw])
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
        value = float(raw.replace(",", ""))
    else:
        value = float(raw.replace(",", "."))
    scale = match.group("scale")
    return value * SCALE_WORDS[scale.lower()] if scale else value


def duration_text(value: float, unit: str) -> str:
    """A manifest duration such as '30d' from a number and a unit word; months and years keep
    their unit ('12 months' is '12mo', not a count of days the text never gave)."""
    short = DURATION_UNITS[unit.lower()]
    shown = f"{value:g}"
    return f"{shown}{short}"


VOCABULARY = frozenset(
    [
        "feature",
        "features",
        "trained",
        "retrained",
        "retrain",
        "retrains",
        "training",
        "latency",
        "labels",
        "label",
        "requests",
        "replicas",
        "instances",
        "autoscaling",
        "autoscales",
        "model",
        "models",
        "endpoint",
        "endpoints",
        "recommender",
        "recommendation",
        "predictions",
        "prediction",
        "scoring",
        "scores",
        "served",
        "serving",
        "hourly",
        "nightly",
        "weekly",
        "monthly",
        "daily",
        "minimum",
        "maximum",
        "logged",
        "timeout",
        "chargebacks",
        "every",
    ]
)


def _normalise(lower: str) -> tuple[str, tuple[int, ...]]:
    """``lower`` with misspelt common words corrected, and for each character (plus the end)
    the offset in ``lower`` it comes from."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in re.finditer(r"[a-z]+", lower):
        out.append(lower[pos : m.start()])
        index.extend(range(pos, m.start()))
        word = m.group(0)
        fixed = word
        if word not in VOCABULARY and word not in _name_words():
            fixed = next(
                (
                    v
                    for v in sorted(VOCABULARY)
                    if _typo(word, v) and not v.startswith(word) and not word.startswith(v)
                ),
                word,
            )
        out.append(fixed)
        index.extend(m.start() + min(i, len(word) - 1) for i in range(len(fixed)))
        pos = m.end()
    out.append(lower[pos:])
    index.extend(range(pos, len(lower)))
    index.append(len(lower))
    text = "".join(out)
    return _rewrite(text, index, number_words(text, _number_names()))


def _rewrite(
    text: str, index: list[int], edits: list[tuple[int, int, str]]
) -> tuple[str, tuple[int, ...]]:
    """``text`` with each (start, end, replacement) applied, and the offset map carried over:
    a replacement's characters map to the first character it replaces, its last to the last."""
    out: list[str] = []
    mapped: list[int] = []
    pos = 0
    for start, end, new in edits:
        out.append(text[pos:start])
        mapped.extend(index[pos:start])
        out.append(new)
        mapped.extend([index[start]] * (len(new) - 1) + [index[end - 1]])
        pos = end
    out.append(text[pos:])
    mapped.extend(index[pos:])
    return "".join(out), tuple(mapped)


@dataclass(frozen=True)
class Sentence:
    """A sentence as written, and lower-cased with typos of common words corrected."""

    text: str
    lower: str
    start: int
    index: tuple[int, ...] = ()

    @classmethod
    def of(cls, text: str, start: int) -> Sentence:
        lower, index = _normalise(text.lower())
        return cls(text, lower, start, index)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``text`` of the span [start, end) of ``lower``."""
        if not self.index:
            return start, end
        return self.index[start], self.index[max(start, end - 1)] + 1

    def negated(self, start: int, end: int) -> bool:
        """True when the text says the span [start, end) of this sentence is not the case.

        A negation word governs what follows it in its clause; the clause is cut at commas,
        semicolons, brackets and contrast words ('but', 'while', 'although', 'instead'), so that
        'no canary, but auto-rollback' negates only the canary. A span is also negated by what
        follows it: 'is not', 'is disabled', 'exists ... but is switched off', 'there was X but
        product killed it', and 'X used to ... but now'. 'Instead of X' and 'rather than X'
        negate X."""
        intro = LIST_INTRO.search(self.lower[:start])
        if intro and not re.search(r"\bbut\b|\bhowever\b", self.lower[intro.end() : start]):
            return True
        left = CLAUSE_BREAK.split(self.lower[:start])
        clause = left[-1] if left else ""
        if ":" in clause:
            head, _, tail = clause.rpartition(":")
            clause = clause if NEGATED_LIST.search(head) else tail
        if NEGATION.search(clause[-48:]) and not RESTORED.search(clause):
            return True
        before = self.lower[:start]
        if re.search(r"\b(?:instead of|rather than|in place of)\s+(?:[\w-]+\s+){0,3}$", before):
            return True
        after = self.lower[end:]
        if re.search(r"\bused to\b", before[-48:]) and re.search(r"\bbut (?:now|today)\b", after):
            return True
        if AFTER_NEGATION.match(after):
            return True
        return bool(WITHDRAWN.match(after))


CLAUSE_BREAK = re.compile(
    r"[,;()\u2014]|\s-\s|\b(?:but|while|although|though|whereas|and then|instead|however|so|"
    r"because|which|except)\b"
)
LIST_INTRO = re.compile(
    r"(?:n't|\bnot|\bnever)\s+(?:\w+\s+){0,2}?(?:have|has|got)(?:\s+yet)?\s*:|"
    r"\b(?:missing|lacking|not yet)\s*:"
)
NEGATED_LIST = re.compile(
    r"(?:n't|\bnot|\bnever|\bno)\s+(?:\w+\s+){0,2}?(?:have|has|got|use|do)(?:\s+yet)?\s*$|"
    r"\b(?:missing|lacking|not yet|nothing|none|no)\s*$"
)
RESTORED = re.compile(r"\bnot only\b|\bno (?:doubt|matter)\b|\bnothing but\b")
# 'off' as a preposition ('retrained every 4h off the last 14 days') denies nothing.
AFTER_NEGATION = re.compile(
    r"\s*(?:is|are|was|were|has been|have been|stays?|remains?)?\s*(?:not|never|missing|absent|"
    r"disabled|off(?!\s+(?:the|a|an|of|our|their|its|this|that|\d))|switched off|turned off|"
    r"removed|gone)\b"
)
WITHDRAWN = re.compile(
    r"[^.;]{0,80}?\b(?:but|and)\s+(?:(?:it'?s|it is|they'?re|they are|is|was|were|it was|"
    r"\w+(?:\s+\w+)?)\s+)?(?:switched off|turned off|disabled|killed|cut|removed|dropped|"
    r"deprecated|not used|never used|not (?:enabled|active)|"
    # 'but it's not on' is switched off; 'but not on offer-updates' is a preposition
    r"not on(?=\s*(?:[.;,)]|$|\s+(?:yet|anymore|any more|today|now)\b)))(?:\s+(?:it|them))?\b"
    r"|[^.;]{0,60}?\bused to\b[^.;]*\bbut (?:now|today|these days)\b"
    r"|[^.;]{0,40}?\b(?:that|it|this) (?:hasn'?t|has not|haven'?t|never) (?:happened|been done|"
    r"been built|shipped|landed)\b"
)


def sentences(text: str) -> list[Sentence]:
    """Sentences (and semicolon clauses) with their offsets; line breaks end one too. A full
    stop inside a word or number ('ml.c5.xlarge', '99.9') or after an abbreviation ('e.g.')
    does not."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"(?:[^.!?;\n]|[.!?](?=[^\s.!?;]))+[.!?;]?", text):
        if spans and ABBREVIATION.search(text[spans[-1][0] : spans[-1][1]]):
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append(match.span())
    out = []
    for start, end in spans:
        body = text[start:end]
        if body.strip():
            lead = len(body) - len(body.lstrip())
            out.append(Sentence.of(body.strip(), start + lead))
    return out


ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|cf|esp|resp|min|max)\.)$", re.I)


@dataclass(frozen=True)
class Mention:
    tech: Technology
    sentence: Sentence
    start: int
    end: int
    words: str


@cache
def _name_words() -> frozenset[str]:
    """Every word of every technology name and alias."""
    return frozenset(w for name in catalogue() for w in re.findall(r"[a-z]+", name))


@cache
def _number_names() -> tuple[str, ...]:
    """Technology names that begin with a number word ('two-tower')."""
    return tuple(n for n in catalogue() if number_words(n) and number_words(n)[0][0] == 0)


@cache
def _names() -> list[tuple[str, Technology]]:
    names = [(k, t) for k, t in catalogue().items()]
    return sorted(names, key=lambda kv: (-len(kv[0]), kv[0]))


COMMON_WORDS = frozenset(
    [
        "model",
        "models",
        "serving",
        "served",
        "trained",
        "training",
        "stream",
        "streams",
        "features",
        "feature",
        "daily",
        "nightly",
        "weekly",
        "hourly",
        "labels",
        "label",
        "spark",
        "about",
        "after",
        "batch",
        "table",
        "tables",
        "store",
        "stores",
        "every",
        "using",
        "their",
        "there",
        "these",
        "those",
        "which",
        "where",
        "while",
        "would",
        "could",
        "should",
        "scored",
        "score",
        "scoring",
        "request",
        "requests",
        "second",
        "seconds",
        "minute",
        "minutes",
        "replica",
        "replicas",
        "instances",
        "latency",
        "predictions",
        "prediction",
        "online",
        "offline",
        "events",
        "event",
        "vertex",
    ]
)


def _typo(word: str, name: str) -> bool:
    """One adjacent swap or one dropped letter, or a close spelling, of a name of five letters
    or more."""
    if len(name) < 5 or word in COMMON_WORDS or word[0] != name[0]:
        return False
    if len(word) == len(name) - 1 >= 4:
        return any(name[:i] + name[i + 1 :] == word for i in range(1, len(name)))
    if len(word) < 5:
        return False
    if len(word) == len(name):
        diffs = [i for i in range(len(word)) if word[i] != name[i]]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            return word[diffs[0]] == name[diffs[1]] and word[diffs[1]] == name[diffs[0]]
    return SequenceMatcher(None, word, name).ratio() >= 0.88


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], Technology]]:
    """(a word the text must contain, the name's pattern, its technology), longest names first."""
    out = []
    for name, tech in _names():
        stem = name[:-1] if name.endswith("s") and len(name) > 4 else name
        pattern = (
            r"(?<![\w-])"
            + re.escape(stem).replace(r"\ ", r"[\s-]+")
            + r"s?(?![\w]|-(?!v?\d))"  # a version may follow: 'bge-large-en-v1.5', 'dcn-v2'
        )
        out.append((re.split(r"[\s-]", stem)[0], re.compile(pattern), tech))
    return out


# English words one slip from a technology's name are that word, not a misspelt name ('bot
# behaviour changes fast' names no Feast; 'a full scan' no FAISS).
ENGLISH_NEAR_NAMES = frozenset(["fast", "feat", "feats", "scalar", "scan", "transform"])


@cache
def _typo_of(word: str) -> Technology | None:
    """The single-word technology ``word`` is a misspelling of, if any."""
    if len(word) < 4 or word in catalogue() or word in ENGLISH_NEAR_NAMES:
        return None
    for name, tech in _names():
        if name[0] == word[0] and " " not in name and "-" not in name and _typo(word, name):
            return tech
    return None


# Names that are also English words: they name the technology only when written with a capital
# ('Temporal workflows', not 'a temporal split'; 'Feast', not 'a feast of features').
WORD_NAMES = frozenset(["temporal", "feast"])


def mentions(sents: list[Sentence]) -> list[Mention]:
    """Every catalogue technology named in the text, longest names first, no overlaps."""
    found: list[Mention] = []
    for s in sents:
        taken: list[tuple[int, int]] = []
        for word, pattern, tech in _patterns():
            if word not in s.lower:
                continue
            for m in pattern.finditer(s.lower):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                a, b = s.span(m.start(), m.end())
                if m.group(0) in WORD_NAMES and not s.text[a].isupper():
                    continue
                taken.append((m.start(), m.end()))
                found.append(Mention(tech, s, m.start(), m.end(), s.text[a:b]))
        for m in re.finditer(r"[a-z][a-z0-9]+", s.lower):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            hit = _typo_of(m.group(0))
            if hit is not None:
                taken.append((m.start(), m.end()))
                a, b = s.span(m.start(), m.end())
                found.append(Mention(hit, s, m.start(), m.end(), s.text[a:b]))
    found.sort(key=lambda m: (m.sentence.start, m.start))
    return found
