"""Facts said of one component, read from the sentences about it: where it is named, and the
sentences that follow while they name no other component of its kind ('It holds forty counters
per card; entries expire after 48 hours.'). Stores: TTL and zones; sources: owner and zones;
pipelines: start time, run time, deadline and alerts."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.listed_jobs import by_ordinal, listed_under
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import NUMBER, UNIT, Mention, Sentence, duration_text, number

UNIT_GROUP = r"\s*(?P<unit>" + UNIT + r")\b"
TTL: tuple[str, ...] = (
    r"\bttl\b(?: of| is|:|=)?\s*(?:about\s+|~)?" + NUMBER + UNIT_GROUP,
    NUMBER + r"[- ]?(?P<unit>" + UNIT + r")\s+(?:ttl|expiry|garbage[- ]collection|gc|retention)\b",
    r"\bexpir\w*\s+(?:after|in|every)\s+(?:about\s+)?" + NUMBER + UNIT_GROUP,
    r"\bcach\w*\b[\w ,]{0,40}?\bfor\s+(?:about\s+)?" + NUMBER + UNIT_GROUP,
    r"\bretention\s+(?:of\s+)?" + NUMBER + UNIT_GROUP,
)
ONE_ZONE = re.compile(
    r"\b(?:single|one|1|the same)[- ](?:availability[- ])?(?:zone|az|dc|data ?cent(?:er|re)|region)"
    r"\b|\bsingle[- ]node\b|\bno replicas?\b|\ball in one (?:az|dc|zone)\b"
)
ZONES = re.compile(
    r"(?<![\w.])(?P<n>\d+)\s+(?:availability[- ])?(?:zones|azs?|dcs|data ?cent(?:er|re)s)\b"
)
OWNER = re.compile(
    r"\b(?:owned|maintained|run|produced|managed) by (?:the )?(?P<owner>[\w&' -]{2,40}?)"
    r"(?:\s+team)?(?=\s*[,.;)]|\s+(?:and|but|not|who|which|via|through)\b|$)|"
    r"\b(?:the )?(?P<owner2>[\w -]{2,30}?) team (?:owns|maintains|runs)\b|"
    r"\b(?:that|which) (?:the|our) (?P<owner3>[\w-]+(?: [\w-]+)?) team (?:writes|produces|"
    r"publishes|loads|fills|updates|sends)\b|"
    # 'The logs belong to the Search organisation'
    r"\b(?:belongs?|belonged) to (?:the )?(?P<owner4>[\w&' -]{2,40}?)(?:\s+(?:team|organi[sz]ation|"
    r"org|group|department))?(?=\s*[,.;)]|\s+(?:and|but|which|who)\b|$)"
)
NOT_OURS = re.compile(
    r"\bnot us\b|\bnot ours\b|\bwe (?:don'?t|do not) own\b|\bwhich they own\b|\bthey own\b|"
    r"\bnot (?:owned by )?(?:us|our team)\b|\bnot our code\b|\bdon'?t know we consume\b"
)
REFERS_BACK = re.compile(
    r"^\W*(?:it|its|it's|they|their|this|that|these|those|entries|rows|each|all|both|"
    r"the (?:cluster|store|cache|table|topic|database|db|stream|job|dag|flow|pipeline|second|"
    r"first|latter|former|index|rows|entries|keys|nodes)|"
    # 'retrained quarterly by a Databricks Job; a run takes about 3 hours': one of its runs
    r"(?:a|each|every|the|one) (?:full )?run)\b"
)
CLOCK = re.compile(
    r"(?:\bat|\bfrom|\bstarts?(?: at)?|\bstarting(?: at)?|\bkicks? off(?: at)?|\bruns? at)\s+"
    r"(?:~|about\s+|around\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?\b"
)
BY_CLOCK = re.compile(
    r"\b(?:done|finish(?:es|ed)?|land|complete[sd]?|ready)\b[^.;]{0,20}?\b(?:by|around|at|before)\s+"
    r"(?:~|about\s+)?(?:the\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?\b"
)
RUNTIME = re.compile(
    r"\b(?:takes?|taking|runs?(?: for)?|lasts)\s+(?:about\s+|around\s+|~|roughly\s+)?"
    r"(?:an?\s+(?P<an>hour|minute)\b|"
    + NUMBER
    + UNIT_GROUP
    + r")|\(\s*(?:about\s+|~)"
    + NUMBER.replace("num", "num2").replace("scale", "scale2")
    + r"\s*(?P<unit2>"
    + UNIT
    + r")\b"
)
NAMES_KIND = re.compile(
    r"\bthe (?:dag|job|flow|pipeline|workflow|cluster|store|cache|table|topic|stream|index)\b"
)
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _minutes(m: re.Match[str]) -> int | None:
    hour = int(m.group("h"))
    minute = int(m.group("m") or 0)
    if not m.group("m") and not m.group("ampm"):
        return None
    if m.group("ampm") == "pm" and hour < 12:
        hour += 12
    if m.group("ampm") == "am" and hour == 12:
        hour = 0
    return hour * 60 + minute if hour < 24 and minute < 60 else None


def about(r: Reading, mention: Mention, others: set[str]) -> list[Sentence]:
    """The sentence naming ``mention`` and up to two after it that refer back to it ('It holds
    ...', 'The cluster ...') and name no other technology."""
    i = r.sents.index(mention.sentence)
    out = [mention.sentence]
    for s in r.sents[i + 1 : i + 3]:
        back = REFERS_BACK.search(s.lower) or NAMES_KIND.search(s.lower)
        if not back or any(x.sentence is s and x.tech.name != mention.tech.name for x in r.found):
            break
        out.append(s)
    return out


def _nearest(r: Reading, s: Sentence, at: int, names: set[str]) -> str | None:
    """The component of ``names`` named last before offset ``at`` of ``s`` (or first after)."""
    here = [x for x in r.found if x.sentence is s and x.tech.name in names]
    before = [x for x in here if x.start <= at]
    if before:
        return before[-1].tech.name
    return here[0].tech.name if here else None


def store_facts(r: Reading) -> None:
    d = r.draft
    stores = set(d.ids("stores"))
    sources = set(d.ids("sources"))
    for section, names in (("stores", stores), ("sources", sources)):
        for ident in names:
            # Every mention, not only the first: 'upserts them into Scylla with a 30 min TTL',
            # 'Druid is one cluster, single AZ' come after the sentence introducing it.
            for mention in [x for x in r.found if x.tech.name == ident]:
                for s in about(r, mention, (stores | sources) - {ident}):
                    owner_of = _nearest(r, s, len(s.lower), stores | sources)
                    if s is not mention.sentence and owner_of not in (None, ident):
                        continue
                    _ttl_zones(r, section, ident, s, stores | sources)
    for ident in sources:
        named = next((x for x in r.found if x.tech.name == ident), None)
        if named is not None:
            _owner(r, ident, named, sources)


# A source that sends or is refreshed at a stated interval ('pings every 4s from the courier
# app'): its newest data is normally that old at most, so the interval is its freshness.
EVERY_INTERVAL = re.compile(
    r"\b(?:pings?|emits?|sends?|publishes|posts|refresh(?:es|ed)?|updated|updates|reports)\s+"
    r"(?:about\s+|roughly\s+|~\s*)?every\s+" + NUMBER + UNIT_GROUP
)

OTHER_SUBJECT = re.compile(
    r"\b(?:dashboards?|models?|reports?|pages?|jobs?|dags?|pipelines?|ui|index|caches?|"
    r"screens?|views?)\s+$"
)


def _ttl_zones(r: Reading, section: str, ident: str, s: Sentence, names: set[str]) -> None:
    d = r.draft
    fresh = EVERY_INTERVAL.search(s.lower) if section == "sources" else None
    if fresh and OTHER_SUBJECT.search(s.lower[: fresh.start()]):
        fresh = None  # 'the dashboard updates every hour' is not the data's interval
    if (
        fresh
        and not s.negated(fresh.start(), fresh.end())
        and _nearest(r, s, fresh.start(), names) in (ident, None)
    ):
        text = duration_text(number(fresh), fresh.group("unit"))
        d.put((section, ident, "freshness"), text, quote(s, *fresh.span()))
    if section == "stores":
        for pattern in TTL:
            m = re.search(pattern, s.lower)
            if m and _nearest(r, s, m.start(), names) in (ident, None):
                text = duration_text(number(m), m.group("unit"))
                d.put((section, ident, "ttl"), text, quote(s, *m.span()))
                break
    one = ONE_ZONE.search(s.lower)
    many = ZONES.search(s.lower)
    found = min((x for x in (one, many) if x), key=lambda x: x.start(), default=None)
    if found and _nearest(r, s, found.start(), names) in (ident, None):
        zones = 1 if found is one else int(found.group("n"))
        d.put((section, ident, "zones"), zones, quote(s, *found.span()))


# Who sends the data: the subject of 'send us' before the source's name.
SENDER = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|but)\s+)(?P<who>(?:the |our |their )?(?:[a-z][a-z-]+ )?[a-z][a-z-]+)"
    r"(?: and (?:their|the|our) [a-z][a-z -]{2,30}?)?\s+(?:send|sends|post|posts|push|pushes|"
    r"upload|uploads)\s+(?:us|to us)\b[^.;]{0,120}$"
)


def _owned_by(
    r: Reading, ident: str, mention: Mention, sources: set[str]
) -> tuple[Sentence, re.Match[str]] | None:
    """The owner stated at the first mention of ``ident`` that states one."""
    for x in r.found[r.found.index(mention) :]:
        if x.tech.name != ident:
            continue
        m = OWNER.search(x.sentence.lower, x.start)
        if m and _nearest(r, x.sentence, m.start(), sources) == ident:
            return x.sentence, m
    return None


def _owner(r: Reading, ident: str, mention: Mention, sources: set[str]) -> None:
    d = r.draft
    s = mention.sentence
    stated = _owned_by(r, ident, mention, sources)
    m = stated[1] if stated else None
    if stated and m:
        s = stated[0]
        owner = (
            m.group("owner") or m.group("owner2") or m.group("owner3") or m.group("owner4")
        ).strip()
        owner = re.split(r"\b(?:the|a|an|our|their)\s+", owner)[-1]  # 'a service the geo team'
        if re.search(r"\b(?:another|other|different|some)\b", owner):
            d.put(("sources", ident, "owned_by_model_team"), False, quote(s, *m.span()))
        elif owner not in ("us", "we", "our team", "me"):
            d.put(("sources", ident, "owner"), owner, quote(s, *m.span()))
            d.put(("sources", ident, "owned_by_model_team"), False, quote(s, *m.span()))
    s = mention.sentence
    sender = SENDER.search(s.lower[: mention.start])
    if sender and not m and sender.group("who") not in ("we", "our team", "our own"):
        # 'advertisers and their partners send us events through the postback API': theirs
        who = re.sub(r"^(?:the|our|their|its)\s+", "", sender.group("who"))
        quoted = quote(s, sender.start("who"), sender.end())
        d.put(("sources", ident, "owner"), who, quoted)
        d.put(("sources", ident, "owned_by_model_team"), False, quoted)
    _contract(r, ident, sources)
    for x in r.found:
        if x.tech.name != ident:
            continue
        mine = NOT_OURS.search(x.sentence.lower, max(0, x.start - 20))
        if mine and _nearest(r, x.sentence, mine.start(), sources) in (ident, None):
            words = quote(x.sentence, *mine.span())
            d.put(("sources", ident, "owned_by_model_team"), False, words)
            break


# 'we're not on any change list for it', 'doesn't tell us about changes', 'with no contract'.
UNANNOUNCED = re.compile(
    r"\bnot on (?:any|the|a) (?:change|mailing|notification) list|\b(?:doesn'?t|does not|don'?t|"
    r"do not|never) (?:tell|warn|notify|inform) us (?:about|of|before) (?:\w+ )?changes|"
    r"\bwithout (?:telling|warning|notifying) us\b|\bwith no (?:data )?contract\b|"
    r"\bno (?:data )?contract\b|\b(?:doesn'?t|does not|don'?t|do not|never) (?:coordinate|share|"
    r"announce|discuss) (?:its|their) changes\b|\b(?:not|aren'?t|isn'?t) on any (?:[\w-]+ )?list\b"
)


def _contract(r: Reading, ident: str, sources: set[str]) -> None:
    """Whether the producer of a source tells this team before it changes the data."""
    for x in r.found:
        if x.tech.name != ident:
            continue
        told = UNANNOUNCED.search(x.sentence.lower)
        if told and _nearest(r, x.sentence, told.start(), sources) == ident:
            key = ("sources", ident, "contract", "change_notification")
            r.draft.put(key, False, quote(x.sentence, *told.span()))
            return


def pipeline_facts(r: Reading) -> None:
    """Start time, run time, deadline and alerts of each pipeline, from the sentences about its
    engine."""
    d = r.draft
    engines: dict[str, list[str]] = {}
    for ident in d.ids("pipelines"):
        engines.setdefault(str(d.get(("pipelines", ident, "engine"))), []).append(ident)
    for engine, idents in engines.items():
        mentions = [x for x in r.found if x.tech.name == engine]
        for ident in idents:
            for s in listed_under(r, ident, mentions):  # its own item of a list of jobs
                times(r, ("pipelines", ident), s)
                alerts(r, ("pipelines", ident), s)
            for s in by_ordinal(r, ident, mentions):  # 'the first DAG ... That DAG retries'
                alerts(r, ("pipelines", ident), s)
                retries(r, ("pipelines", ident), s)
        if len(idents) != 1:
            continue  # which of several jobs on one engine a sentence means is not clear
        ident = idents[0]
        mention = next((x for x in r.found if x.tech.name == engine), None)
        if mention is None:
            continue
        sents = about(r, mention, set(engines) - {engine})
        if len(d.ids("pipelines")) == 1:
            sents += [s for s in r.sents if s not in sents and _the_job(r, s)]
        for s in sents:
            times(r, ("pipelines", ident), s)
            alerts(r, ("pipelines", ident), s)


def _the_job(r: Reading, s: Sentence) -> bool:
    """'The join job retries ...': a sentence about 'the job' names the only one drafted."""
    return bool(THE_JOB.search(s.lower)) and not any(
        x.sentence is s and x.tech.kind in ("scheduler", "batch_engine", "stream_engine")
        for x in r.found
    )


def times(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
    d = r.draft
    start = next((m for m in CLOCK.finditer(s.lower) if _minutes(m) is not None), None)
    begin = _minutes(start) if start else None
    if start and begin is not None:
        day = next((i for i, w in enumerate(WEEKDAYS) if re.search(rf"\b{w}\w*day", s.lower)), None)
        cron = f"{begin % 60} {begin // 60} * * {'*' if day is None else day}"
        stated = d.get((*key, "schedule"))
        if stated in (None, "daily") or (stated == "weekly" and day is not None):
            d.put((*key, "schedule"), cron, quote(s, *start.span()), replace=True)
    runtime = RUNTIME.search(s.lower)
    if runtime and (runtime.group("an") or runtime.group("unit") or runtime.group("unit2")):
        if runtime.group("an"):
            text = duration_text(1, runtime.group("an"))
        elif runtime.group("unit"):
            text = duration_text(number(runtime), runtime.group("unit"))
        else:
            raw = float(runtime.group("num2").replace(",", ""))
            text = duration_text(raw, runtime.group("unit2"))
        d.put((*key, "runtime"), text, quote(s, *runtime.span()))
    finish = BY_CLOCK.search(s.lower)
    if begin is not None and finish and _minutes(finish) is not None:
        end = _minutes(finish) or 0
        span = (end - begin) % (24 * 60)
        field = "sla" if re.search(r"has to|must|deadline|before", finish.group(0)) else "runtime"
        d.put((*key, field), f"{span}m", quote(s, *finish.span()))


THE_JOB = re.compile(r"^\W*the (?:[\w-]+ )?(?:job|dag|pipeline|flow)\b")
PAGED_IF = re.compile(
    r"\b(?:pages?|alerts?|notifies) (?:us|the team|someone|whoever is on[- ]?call|"
    r"the on[- ]?call)? ?(?:if|when|whenever) (?:it |the job )?(?:fails|breaks|errors|crashes)"
    r"(?P<late> or (?:runs|is) late)?"
)


def alerts(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
    d = r.draft
    silent = re.search(
        r"\b(?:nobody|no one|nothing)\b[^.;]{0,20}?\b(?:alerted|paged|alerts?)\b|"
        r"\bno alert\w*\b|\bdon'?t (?:think )?(?:anyone|anybody) gets paged\b",
        s.lower,
    )
    if silent:
        d.put((*key, "alerts", "on_failure"), False, quote(s, *silent.span()))
        return
    paged = re.search(
        r"\b(?:pages?|paged|alerts?) (?:whoever is )?on[- ]?call|\bthen pages\b|"
        r"\balert\w* on (?:failure|fail)",
        s.lower,
    )
    if paged and not s.negated(paged.start(), paged.end()):
        d.put((*key, "alerts", "on_failure"), "alert", quote(s, *paged.span()))
    when = PAGED_IF.search(s.lower)
    if when and not s.negated(when.start(), when.end()):
        d.put((*key, "alerts", "on_failure"), "alert", quote(s, *when.span()))
        if when.group("late"):
            d.put((*key, "alerts", "on_sla_miss"), "alert", quote(s, *when.span()))
    lag = re.search(r"\bconsumer[- ]lag alert|\balert\w* on (?:\w+ )?(?:consumer )?lag\b", s.lower)
    if lag:
        stated = not s.negated(lag.start(), lag.end())
        d.put((*key, "alerts", "consumer_lag"), "alert" if stated else False, quote(s, *lag.span()))


RETRIES = (
    re.compile(r"\bretr(?:ies|ied|y)\s+(?:up to\s+)?" + NUMBER + r"\s+times\b"),
    re.compile(r"(?<![\w.])" + NUMBER + r"\s+retries\b"),
)


def retries(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
    """'retries three times with exponential backoff': a job's retries after the first attempt."""
    d = r.draft
    m = next((m for pattern in RETRIES if (m := pattern.search(s.lower))), None)
    if m is None or s.negated(m.start(), m.end()):
        return
    d.put((*key, "retries", "max"), int(number(m)), quote(s, *m.span()))
    backoff = re.search(r"\b(?:with(?:out)?|no) (?:\w+ )?backoff\b", s.lower)
    if backoff:
        stated = not backoff.group(0).startswith(("without", "no"))
        d.put((*key, "retries", "backoff"), stated, quote(s, *backoff.span()))


BATCH_RUN = re.compile(
    r"\b(?:batch (?:forecast|scoring|prediction|inference|run)s?|(?:forecast|scoring|prediction|"
    r"inference) runs?)\b"
)
WITHIN = re.compile(
    r"\b(?:has to|have to|must|needs? to|should) (?:finish|be done|complete|end)\s+(?:with)?in\s+"
    r"(?:about\s+|~)?" + NUMBER + UNIT_GROUP
)
SCALE_OUT = re.compile(r"\bscal(?:e|es|ing) (?:out|horizontally)\b|\badds? (?:workers|nodes)\b")


def _starts(s: Sentence, m: re.Match[str]) -> bool:
    """The clock time is the run's start ('starts at 02:00', 'kicks off at 1am', 'runs at 3'),
    not another system's ('that the replenishment system reads at 6am')."""
    if not re.match(r"\s*(?:at|from)\b", m.group(0)):
        return True
    return bool(
        re.search(
            r"\b(?:runs?|starts?|begins?|kicks? off|scheduled|is|happens)\s*$", s.lower[: m.start()]
        )
    )


def batch_run(r: Reading) -> None:
    """The batch endpoint's run, from the sentence naming it ('The batch forecast runs on Spark,
    starts at 02:00, takes about 70 minutes and has to finish within 3 hours') and the ones
    after it that refer back ('It kicks off at 1am and has to finish by 5am'; 'It doesn't scale
    out'): start as cron, run time, the window it has, whether it scales out, its engine."""
    d = r.draft
    key = ("endpoints", "batch_scoring_run")
    if d.get((*key, "mode")) != "batch":
        return
    named = [i for i, s in enumerate(r.sents) if BATCH_RUN.search(s.lower)]
    timed = [
        i
        for i in named
        if CLOCK.search(r.sents[i].lower)
        or RUNTIME.search(r.sents[i].lower)
        or any(m.sentence is r.sents[i] and m.tech.kind == "batch_engine" for m in r.found)
    ]
    if not named:
        return
    at = (timed or named)[0]
    sents = [r.sents[at]]
    for s in r.sents[at + 1 :]:
        if not (
            r.same_line(sents[-1], s)
            and re.match(r"^\W*(?:i (?:believe|think|guess) )?(?:it|it's|this|the run)\b", s.lower)
        ):
            break
        sents.append(s)
    engine = next(
        (m for m in r.found if m.sentence is sents[0] and m.tech.kind in ("batch_engine",)), None
    )
    if engine and not d.get((*key, "platform")):
        d.put(
            (*key, "platform"), engine.tech.name, quote(engine.sentence, engine.start, engine.end)
        )
    begin: int | None = None
    for s in sents:
        start = next(
            (m for m in CLOCK.finditer(s.lower) if _minutes(m) is not None and _starts(s, m)), None
        )
        if start and begin is None:
            begin = _minutes(start)
            if begin is not None:
                cron = f"{begin % 60} {begin // 60} * * *"
                d.put((*key, "batch", "schedule"), cron, quote(s, *start.span()))
        runtime = RUNTIME.search(s.lower)
        if runtime and runtime.group("unit"):
            text = duration_text(number(runtime), runtime.group("unit"))
            d.put((*key, "batch", "runtime"), text, quote(s, *runtime.span()))
        within = WITHIN.search(s.lower)
        if within:
            text = duration_text(number(within), within.group("unit"))
            d.put((*key, "batch", "window"), text, quote(s, *within.span()))
        for finish in BY_CLOCK.finditer(s.lower):
            end = _minutes(finish)
            if begin is None or end is None:
                continue
            span = f"{(end - begin) % (24 * 60)}m"
            words = s.lower[max(0, finish.start() - 16) : finish.end()]
            deadline = re.search(r"has to|have to|must|needs? to|deadline|before", words)
            field = "window" if deadline else "runtime"
            d.put((*key, "batch", field), span, quote(s, *finish.span()))
        scale = SCALE_OUT.search(s.lower)
        if scale:
            scales = not s.negated(scale.start(), scale.end())
            d.put((*key, "batch", "scales_horizontally"), scales, quote(s, *scale.span()))
