"""Components the text names itself: `auth-requests` on Kafka, 'the first of our two Redis
clusters, which we call redis-feat', 'The second cluster, redis-decisions, ...'. Each name is
one component running its technology; later mentions of the name are that component, and a
plain mention of the technology is its only named instance, or no component when it has several
(which one is meant is not clear)."""

from __future__ import annotations

import dataclasses
import re

from mlreview.draft.prose import Mention, Sentence

DATA_KINDS = frozenset(
    [
        "stream",
        "warehouse",
        "database",
        "object_store",
        "online_store",
        "cache",
        "analytics_store",
        "search_engine",
        "vector_store",
    ]
)
KIND_WORD = r"(?:cluster|topic|table|store|cache|keyspace|index|bucket|queue|stream)"
JOB_WORD = re.compile(r"\b(?:job|dag|workflow|flow|pipeline|runs?|consumer|service|app)\b")
# 'The Flink job `gps-agg`', 'our Airflow DAG `nightly_features`': the name after a job's noun
# is the job's, not a data instance's.
JOB_BEFORE = re.compile(r"\b(?:job|dag|workflow|flow|pipeline|consumer|service|app)\s*[`\"']?$")
FEATURE_AFTER = re.compile(r"`?\s*(?:features?|inputs?|feature group)\b")
# A field of a record: 'added a field and renamed `status` to `campaign_status`'.
FIELD_NAME = re.compile(r"(?:\brenamed|\bfield|\bcolumn|\battribute|`\s+to)\s+$")
# A list item that starts with its name ('- `order-events` - order created ...').
ITEM = re.compile(r"^\W*`(?P<name>[a-z][\w.-]{2,40})`")
NAMED: tuple[re.Pattern[str], ...] = (
    re.compile(r"`(?P<name>[a-z][\w.-]{2,40})`"),
    re.compile(r"\bwhich we call [`\"']?(?P<name>[a-z][\w-]{2,40})"),
    re.compile(r"\b" + KIND_WORD + r"\s*,\s*(?P<name>[a-z][a-z0-9]*[-_][\w-]+)\s*,"),
    ANOTHER := re.compile(
        r"^\W*(?P<name>[a-z][\w-]{2,30}) (?:are|is|live|lives|sit|sits) (?:in )?"
        r"(?:another|a second|a separate|their own|its own) "
    ),
)


def _technology(
    found: list[Mention], sents: list[Sentence], s: Sentence, at: int, sibling: Mention | None
) -> Mention | None:
    """The data technology an instance named at ``at`` of ``s`` runs: the one named nearest
    before it in its sentence, else after it, else its sibling's (the instance starting the
    list item before, when both start one: 'Two Kafka topics ...: - `courier-gps` - ... writes
    to Druid. - `order-events` - ...' are both Kafka), else in the sentence before."""
    here = [m for m in found if m.sentence is s and m.tech.kind in DATA_KINDS]
    before = [m for m in here if m.start <= at]
    if before:
        return before[-1]
    if here:
        return here[0]
    if sibling is not None:
        return sibling
    i = sents.index(s)
    for back in sents[max(0, i - 3) : i][::-1]:
        earlier = [m for m in found if m.sentence is back and m.tech.kind in DATA_KINDS]
        if earlier:
            return earlier[-1]
    return None


def _runs_other(found: list[Mention], s: Sentence, at: int) -> bool:
    """True when the brackets right after a name at ``at`` start with a technology that holds no
    data ('`assist-api` (FastAPI, 8 pods)'): the name is a service on it, not a data instance."""
    bracket = re.match(r"\s*\(", s.lower[at:])
    if not bracket:
        return False
    inside = [m for m in found if m.sentence is s and at + bracket.end() <= m.start < at + 40]
    return (
        bool(inside)
        and inside[0].tech.kind not in DATA_KINDS
        and (inside[0].start - at - bracket.end() < 3)
    )


def with_instances(sents: list[Sentence], found: list[Mention]) -> list[Mention]:
    """``found`` with named instances in place of the technology mentions they stand for."""
    instances: dict[str, Mention] = {}
    another: set[str] = set()  # 'Promotions are another Snowflake table': not the plain one
    item: Mention | None = None  # the instance that started the last list item
    for s in sents:
        starts_item = ITEM.match(s.lower)
        for pattern in NAMED:
            for hit in pattern.finditer(s.lower):
                name = hit.group("name")
                after = s.lower[hit.end() : hit.end() + 25]
                if JOB_WORD.search(after.split(",")[0]) and not re.search(KIND_WORD, after):
                    continue
                if FEATURE_AFTER.match(after):
                    continue  # 'the `user_embedding_inputs` features': a feature, not data
                if JOB_BEFORE.search(s.lower[max(0, hit.start() - 12) : hit.start() + 1]):
                    continue
                if FIELD_NAME.search(s.lower[max(0, hit.start() - 20) : hit.start()]):
                    continue  # 'renamed `status` to `campaign_status`': fields, not components
                if _runs_other(found, s, hit.end()):
                    continue
                leads = starts_item is not None and starts_item.start("name") - 1 == hit.start()
                tech = _technology(found, sents, s, hit.start(), item if leads else None)
                if leads and tech is not None and name not in instances:
                    item = tech
                if tech is None or name in instances or name == tech.tech.name:
                    continue
                instance = dataclasses.replace(
                    tech.tech, name=name, aliases=(), instance_of=tech.tech.name
                )
                instances[name] = dataclasses.replace(tech, tech=instance)
                if pattern is ANOTHER:
                    another.add(name)
    if not instances:
        return found
    by_tech: dict[str, list[str]] = {}
    for name, m in instances.items():
        by_tech.setdefault(m.tech.instance_of or "", []).append(name)
    out: list[Mention] = []
    for s in sents:
        named_here: list[Mention] = []
        for name, inst in instances.items():
            for hit in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", s.lower):
                a, b = s.span(hit.start(), hit.end())
                named_here.append(Mention(inst.tech, s, hit.start(), hit.end(), s.text[a:b]))
        for m in found:
            if m.sentence is not s:
                continue
            names = by_tech.get(m.tech.name)
            if not names:
                if not any(x.start < m.end and m.start < x.end for x in named_here):
                    out.append(m)
                continue
            if any(x.tech.instance_of == m.tech.name for x in named_here):
                continue  # 'Redis (`rider-profile`)': the name says which
            if len(names) == 1 and names[0] in another:
                out.append(m)  # the plain mention is the first one, not the other
            elif len(names) == 1:
                out.append(dataclasses.replace(m, tech=instances[names[0]].tech))
        out.extend(named_here)
    out.sort(key=lambda m: (m.sentence.start, m.start))
    return out
