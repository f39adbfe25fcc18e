"""Draft a manifest from a prose description, offline and deterministically.

Only what the text states is written: technologies from the shipped catalogue, numbers with their
units, rates, cadences and a few yes/no facts with clear wording (negation included). Each value
keeps the words it came from. Anything else stays unknown, for the review's questions to ask.
The conventions (one source per data technology, a pipeline per engine and role...) are in
docs/from-text.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlreview.draft.draft import Draft
from mlreview.draft.prose import (
    NUMBER,
    UNIT,
    Mention,
    Sentence,
    duration_text,
    mentions,
    number,
    sentences,
)
from mlreview.system.units import parse_duration_seconds

Found = tuple[Sentence, re.Match[str]]

SOURCE_KINDS = {
    "stream": "stream",
    "warehouse": "batch_table",
    "database": "database",
    "object_store": "files",
    "model_api": "third_party",
}
STORE_KINDS = {"online_store": "online", "cache": "cache", "feature_store": "online"}
BATCH_ENGINES = ("scheduler", "batch_engine")
A_OR_NUMBER = r"(?P<num>\d+(?:\.\d+)?|an?|one|two|three|four|six|twelve)"
SMALL_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "six": 6.0,
    "twelve": 12.0,
}

DOMAINS: tuple[tuple[str, str, str], ...] = (
    (r"fraud|chargeback", "fraud-detection", "classification"),
    (r"churn", "churn-prediction", "classification"),
    (r"credit|\bloans?\b|underwrit|lending", "credit-risk", "classification"),
    (r"\bspam|abuse|moderation", "content-moderation", "classification"),
    (
        r"lead[- ]scor|propensity|readmission|\brisk (?:model|scor)|classif",
        "classification",
        "classification",
    ),
    (
        r"recommend|recsys|(?:home|news|main|activity|social) feed|feed rank|for[- ]you",
        "recommendations",
        "ranking",
    ),
    (r"search rank|ranking|ranker|re-?rank", "ranking", "ranking"),
    (r"forecast|demand planning", "forecasting", "forecast"),
    (r"pricing|price prediction|\beta\b|delivery time", "pricing", "regression"),
    (r"click[- ]through|\bctr\b|ad (?:ranking|click)", "ads-ctr", "ranking"),
)

CADENCES: tuple[tuple[str, str], ...] = (
    (r"\bnightly\b|every night|each night|overnight", "daily"),
    (r"\bdaily\b|every day|each day|once a day|every morning|each morning", "daily"),
    (r"\bhourly\b|every hour|each hour|once an hour", "hourly"),
    (
        r"\bweekly\b|every week|each week|once a week|every (?:sun|mon|tues|wednes|thurs|fri|"
        r"satur)day",
        "weekly",
    ),
    (r"\bmonthly\b|every month|each month|once a month", "monthly"),
    (r"\bquarterly\b|every quarter|each quarter", "every 90d"),
)
ROLES: tuple[tuple[str, str], ...] = (
    ("training", r"\b(?:re)?train"),
    (
        "batch_inference",
        r"\bscor(?:e|es|ing)\b|batch predict|\binference\b|forecasts? for|"
        r"\bper (?:user|customer|sku|item)\b|for every (?:user|customer)|\btop-?\d+",
    ),
    ("materialization", r"materiali[sz]"),
    ("feature_batch", r"\bfeatures?\b|aggregat|\bcompute"),
)
JOB_WORDS = re.compile(
    r"\bjobs?\b|\bdags?\b|pipelines?|\bflows?\b|\betl\b|\bruns?\b|\bcop(?:y|ies)\b|\bloads?\b|"
    r"\bexports?\b|\bfill"
)
ONLINE_CUES = re.compile(
    r"real[- ]?time|\bonline\b|per request|every request|each request|\brps\b|\bqps\b|\btps\b|"
    r"requests?\s*(?:/|per|a)\s*s|\bapi\b|endpoints?\b|\bp99\b"
)
BATCH_CUES = re.compile(
    r"batch (?:scor|predict|inferenc|forecast)|\bin batch\b|serving: batch|batch serving|"
    r"(?:scores?|scored|scoring|predicts?)\b[^.;]*\b(?:nightly|every night|overnight)|"
    r"\bbatch forecasts?\b|it'?s batch"
)
LABEL_CUES = re.compile(
    r"\blabels?\b|chargebacks?|ground truth|\boutcomes?\b|\bclicks?\b|conversions?|ratings?|"
    r"annotat|\bfeedback\b|\bactuals?\b|\bconfirm(?:s|ed)? (?:fraud|anomal)|"
    r"\bdefaults? (?:show|arrive|are known|happen)|\bpurchases? are\b|watch-through|"
    r"readmissions? are known|won or lost|counts? as (?:churned|fraud|positive|defaulted)|"
    r"churned if"
)
LABEL_KINDS: tuple[tuple[str, str], ...] = (
    (
        "human",
        r"\bhuman\b|annotators?|moderators?|investigators?|analysts?|reviewers?|"
        r"corrections?|engineers confirm|reps mark|labell?ers",
    ),
    ("implicit", r"\bclicks?\b|conversions?|purchases?|watch|dwell|engagement"),
    ("explicit", r"ratings?|thumbs|surveys?"),
    (
        "outcome",
        r"chargebacks?|defaults?|repaid|repay|outcomes?|\bsales\b|actuals?|cancel|churn|"
        r"readmission|leave",
    ),
)


def _words(s: Sentence, start: int = 0, end: int | None = None, width: int = 70) -> str:
    """The whole words around [start, end) of a sentence, about ``width`` characters at most."""
    text = s.text.rstrip(".;!?")
    if end is None:
        start, end = 0, len(text)
    else:
        start, end = s.span(start, end)
    end = min(end, len(text))
    if len(text) <= width:
        return text
    slack = max(0, width - (end - start)) // 2
    lo, hi = max(0, start - slack), min(len(text), end + slack)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return ("..." if lo else "") + text[lo:hi].strip() + ("..." if hi < len(text) else "")


def _at(found: Found) -> str:
    s, m = found
    return _words(s, m.start(), m.end())


def _first(pattern: str | re.Pattern[str], sents: Iterable[Sentence]) -> Found | None:
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    for s in sents:
        m = regex.search(s.lower)
        if m:
            return s, m
    return None


def _all(pattern: str, sents: Iterable[Sentence]) -> list[Found]:
    regex = re.compile(pattern)
    return [(s, m) for s in sents for m in regex.finditer(s.lower)]


def _fact(draft: Draft, key: tuple[str, ...], pattern: str, sents: list[Sentence]) -> None:
    """A yes/no fact: true where the wording appears, false where it is negated."""
    found = _first(pattern, sents)
    if found:
        s, m = found
        draft.put(key, not s.negated(m.start(), m.end()), _at(found))


def _small(text: str) -> float:
    return SMALL_NUMBERS.get(text) or float(text)


def _cadence(text: str, s: Sentence, offset: int = 0) -> tuple[str, str] | None:
    """The first cadence stated in ``text`` (a part of ``s`` starting at ``offset``)."""
    every = re.search(r"every\s+" + NUMBER + r"\s*(?P<unit>" + UNIT + r")\b", text)
    if every:
        return (
            f"every {duration_text(number(every), every.group('unit'))}",
            _words(s, offset + every.start(), offset + every.end()),
        )
    best: tuple[int, str, re.Match[str]] | None = None
    for pattern, cadence in CADENCES:
        m = re.search(pattern, text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), cadence, m)
    if best is None:
        return None
    return best[1], _words(s, offset + best[2].start(), offset + best[2].end())


def _segments(s: Sentence) -> list[tuple[int, str]]:
    """Parts of a sentence joined by 'and', 'then' or commas, with their offsets."""
    out, pos = [], 0
    for m in re.finditer(r",\s*|\s+and\s+(?:a|an|the|then)?\s*|\s+then\s+", s.lower):
        out.append((pos, s.lower[pos : m.start()]))
        pos = m.end()
    out.append((pos, s.lower[pos:]))
    return out


class Extractor:
    def __init__(self, text: str) -> None:
        self.sents = sentences(text)
        self.found = mentions(self.sents)
        self.draft = Draft()

    def of_kind(self, *kinds: str) -> list[Mention]:
        return [m for m in self.found if m.tech.kind in kinds]

    def run(self) -> Draft:
        self._system()
        self._data()
        self._model()
        self._endpoint()
        self._feedback()
        self._monitoring()
        return self.draft

    # --- system ------------------------------------------------------------------------------

    def _system(self) -> None:
        d = self.draft
        name, words, decision = "ml-system", "", None
        hits = [
            (f[0].start + f[1].start(), i, f)
            for i, (p, _, _) in enumerate(DOMAINS)
            if (f := _first(p, self.sents))
        ]
        if hits:
            _, i, found = min(hits)
            name, words, decision = DOMAINS[i][1], _at(found), DOMAINS[i][2]
        d.put(("system", "name"), name, words)
        if not words:
            d.notes[("system", "name")] = "placeholder: the text names no system; rename it"
        if decision:
            d.put(("system", "decision", "type"), decision, words)
        owner = _first(r"\b(?:owned|run|maintained|built) by (?:the )?([\w-]+) team\b", self.sents)
        if owner:
            d.put(("system", "owner"), owner[1].group(1), _at(owner))
        crit = _first(r"\b(?:business|mission|revenue|safety)[- ]critical\b", self.sents)
        if crit:
            d.put(("system", "criticality"), "critical", _at(crit))
        verbs = r"block|decline|approve|reject|place|order|adjust|send|ban|hold|hide|flag"
        auto = _first(
            rf"\bautomatically (?:{verbs})|\bauto[- ](?:{verbs})|\b(?:{verbs})(?:e?d) "
            r"automatically|\bfeeds? [\w ]{1,40} automatically",
            self.sents,
        )
        if auto and not auto[0].negated(auto[1].start(), auto[1].end()):
            d.put(("system", "decision", "automated_action"), True, _at(auto))
        manual = _first(
            r"\bnothing is automated|\bby hand\b[^.;]*\b(?:call|decide|review)|"
            r"\b(?:who|which) (?:call|decide)|"
            r"(?:analysts?|investigators?|humans?) (?:review|decide)",
            self.sents,
        )
        if manual and not auto:
            d.put(("system", "decision", "automated_action"), False, _at(manual))
        self._traffic()

    def _traffic(self) -> None:
        d = self.draft
        things = (
            r"requests?|reqs?|calls|predictions|transactions|events|scores|lookups|queries|times"
        )
        rate = re.compile(
            NUMBER + rf"\s*(?:(?:{things})\s*)?(?:(?P<unit>rps|qps|tps)\b|(?:/|per|an?|each)\s*"
            r"(?P<per>s\b|sec\b|second|minute|min\b|hour|day))"
        )
        for s in self.sents:
            for m in rate.finditer(s.lower):
                if m.group("unit") is None and not re.search(things, m.group(0)):
                    continue
                value = number(m)
                per = m.group("per") or "s"
                words = _words(s, m.start(), m.end())
                if per.startswith("day"):
                    d.put(("system", "traffic", "daily_predictions"), value, words)
                elif per.startswith("hour"):
                    d.put(("system", "traffic", "peak_qps"), round(value / 3600, 3), words)
                elif per.startswith("min"):
                    d.put(("system", "traffic", "peak_qps"), round(value / 60, 3), words)
                else:
                    d.put(("system", "traffic", "peak_qps"), value, words)
        everyone = _first(
            NUMBER + r"\s+(?:customers|subscribers|users|stores|accounts)\b[^.;]*"
            r"(?:every night|nightly|daily|each night|every day)",
            self.sents,
        )
        if everyone and re.search(r"scor|predict", everyone[0].lower):
            d.put(("system", "traffic", "daily_predictions"), number(everyone[1]), _at(everyone))
        growth = _first(
            r"(?P<n>\d+(?:\.\d+)?)\s*x\b(?=[^.;]*\b(?:traffic|growth|grow|load|peak|spike|volume|"
            r"scale|black friday|launch|season|normal|next year))|"
            r"(?:traffic|volume|load|expect)[^.;]*?\b(?P<n2>\d+(?:\.\d+)?)\s*x\b|"
            r"\b(?P<word>double|triple|tenfold|ten[- ]fold)\b",
            self.sents,
        )
        if growth:
            m = growth[1]
            if m.group("word"):
                value = {"double": 2.0, "triple": 3.0}.get(m.group("word"), 10.0)
            else:
                value = float(m.group("n") or m.group("n2"))
            d.put(("system", "traffic", "growth_multiplier"), value, _at(growth))

    # --- data --------------------------------------------------------------------------------

    def _data(self) -> None:
        d = self.draft
        for m in self.of_kind(*SOURCE_KINDS):
            words = _words(m.sentence, m.start, m.end)
            d.component(
                "sources",
                m.tech.name,
                words,
                kind=SOURCE_KINDS[m.tech.kind],
                technology=m.tech.name,
            )
        for m in self.of_kind(*STORE_KINDS):
            words = _words(m.sentence, m.start, m.end)
            kind = STORE_KINDS[m.tech.kind]
            if m.tech.kind == "feature_store" and not re.search(
                r"online|serv|look ?up|real", m.sentence.lower
            ):
                kind = "offline"
            d.component("stores", m.tech.name, words, kind=kind, technology=m.tech.name)
            ttl = re.search(
                r"(?P<num>\d+)[- ]?(?P<unit>" + UNIT + r")\s+ttl|ttl of\s+(?P<num2>\d+)\s*"
                r"(?P<unit2>" + UNIT + r")\b",
                m.sentence.lower,
            )
            if ttl:
                text = duration_text(
                    float(ttl.group("num") or ttl.group("num2")),
                    ttl.group("unit") or ttl.group("unit2"),
                )
                d.put(
                    ("stores", m.tech.name, "ttl"), text, _words(m.sentence, ttl.start(), ttl.end())
                )
        for m in self.of_kind("stream_engine"):
            self._stream_job(m)
        done: set[tuple[int, str]] = set()
        for m in self.of_kind(*BATCH_ENGINES):
            for role, offset, segment in self._roles(m.sentence):
                if (m.sentence.start, role) not in done:
                    done.add((m.sentence.start, role))
                    self._batch_job(m, role, offset, segment)
        self._availability()

    @staticmethod
    def _roles(s: Sentence) -> list[tuple[str, int, str]]:
        """(role, offset, text) for each kind of job the sentence describes; a sentence that
        names an engine without a job (e.g. 'data lives in Delta Lake on Databricks') has none."""
        out: list[tuple[str, int, str]] = []
        for offset, segment in _segments(s):
            for role, pattern in ROLES:
                if re.search(pattern, segment) and role not in [r for r, _, _ in out]:
                    out.append((role, offset, segment))
                    break
        several = re.search(
            r"\b(?:second|another|separate|other) (?:job|dag|flow|pipeline)", s.lower
        )
        cadences = {c[0] for _, o, t in out if (c := _cadence(t, s, o))}
        if len(out) > 1 and not several and len(cadences) < len(out):
            order = [r for r, _ in ROLES]
            out = [min(out, key=lambda r: order.index(r[0]))]
        if out:
            return out
        if JOB_WORDS.search(s.lower):
            return [("etl", 0, s.lower)]
        return []

    def _same_sentence(self, s: Sentence, section: str, kinds: tuple[str, ...]) -> list[str]:
        return list(
            dict.fromkeys(
                m.tech.name
                for m in self.found
                if m.sentence is s and m.tech.kind in kinds and self.draft.has(section, m.tech.name)
            )
        )

    def _previous(self, s: Sentence) -> Sentence | None:
        i = self.sents.index(s)
        return self.sents[i - 1] if i > 0 else None

    def _stream_job(self, m: Mention) -> None:
        d = self.draft
        ident = "stream_job" if not d.has("pipelines", "stream_job") else f"{m.tech.name}_job"
        words = _words(m.sentence, m.start, m.end)
        stores = self._same_sentence(m.sentence, "stores", tuple(STORE_KINDS))
        feature_words = re.search(r"feature|aggregat|velocity|rolling|counts?", m.sentence.lower)
        kind = "feature_stream" if stores or feature_words else "etl"
        d.component("pipelines", ident, words, kind=kind, engine=m.tech.name)
        d.put(("pipelines", ident, "schedule"), "continuous", words)
        inputs = self._same_sentence(m.sentence, "sources", ("stream",)) or [
            x.tech.name for x in self.of_kind("stream")
        ]
        outputs = stores or self._same_sentence(m.sentence, "sources", ("warehouse",))
        if not outputs and kind == "feature_stream":
            outputs = [x.tech.name for x in self.of_kind(*STORE_KINDS)]
        for i in dict.fromkeys(inputs):
            d.add_to(("pipelines", ident, "inputs"), i, words)
        for o in dict.fromkeys(outputs):
            d.add_to(("pipelines", ident, "outputs"), o, words)

    def _batch_job(self, m: Mention, role: str, offset: int, segment: str) -> None:
        d = self.draft
        ident = {
            "training": "training",
            "batch_inference": "batch_scoring",
            "feature_batch": "batch_features",
            "materialization": "materialization",
            "etl": "etl",
        }[role]
        if d.has("pipelines", ident) and d.get(("pipelines", ident, "engine")) != m.tech.name:
            ident = f"{ident}_{m.tech.name}"
        words = _words(m.sentence, m.start, m.end)
        d.component("pipelines", ident, words, kind=role, engine=m.tech.name)
        cadence = _cadence(segment, m.sentence, offset) or _cadence(m.sentence.lower, m.sentence)
        if cadence and cadence[1] and cadence[0] != "continuous":
            d.put(("pipelines", ident, "schedule"), cadence[0], cadence[1])
        batch_kinds = ("warehouse", "database", "object_store")
        inputs = self._same_sentence(m.sentence, "sources", batch_kinds)
        before = self._previous(m.sentence)
        if before and re.search(
            r"\b(?:pulls?|reads?|loads?|copies|ingests?) (?:them|it)\b", m.sentence.lower
        ):
            inputs = self._same_sentence(before, "sources", batch_kinds) + inputs
        if not inputs and role == "training":
            inputs = [x.tech.name for x in self.of_kind(*batch_kinds)]
        if (
            role in ("batch_inference", "materialization", "feature_batch")
            and inputs
            and re.search(r"(?:writ|push|fill|load|sav)\w* [^.;]*\b(?:to|into)\b", m.sentence.lower)
        ):
            inputs = [i for i in inputs if f"to {i}" not in m.sentence.lower]
        if role != "batch_inference" or not re.search(r"(?:writ|push)\w*", m.sentence.lower):
            for i in dict.fromkeys(inputs):
                d.add_to(("pipelines", ident, "inputs"), i, words)
        if role in ("feature_batch", "materialization", "batch_inference"):
            for o in self._same_sentence(m.sentence, "stores", tuple(STORE_KINDS)):
                d.add_to(("pipelines", ident, "outputs"), o, words)

    def _availability(self) -> None:
        pattern = re.compile(r"(?P<pct>\d{2}(?:\.\d+)?)\s*%\s*(?:availability|uptime|available)")
        for s in self.sents:
            for m in pattern.finditer(s.lower):
                near = [x for x in self.found if x.sentence is s]
                target = min(near, key=lambda x: abs(x.start - m.start()), default=None)
                if target is None:
                    continue
                value = round(float(m.group("pct")) / 100, 6)
                for section in ("sources", "stores"):
                    if self.draft.has(section, target.tech.name):
                        self.draft.put(
                            (section, target.tech.name, "availability"),
                            value,
                            _words(s, m.start(), m.end()),
                        )

    # --- model -------------------------------------------------------------------------------

    def _model(self) -> None:
        d = self.draft
        families = self.of_kind("model_family")
        domain = str(d.get(("system", "name")) or "model").split("-")[0]
        if families:
            f = families[0]
            ident = f"{domain}_{f.tech.name}" if domain != "ml" else f.tech.name
            d.component("models", ident, _words(f.sentence, f.start, f.end), family=f.tech.name)
        elif _first(r"\bmodels?\b|\bclassifier\b|\bregressor\b|\bforecaster\b", self.sents):
            ident = f"{domain}_model" if domain != "ml" else "model"
            d.component("models", ident, "")
        else:
            return
        train = r"\b(?:re)?train(?:ed|s|ing)?\b"
        for s in self.sents:
            if not re.search(train, s.lower):
                continue
            parts = [(o, t) for o, t in _segments(s) if re.search(train, t)] + [(0, s.lower)]
            cadence = next((c for o, t in parts if (c := _cadence(t, s, o))), None)
            if cadence:
                d.put(("models", ident, "training", "cadence"), cadence[0], cadence[1])
        if d.has("pipelines", "training"):
            d.put(("models", ident, "training", "pipeline"), "training", "")
        _fact(
            d,
            ("models", ident, "training", "automated"),
            r"(?:automatically|auto[- ]?)(?:re)?train|promot\w* automatically|auto[- ]promot|"
            r"training is automated|automated (?:re)?training",
            self.sents,
        )
        _fact(
            d,
            ("models", ident, "validation_gate", "enabled"),
            r"validation gate|evaluation gate|promotion gate|(?:checked|evaluated|validated) "
            r"(?:against|before promot)",
            self.sents,
        )

    # --- serving -----------------------------------------------------------------------------

    def _mode(self) -> tuple[str, str] | None:
        """'online' or 'batch' with the words that say so, or None when nothing does."""
        platforms = self.of_kind("serving_platform")
        batch = _first(BATCH_CUES, self.sents)
        strong = _first(
            r"real[- ]?time|per request|every request|each request|\brps\b|\bqps\b|\btps\b|"
            r"requests?\s*(?:/|per|a)\s*s|\bp99\b",
            self.sents,
        )
        if batch and not strong:
            return "batch", _at(batch)
        if platforms:
            p = platforms[0]
            return "online", _words(p.sentence, p.start, p.end)
        online = _first(ONLINE_CUES, self.sents)
        if online:
            return "online", _at(online)
        return ("batch", _at(batch)) if batch else None

    def _endpoint(self) -> None:
        d = self.draft
        models = d.ids("models")
        found = self._mode() if models else None
        if found is None:
            return
        mode, words = found
        platforms = self.of_kind("serving_platform")
        ident = "api" if mode == "online" else "batch_scoring_run"
        d.component("endpoints", ident, words, model=models[0], mode=mode)
        key = ("endpoints", ident)
        if mode != "online":
            return
        if platforms:
            d.put((*key, "platform"), platforms[0].tech.name, words)
        self._latency(key)
        self._replicas(key)
        self._serving_facts(key)
        for m in self.of_kind(*STORE_KINDS, "model_api"):
            name = m.tech.name
            section = "sources" if m.tech.kind == "model_api" else "stores"
            if d.get((section, name, "kind")) in ("online", "cache", "third_party"):
                self._dependency(key, name, m)

    def _latency(self, key: tuple[str, ...]) -> None:
        d = self.draft
        pct = r"p99|p95|p50|99th|95th|median|latency"
        latency = re.compile(
            rf"(?P<pct>{pct})(?:(?!{pct})[^.;]){{0,60}}?"
            + NUMBER
            + r"\s*(?P<unit>ms|milliseconds?|msec|s|seconds?)\b"
        )
        target_words = r"must|under|below|within|slo|target|budget|less than|<|at most|stay|want"
        for s in self.sents:
            for m in latency.finditer(s.lower):
                ms = number(m) * (1 if m.group("unit").startswith("m") else 1000)
                words = _words(s, m.start(), m.end())
                target = re.search(target_words, m.group(0)) or re.search(
                    r"(?:slo|target)\b", s.lower[max(0, m.start() - 20) : m.start()]
                )
                which = m.group("pct")
                measured = re.search(
                    r"measured|observed|currently|today|actual|we see|runs at|takes|answering",
                    s.lower[max(0, m.start() - 30) : m.end()],
                )
                if which in ("p99", "99th") and not target and not measured:
                    target = m
                if target and which in ("p99", "99th", "latency"):
                    d.put((*key, "slo", "p99_ms"), ms, words)
                elif not target and which in ("p50", "median"):
                    d.put((*key, "service_time", "p50_ms"), ms, words)
        after = _first(
            NUMBER + r"\s*(?P<unit>ms|milliseconds?)\s+(?:at\s+)?(?P<pct>p50|median)", self.sents
        )
        if after:
            d.put((*key, "service_time", "p50_ms"), number(after[1]), _at(after))
        takes = _first(
            r"(?:model|inference|prediction|scoring)[^.;]{0,30}?takes?\s*(?:about|around|~)?\s*"
            + NUMBER
            + r"\s*(?P<unit>ms|milliseconds?)\b",
            self.sents,
        )
        if takes:
            d.put((*key, "service_time", "p50_ms"), number(takes[1]), _at(takes))

    def _replicas(self, key: tuple[str, ...]) -> None:
        d = self.draft
        things = r"(?:instances?|replicas?|pods?|nodes?|containers?|servers?|copies|tasks?)"
        span = _first(
            r"(?:between|from)\s+(?P<lo>\d+)\s+(?:and|to)\s+(?P<hi>\d+)\s+(?:[\w.-]+\s+)?"
            + things
            + r"|(?P<lo2>\d+)\s*(?:-|\u2013|to)\s*(?P<hi2>\d+)\s+(?:[\w.-]+\s+)?"
            + things
            + r"|(?P<lo5>\d+)\s+"
            + things
            + r"\s+minimum,?\s*(?:and\s+)?(?:up to|maximum)\s+"
            r"(?P<hi5>\d+)"
            + r"|min(?:imum)?\s+(?P<lo3>\d+)\s+"
            + things
            + r"?,?\s*(?:and\s+)?max(?:imum)?\s+"
            r"(?P<hi3>\d+)|min(?:imum)?\s+(?P<lo4>\d+)[^.;]{0,20}?max(?:imum)?\s+(?P<hi4>\d+)",
            self.sents,
        )
        if span:
            m = span[1]
            low = next(m.group(g) for g in ("lo", "lo2", "lo3", "lo4", "lo5") if m.group(g))
            high = next(m.group(g) for g in ("hi", "hi2", "hi3", "hi4", "hi5") if m.group(g))
            d.put((*key, "replicas", "min"), int(low), _at(span))
            d.put((*key, "replicas", "max"), int(high), _at(span))
            return
        serving = [
            s
            for s in self.sents
            if re.search(r"serv|endpoint|deploy|\bapi\b|host|\bruns?\b", s.lower)
        ]
        count = _first(
            NUMBER + r"\s+(?:x\s+)?(?:(?!per\b|each\b|a\b)[\w.-]+\s+)?" + things + r"\b", serving
        )
        if count:
            s, m = count
            n = int(number(m))
            d.put((*key, "replicas", "min"), n, _at(count))
            if re.search(
                r"\bfixed\b|\bstatic\b|no autoscal|not autoscal|without autoscal", s.lower
            ):
                d.put((*key, "replicas", "max"), n, _at(count))
            upto = re.search(r"(?:up to|max(?:imum)?(?: of)?)\s+(\d+)", s.lower[m.end() :])
            if upto:
                d.put((*key, "replicas", "max"), int(upto.group(1)), _at(count))

    def _serving_facts(self, key: tuple[str, ...]) -> None:
        d, sents = self.draft, self.sents
        _fact(
            d,
            (*key, "autoscaling", "enabled"),
            r"auto[- ]?scal|\bhpa\b|scales? (?:out|up) automatically",
            sents,
        )
        per_replica = _first(
            NUMBER + r"\s+(?:[\w-]+\s+)?gpus?\b[^.;]{0,20}?\b(?:per|each|a)\s+"
            r"(?:replica|instance|pod|node)|\bgpus?,? (?P<one>one) per (?:replica|instance|pod)|"
            r"\beach pod with (?P<each>one|\d+)",
            sents,
        )
        if per_replica:
            m = per_replica[1]
            value = m.group("one") or m.group("each")
            count = _small(value) if value else number(m)
            d.put((*key, "accelerators_per_replica"), int(count), _at(per_replica))
        gpu = _first(r"\b(?:nvidia\s+)?(t4|a10g|a100|l4|v100|h100|k80|a10)\b", sents)
        if gpu:
            d.put((*key, "accelerator"), f"nvidia-{gpu[1].group(1)}", _at(gpu))
        cold = _first(
            r"cold[- ]starts?[^.;]{0,40}?" + NUMBER + r"\s*(?P<unit>" + UNIT + r")\b",
            sents,
        )
        if cold:
            m = cold[1]
            d.put((*key, "cold_start"), duration_text(number(m), m.group("unit")), _at(cold))
        _fact(d, (*key, "release", "canary"), r"\bcanar(?:y|ies)", sents)
        _fact(
            d,
            (*key, "release", "shadow"),
            r"\bshadow(?:ed|ing)? (?:mode|deploy|traffic|test)",
            sents,
        )
        _fact(
            d,
            (*key, "release", "auto_rollback"),
            r"(?:automatic|auto)[- ]?rollbacks?|(?:rolls?|rolled) back automatically",
            sents,
        )
        self._logging(key)
        _fact(
            d, (*key, "admission", "load_shedding"), r"load[- ]shedding|shed(?:s|ding)? load", sents
        )
        _fact(d, (*key, "admission", "rate_limit"), r"rate[- ]limit", sents)
        zones = _first(
            r"\b(?:single|one|1)[- ](?:availability[- ])?(?:zone|az)\b|(?P<n>\d|two|three)\s+"
            r"(?:availability[- ])?(?:zones|azs)\b",
            sents,
        )
        if zones:
            n = zones[1].group("n")
            d.put((*key, "zones"), int(_small(n)) if n else 1, _at(zones))

    def _logging(self, key: tuple[str, ...]) -> None:
        """'We log served features and predictions', 'predictions are logged, features are not'."""
        for s in self.sents:
            verb = re.search(r"\blog(?:s|ged|ging)?\b(?! (?:are|is|files?|land))", s.lower)
            if not verb or re.search(r"(?:click|access|request|server) logs", s.lower):
                continue
            for field, noun in (
                ("features", r"features|feature values|inputs"),
                ("predictions", r"predictions|scores"),
            ):
                m = re.search(rf"\b(?:{noun})\b", s.lower)
                if not m:
                    continue
                denied = re.match(r"\s*(?:are|is) not\b", s.lower[m.end() :])
                not_done = s.negated(verb.start(), verb.end()) and verb.start() < m.start()
                said = not (denied or not_done or s.negated(m.start(), m.end()))
                self.draft.put((*key, "logging", field), said, _words(s, m.start(), m.end()))

    def _dependency(self, key: tuple[str, ...], target: str, m: Mention) -> None:
        d = self.draft
        deps: list[dict[str, object]] = d.data["endpoints"][key[1]].setdefault("dependencies", [])
        if any(dep["target"] == target for dep in deps):
            return
        dep: dict[str, object] = {"target": target}
        deps.append(dep)
        index = str(len(deps) - 1)
        d.words[(*key, "dependencies", index, "target")] = _words(m.sentence, m.start, m.end)
        i = self.sents.index(m.sentence)
        near = [
            s for s in self.sents if m.sentence is s or target.split("-", maxsplit=1)[0] in s.lower
        ]
        near += self.sents[i + 1 : i + 2]
        timeout = _first(
            r"time ?outs?\b[^.;]{0,20}?" + NUMBER + r"\s*(?P<unit>ms|milliseconds?)\b|"
            r"(?P<num2>\d+)\s*ms time ?out",
            near,
        )
        if timeout:
            t = timeout[1]
            dep["timeout_ms"] = float(t.group("num2")) if t.group("num2") else number(t)
            d.words[(*key, "dependencies", index, "timeout_ms")] = _at(timeout)
        fallback = _first(
            r"fall(?:s|ing)? ?back to (?:a |the )?(default|cache|cached|heuristic|rule)", near
        )
        if fallback:
            word = fallback[1].group(1)
            dep["fallback"] = {"cached": "cache", "rule": "heuristic"}.get(word, word)
            d.words[(*key, "dependencies", index, "fallback")] = _at(fallback)

    # --- feedback ----------------------------------------------------------------------------

    def _feedback(self) -> None:
        d = self.draft
        models = d.ids("models")
        label_sents = [s for s in self.sents if LABEL_CUES.search(s.lower)]
        cue = _first(LABEL_CUES, label_sents)
        if not models or not cue:
            return
        if cue[0].negated(cue[1].start(), cue[1].end()) and len(label_sents) == 1:
            return
        d.component("feedback", "labels", _at(cue), model=models[0])
        key = ("feedback", "labels", "label")
        for s in label_sents:
            kind = next((k for k, p in LABEL_KINDS if re.search(p, s.lower)), None)
            if kind:
                m = re.search(dict(LABEL_KINDS)[kind], s.lower)
                assert m is not None
                d.put((*key, "kind"), kind, _words(s, m.start(), m.end()))
                break
        self._delay(key, label_sents)
        for x in self.of_kind(*SOURCE_KINDS):
            if re.search(r"\blabels? (?:come|are read|arrive) from", x.sentence.lower):
                d.put((*key, "source"), x.tech.name, _words(x.sentence, x.start, x.end))
                break
        rate = _first(
            r"(?:fraud|positive|base|click[- ]through|conversion|churn|default|spam) rate"
            r"[^.;]{0,20}?(?P<pct>\d+(?:\.\d+)?)\s*%|\bctr\b[^.;]{0,10}?(?P<pct2>\d+(?:\.\d+)?)\s*%",
            self.sents,
        )
        if rate:
            pct = rate[1].group("pct") or rate[1].group("pct2")
            d.put((*key, "base_rate"), round(float(pct) / 100, 6), _at(rate))
        self._holdout()

    def _holdout(self) -> None:
        d = self.draft
        holdout = _first(
            r"(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?:random )?hold[- ]?out|hold[- ]?out\s*(?:of|at)?\s*"
            r"(?P<pct2>\d+(?:\.\d+)?)\s*%|\bhold[- ]?out\b",
            self.sents,
        )
        if holdout:
            s, m = holdout
            enabled = not s.negated(m.start(), m.end())
            d.put(("feedback", "labels", "holdout", "enabled"), enabled, _at(holdout))
            pct = m.group("pct") or m.group("pct2")
            if enabled and pct:
                d.put(
                    ("feedback", "labels", "holdout", "fraction"),
                    round(float(pct) / 100, 6),
                    _at(holdout),
                )
        explore = _first(r"explor(?:e|ation|ing)|epsilon[- ]greedy|bandit", self.sents)
        if explore:
            s, m = explore
            d.put(
                ("feedback", "labels", "exploration", "enabled"),
                not s.negated(m.start(), m.end()),
                _at(explore),
            )

    def _delay(self, key: tuple[str, ...], sents: list[Sentence]) -> None:
        d = self.draft
        unit = r"(?P<unit>" + UNIT + r")\b"
        ranged = _first(
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
            low = _small(m.group("a") or m.group("a2"))
            high = _small(m.group("b") or m.group("b2"))
            d.put((*key, "delay", "p50"), duration_text(low, unit_word), _at(ranged))
            d.put((*key, "delay", "p95"), duration_text(high, unit_word), _at(ranged))
            return
        uptos = _all(r"(?:up to|within|at most|as late as)\s*" + A_OR_NUMBER + r"\s*" + unit, sents)
        if uptos:
            longest = max(
                uptos, key=lambda f: _seconds(_small(f[1].group("num")), f[1].group("unit"))
            )
            m = longest[1]
            d.put(
                (*key, "delay", "p95"),
                duration_text(_small(m.group("num")), m.group("unit")),
                _at(longest),
            )
            return
        after = _first(
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
            amount = _small(m.group("num") or m.group("num2"))
            d.put(
                (*key, "delay", "p50"),
                duration_text(amount, m.group("unit") or m.group("unit2")),
                _at(after),
            )
            return
        nextday = _first(r"\bthe next day\b|\bnext[- ]day\b", sents)
        if nextday:
            d.put((*key, "delay", "p50"), "1d", _at(nextday))

    # --- monitoring --------------------------------------------------------------------------

    def _monitoring(self) -> None:
        d, sents = self.draft, self.sents
        _fact(
            d,
            ("monitoring", "drift", "features"),
            r"(?:feature |input |data )?drift (?:is )?(?:monitor|detect|alert|check)|"
            r"monitor\w* (?:for )?(?:feature |data )?drift",
            sents,
        )
        _fact(
            d,
            ("monitoring", "skew", "training_serving"),
            r"training[- /]serving skew (?:monitor|check|detect|alert|comparison)|"
            r"(?:monitor|check|compare)\w* (?:for )?training[- /]serving skew",
            sents,
        )
        quality = _first(
            r"(?:track|monitor|review)\w* (?:the )?(?:forecast |model |prediction )?"
            r"(?:accuracy|performance|precision|recall|auc|mape|quality)|"
            r"(?:accuracy|performance|precision|recall|auc|quality)(?: \([^)]*\))? "
            r"(?:is |are )?(?:monitored|tracked|reviewed)",
            sents,
        )
        if quality:
            s = quality[0]
            alert = re.search(r"\balert", s.lower)
            if alert and not s.negated(alert.start(), alert.end()):
                signal: str | bool = "alert"
            elif "dashboard" in s.lower:
                signal = "dashboard"
            elif re.search(r"\bby (?:the |our )?[\w -]*team\b|manual|review", s.lower):
                signal = "manual"
            else:
                signal = True
            d.put(("monitoring", "quality", "label_based"), signal, _at(quality))
        _fact(
            d,
            ("monitoring", "system", "latency"),
            r"alert\w* on (?:p99 |the )?latency|latency (?:alert|alarm|monitor|dashboards?)",
            sents,
        )


def _seconds(amount: float, unit: str) -> float:
    return parse_duration_seconds(duration_text(amount, unit)) or 0.0


def draft_from_text(text: str) -> Draft:
    """The draft manifest a prose description supports, each value with its source words."""
    return Extractor(text).run()
