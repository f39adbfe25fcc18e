"""Data: sources and stores from the technologies named, stream and batch jobs, availability."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import find_cadence, quote, segments
from mlreview.draft.extract.listed_jobs import items
from mlreview.draft.extract.reading import (
    BATCH_ENGINES,
    SOURCE_KINDS,
    STORE_KINDS,
    Reading,
)
from mlreview.draft.prose import Mention, Sentence

ROLES: tuple[tuple[str, str], ...] = (
    ("training", r"\b(?:re)?train(?:s|ed|ing)?\b(?! (?:features?|data|sets?|examples)\b)"),
    (
        "batch_inference",
        r"\bscor(?:e|es|ing)\b|batch predict|\binference\b|forecasts? for|"
        r"\bper (?:user|customer|sku|item)\b|for every (?:user|customer)|\btop-?\d+",
    ),
    ("materialization", r"materiali[sz]"),
    ("feature_batch", r"\bfeatures?\b|aggregat|\bcompute"),
)
# A function runtime that processes events is a job, not where the model is served.
FUNCTIONS = frozenset(["lambda", "azure-functions", "cloud-functions"])
FUNCTION_JOB = re.compile(
    r"\s+(?:function\s+)?(?:enriches|aggregates|computes|transforms|consumes|reads|joins|counts)\b"
)
JOB_WORDS = re.compile(
    r"\bjobs?\b|\bdags?\b|pipelines?|\bflows?\b|\betl\b|\bruns?\b|\bcop(?:y|ies)\b|\bloads?\b|"
    r"\bexports?\b|\bfill"
)


# A real-time feed named by what it carries, through a protocol or an ingestion tool: 'Lab
# results from the lab system via an HL7 feed through Mirth Connect, near real time'.
FEED = re.compile(
    r"^\W*(?P<what>[a-z][a-z-]{2,20}(?: [a-z][a-z-]{2,20})?)\s+(?:comes? |arrives? )?from\b"
)
REAL_TIME = re.compile(r"\b(?:near[- ])?real[- ]?time\b|\bstream(?:ed|ing)\b")


def _feeds(r: Reading) -> None:
    d = r.draft
    for s in r.sents:
        here = [x for x in r.found if x.sentence is s]
        if any(x.tech.kind in SOURCE_KINDS or x.tech.kind in STORE_KINDS for x in here):
            continue
        if not any(x.tech.kind in ("protocol", "ingestion") for x in here):
            continue
        m = FEED.search(s.lower)
        live = REAL_TIME.search(s.lower)
        if m is None or live is None or s.negated(live.start(), live.end()):
            continue
        ident = re.sub(r"[^a-z0-9]+", "_", m.group("what")).strip("_")
        if d.has("sources", ident):
            continue
        d.component("sources", ident, quote(s, *m.span()), kind="stream")
        d.notes[("sources", ident, "kind")] = (
            "no technology named: a feed through a protocol or ingestion tool, read as a stream"
        )


def read(r: Reading) -> None:
    d = r.draft
    for m in r.of_kind(*SOURCE_KINDS):
        words = quote(m.sentence, m.start, m.end)
        if _written_object_store(r, m):
            d.component("stores", m.tech.name, words, kind="object_store")
            _technology(r, ("stores", m.tech.name), m)
            continue
        d.component("sources", m.tech.name, words, kind=SOURCE_KINDS[m.tech.kind])
        _technology(r, ("sources", m.tech.name), m)
    _feeds(r)
    _stores(r)
    for m in r.of_kind("serving_platform"):
        if m.tech.name in FUNCTIONS and FUNCTION_JOB.match(m.sentence.lower[m.end :]):
            _stream_job(r, m)  # 'a Lambda enriches them and writes velocity counters to DynamoDB'
    batch_runs = []
    denied_jobs: set[int] = set()
    for m in r.of_kind("stream_engine"):
        if _engine_denied(r, m):
            # 'a Pulsar consumer (it's a plain Java app, not Flink)': still a job, on no
            # engine the text gives
            if m.sentence.start not in denied_jobs and DENIED_JOB.search(m.sentence.lower):
                denied_jobs.add(m.sentence.start)
                _stream_job(r, m, engine=False)
            continue
        # An engine that can stream but is said to run on a schedule ('a Dataflow job every
        # hour') is a batch job.
        offset, part = [(o, t) for o, t in segments(m.sentence) if o <= m.start][-1]
        cadence = find_cadence(part, m.sentence, offset)
        if cadence and cadence[1] and cadence[0] != "continuous":
            batch_runs.append(m)
        else:
            _stream_job(r, m)
    done: set[tuple[int, str]] = set()
    engines = sorted([*r.of_kind(*BATCH_ENGINES), *batch_runs], key=r.found.index)
    for m in engines:
        if _refers_back(r, m) or _engine_denied(r, m):
            continue
        listed = items(r, m.sentence)
        for name, sents in listed:
            _listed_job(r, m, name, sents)
        if listed:
            continue
        for role, offset, segment in _roles(m.sentence, _own_stretch(m, engines)):
            if (m.sentence.start, role) not in done:
                done.add((m.sentence.start, role))
                _batch_job(r, m, role, offset, segment)
    _rebuilt(r)
    trained_on_landed(r)
    _availability(r)


# 'a plain Java app, not Flink', 'We do not use Airflow', 'not by Spark': the engine is denied,
# and so is the same engine named again in the sentence with no contrast between ('not Flink,
# people always assume Flink').
DENIED_BEFORE = re.compile(
    r"\b(?:not|never|no longer)\s+(?:by\s+|on\s+|in\s+|with\s+|using\s+|an?\s+)?$|"
    r"\b(?:don'?t|do not|doesn'?t|does not|never|no longer|didn'?t|did not)\s+"
    r"(?:use|run on|run|have)\s+(?:an?\s+)?$"
)
DENIED_JOB = re.compile(r"\b(?:consumer|app|application|service|job|process)\b")
CONTRAST = re.compile(r"\b(?:but|however|though|although|while|whereas|instead)\b")


def _engine_denied(r: Reading, m: Mention) -> bool:
    s = m.sentence.lower
    for x in r.found:
        if x.sentence is not m.sentence or x.tech.name != m.tech.name or x.start > m.start:
            continue
        if DENIED_BEFORE.search(s[max(0, x.start - 30) : x.start]) and not CONTRAST.search(
            s[x.end : m.start]
        ):
            return True
    return False


REBUILT = re.compile(
    r"(?:^|[,:(]\s*|\b(?:an?|the|our|its|their)\s+)"
    r"(?P<what>(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)\s+(?:(?:is|are|gets?|being)\s+)?"
    r"(?:fully\s+|all\s+)?(?P<verb>rebuilt|recomputed|regenerated|re-?indexed|re-?embedded|"
    r"re-?synced|synced)\b"
)
NOT_A_JOB = re.compile(
    r"\b(?:model|models|ranker|classifier|forecaster|it|they|this|that|which|who|what|everything|"
    r"nothing|value|values|file|threshold)$"
)
# A job named by what it materialises, when the sentence opens with it: 'Item features are
# materialised from BigQuery into Bigtable by a Dataflow job every hour'.
MATERIALISED = re.compile(
    r"^\W*(?P<what>(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)\s+(?:is|are|get|gets)\s+materiali[sz]ed\b"
)
VERB_NOUN = {"rebuilt": "rebuild", "recomputed": "recompute", "regenerated": "regeneration"}


def _rebuilt(r: Reading) -> None:
    """A job stated by what it produces, with no engine ('Item embeddings are rebuilt every 6
    hours', 'an online table synced from the Delta tables every 30 minutes'): a pipeline named
    after its product, with the cadence stated. A sentence naming an engine is read by it."""
    d = r.draft
    engines = ("stream_engine", *BATCH_ENGINES)
    for s in r.sents:
        if any(m.sentence is s for m in r.of_kind(*engines)):
            continue
        for m in REBUILT.finditer(s.lower):
            what = m.group("what")
            if NOT_A_JOB.search(what) or s.negated(m.start("verb"), m.end("verb")):
                continue
            rest = s.lower[m.end() :]
            cadence = find_cadence(re.split(r"[,;]| and ", rest)[0], s, m.end())
            if not cadence or cadence[0] == "continuous":
                continue
            verb = m.group("verb").replace("-", "")
            noun = VERB_NOUN.get(verb, verb.removesuffix("ed").removesuffix("e"))
            ident = re.sub(r"[^a-z0-9]+", "_", f"{what} {noun}").strip("_")
            if d.has("pipelines", ident):
                continue
            if verb.endswith("synced"):
                kind = "materialization"
            elif re.search(r"feature|embedding|vector|aggregat|counter|statistic", what):
                kind = "feature_batch"
            else:
                kind = "etl"
            words = quote(s, m.start("what"), m.end("verb"))
            d.component("pipelines", ident, words, kind=kind)
            d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
            for x in r.found:
                if (
                    x.sentence is s
                    and x.start >= m.start("what")
                    and d.has("stores", x.tech.name)
                    and x.tech.kind in STORE_KINDS
                ):
                    d.add_to(("pipelines", ident, "outputs"), x.tech.name, words)


# 'a consumer ... writes images to MinIO (retention 30 days)': what the system writes into an
# object store it keeps there; the store is where its output lives, not where its data comes from.
WRITES_INTO = re.compile(
    r"\b(?:writes?|written|saves?|saved|archives?|archived|dumps?|dumped)\b[^.;:]{0,60}?"
    r"\b(?:to|into)\s+(?:an?\s+|the\s+|our\s+)?$|"
    r"\b(?:lands?|landed|landing)\b[^.;:]{0,40}?\b(?:in|into|to)\s+(?:an?\s+|the\s+|our\s+)?$"
)
READ_FROM = re.compile(r"\b(?:from|off|out of|reads?|loads?|pulls?)\s+(?:an?\s+|the\s+|our\s+)?$")
# '... archived to Blob Storage, which is where training data comes from': read back after all.
READ_BACK = re.compile(
    r"^[^.;]{0,40}?\b(?:where\b[^.;]{0,40}?\bcomes? from|from which|(?:is|are) read|"
    r"(?:which|that) (?:training|the model|we) (?:reads?|loads?|uses?|trains? on))\b"
)


def _stores(r: Reading) -> None:
    d = r.draft
    for m in r.of_kind(*STORE_KINDS):
        if _detail_of_previous(r, m):
            continue
        if m.tech.kind == "analytics_store" and d.has("sources", m.tech.name):
            continue
        if m.tech.kind == "analytics_store" and _queried_by_jobs(r, m):
            d.component("sources", m.tech.name, quote(m.sentence, m.start, m.end), kind="database")
            _technology(r, ("sources", m.tech.name), m)
            continue
        words = quote(m.sentence, m.start, m.end)
        kind = STORE_KINDS[m.tech.kind]
        if m.tech.kind == "feature_store" and not re.search(
            r"online|serv|look ?up|real", m.sentence.lower
        ):
            kind = "offline"
        d.component("stores", m.tech.name, words, kind=kind)
        _technology(r, ("stores", m.tech.name), m)


QUERIED = re.compile(r"\b(?:query|queries|queried) (?:against|on|of|to)\s+(?:the\s+|our\s+)?$")
PER_REQUEST = re.compile(r"\b(?:per|each|every|on every) (?:request|call|prediction|lookup)\b")


def _queried_by_jobs(r: Reading, m: Mention) -> bool:
    """An analytics store the text only names as what a query runs against, never per request
    ('a job regenerates that file from a query against ClickHouse'): a source the job reads."""
    if any(x.tech.name == m.tech.name for x in r.found[: r.found.index(m)]):
        return False
    mentions = [
        x
        for x in r.found
        if x.tech.name == m.tech.name and not re.match(r"\s+team\b", x.sentence.lower[x.end :])
    ]  # 'the ClickHouse team' names its owners, not a use
    return all(
        QUERIED.search(x.sentence.lower[max(0, x.start - 30) : x.start])
        and not PER_REQUEST.search(x.sentence.lower)
        for x in mentions
    )


def _written_object_store(r: Reading, m: Mention) -> bool:
    """An object store whose first mention is as what the system writes into, and that no
    sentence reads from."""
    if m.tech.kind != "object_store" or any(
        x.tech.name == m.tech.name for x in r.found[: r.found.index(m)]
    ):
        return False
    if not WRITES_INTO.search(m.sentence.lower[max(0, m.start - 80) : m.start]):
        return False
    return not any(
        READ_FROM.search(x.sentence.lower[max(0, x.start - 20) : x.start])
        or READ_BACK.search(x.sentence.lower[x.end :])
        for x in r.found
        if x.tech.name == m.tech.name
    )


def _refers_back(r: Reading, m: Mention) -> bool:
    """'The Flink job and the nightly Spark job each have their own implementation': a job
    named with 'the' after one on the same engine was drafted is that job, not a second."""
    before = m.sentence.lower[max(0, m.start - 30) : m.start]
    after = m.sentence.lower[m.end : m.end + 12]
    if not (
        re.search(r"\b(?:the|that|this|same)\s+(?:[a-z]+\s+)?$", before)
        and re.match(r"\s+(?:job|dag|flow|pipeline|one|1)s?\b", after)
    ):
        return False
    return any(
        r.draft.get(("pipelines", i, "engine")) == m.tech.name for i in r.draft.ids("pipelines")
    )


def _technology(r: Reading, key: tuple[str, str], m: Mention) -> None:
    """The technology a component runs; a component named only by what it is has none."""
    if m.tech.from_text:
        r.draft.notes[(*key, "kind")] = (
            "no technology named: its kind is read from the words, its failure behaviour "
            "from the text only"
        )
        return
    words = quote(m.sentence, m.start, m.end)
    r.draft.put((*key, "technology"), m.tech.instance_of or m.tech.name, words)


def _detail_of_previous(r: Reading, m: Mention) -> bool:
    """A store named in brackets right after another ('the Feature Store (online tables for
    serving)') is a part of that one, not a second store."""
    before = [x for x in r.found if x.sentence is m.sentence and x.end <= m.start]
    if not before or before[-1].tech.kind not in STORE_KINDS:
        return False
    between = m.sentence.lower[before[-1].end : m.start]
    return bool(re.fullmatch(r"\s*\(\s*(?:[\w-]+\s+){0,2}", between))


OWN_JOB = re.compile(
    r"\s+(?:batch |streaming |stream )?(?:jobs?|dags?|flows?|pipelines?|workflows?)\b"
)


def _own_stretch(m: Mention, engines: list[Mention]) -> tuple[int, int] | None:
    """The part of its sentence that is ``m``'s job when the sentence names jobs on several
    engines, each in a part of its own ('An hourly Spark job lands the events in the lake, and
    a daily Kubeflow job retrains the model'): from its part to the next engine's. None when the
    sentence names one engine, or several in one part ('an Airflow DAG runs a Spark job')."""
    parts = segments(m.sentence)

    def part(x: Mention) -> int:
        return max(i for i, (o, _) in enumerate(parts) if o <= x.start)

    same = [x for x in engines if x.sentence is m.sentence]
    here = sorted({part(x) for x in same})
    if len(here) < 2 or len({x.tech.name for x in same}) < 2:
        return None
    if not all(OWN_JOB.match(m.sentence.lower, x.end) for x in same):
        return None  # 'an Airflow DAG pulls them, builds features with dbt': one job
    own = part(m)
    later = [i for i in here if i > own]
    lo = 0 if own == here[0] else parts[own][0]
    hi = parts[later[0]][0] if later else len(m.sentence.lower)
    return lo, hi


def _roles(s: Sentence, stretch: tuple[int, int] | None = None) -> list[tuple[str, int, str]]:
    """(role, offset, text) for each kind of job the sentence describes (in ``stretch`` of it,
    when given); a sentence that names an engine without a job (e.g. 'data lives in Delta Lake
    on Databricks') has none."""
    out: list[tuple[str, int, str]] = []
    lo, hi = stretch or (0, len(s.lower))
    for offset, segment in segments(s):
        if not lo <= offset < hi:
            continue
        for role, pattern in ROLES:
            if re.search(pattern, segment) and role not in [r for r, _, _ in out]:
                out.append((role, offset, segment))
                break
    several = re.search(r"\b(?:second|another|separate|other) (?:job|dag|flow|pipeline)", s.lower)
    cadences = {c[0] for _, o, t in out if (c := find_cadence(t, s, o))}
    if len(out) > 1 and not several and len(cadences) < len(out):
        order = [r for r, _ in ROLES]
        out = [min(out, key=lambda r: order.index(r[0]))]
    if out:
        return out
    if JOB_WORDS.search(s.lower[lo:hi]):
        return [("etl", lo, s.lower[lo:hi])]
    return []


def _stream_job(r: Reading, m: Mention, *, engine: bool = True) -> None:
    d = r.draft
    same = [i for i in d.ids("pipelines") if d.get(("pipelines", i, "engine")) == m.tech.name]
    # 'a second Flink job', 'two Flink jobs'; not 'two implementations of the same logic'.
    another = re.search(
        r"\b(?:second|another|separate|other|two|2)\s+(?:[\w-]+\s+){0,2}?(?:jobs?|pipelines?|"
        + re.escape(m.tech.name)
        + r")\b",
        m.sentence.lower,
    )
    if same and not another:
        return  # 'the Java Flink job' again: the job already drafted
    ident = "stream_job" if not d.has("pipelines", "stream_job") else f"{m.tech.name}_job"
    words = quote(m.sentence, m.start, m.end)
    stores = r.same_sentence(m.sentence, "stores", tuple(STORE_KINDS))
    feature_words = re.search(r"feature|aggregat|velocity|rolling|counts?", m.sentence.lower)
    kind = "feature_stream" if stores or feature_words else "etl"
    if engine:
        d.component("pipelines", ident, words, kind=kind, engine=m.tech.name)
    else:
        d.component("pipelines", ident, words, kind=kind)
    d.put(("pipelines", ident, "schedule"), "continuous", words)
    inputs = r.same_sentence(m.sentence, "sources", ("stream",)) or [
        x.tech.name for x in r.of_kind("stream")
    ]
    outputs = stores or r.same_sentence(m.sentence, "sources", ("warehouse",))
    if not outputs and kind == "feature_stream":
        outputs = [x.tech.name for x in r.of_kind(*STORE_KINDS)]
    for i in dict.fromkeys(inputs):
        d.add_to(("pipelines", ident, "inputs"), i, words)
    for o in dict.fromkeys(outputs):
        d.add_to(("pipelines", ident, "outputs"), o, words)


# A job that builds the data the model is trained on is named for it ('The training set is
# built nightly by a PySpark job').
TRAINING_SET = re.compile(
    r"\btraining (?:set|data|dataset|examples|table)s? (?:is |are |gets? )?(?:built|assembled|"
    r"created|generated|produced|made|rebuilt)\b|\b(?:builds?|assembles?|creates?|generates?|"
    r"produces?) the training (?:set|data|dataset|examples|table)\b"
)


# A job named beside its engine: 'the `nightly_features` dbt job', 'our Airflow DAG
# `nightly_features`'. (A training job keeps its role's id: the model's training names it.)
NAME_BEFORE = re.compile(r"`(?P<name>[a-z][\w-]{2,60})`\s+$")
JOB_AFTER = re.compile(r"\s+(?:job|dag|workflow|flow|pipeline|project|models?)\b")
NAME_AFTER = re.compile(
    r"\s+(?:job|dag|workflow|flow|pipeline|project)\s+`(?P<name>[a-z][\w-]{2,60})`"
)


def _own_name(m: Mention) -> str | None:
    s = m.sentence.lower
    before = NAME_BEFORE.search(s[max(0, m.start - 64) : m.start])
    if before and JOB_AFTER.match(s, m.end):
        return before.group("name").replace("-", "_")
    after = NAME_AFTER.match(s, m.end)
    return after.group("name").replace("-", "_") if after else None


def _batch_job(r: Reading, m: Mention, role: str, offset: int, segment: str) -> None:
    d = r.draft
    ident = {
        "training": "training",
        "batch_inference": "batch_scoring",
        "feature_batch": "batch_features",
        "materialization": "materialization",
        "etl": "etl",
    }[role]
    if role == "etl" and TRAINING_SET.search(m.sentence.lower):
        ident = "training_set"
    product = MATERIALISED.match(m.sentence.lower)
    if role == "materialization" and product and not NOT_A_JOB.search(product["what"]):
        ident = re.sub(r"[^a-z0-9]+", "_", f"{product['what']} materialization").strip("_")
    own = _own_name(m) if role != "training" else None
    if own:
        ident = own
    elif d.has("pipelines", ident) and d.get(("pipelines", ident, "engine")) != m.tech.name:
        ident = f"{ident}_{m.tech.name}"
    words = quote(m.sentence, m.start, m.end)
    d.component("pipelines", ident, words, kind=role, engine=m.tech.name)
    cadence = find_cadence(segment, m.sentence, offset) or find_cadence(
        m.sentence.lower, m.sentence
    )
    if cadence and cadence[1] and cadence[0] != "continuous":
        d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
    batch_kinds = ("warehouse", "database", "object_store")
    inputs = r.same_sentence(m.sentence, "sources", batch_kinds)
    before = r.previous(m.sentence)
    if before and re.search(
        r"\b(?:pulls?|reads?|loads?|copies|ingests?) (?:them|it)\b", m.sentence.lower
    ):
        inputs = r.same_sentence(before, "sources", batch_kinds) + inputs
    if not inputs and role == "training":
        inputs = [x.tech.name for x in r.of_kind(*batch_kinds)]
    if not inputs and role != "training":
        inputs = _sources_by_word(r, segment)
    if (
        role in ("batch_inference", "materialization", "feature_batch")
        and inputs
        and re.search(r"(?:writ|push|fill|load|sav)\w* [^.;]*\b(?:to|into)\b", m.sentence.lower)
    ):
        inputs = [i for i in inputs if f"to {i}" not in m.sentence.lower]
    landed = _landed_in(r, m.sentence, offset, segment) if role == "etl" else []
    if landed:
        # 'An hourly Spark job lands everything in the event lake': what it reads is what the
        # sentences before it named, and the store it lands in is its output
        inputs = [i for i in inputs if i not in landed] or _named_before(r, m.sentence)
        for o in landed:
            d.add_to(("pipelines", ident, "outputs"), o, words)
    if role != "batch_inference" or not re.search(r"(?:writ|push)\w*", m.sentence.lower):
        for i in dict.fromkeys(inputs):
            d.add_to(("pipelines", ident, "inputs"), i, words)
    if role in ("feature_batch", "materialization", "batch_inference"):
        for o in r.same_sentence(m.sentence, "stores", tuple(STORE_KINDS)):
            d.add_to(("pipelines", ident, "outputs"), o, words)
    if role == "feature_batch" and not d.get(("pipelines", ident, "outputs")):
        _feature_tables(r, ident, m.sentence)
    if role in ("etl", "feature_batch") and not d.get(("pipelines", ident, "outputs")):
        _unnamed_table(r, ident, m.sentence)


# 'a MapReduce job counts ... and writes it to an internal table': a table the text does not
# name, the job's output, where what it computed is read from (a store of kind warehouse).
WRITES_TABLE = re.compile(
    r"\b(?:writes?|loads?|saves?|puts?|stores?)\s+(?:it|them|the results?|that|those|the "
    r"(?:counts?|shares?|totals?|aggregates?))\s+(?:to|into|in)\s+(?:a|an|our)\s+(?:(?:internal|"
    r"new|separate|single|small|shared|big|plain)\s+)?table\b"
)


def _unnamed_table(r: Reading, job: str, s: Sentence) -> None:
    m = WRITES_TABLE.search(s.lower)
    if m is None or any(x.sentence is s and m.start() <= x.start < m.end() for x in r.found):
        return
    ident = f"{job}_table"
    words = quote(s, *m.span())
    r.draft.component("stores", ident, words, kind="warehouse")
    r.draft.notes[("stores", ident, "id")] = "note: the text does not name this table"
    r.draft.add_to(("pipelines", job, "outputs"), ident, words)


EVERYTHING = re.compile(
    r"\b(?:lands?|loads?|copies|ingests?|collects?)\s+(?:everything|all of (?:it|them)|them|it)\b"
)


def _sources_by_word(r: Reading, text: str) -> list[str]:
    """Sources named only by what they are whose naming word the job's words use ('counts the
    share of all searches' ... 'the search logs'), when the job's sentence names no source."""
    d = r.draft
    out = []
    for ident in d.ids("sources"):
        if d.get(("sources", ident, "technology")) is not None:
            continue
        word = ident.split("_")[0]
        if len(word) >= 5 and re.search(rf"\b{re.escape(word[:5])}\w*", text):
            out.append(ident)
    return out if len(out) == 1 else []


def _landed_in(r: Reading, s: Sentence, offset: int, segment: str) -> list[str]:
    """The object stores a job's part of ``s`` says it writes or lands data in."""
    return [
        x.tech.name
        for x in r.found
        if x.sentence is s
        and offset <= x.start < offset + len(segment)
        and r.draft.get(("stores", x.tech.name, "kind")) == "object_store"
    ]


def _named_before(r: Reading, s: Sentence) -> list[str]:
    """The sources of the three sentences before ``s`` when ``s`` says its job takes 'everything'
    or 'them'."""
    if not EVERYTHING.search(s.lower):
        return []
    i = r.sents.index(s)
    before = {id(b) for b in r.sents[max(0, i - 3) : i]}
    return list(
        dict.fromkeys(
            x.tech.name
            for x in r.found
            if id(x.sentence) in before and r.draft.has("sources", x.tech.name)
        )
    )


def trained_on_landed(r: Reading) -> None:
    """A training job whose inputs the text does not name trains on what the system's own jobs
    land in object stores ('lands everything in the event lake, and a daily job retrains the
    model')."""
    d = r.draft
    landed = [
        o
        for p in d.ids("pipelines")
        if d.get(("pipelines", p, "kind")) == "etl"
        for o in d.get(("pipelines", p, "outputs")) or []
        if d.get(("stores", o, "kind")) == "object_store"
    ]
    for p in d.ids("pipelines"):
        if d.get(("pipelines", p, "kind")) == "training" and not d.get(("pipelines", p, "inputs")):
            for o in dict.fromkeys(landed):
                d.add_to(("pipelines", p, "inputs"), o, "")
            if landed:
                d.notes[("pipelines", p, "inputs")] = "note: what the text's jobs land for it"


def _listed_job(r: Reading, m: Mention, name: str, sents: list[Sentence]) -> None:
    """One job of a list under ``m``'s sentence, named as the list names it, with the role and
    cadence of its own item's sentences."""
    d = r.draft
    role = next((role for s in sents for role, _, _ in _roles(s) if role != "etl"), "etl")
    words = quote(sents[0], 0, len(sents[0].lower))
    d.component("pipelines", name, words, kind=role, engine=m.tech.name)
    cadence = next((c for s in sents if (c := find_cadence(s.lower, s))), None)
    if cadence and cadence[1] and cadence[0] != "continuous":
        d.put(("pipelines", name, "schedule"), cadence[0], cadence[1])
    batch_kinds = ("warehouse", "database", "object_store")
    for s in sents:
        for i in r.same_sentence(s, "sources", batch_kinds):
            d.add_to(("pipelines", name, "inputs"), i, words)


def _feature_tables(r: Reading, job: str, s: Sentence) -> None:
    """'Features are built by dbt in Snowflake': the job writes its features to tables in that
    warehouse, which is where the model's runs read them (a store of kind warehouse)."""
    d = r.draft
    built = re.search(
        r"\bfeatures?\b[^.;]*?\b(?:built|computed|calculated|materiali[sz]ed|"
        r"produced|generated)\b",
        s.lower,
    )
    if not built:
        return
    for x in r.found:
        if x.sentence is not s or x.tech.kind != "warehouse" or x.start < built.end():
            continue
        if not re.search(r"\b(?:in|into|inside)\s+(?:the\s+|our\s+)?$", s.lower[: x.start]):
            continue
        ident = f"{x.tech.name}_features"
        words = quote(s, built.start(), x.end)
        d.component("stores", ident, words, kind="warehouse", technology=x.tech.name)
        d.add_to(("pipelines", job, "outputs"), ident, words)
        return


def _availability(r: Reading) -> None:
    pattern = re.compile(r"(?P<pct>\d{2}(?:\.\d+)?)\s*%\s*(?:availability|uptime|available)")
    for s in r.sents:
        for m in pattern.finditer(s.lower):
            near = [x for x in r.found if x.sentence is s]
            target = min(near, key=lambda x: abs(x.start - m.start()), default=None)
            if target is None:
                continue
            value = round(float(m.group("pct")) / 100, 6)
            for section in ("sources", "stores"):
                if r.draft.has(section, target.tech.name):
                    r.draft.put(
                        (section, target.tech.name, "availability"),
                        value,
                        quote(s, m.start(), m.end()),
                    )
