"""Scoring a draft against the facts a description states (`../shared/prose/facts.json`).

Each description there comes with the numbers and technologies it names and its facts as
``{path, value, quote}``, where a bracket in the path names a component in the writer's own words
(``stores[redis-feat].ttl``, ``endpoints[].slo.p99_ms`` when there is one). Matching is loose on
names and strict on values:

- a bracket picks the draft component whose id, technology, engine, platform, family, kind or
  description shares the most words with it (a word matches another it begins, of three letters
  or more: 'dynamo' and 'dynamodb'); with no shared word, or an empty bracket, the section's only
  component, else its first; a dependency is matched through its target;
- a value is right when it equals the draft's (numbers within 2%, durations and schedules by
  their length, technologies through the catalogue's aliases, free text when every content word
  of one is in the other, crudely stemmed; ``true`` for a monitor matches alert, dashboard or
  manual);
  wrong when the draft has another value there; missed when it has none;
- a negated fact is *inverted* when the draft holds its ``ruled_out_value``;
- a number is kept when some numeric value in the draft is within 2% of it (durations count by
  their own number and in s, min, h and d; fractions also as percentages);
- a technology is kept when a value of the draft names it (exactly, through a catalogue alias,
  or as the leading words of a longer name: 'databricks' in 'databricks-model-serving'). The
  comments quoting the text do not count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlreview.system.catalogue import lookup
from mlreview.system.units import Duration, Schedule

SECTIONS = ("sources", "pipelines", "stores", "features", "models", "endpoints", "feedback")
DESCRIPTORS = ("id", "technology", "engine", "platform", "family", "kind", "description")
SIGNALS = ("alert", "dashboard", "manual")
STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "is",
        "are",
        "was",
        "at",
        "from",
    ]
)
FILLER = frozenset(["was", "were", "we", "our", "actually", "that", "who", "they", "it", "ones"])
TOLERANCE = 0.02


def find_corpus(start: Path) -> Path | None:
    """The nearest ``shared/prose`` with a facts.json above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "prose"
        if (candidate / "facts.json").is_file():
            return candidate
    return None


def _tokens(text: Any) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", str(text).lower()) if t and t not in STOP}


def _stems(text: str) -> set[str]:
    """Content words of free text, crudely stemmed ('showed', 'shown' -> 'show')."""
    out = set()
    for word in _tokens(text) - FILLER:
        stem = word
        for suffix in ("ing", "ed", "es", "s", "n"):
            if len(word) > 4 and word.endswith(suffix):
                stem = word[: -len(suffix)]
                break
        out.add(stem)
    return out


def _word_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short)


def _overlap(wanted: set[str], have: set[str]) -> int:
    return sum(1 for w in wanted if any(_word_match(w, h) for h in have))


def _descriptors(item: dict[str, Any], data: dict[str, Any]) -> set[str]:
    words: set[str] = set()
    for key in DESCRIPTORS:
        if key in item:
            words |= _tokens(item[key])
    if "target" in item:
        words |= _tokens(item["target"])
        for section in SECTIONS:
            for other in data.get(section) or []:
                if other.get("id") == item["target"]:
                    words |= {w for k in DESCRIPTORS if k in other for w in _tokens(other[k])}
    return words


def _pick(items: list[Any], selector: str, data: dict[str, Any]) -> dict[str, Any] | None:
    candidates = [i for i in items if isinstance(i, dict)]
    if not candidates:
        return None
    wanted = _tokens(selector)
    if wanted:
        scored = [(_overlap(wanted, _descriptors(i, data)), n, i) for n, i in enumerate(candidates)]
        best = max(scored, key=lambda s: (s[0], -s[1]))
        if best[0] > 0:
            return best[2]
    return candidates[0]


MISSING = object()


def resolve(data: dict[str, Any], path: str) -> Any:
    """The draft's value at a facts.json path, or MISSING."""
    node: Any = data
    for part in re.findall(r"[^.\[\]]+(?:\[[^\]]*\])?", path):
        name, _, rest = part.partition("[")
        selector = rest.rstrip("]") if rest else None
        if not isinstance(node, dict) or name not in node:
            return MISSING
        node = node[name]
        if selector is not None and isinstance(node, list):
            if node and not isinstance(node[0], dict):
                return node  # a list of values: the fact names one of them
            picked = _pick(node, selector, data)
            if picked is None:
                return MISSING
            node = picked
    return node


NAMED_PERIODS = {"quarterly": 90 * 86400.0, "yearly": 365 * 86400.0, "annually": 365 * 86400.0}


def _as_time(value: Any) -> float | None:
    """Seconds in a duration or schedule; writers also use 'quarterly' and 'yearly', which the
    manifest spells 'every 90d' and 'every 365d', and '2 years' or '12 months' for durations."""
    if isinstance(value, str) and value.lower() in NAMED_PERIODS:
        return NAMED_PERIODS[value.lower()]
    long = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(years?|months?)", str(value).strip().lower())
    if long:
        return float(long.group(1)) * (365 if long.group(2)[0] == "y" else 30) * 86400.0
    if isinstance(value, str):
        for parse in (Duration.parse, Schedule.parse):
            try:
                parsed = parse(value)
            except ValueError:
                continue
            return float(getattr(parsed, "period", parsed))
    return None


def _number_close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def same_value(expected: Any, got: Any) -> bool:
    if isinstance(got, list) and not isinstance(expected, list):
        return any(same_value(expected, g) for g in got)
    if isinstance(expected, bool) or isinstance(got, bool):
        if got is True and expected in SIGNALS:
            return True
        return expected is got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return _number_close(float(expected), float(got))
    te, tg = _as_time(expected), _as_time(got)
    if te is not None and tg is not None:
        return _number_close(te, tg)
    if isinstance(expected, str) and isinstance(got, str):
        a, b = lookup(expected), lookup(got)
        if a is not None and a is b:
            return True
        e, g = _stems(expected), _stems(got)
        if not e or not g:
            return expected.strip().lower() == got.strip().lower()
        return _overlap(e, g) == len(e) or _overlap(g, e) == len(g)
    return bool(expected == got)


def _numbers_in(data: Any, out: list[float]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "version"):
                _numbers_in(value, out)
    elif isinstance(data, list):
        for value in data:
            _numbers_in(value, out)
    elif isinstance(data, bool):
        return
    elif isinstance(data, int | float):
        out.append(float(data))
        if 0 < data <= 1:
            out.append(float(data) * 100)
    elif isinstance(data, str) and _as_time(data) is not None:
        out.extend(float(n) for n in re.findall(r"\d+(?:\.\d+)?", data))
        seconds = _as_time(data) or 0.0
        out.extend(seconds / size for size in (1, 60, 3600, 86400) if seconds)


def _strings_in(data: Any, out: list[str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "version"):
                _strings_in(value, out)
    elif isinstance(data, list):
        for value in data:
            _strings_in(value, out)
    elif isinstance(data, str):
        out.extend(p.strip() for p in re.split(r"[,;:()]", data) if p.strip())


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def technology_kept(tech: str, values: list[str]) -> bool:
    wanted = _norm(tech)
    known = lookup(tech)
    for value in values:
        have = _norm(value)
        if have == wanted or have.removesuffix("s") == wanted.removesuffix("s"):
            return True
        if known is not None and lookup(value) is known:
            return True
        if (have + " ").startswith(wanted + " ") or f" {wanted} " in f" {have} ":
            return True
    return False


@dataclass
class FactScore:
    numbers: int = 0
    numbers_kept: list[float] = field(default_factory=list)
    numbers_lost: list[float] = field(default_factory=list)
    technologies_kept: list[str] = field(default_factory=list)
    technologies_lost: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    negated_right: list[str] = field(default_factory=list)
    inverted: list[str] = field(default_factory=list)
    negated_other: list[str] = field(default_factory=list)

    def add(self, other: FactScore) -> None:
        for name in self.__dataclass_fields__:
            if name != "numbers":
                getattr(self, name).extend(getattr(other, name))
        self.numbers += other.numbers

    @property
    def facts(self) -> int:
        return len(self.right) + len(self.wrong) + len(self.missed)

    @property
    def negated(self) -> int:
        return len(self.negated_right) + len(self.inverted) + len(self.negated_other)


def score_facts(entry: dict[str, Any], data: dict[str, Any]) -> FactScore:
    """How a drafted manifest (plain data) keeps one description's stated facts."""
    out = FactScore()
    numbers: list[float] = []
    _numbers_in(data, numbers)
    for n in entry["numbers"]:
        out.numbers += 1
        kept = any(_number_close(float(n), v) if n else v == 0 for v in numbers)
        (out.numbers_kept if kept else out.numbers_lost).append(n)
    strings: list[str] = []
    _strings_in(data, strings)
    for tech in entry["technologies"]:
        (out.technologies_kept if technology_kept(tech, strings) else out.technologies_lost).append(
            tech
        )
    for fact in entry["facts"]:
        got = resolve(data, fact["path"])
        label = f"{fact['path']} = {fact['value']!r}"
        if got is MISSING:
            out.missed.append(label)
        elif same_value(fact["value"], got):
            out.right.append(label)
        else:
            out.wrong.append(f'{label}, drafted {got!r} ("{fact["quote"]}")')
    for neg in entry["negated"]:
        got = resolve(data, neg["path"])
        label = f'{neg["path"]} ("{neg["quote"]}")'
        if (
            got is not MISSING
            and "ruled_out_value" in neg
            and same_value(neg["ruled_out_value"], got)
        ):
            out.inverted.append(f"{label}: drafted {got!r}")
        elif (
            got is not MISSING and "correct_value" in neg and same_value(neg["correct_value"], got)
        ):
            out.negated_right.append(label)
        else:
            out.negated_other.append(label if got is MISSING else f"{label}: drafted {got!r}")
    return out


def load_facts(corpus: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((corpus / "facts.json").read_text("utf-8"))
    return sorted(entries, key=lambda e: e["id"])
