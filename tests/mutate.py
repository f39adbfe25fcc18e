"""Seeded mutations of input files for the fuzz tests: each takes the text of a real file and a
``random.Random`` and returns damaged text plus a short description, so a failing case can be
rebuilt from its seed alone."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

Mutation = Callable[[str, random.Random], tuple[str, str]]

NUMBERS = [
    ".inf",
    "-.inf",
    ".nan",
    "1e308",
    "1.7976931348623157e308",
    "1e400",
    "1e-320",
    "-1",
    "0",
    "-0.0",
    "1" + "0" * 30,
    "9" * 4301,
    "2147483648",
    "0x7fffffffffffffff",
    "0o777",
]
DURATIONS = [
    "0s",
    "0.000001s",
    "0.5s",
    "999999999999999d",
    "1" + "0" * 400 + "s",
    "-5m",
    "5 parsecs",
]
DURATIONS += ["every 0.001s", "every 99999999999w", "0 0 31 2 *", "*/0 * * * *", "1d", "0m"]
JSON_NUMBERS = ["Infinity", "-Infinity", "NaN", "1e308", "1e400", "-1", "0", "1" + "0" * 30]
JSON_NUMBERS += ["9" * 4301, "true", "null", '"12"', "[]", "{}", "1e-320"]
TEXTS = [
    "\u202eevil",  # right-to-left override
    "a\u200bb",  # zero-width space
    "\U0001f600",
    "e\u0301",  # combining accent
    "\ufeff",
    "x" * 5000,
    "",
    "\u2028",
    "😀" * 200,
]
CONTROLS = ["\\e]0;pwned\\a", "\\x1b[2J", "\\r", "\\n```\\n", "\\0", "\\x7f", "\\u0085"]
TAGS = ["!!python/object/apply:os.system ['true']", "!custom", "!!str", "!!int", "!!binary"]
TAGS += ["!!float", "!!map", "!!set", "!!omap", "!<tag:yaml.org,2002:js/undefined>"]

_SCALAR = re.compile(r"(:\s+|-\s+)([^\s{}\[\],#&*!|>'\"][^#\n,}\]]*?)(\s*(?:#.*)?)$", re.M)
_NUMBER = re.compile(r"(?<![\w.\"'-])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.%\"'])")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def delete_line(text: str, rng: random.Random) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    return "".join(lines[:i] + lines[i + 1 :]), f"deleted line {i + 1}"


def duplicate_line(text: str, rng: random.Random) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]]), f"duplicated line {i + 1}"


def truncate(text: str, rng: random.Random) -> tuple[str, str]:
    cut = rng.randrange(len(text))
    return text[:cut], f"truncated at character {cut}"


def _replace_match(
    text: str, rng: random.Random, pattern: re.Pattern[str], group: int, new: str
) -> tuple[str, str]:
    found = list(pattern.finditer(text))
    if not found:
        return text, "no match"
    m = rng.choice(found)
    start, end = m.span(group)
    line = text.count("\n", 0, start) + 1
    return text[:start] + new + text[end:], f"line {line}: {m.group(group)!r} -> {new[:40]!r}"


def number(text: str, rng: random.Random) -> tuple[str, str]:
    return _replace_match(text, rng, _NUMBER, 0, rng.choice(NUMBERS))


_DURATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:ms|s|m|min|h|d|w)\b|\"[^\"\n]*\*[^\"\n]*\"")


def duration(text: str, rng: random.Random) -> tuple[str, str]:
    return _replace_match(text, rng, _DURATION, 0, '"' + rng.choice(DURATIONS) + '"')


def json_number(text: str, rng: random.Random) -> tuple[str, str]:
    return _replace_match(text, rng, _NUMBER, 0, rng.choice(JSON_NUMBERS))


def type_swap(text: str, rng: random.Random) -> tuple[str, str]:
    new = rng.choice(["[a, b]", "{k: v}", "true", "null", "'3'", "3", "~", "[]", "{}", "x"])
    return _replace_match(text, rng, _SCALAR, 2, new)


def unicode_text(text: str, rng: random.Random) -> tuple[str, str]:
    new = '"' + rng.choice(TEXTS).replace('"', '\\"') + '"'
    return _replace_match(text, rng, _SCALAR, 2, new)


def control(text: str, rng: random.Random) -> tuple[str, str]:
    return _replace_match(text, rng, _SCALAR, 2, '"x' + rng.choice(CONTROLS) + 'y"')


def raw_control(text: str, rng: random.Random) -> tuple[str, str]:
    i = rng.randrange(len(text))
    char = chr(rng.choice([0, 7, 8, 0x1B, 0x7F, 0x85, 0xFFFE, 0xD800 - 1]))
    return text[:i] + char + text[i:], f"raw {char!r} at character {i}"


def tag(text: str, rng: random.Random) -> tuple[str, str]:
    found = list(_SCALAR.finditer(text))
    m = rng.choice(found)
    start = m.start(2)
    new = rng.choice(TAGS) + " "
    line = text.count("\n", 0, start) + 1
    return text[:start] + new + text[start:], f"line {line}: tag {new.strip()!r}"


def alias(text: str, rng: random.Random) -> tuple[str, str]:
    found = list(_SCALAR.finditer(text))
    a, b = rng.choice(found), rng.choice(found)
    first, second = sorted((a, b), key=lambda m: m.start(2))
    kind = rng.choice(["alias", "unknown", "self"])
    if kind == "unknown":
        s = second.start(2)
        return text[:s] + "*nowhere " + text[second.end(2) :], "unknown alias"
    s1, s2 = first.start(2), second.start(2)
    if kind == "self" or s1 == s2:
        return text[:s1] + "&x " + text[s1:], "anchor only"
    out = text[:s2] + "*x" + text[second.end(2) :]
    return out[:s1] + "&x " + out[s1:], f"anchor at {s1}, alias at {s2}"


def swap_lines(text: str, rng: random.Random) -> tuple[str, str]:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines), f"swapped lines {i + 1} and {j + 1}"


YAML_MUTATIONS: list[Mutation] = [
    delete_line,
    duplicate_line,
    truncate,
    number,
    number,
    number,
    duration,
    duration,
    type_swap,
    type_swap,
    unicode_text,
    control,
    raw_control,
    tag,
    alias,
    swap_lines,
]


def mutate(text: str, seed: int, mutations: list[Mutation], rounds: int = 3) -> tuple[str, str]:
    """``text`` with one to ``rounds`` mutations chosen by ``seed``, and what they were."""
    rng = random.Random(seed)
    done = []
    for _ in range(rng.randint(1, rounds)):
        if not text:
            break
        text, what = rng.choice(mutations)(text, rng)
        done.append(what)
    return text, "; ".join(done)


_JSON_VALUE = re.compile(r'(?<=: )(-?\d[\d.eE+-]*|"[^"\n]*"|true|false|null)')
JSON_VALUES = ['"x"', "true", "null", "[]", "{}", '{"a": 1}', "[1, 2]", '"\\u202e"', '"\\u001b[2J"']


def json_value(text: str, rng: random.Random) -> tuple[str, str]:
    return _replace_match(text, rng, _JSON_VALUE, 0, rng.choice(JSON_VALUES + JSON_NUMBERS))


def csv_cell(text: str, rng: random.Random) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    cells = lines[i].rstrip("\n").split(",")
    j = rng.randrange(len(cells))
    new = rng.choice(["", "inf", "-1", "nan", "N/A", "1e400", "x", '"', "9" * 400, "\u202e", "0"])
    cells[j] = new
    lines[i] = ",".join(cells) + "\n"
    return "".join(lines), f"line {i + 1} cell {j + 1} -> {new[:20]!r}"


def nest(text: str, rng: random.Random) -> tuple[str, str]:
    depth = rng.choice([50, 1000, 100_000])
    i = rng.randrange(len(text))
    return text[:i] + "[" * depth + text[i:], f"{depth} '[' at character {i}"


JSON_MUTATIONS: list[Mutation] = [
    delete_line,
    duplicate_line,
    truncate,
    json_number,
    json_number,
    json_value,
    json_value,
    unicode_text,
    raw_control,
    nest,
    swap_lines,
]
CSV_MUTATIONS: list[Mutation] = [
    delete_line,
    duplicate_line,
    truncate,
    csv_cell,
    csv_cell,
    csv_cell,
    raw_control,
    swap_lines,
]
