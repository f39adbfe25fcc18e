"""Jobs the text names by what they are, not by an engine: 'Nightly extract from Epic Clarity
(SQL Server) into our Postgres warehouse, starting at 02:00' (an extract), 'we pull a full
refresh every night', 'the feeder consumes it continuously', 'written by the streaming
aggregator every 30s'; and facts said of a job by its word: 'the scoring job checks that the
table exists and matches the schema', 'Consumer lag alert is at 2 minutes'."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlreview.draft.extract.attached import times
from mlreview.draft.extract.find import find_cadence, quote
from mlreview.draft.extract.reading import SOURCE_KINDS, Reading
from mlreview.draft.prose import Sentence


def read(r: Reading) -> None:
    """The jobs named by their noun (before the facts of every job are read)."""
    jobs_by_their_noun(r)


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


def _without_engine(
    r: Reading, pattern: re.Pattern[str]
) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Each sentence ``pattern`` matches, not negated there, that names no engine: a job the
    text names by its noun."""
    for s in r.sents:
        m = pattern.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        if any(x.sentence is s and x.tech.kind in ENGINE_KINDS for x in r.found):
            continue
        yield s, m


def jobs_by_their_noun(r: Reading) -> None:
    """A job stated by its noun and cadence, in a sentence naming no engine: an etl pipeline
    named after the source it reads (this sentence's, else the one before on its line), with
    its cadence, start and run time."""
    d = r.draft
    _consumers(r)
    _writers(r)
    _file_jobs(r)
    for s, m in _without_engine(r, JOB_NOUN):
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
        times(r, ("pipelines", ident), s)


# A job that regenerates a file serving loads: 'a job regenerates that file every five minutes
# from a query against ClickHouse'.
FILE_JOB = re.compile(
    r"\b(?:a|an|the|our)\s+(?:[\w-]+\s+)?(?:job|script|process|cron ?job)\s+(?:re)?(?:generates|"
    r"builds|writes|produces|creates)\s+(?:that|the|this|a|an|our)\s+(?:[\w-]+\s+)?file\b"
)


def _file_jobs(r: Reading) -> None:
    d = r.draft
    for s, m in _without_engine(r, FILE_JOB):
        files = [
            x.tech.name
            for x in r.found
            if x.sentence is s and x.tech.name.endswith("_file") and d.has("stores", x.tech.name)
        ]
        cadence = find_cadence(s.lower, s)
        if not files or cadence is None:
            continue
        ident = f"{files[0]}_job"
        if d.has("pipelines", ident):
            continue
        words = quote(s, *m.span())
        d.component("pipelines", ident, words, kind="etl")
        d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
        d.add_to(("pipelines", ident, "outputs"), files[0], words)
        for x in r.found:
            if x.sentence is s and x.start > m.end() and d.has("sources", x.tech.name):
                d.add_to(("pipelines", ident, "inputs"), x.tech.name, words)
        _file_unchecked(r, ident)


# "There's no check on the generated file before it ships": no check of any kind on its output.
NO_FILE_CHECK = re.compile(
    r"\bno (?:check|checks|validation|test)s? (?:on|of) (?:the |that |this )?(?:[\w-]+ )?file\b|"
    r"\bfile (?:is|gets) (?:not|never) (?:checked|validated)\b"
)


def _file_unchecked(r: Reading, job: str) -> None:
    for s in r.sents:
        m = NO_FILE_CHECK.search(s.lower)
        if m:
            words = quote(s, *m.span())
            for field in ("schema", "ranges", "distribution", "blocking"):
                r.draft.put(("pipelines", job, "validation", field), False, words)
            return


def _writers(r: Reading) -> None:
    """'written by the streaming aggregator every 30s': that job, with the cadence that follows
    it, writing the store named before it in the sentence."""
    d = r.draft
    for s, m in _without_engine(r, WRITTEN_BY):
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
    for s, m in _without_engine(r, CONSUMER):
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
            _unchecked(r, ("pipelines", jobs[0], "validation"), s, m.end())
            later = r.sents.index(s) + 1
            if later < len(r.sents) and IT.match(r.sents[later].lower):
                _unchecked(r, ("pipelines", jobs[0], "validation"), r.sents[later], 0)


IT = re.compile(r"^\W*(?:but |and )?(?:it|the job|that job|this job)\b")
# '...; it doesn't check value ranges or distributions, and nothing there blocks the run'
NOT_CHECKED = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|never|no)\s+(?:check\w*\s+)?(?P<what>[^.;]{0,60})"
)
NOT_BLOCKING = re.compile(
    r"\bnothing\b[^.;]{0,20}?\bblocks?\b|\b(?:doesn'?t|does not|don'?t|do not|never) "
    r"(?:stop|block|fail)s? the (?:run|job|training)\b|\bnon-?blocking\b|\bonly warns?\b"
)


def _unchecked(r: Reading, key: tuple[str, ...], s: Sentence, after: int) -> None:
    """What the job's check is said not to cover, after what it does, and whether it blocks."""
    rest = s.lower[after:]
    denied = NOT_CHECKED.search(rest)
    if denied:
        what = re.split(r",|\band\b(?! distributions?)", denied.group("what"))[0]
        for field, noun in (("ranges", r"\branges?\b"), ("distribution", r"\bdistributions?\b")):
            hit = re.search(noun, what)
            if hit:
                at = after + denied.start("what") + hit.start()
                r.draft.put((*key, field), False, quote(s, at, at + len(hit.group(0))))
    blocking = NOT_BLOCKING.search(rest)
    if blocking:
        r.draft.put(
            (*key, "blocking"), False, quote(s, after + blocking.start(), after + blocking.end())
        )


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
