"""Feedback: the label, its kind, delay and source, base rate, holdout and exploration."""

from __future__ import annotations

import re

from mlreview.draft.extract import labels
from mlreview.draft.extract.find import (
    A_OR_NUMBER,
    find_all,
    first,
    quote,
    quote_found,
    seconds,
    small_number,
)
from mlreview.draft.extract.reading import SOURCE_KINDS, Reading
from mlreview.draft.prose import UNIT, Sentence, duration_text

LABEL_CUES = re.compile(
    r"\blabels?\b|chargebacks?|ground truth|\boutcomes?\b|\bclicks?\b|conversions?|ratings?|"
    r"annotat|\bfeedback\b|\bactuals?\b|\bconfirm(?:s|ed)? (?:fraud|anomal)|"
    r"\bdefaults? (?:show|arrive|are known|happen)|\bpurchases? are\b|watch-through|"
    r"readmissions? are known|won or lost|counts? as (?:churned|fraud|positive|defaulted)|"
    r"churned if|thumbs|\bescalat|inspectors?|re-?check|\baccept(?:ed|ance)\b|\brenews?\b|"
    r"\bdelivered\b|moderator|"
    # A system that learns from what its users say to it is labelled by them.
    r"\blearns? from (?:a |the |each |every |recent |their )?(?:conversations?|chats?|messages?)\b|"
    r"\bfrom recent conversations\b"
)
LABEL_KINDS: tuple[tuple[str, str], ...] = (
    (
        "human",
        r"\bhuman\b|annotators?|moderators?|investigators?|analysts?|reviewers?|"
        r"corrections?|engineers confirm|reps mark|labell?ers",
    ),
    (
        "implicit",
        r"\bclicks?\b|conversions?|purchases?|watch|dwell|engagement|"
        r"\bfrom (?:a |the |each |every |recent |their )?(?:conversations?|chats?|messages?)\b",
    ),
    ("explicit", r"ratings?|thumbs|surveys?"),
    (
        "outcome",
        r"chargebacks?|defaults?|repaid|repay|outcomes?|\bsales\b|actuals?|cancel|churn|"
        r"readmission|leave",
    ),
)


def read(r: Reading) -> None:
    d = r.draft
    models = d.ids("models")
    label_sents = [s for s in r.sents if LABEL_CUES.search(s.lower)]
    cue = first(LABEL_CUES, label_sents)
    if not models or not cue:
        return
    if cue[0].negated(cue[1].start(), cue[1].end()) and len(label_sents) == 1:
        return
    d.component("feedback", "labels", quote_found(cue), model=models[0])
    key = ("feedback", "labels", "label")
    named = [s for s in label_sents if re.search(r"\blabel", s.lower)]
    for s in named + [s for s in label_sents if s not in named]:
        kind = next((k for k, p in LABEL_KINDS if re.search(p, s.lower)), None)
        if kind:
            m = re.search(dict(LABEL_KINDS)[kind], s.lower)
            assert m is not None
            d.put((*key, "kind"), kind, quote(s, m.start(), m.end()))
            break
    labels.delays(r, key)
    _delay(r, key, label_sents)
    labels.selection(r, "labels")
    for x in r.of_kind(*SOURCE_KINDS):
        if re.search(r"\blabels? (?:come|are read|arrive) from", x.sentence.lower):
            d.put((*key, "source"), x.tech.name, quote(x.sentence, x.start, x.end))
            break
    _labeller_reads(r, key)
    rate = first(
        r"(?:fraud|positive|base|click[- ]through|conversion|churn|default|spam) rate"
        r"[^.;]{0,20}?(?P<pct>\d+(?:\.\d+)?)\s*%|\bctr\b[^.;]{0,10}?(?P<pct2>\d+(?:\.\d+)?)\s*%",
        r.sents,
    )
    if rate:
        pct = rate[1].group("pct") or rate[1].group("pct2")
        d.put((*key, "base_rate"), round(float(pct) / 100, 6), quote_found(rate))
    labels.design(r, "labels")


def _delay(r: Reading, key: tuple[str, ...], sents: list[Sentence]) -> None:
    d = r.draft
    unit = r"(?P<unit>" + UNIT + r")\b"
    ranged = first(
        r"(?P<a>\d+)\s*(?:to|-|\u2013)\s*(?P<b>\d+)\s*"
        + unit
        + r"|\b(?P<a2>an?|one)\s+(?P<unit2>"
        + UNIT
        + r")\s+or\s+(?P<b2>two|three|\d+)\b",
        sents,
    )
    if ranged:
        m = ranged[1]
        unit_word = m.group("unit") or m.group("unit2")
        low = small_number(m.group("a") or m.group("a2"))
        high = small_number(m.group("b") or m.group("b2"))
        d.put((*key, "delay", "p50"), duration_text(low, unit_word), quote_found(ranged))
        d.put((*key, "delay", "p95"), duration_text(high, unit_word), quote_found(ranged))
        return
    uptos = find_all(r"(?:up to|within|at most|as late as)\s*" + A_OR_NUMBER + r"\s*" + unit, sents)
    if uptos:
        longest = max(
            uptos, key=lambda f: seconds(small_number(f[1].group("num")), f[1].group("unit"))
        )
        m = longest[1]
        d.put(
            (*key, "delay", "p95"),
            duration_text(small_number(m.group("num")), m.group("unit")),
            quote_found(longest),
        )
        return
    after = first(
        r"(?:after|about|around|roughly|typically|usually|takes?)\s*(?:about\s*)?"
        + A_OR_NUMBER
        + r"\s*"
        + unit
        + r"|"
        + A_OR_NUMBER.replace("num", "num2")
        + r"\s*(?P<unit2>"
        + UNIT
        + r")\s+(?:later|after)",
        sents,
    )
    if after:
        m = after[1]
        amount = small_number(m.group("num") or m.group("num2"))
        d.put(
            (*key, "delay", "p50"),
            duration_text(amount, m.group("unit") or m.group("unit2")),
            quote_found(after),
        )
        return
    nextday = first(r"\bthe next day\b|\bnext[- ]day\b", sents)
    if nextday:
        d.put((*key, "delay", "p50"), "1d", quote_found(nextday))


# '- `order-events` - order created / picked up / delivered. ... This is what the labeller uses':
# the source named in the sentences just before.
LABELLER_USES = re.compile(
    r"^\W*(?:this|that|it) is what (?:the |our )?label(?:l)?er(?:s)? (?:uses?|reads?)\b|"
    r"^\W*(?:this|that|it) is (?:where|what) (?:the |our )?labels? (?:come|are built) from\b"
)


def _labeller_reads(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for i, s in enumerate(r.sents):
        m = LABELLER_USES.search(s.lower)
        if m is None:
            continue
        for back in reversed(r.sents[max(0, i - 2) : i]):
            named = [x for x in r.found if x.sentence is back and d.has("sources", x.tech.name)]
            if named:
                d.put((*key, "source"), named[-1].tech.name, quote(s, *m.span()))
                return
