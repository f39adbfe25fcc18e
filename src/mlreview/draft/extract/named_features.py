"""Features the text names in backticks: 'The `user_embedding_inputs` features, built from the
BigQuery user profiles and the Kafka click events, matter most to the model'. Each is a feature
of its own, beside the one the text describes otherwise, with the sources its sentence names and
its importance; a point-in-time statement that names no feature ('No point-in-time joins in
training') is every feature's."""

from __future__ import annotations

import re

from mlreview.draft.extract.features import IMPORTANT, NAMED, POINT_IN_TIME, Fact, add
from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import SOURCE_KINDS, Reading

NAME = re.compile(r"`(?P<name>[a-z][\w-]{2,40})`\s+(?:features?|inputs?|feature group)\b")
FROM = re.compile(
    r"\b(?:built|computed|derived|made|assembled|joined|come|comes|coming|taken|read)\s+"
    r"(?:\w+\s+)?from\b"
)


def read(r: Reading) -> None:
    pit = _general_point_in_time(r)
    for s in r.sents:
        m = NAME.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        ident = m.group("name").replace("-", "_")
        facts: list[Fact] = []
        rest = s.lower[m.end() :]
        joined = FROM.search(rest)
        if joined:
            start = m.end() + joined.end()
            sources = [
                x.tech.name
                for x in r.found
                if x.sentence is s
                and x.start >= start
                and x.tech.kind in SOURCE_KINDS
                and r.draft.has("sources", x.tech.name)
            ]
            if sources:
                words = quote(s, m.start(), start)
                facts.append((("sources",), list(dict.fromkeys(sources)), words))
        important = IMPORTANT.search(s.lower)
        if important and not s.negated(important.start(), important.end()):
            facts.append((("importance_rank",), 1, quote(s, *important.span())))
        if not facts:
            continue
        if pit is not None:
            facts.append(pit)
        add(r, ident, quote(s, *m.span()), facts, False)


def _general_point_in_time(r: Reading) -> Fact | None:
    """Whether training joins are point-in-time, when the sentence saying so names no feature."""
    for s in r.sents:
        hit = POINT_IN_TIME.search(s.lower)
        if hit is None:
            continue
        if NAME.search(s.lower) or NAMED.search(s.lower):
            return None
        stated = not s.negated(hit.start(), hit.end()) and not hit.group(0).startswith("current")
        return (("point_in_time_join",), stated, quote(s, *hit.span()))
    return None
