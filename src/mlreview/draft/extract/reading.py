"""What every section of the extractor reads: the sentences, the technologies named, the draft."""

from __future__ import annotations

import re

from mlreview.draft.draft import Draft
from mlreview.draft.generic import generic_mentions
from mlreview.draft.instances import with_instances
from mlreview.draft.prose import Mention, Sentence, mentions, sentences

SOURCE_KINDS = {
    "stream": "stream",
    "warehouse": "batch_table",
    "database": "database",
    "object_store": "files",
    "model_api": "third_party",
    "online_api": "online_api",
    "external_api": "third_party",
}
STORE_KINDS = {
    "online_store": "online",
    "cache": "cache",
    "feature_store": "online",
    "analytics_store": "online",
    "search_engine": "online",
    "vector_store": "online",
}
BATCH_ENGINES = ("scheduler", "batch_engine")


# 'our MSK cluster (Kafka 3.5, three brokers across three AZs)': the bracket says what the
# component before it runs; it is not a second component.
BRACKET_AFTER = re.compile(r"\s*(?:cluster|topic|instance|database|db|store|service)?\s*\(\s*")
BRACKET_KINDS = frozenset(["stream", "database", "warehouse", "online_store", "cache"])


def _without_bracketed_engines(found: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """The mentions that are components, and those in brackets describing the one before."""
    out: list[Mention] = []
    details: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.sentence is m.sentence
            and prev.tech.kind == m.tech.kind
            and m.tech.kind in BRACKET_KINDS
            and prev.tech.name != m.tech.name
            and BRACKET_AFTER.fullmatch(m.sentence.lower[prev.end : m.start])
        ):
            details.append(m)
            continue
        out.append(m)
    return out, details


class Reading:
    """A description being read into a draft."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sents = sentences(text)
        named, self.details = _without_bracketed_engines(mentions(self.sents))
        self.found = generic_mentions(self.sents, with_instances(self.sents, named))
        self.draft = Draft()

    def view(self, sents: list[Sentence]) -> Reading:
        """The same reading and draft, limited to ``sents`` (the sentences about one component)."""
        out = object.__new__(Reading)
        out.text, out.sents, out.draft = self.text, sents, self.draft
        out.found = [m for m in self.found if m.sentence in sents]
        out.details = [m for m in self.details if m.sentence in sents]
        return out

    def same_line(self, a: Sentence, b: Sentence) -> bool:
        """True when ``b`` follows ``a`` with no line break between them."""
        return "\n" not in self.text[a.start + len(a.text) : b.start]

    def of_kind(self, *kinds: str) -> list[Mention]:
        return [m for m in self.found if m.tech.kind in kinds]

    def same_sentence(self, s: Sentence, section: str, kinds: tuple[str, ...]) -> list[str]:
        return list(
            dict.fromkeys(
                m.tech.name
                for m in self.found
                if m.sentence is s and m.tech.kind in kinds and self.draft.has(section, m.tech.name)
            )
        )

    def previous(self, s: Sentence) -> Sentence | None:
        i = self.sents.index(s)
        return self.sents[i - 1] if i > 0 else None
