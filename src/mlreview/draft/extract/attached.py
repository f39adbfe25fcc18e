"""Facts said of one component, read from the sentences about it: where it is named, and the
sentences that follow while they name no other component of its kind ('It holds forty counters
per card; entries expire after 48 hours.'). Stores: TTL and zones; sources: owner and zones;
pipelines: start time, run time, deadline and alerts."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import find_cadence, quote
from mlreview.draft.extract.listed_jobs import listed_under
from mlreview.draft.extract.reading import SOURCE_KINDS, Reading
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
    r"publishes|loads|fills|updates|sends)\b"
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


def _ttl_zones(r: Reading, section: str, ident: str, s: Sentence, names: set[str]) -> None:
    d = r.draft
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


def _owner(r: Reading, ident: str, mention: Mention, sources: set[str]) -> None:
    d = r.draft
    s = mention.sentence
    m = OWNER.search(s.lower, mention.start)
    if m and _nearest(r, s, m.start(), sources) == ident:
        owner = (m.group("owner") or m.group("owner2") or m.group("owner3")).strip()
        owner = re.split(r"\b(?:the|a|an|our|their)\s+", owner)[-1]  # 'a service the geo team'
        if re.search(r"\b(?:another|other|different|some)\b", owner):
            d.put(("sources", ident, "owned_by_model_team"), False, quote(s, *m.span()))
        elif owner not in ("us", "we", "our team", "me"):
            d.put(("sources", ident, "owner"), owner, quote(s, *m.span()))
            d.put(("sources", ident, "owned_by_model_team"), False, quote(s, *m.span()))
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
    r"\bno (?:data )?contract\b"
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


# A job named by what it does, with no engine: 'Nightly extract from Epic Clarity (SQL Server)
# into our Postgres warehouse, starting at 02:00', 'we pull a full refresh every night'.
JOB_NOUN = re.compile(
    r"\b(?:nightly|daily|hourly|weekly|monthly)\s+(?:full\s+)?(?P<noun>extract|export|refresh|"
    r"snapshot|dump|copy|sync)\b|\b(?:pull|pulls|run|runs|do|does|take|takes)\s+an?\s+"
    r"(?:full\s+|nightly\s+|daily\s+)?(?P<noun2>refresh|extract|export|snapshot|dump|copy)\b"
)
ENGINE_KINDS = ("scheduler", "batch_engine", "stream_engine")
# A job named by what it is, as the writer of something: 'written by the streaming aggregator
# every 30s'.
WRITTEN_BY = re.compile(
    r"\b(?:written|filled|updated|computed|refreshed|produced|loaded|pushed) by (?:the|a|an|our)\s+"
    r"(?P<name>(?:[a-z-]+\s+)?(?:aggregator|feeder|indexer|loader|exporter|consumer))\b"
)
# A consumer named by its noun: 'the feeder consumes it continuously'.
CONSUMER = re.compile(
    r"\b(?:the|a|an|our)\s+(?P<noun>feeder|consumer|indexer|ingester|loader)\s+(?:consumes|reads|"
    r"tails|pulls|streams)\b[^.;]*?\b(?:continuously|in real[- ]time|as (?:they|it) arrives?)\b"
)


def jobs_by_their_noun(r: Reading) -> None:
    """A job stated by its noun and cadence, in a sentence naming no engine: an etl pipeline
    named after the source it reads (this sentence's, else the one before on its line), with
    its cadence, start and run time."""
    d = r.draft
    _consumers(r)
    _writers(r)
    for s in r.sents:
        m = JOB_NOUN.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        if any(x.sentence is s and x.tech.kind in ENGINE_KINDS for x in r.found):
            continue
        cadence = find_cadence(s.lower, s)
        if cadence is None or cadence[0] == "continuous":
            continue
        before = r.previous(s)
        reads = [x for x in r.found if x.sentence is s and x.tech.kind in SOURCE_KINDS]
        if not reads and before is not None and r.same_line(before, s):
            reads = [x for x in r.found if x.sentence is before and x.tech.kind in SOURCE_KINDS]
        source = next((x.tech.name for x in reads if d.has("sources", x.tech.name)), None)
        noun = m.group("noun") or m.group("noun2")
        ident = re.sub(r"[^a-z0-9]+", "_", f"{source} {noun}" if source else noun).strip("_")
        if d.has("pipelines", ident):
            continue
        words = quote(s, *m.span())
        d.component("pipelines", ident, words, kind="etl")
        d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
        if source:
            d.add_to(("pipelines", ident, "inputs"), source, words)
        _times(r, ("pipelines", ident), s)


def _writers(r: Reading) -> None:
    """'written by the streaming aggregator every 30s': that job, with the cadence that follows
    it, writing the store named before it in the sentence."""
    d = r.draft
    for s in r.sents:
        m = WRITTEN_BY.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        if any(x.sentence is s and x.tech.kind in ENGINE_KINDS for x in r.found):
            continue
        cadence = find_cadence(re.split(r"[,;]", s.lower[m.end() :])[0], s, m.end())
        if cadence is None:
            continue
        ident = re.sub(r"[^a-z0-9]+", "_", m.group("name")).strip("_")
        if d.has("pipelines", ident):
            continue
        words = quote(s, m.start(), m.end())
        kind = "feature_batch" if "aggregat" in ident else "etl"
        d.component("pipelines", ident, words, kind=kind)
        d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
        stores = [x for x in r.found if x.sentence is s and x.end <= m.start()]
        for x in stores:
            if d.has("stores", x.tech.name):
                d.add_to(("pipelines", ident, "outputs"), x.tech.name, words)


def _consumers(r: Reading) -> None:
    """'product documents come through the `catalog-changes` Kafka topic; the feeder consumes it
    continuously': a continuous job reading the stream named before it."""
    d = r.draft
    for s in r.sents:
        m = CONSUMER.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        if any(x.sentence is s and x.tech.kind in ENGINE_KINDS for x in r.found):
            continue
        ident = m.group("noun")
        if d.has("pipelines", ident):
            continue
        words = quote(s, *m.span())
        d.component("pipelines", ident, words, kind="etl")
        d.put(("pipelines", ident, "schedule"), "continuous", words)
        before = [x for x in r.found if x.sentence is s and x.end <= m.start()]
        previous = r.previous(s)
        if not before and previous is not None and r.same_line(previous, s):
            before = [x for x in r.found if x.sentence is previous]  # 'the ... topic; the feeder'
        streams = [x for x in before if x.tech.kind == "stream" and d.has("sources", x.tech.name)]
        if streams:
            d.add_to(("pipelines", ident, "inputs"), streams[-1].tech.name, words)


def pipeline_facts(r: Reading) -> None:
    """Start time, run time, deadline and alerts of each pipeline, from the sentences about its
    engine."""
    d = r.draft
    jobs_by_their_noun(r)
    engines: dict[str, list[str]] = {}
    for ident in d.ids("pipelines"):
        engines.setdefault(str(d.get(("pipelines", ident, "engine"))), []).append(ident)
    for engine, idents in engines.items():
        mentions = [x for x in r.found if x.tech.name == engine]
        for ident in idents:
            for s in listed_under(r, ident, mentions):  # its own item of a list of jobs
                _times(r, ("pipelines", ident), s)
                _alerts(r, ("pipelines", ident), s)
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
            _times(r, ("pipelines", ident), s)
            _alerts(r, ("pipelines", ident), s)


def _the_job(r: Reading, s: Sentence) -> bool:
    """'The join job retries ...': a sentence about 'the job' names the only one drafted."""
    return bool(THE_JOB.search(s.lower)) and not any(
        x.sentence is s and x.tech.kind in ("scheduler", "batch_engine", "stream_engine")
        for x in r.found
    )


def _times(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
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


def _alerts(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
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


# 'the scoring job checks that the table exists and matches the schema': the job named by its
# word checks its input's schema.
CHECKS_SCHEMA = re.compile(
    r"\bthe (?P<word>[a-z]+) (?:job|dag|pipeline|flow) checks\b[^.;]{0,60}?\bschema\b"
)


def schema_checks(r: Reading) -> None:
    d = r.draft
    for s in r.sents:
        m = CHECKS_SCHEMA.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        word = m.group("word")
        jobs = [p for p in d.ids("pipelines") if word[:5] in p]
        if len(jobs) == 1:
            d.put(("pipelines", jobs[0], "validation", "schema"), True, quote(s, *m.span()))


LAG_ALERT = re.compile(r"\bconsumer[- ]lag alerts?\b")


def lag_alerts(r: Reading) -> None:
    """'There's a consumer-lag alert on catalog-changes but ... not on offer-updates': the
    continuous jobs reading each stream named; 'Consumer lag alert is at 2 minutes' after one
    continuous job: that job."""
    d = r.draft
    continuous = [
        p for p in d.ids("pipelines") if d.get(("pipelines", p, "schedule")) == "continuous"
    ]
    for s in r.sents:
        m = LAG_ALERT.search(s.lower)
        if m is None:
            continue
        named = [x for x in r.found if x.sentence is s and x.start > m.end()]
        if not named and len(continuous) == 1:
            alerted = not s.negated(m.start(), m.end())
            key = ("pipelines", continuous[0], "alerts", "consumer_lag")
            d.put(key, "alert" if alerted else False, quote(s, *m.span()))
            continue
        denied = [x for x in named if s.negated(x.start, x.end)]
        for x in named:
            alerted = x not in denied and not s.negated(m.start(), m.end())
            if alerted and denied:
                continue  # 'on X but not on Y': a job may read both; the job-level field can't say
            for p in continuous:
                if x.tech.name in (d.get(("pipelines", p, "inputs")) or []):
                    key = ("pipelines", p, "alerts", "consumer_lag")
                    d.put(key, "alert" if alerted else False, quote(s, m.start(), x.end))


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
