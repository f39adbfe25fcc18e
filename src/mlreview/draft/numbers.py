"""Numbers written in words ('sixteen', 'twenty-four', 'two hundred', 'a couple of') as digits.

Written by hand rather than with text2num or word2number: the reader needs the character span
of every number it rewrites, to quote the original words, and those libraries return the
rewritten text only. The grammar is English cardinals below a billion; ordinals ('second') and
fractions ('half') are left as words, as are number words that are not a count ('no one',
'one of them' stays '1 of them', which is harmless).
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
PHRASES = {"a couple of": 2, "a dozen": 12, "a few dozen": 36, "a hundred": 100}
WORD = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
RUN = re.compile(rf"\b(?:{WORD})(?:(?:[\s-]+|\s+and\s+)(?:{WORD}))*\b")
PHRASE = re.compile(r"\b(?:" + "|".join(map(re.escape, PHRASES)) + r")\b")
NOT_A_COUNT = re.compile(r"(?:\bno|\bany|\bsome|\bevery|\beach|\bthe|\bthis|\bthat)\s+$")


def value_of(words: str) -> int | None:
    """The value of a run of number words, or None when they do not form one number."""
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", words):
        if word == "and":
            continue
        if word in UNITS:
            if seen and current % 100 and (current % 10 or current < 20):
                return None  # 'two three' is two numbers
            current += UNITS[word]
        elif word in TENS:
            if current % 100:
                return None
            current += TENS[word]
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def number_words(lower: str, names: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    """(start, end, digits) for each number written in words in lower-case ``lower``; a scale
    after digits ('50 million') and the words of ``names`` ('two-tower') are left alone."""
    out: list[tuple[int, int, str]] = []
    for m in PHRASE.finditer(lower):
        out.append((m.start(), m.end(), str(PHRASES[m.group(0)])))
    for m in RUN.finditer(lower):
        if any(a < m.end() and m.start() < b for a, b, _ in out):
            continue
        if m.group(0).split()[0].split("-")[0] in SCALES:
            continue
        if any(lower.startswith(name, m.start()) for name in names):
            continue
        if m.group(0) == "one" and NOT_A_COUNT.search(lower[: m.start()]):
            continue
        value = value_of(m.group(0))
        if value is None:
            # 'two three-node clusters': rewrite each word alone
            for w in re.finditer(rf"\b(?:{WORD})\b", m.group(0)):
                single = value_of(w.group(0))
                if single is not None:
                    out.append((m.start() + w.start(), m.start() + w.end(), str(single)))
            continue
        out.append((m.start(), m.end(), str(value)))
    return sorted(out)
