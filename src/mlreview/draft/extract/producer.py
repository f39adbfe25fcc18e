"""What a source's producer does and what watches the source, said of it without its name: 'Nobody
was told about the change in advance; the producer doesn't version the schema. There is no
freshness or null-rate monitor on that topic.' A sentence naming one source is about it; one
naming no data component is about the source named last before it (within five sentences)."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import SOURCE_KINDS, STORE_KINDS, Reading
from mlreview.draft.prose import Sentence

NOT_TOLD = re.compile(
    r"\b(?:nobody|no one|none of us) (?:was|were|is|got) (?:told|warned|notified|informed)\b"
)
UNVERSIONED = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|never) versions? (?:the|its|their|any) schemas?\b|"
    r"\bno schema versioning\b|\bschemas? (?:is|are) not versioned\b|"
    # 'formats vary by customer': no one schema, so none that is versioned
    r"\b(?:formats?|schemas?|fields?|field names|columns?) "
    r"(?:vary|varies|differ|differs|change|changes) (?:by|per|from one|between|across) "
    r"(?:customers?|clients?|partners?|senders?|vendors?|suppliers?|"
    r"advertisers?|sites?|tenants?)\b"
)
# 'There's no formal contract on those feeds': nothing binds the producer to announce changes.
NO_CONTRACT = re.compile(
    r"\b(?:no|without (?:a|any)) (?:formal |written |data )?contracts?\b(?! (?:with|for) (?:us|the "
    r"model))"
)
UNREGISTERED = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not) know (?:that )?we (?:consume|use|read|depend on)\b|"
    r"\bwe (?:never|haven'?t|have not|did not|didn'?t) registered? as (?:a )?consumers?\b"
)
MONITOR = re.compile(
    r"\bno (?P<a>freshness|null[- ]rate|volume)(?: or (?P<b>freshness|null[- ]rate|volume))? "
    r"(?:monitor|monitoring|check|alert)s?\b"
)
# An action item marked done is in place now: 'freshness check on income_verification blocking
# the scoring job if the newest partition is older than 26 hours (done)'.
DONE = re.compile(
    r"\b(?P<a>freshness|null[- ]rate|volume) (?:check|alert|monitor)\w*\b[^;]*?\(done\)"
)
DATA_KINDS = frozenset([*SOURCE_KINDS, *STORE_KINDS])


def read(r: Reading) -> None:
    d = r.draft
    _done(r)
    for i, s in enumerate(r.sents):
        here = {x.tech.name for x in r.found if x.sentence is s and x.tech.kind in DATA_KINDS}
        if len(here) > 1:
            continue  # which of them it is said of is not clear
        ident = here.pop() if here else _last_source(r, i)
        if ident is None or not d.has("sources", ident):
            continue
        key = ("sources", ident)
        for pattern, field in (
            (NOT_TOLD, ("contract", "change_notification")),
            (NO_CONTRACT, ("contract", "change_notification")),
            (UNVERSIONED, ("contract", "schema_versioned")),
            (UNREGISTERED, ("contract", "consumer_registered")),
        ):
            m = pattern.search(s.lower)
            if m:
                d.put((*key, *field), False, quote(s, *m.span()))
        _monitors(r, key, s)


def _done(r: Reading) -> None:
    for i, s in enumerate(r.sents):
        for m in DONE.finditer(s.lower):
            here = [
                x.tech.name
                for x in r.found
                if x.sentence is s
                and m.start() <= x.start < m.end()
                and r.draft.has("sources", x.tech.name)
            ]
            ident = here[0] if here else _last_source(r, i)
            if ident:
                field = re.sub(r"[- ]", "_", m.group("a"))
                words = quote(s, *m.span())
                r.draft.put(("sources", ident, "monitors", field), True, words, replace=True)


# 'the search logs themselves have freshness and volume alerts': watched, and how.
WATCHED = re.compile(
    r"\b(?P<a>freshness|volume|null[- ]rate)(?:,? (?:and|or) (?P<b>freshness|volume|null[- ]rate))?"
    r" (?P<how>alerts?|alarms?|monitors?|dashboards?)\b"
)
# 'we read the live logs rather than a frozen copy': no versioned snapshot to train or replay on.
NO_SNAPSHOT = re.compile(
    r"\b(?:live|current)\b[^.;]{0,30}?\b(?:rather than|instead of|not) (?:from )?(?:a |an )?"
    r"(?:frozen|versioned|fixed|pinned|dated) (?:copy|copies|snapshots?)\b|"
    r"\bno (?:versioned |frozen |dated )?snapshots?\b"
)


def _watched(r: Reading, key: tuple[str, str], s: Sentence) -> None:
    """Monitors and snapshots stated after the source's own name in ``s``."""
    named = [x.end for x in r.found if x.sentence is s and x.tech.name == key[1]]
    if not named:
        return
    after = named[0]
    for m in WATCHED.finditer(s.lower, after):
        if s.negated(m.start(), m.end()):
            continue
        how = "dashboard" if m.group("how").startswith("dashboard") else "alert"
        for group in ("a", "b"):
            if m.group(group):
                field = re.sub(r"[- ]", "_", m.group(group))
                r.draft.put((*key, "monitors", field), how, quote(s, *m.span()))
    snap = NO_SNAPSHOT.search(s.lower)
    if snap:
        r.draft.put((*key, "versioned_snapshot"), False, quote(s, *snap.span()))


def _monitors(r: Reading, key: tuple[str, str], s: Sentence) -> None:
    _watched(r, key, s)
    m = MONITOR.search(s.lower)
    if m is None:
        return
    for group in ("a", "b"):
        name = m.group(group)
        if name:
            field = re.sub(r"[- ]", "_", name)  # 'null-rate' -> null_rate
            r.draft.put((*key, "monitors", field), False, quote(s, *m.span()))  # a done item stays


def _last_source(r: Reading, i: int) -> str | None:
    """The source named last in the five sentences before sentence ``i``."""
    for back in reversed(r.sents[max(0, i - 5) : i]):
        named = [
            x.tech.name
            for x in r.found
            if x.sentence is back
            and x.tech.kind in DATA_KINDS
            and r.draft.has("sources", x.tech.name)
        ]
        if named:
            return named[-1]
    return None
