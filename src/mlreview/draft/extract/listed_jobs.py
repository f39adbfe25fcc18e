"""Jobs listed by name under a sentence that introduces them ('Three Airflow DAGs touch search:
1. `search_ctr_features` runs at 02:15 ...; 2. `query_rewrite_dict` runs weekly ...'): one job
per item, on the engine of the introducing sentence, each with the sentences of its own item."""

from __future__ import annotations

import re

from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import Mention, Sentence

INTRO = re.compile(
    r"\b(?:two|three|four|five|six|several|\d+)\s+(?:[\w-]+\s+){0,2}?(?:dags|jobs|pipelines|"
    r"flows|workflows)\b[^.]*:\s*$"
)
ITEM = re.compile(r"^\W*(?:\d+[.)]\s*)?`(?P<name>[a-z][\w.-]{2,60})`")
NUMBERING = re.compile(r"^\W*\d+[.)]?\W*$")


def items(r: Reading, intro: Sentence) -> list[tuple[str, list[Sentence]]]:
    """The named items under ``intro`` with their sentences (those on the item's lines), when
    there are at least two; none otherwise."""
    if not INTRO.search(intro.lower):
        return []
    out: list[tuple[str, list[Sentence]]] = []
    previous = intro
    for s in r.sents[r.sents.index(intro) + 1 :]:
        if NUMBERING.match(s.lower):
            previous = s
            continue
        named = ITEM.match(s.lower)
        if named:
            out.append((named.group("name"), [s]))
        elif out and r.same_line(previous, s):
            out[-1][1].append(s)
        else:
            break
        previous = s
    return out if len(out) >= 2 else []


def listed_under(r: Reading, ident: str, engines: list[Mention]) -> list[Sentence]:
    """The sentences of the item named ``ident`` under an engine's introducing sentence."""
    for m in engines:
        for name, sents in items(r, m.sentence):
            if name == ident:
                return sents
    return []


ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}
BY_ORDINAL = re.compile(
    r"\bthe (?P<nth>first|second|third|fourth|last) (?:one|dag|job|pipeline|flow|workflow)\b"
)
THAT_ONE = re.compile(r"^\W*(?:that|this|the) (?:dag|job|pipeline|flow|workflow)\b")


def by_ordinal(r: Reading, ident: str, engines: list[Mention]) -> list[Sentence]:
    """Sentences after a list of jobs that name the job ``ident`` by its place ('if the first
    DAG fails, ...'), with the next sentence when it refers back ('That DAG retries ...')."""
    out: list[Sentence] = []
    for m in engines:
        listed = items(r, m.sentence)
        if not listed:
            continue
        inside = {id(s) for _, sents in listed for s in sents}
        last = max(r.sents.index(s) for _, sents in listed for s in sents)
        after = [s for s in r.sents[last + 1 :] if id(s) not in inside]
        for n, s in enumerate(after):
            nth = BY_ORDINAL.search(s.lower)
            if nth is None or listed[ORDINALS[nth.group("nth")]][0] != ident:
                continue
            out.append(s)
            if n + 1 < len(after) and THAT_ONE.match(after[n + 1].lower):
                out.append(after[n + 1])
    return out
