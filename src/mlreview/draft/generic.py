"""Components the text names only by what they are: 'a key-value store', 'the conversation
database', 'a table of per-app statistics', 'an RPC to a service another team owns'. Each
becomes a component of the kind its head noun says, with an id from the word naming it; later
mentions of the same noun ('the store', 'that service') are that component when it is the only
one of its kind. A catalogue technology in the same phrase ('the MySQL database') is that
technology, not a second component."""

from __future__ import annotations

import re

from mlreview.draft.prose import Mention, Sentence
from mlreview.system.catalogue import Technology

HEADS = {
    "store": "online_store",
    "cache": "cache",
    "database": "database",
    "db": "database",
    "table": "warehouse",
    "service": "online_api",
    "api": "external_api",
    "lake": "object_store",
    "log": "warehouse",
    "logs": "warehouse",
}
PHRASE = re.compile(
    r"\b(?P<mod>[a-z][\w-]*)\s+(?P<head>store|cache|database|db|table|service|api|lake|logs|log)s?\b"
    r"(?!\s+(?:archive|pages?|layer|cluster|schema|owners?|team|names?|keys?|partitions?|files?|"
    r"dumps?|exports?|snapshots?|copy|copies|fronts?|listings?)\b)"
    r"(?:\s+of\s+(?:[\w-]+\s+)?(?P<of>[a-z]{4,}))?"
)
# The phrase is a noun phrase: a determiner comes first ('a key-value store', 'our catalogue
# database', 'the online key-value store'), which 'it caches' or 'per route segment' lack.
DETERMINED = re.compile(
    r"\b(?:a|an|the|our|their|its|one|that|this|your|my)\s+(?:[\w-]+\s+)?$|"
    # 'comes from the product analytics team's event tables': an owner's possessive
    r"\b(?:the|our|their|a|an)\s+(?:[\w-]+\s+){0,3}?[\w-]+'s\s+$"
)
NOT_NAMING = frozenset(
    [
        "a",
        "an",
        "the",
        "our",
        "their",
        "its",
        "his",
        "her",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "one",
        "same",
        "other",
        "another",
        "each",
        "every",
        "any",
        "some",
        "new",
        "old",
        "own",
        "which",
        "what",
        "of",
        "for",
        "to",
        "in",
        "on",
        "into",
        "from",
        "with",
        "by",
        "and",
        "or",
        "as",
        "at",
        "is",
        "are",
        "was",
        "be",
        "big",
        "small",
        "main",
        "single",
        "separate",
        "second",
        "first",
        "online",
        "offline",
        "shared",
        "central",
        "internal",
        "external",
        "per",
        "hot",
        "local",
        "global",
        "whole",
        "entire",
        "live",
        "current",
        "latest",
    ]
)
# The model's own service is the endpoint, not something it calls.
MODEL_SERVICES = frozenset(
    [
        "scoring",
        "prediction",
        "predictions",
        "pricing",
        "ranking",
        "ranker",
        "inference",
        "model",
        "serving",
        "surge",
        "image",
        "recommendation",
        "recommendations",
        "classification",
        "forecast",
        "forecasting",
        "search",
        "web",
        "backend",
        "frontend",
        "customer",
    ]
)
VENDOR = frozenset(["vendor", "vendor's", "third-party", "partner", "provider", "supplier"])
CALLED = re.compile(
    r"(?:\brpc|\bcalls?|\bcalling|\bthrough|\bvia|\bqueries|\bhits?|\bfrom)\s+(?:to\s+)?"
    r"(?:a|an|the|our|their)?\s*$"
)
OWNED_ELSEWHERE = re.compile(r"^\s*(?:that |which )?(?:another|a different|an?other) team")
# What a vendor's API supplies names it: 'we pull weather forecasts from a vendor API',
# 'Holidays come from a provider API' (weather_api, holidays_api).
FROM_VENDOR = re.compile(
    r"(?:^|[,;:]\s*|\b(?:pull|pulls|get|gets|fetch|fetches|buy|buys|take|takes|receive|receives|"
    r"load|loads|also|and|plus)\s+)(?P<what>[a-z][a-z-]{2,}(?:\s+[a-z][a-z-]{2,})?)\s+"
    r"(?:(?:come|comes|arrive|arrives|is pulled|are pulled|is bought|are bought)\s+)?"
    r"from\s+(?:a|an|the|our|their)\s+$"
)
# An API named by the organisation whose it is: 'from the credit bureau's batch API' (bureau_api).
OWNERS_API = re.compile(r"\b(?P<owner>[a-z]{3,})'s\s+(?:[\w-]+\s+)?$")
# An API others send this system data through is theirs to feed, a source: 'advertisers send us
# install events through the postback API'.
SENT_THROUGH = re.compile(
    r"\b(?:send|sends|sent|post|posts|posted|push|pushes|pushed|report|reports|upload|uploads)\s+"
    r"(?:us|to us)\b[^.;]{0,120}?\b(?:through|via|to|into|over)\s+(?:a|an|the|our|their)\s+$"
)
CONNECTIVES = frozenset(["also", "and", "plus", "then", "too"])
DEFINITE = re.compile(r"\b(?:the|that|this|their|its)\s+(?:[\w-]+\s+)?$")


def _ident(mod: str, head: str, of: str | None) -> str:
    word = of if mod in NOT_NAMING and of else mod
    return re.sub(r"[^a-z0-9]+", "_", f"{word} {head}").strip("_")


def _same_noun(idents: list[str], mod: str) -> str | None:
    """The component already named whose naming word ``mod`` shortens ('stats', 'statistics')."""
    for ident in idents:
        word = ident.split("_")[0]
        if len(mod) >= 4 and (word.startswith(mod[:4]) or mod.startswith(word[:4])):
            return ident
    return None


def _service(s: Sentence, hit: re.Match[str]) -> str | None:
    """The id of a service the model calls ('goes through the moderation service', 'an RPC to a
    service another team owns'); the model's own service ('the scoring service') is none."""
    mod, before = hit.group("mod"), s.lower[max(0, hit.start() - 30) : hit.start()]
    named_by = mod not in NOT_NAMING and mod not in MODEL_SERVICES
    called = CALLED.search(before + (f"{mod} " if mod in NOT_NAMING else ""))
    other = OWNED_ELSEWHERE.search(s.lower[hit.end("head") :])
    if not (called or other):
        return None
    if named_by:
        return _ident(mod, "service", hit.group("of"))
    if re.search(r"\brpc\b", before):
        return "rpc_service"
    return "called_service" if mod in NOT_NAMING else None


def _component(
    s: Sentence, hit: re.Match[str], found: list[Mention], heads: dict[str, list[str]]
) -> str | None:
    """The id of the component a phrase names, or None when it names none."""
    mod, head, of = hit.group("mod"), hit.group("head"), hit.group("of")
    a = hit.start()
    owner = OWNERS_API.search(s.lower[: hit.start("head")])
    if head == "api" and owner and owner.group("owner") not in NOT_NAMING | MODEL_SERVICES:
        return _ident(owner.group("owner"), head, None)  # 'the credit bureau's batch API'
    if mod not in NOT_NAMING and not DETERMINED.search(s.lower[:a]):
        return None
    if DEFINITE.search(s.lower[: a + len(mod) + 1]) and any(
        m.tech.name.startswith(mod[:4]) for m in found if not m.tech.from_text
    ):
        return None  # 'the income table' after `income_verification`: that one
    known = heads.get(head, [])
    if mod in NOT_NAMING and len(known) == 1 and DEFINITE.search(s.lower[: hit.start("head")]):
        return known[0]  # 'that service', 'the table': the one named before
    if head == "service":
        return _service(s, hit)
    same = _same_noun(known, mod)
    if head == "api" and same and DEFINITE.search(s.lower[:a]):
        return same  # 'weather from a third-party API' ... 'if the weather API is down'
    if (
        head == "api"
        and mod not in NOT_NAMING
        and SENT_THROUGH.search(s.lower[max(0, a - 160) : a])
    ):
        return _ident(mod, head, None)  # 'partners send us their events through the postback API'
    if head == "api" and mod not in VENDOR:
        return None  # 'the scoring API' is the endpoint; a vendor's or a third party's is a source
    if head == "api":
        if len(known) == 1 and DEFINITE.search(s.lower[:a]):
            return known[0]  # 'the vendor API' again
        what = FROM_VENDOR.search(s.lower[max(0, a - 60) : a])
        if what:
            # 'plus weather from a third-party API': a connective names nothing
            words = [w for w in what.group("what").split() if w not in CONNECTIVES]
            if words:
                return _ident(words[0], head, None)
    if mod in NOT_NAMING and not of:
        return None
    if mod in ("feature", "training", "offline") and head in ("store", "table"):
        return None  # a feature store's parts: the platform, not a component of its own
    same = _same_noun(known, mod)
    if same and DEFINITE.search(s.lower[:a]):
        return same  # 'a table of per-app statistics' ... 'the stats table'
    return _ident(mod, head, of)


# 'a daily Flume job', 'our Luigi pipeline': a capitalised name the catalogue does not know,
# in front of the word job, is the engine of that job.
ENGINE_PHRASE = re.compile(
    r"\b(?:[Aa]|[Aa]n|[Tt]he|[Oo]ur|[Tt]heir)\s+(?:[a-z-]+\s+){0,2}?(?P<name>[A-Z][A-Za-z0-9-]{2,30})\s+"
    r"(?:batch |streaming |stream )?(?:job|pipeline|DAG|workflow)s?\b"
)


NOT_OURS = re.compile(
    r"\s+(?:batch |streaming |stream )?(?:job|pipeline|dag|workflow)s?\s*[(,]?\s*(?:not ours|"
    r"not our|owned by|run by|which (?:another|the \w+) team)"
)


def _engines(sents: list[Sentence], found: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    made: dict[str, Technology] = {}
    for s in sents:
        for hit in ENGINE_PHRASE.finditer(s.text):
            name = hit.group("name").lower()
            at = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", s.lower)
            if at is None or any(
                m.sentence is s and m.start < at.end() and at.start() < m.end for m in found
            ):
                continue
            if NOT_OURS.match(s.lower[at.end() : at.end() + 40]):
                continue  # another team's job feeds a source; it is not a job of this system
            streaming = re.search(r"\bstream(?:ing)?\b", hit.group(0).lower())
            kind = "stream_engine" if streaming else "batch_engine"
            tech = made.setdefault(name, Technology(name=name, kind=kind, from_text=True))
            out.append(Mention(tech, s, at.start(), at.end(), hit.group("name")))
    return out


# A file a job regenerates and ships to where the model is served is a store serving reads:
# 'a job regenerates that file every five minutes ... and the file is pushed to every machine'.
SHIPPED_FILE = re.compile(
    r"\b(?:the|that|this) file (?:is|gets|are) (?:pushed|shipped|distributed|copied|synced|"
    r"deployed|sent|propagated)\b|\bfile (?:isn'?t|is not) a release\b"
)
FILE_PHRASE = re.compile(r"\b(?P<mod>[a-z][\w-]*)\s+file\b(?!\s+(?:system|share|format|name)s?\b)")


def _files(sents: list[Sentence], found: list[Mention]) -> list[Mention]:
    """The one file the text says is shipped to serving, at each mention ('a feature file',
    'that file', 'the file')."""
    if not any(SHIPPED_FILE.search(s.lower) for s in sents):
        return []
    out: list[Mention] = []
    tech: Technology | None = None
    for s in sents:
        for hit in FILE_PHRASE.finditer(s.lower):
            mod = hit.group("mod")
            if any(m.sentence is s and m.start < hit.end() and hit.start() < m.end for m in found):
                continue
            if tech is None:
                if mod in NOT_NAMING or not DETERMINED.search(s.lower[: hit.start()]):
                    continue
                tech = Technology(name=f"{mod}_file", kind="online_store", from_text=True)
            elif mod not in NOT_NAMING and not tech.name.startswith(mod):
                continue  # another file
            start = hit.start() if mod not in NOT_NAMING else hit.start() + len(mod) + 1
            a, b = s.span(start, hit.end())
            out.append(Mention(tech, s, start, hit.end(), s.text[a:b]))
    return out


def generic_mentions(sents: list[Sentence], found: list[Mention]) -> list[Mention]:
    """``found`` with a mention for each component named only by what it is, and for each
    engine the catalogue does not know that the text names as a job's."""
    made: dict[str, Technology] = {}
    heads: dict[str, list[str]] = {}
    out = list(found) + _engines(sents, found) + _files(sents, found)
    for s in sents:
        taken = [(m.start, m.end) for m in found if m.sentence is s]
        for hit in PHRASE.finditer(s.lower):
            a, b = hit.start(), hit.end("head")
            if any(x < b + 1 and a - 4 < y for x, y in taken):
                continue  # 'the MySQL database', 'Redis feature store': the technology named
            ident = _component(s, hit, found, heads)
            if ident is None:
                continue
            head = hit.group("head")
            if ident not in made:
                made[ident] = Technology(name=ident, kind=HEADS[head], from_text=True)
                heads.setdefault(head, []).append(ident)
            start = hit.start() if hit.group("mod") not in NOT_NAMING else hit.start("head")
            out.append(Mention(made[ident], s, start, b, s.text[slice(*s.span(start, b))]))
            taken.append((start, b))
    out.sort(key=lambda m: (m.sentence.start, m.start))
    return out
