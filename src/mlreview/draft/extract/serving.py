"""Serving: the endpoint, its latency, replicas, release and logging facts, dependencies."""

from __future__ import annotations

import re

from mlreview.draft.draft import Draft
from mlreview.draft.extract.failure import call_facts, dependency_facts, endpoint_fallback
from mlreview.draft.extract.find import (
    Found,
    first,
    first_stated,
    quote,
    quote_found,
    small_number,
    yes_no,
)
from mlreview.draft.extract.model import roles
from mlreview.draft.extract.reading import SOURCE_KINDS, STORE_KINDS, Reading
from mlreview.draft.prose import NEGATION, NUMBER, UNIT, Mention, Sentence, duration_text, number

ONLINE_CUES = re.compile(
    r"real[- ]?time|\bonline\b|per request|every request|each request|\brps\b|\bqps\b|\btps\b|"
    r"requests?\s*(?:/|per|a)\s*s|\bapi\b|endpoints?\b|\bp99\b"
)
BATCH_CUES = re.compile(
    r"batch (?:scor|predict|inferenc|forecast|over|run|job|transform)|\bin batch\b|"
    r"serving: batch|batch serving|nightly batch|forecast run|"
    r"(?:scores?|scored|scoring|predicts?|forecasts?)\b[^.;]*\b(?:nightly|every night|overnight|"
    r"every (?:sun|mon|tues|wednes|thurs|fri|satur)day|every day|daily)|"
    r"\bbatch forecasts?\b|it'?s batch|\bscores? (?:every|all) (?:active |current |new )?\w+"
)
NO_ONLINE = re.compile(
    r"\bno (?:online|real[- ]?time) (?:serving|scoring|inference|endpoint)|"
    r"\bno real[- ]?time scoring"
)
# A scoring run of its own ("a nightly batch over all current inpatients", "batch scoring"), not a
# batch job that feeds the model ("a nightly batch load", "rider-level stuff, daily batch").
BATCH_PATH = re.compile(
    r"\b(?:nightly|daily|weekly|hourly) batch (?:over|across|of all|for all|run)\b|"
    r"\bbatch (?:scoring|predictions?|inference)\b"
)
# Scoring when asked, beside a batch run: 'and (2) on demand when a case manager opens the
# navigator, via a CDS Hooks call to a KServe InferenceService'.
ON_DEMAND = re.compile(
    r"\bon[- ]demand\b|\bsynchronous(?:ly)?\b|\bper request\b|\bwhen \w+ (?:opens|asks)"
)
STREAM_CUES = re.compile(
    r"reads each (?:event|message)|\bper event\b|picks each one up|consumes? each|"
    r"for each (?:event|message)\b"
)


def read(r: Reading) -> None:
    d = r.draft
    models = d.ids("models")
    found = _mode(r) if models else None
    if found is None:
        return
    mode, words = found
    if mode == "online" and _several(r, models):
        return
    beside = _on_demand_beside_batch(r) if mode == "batch" else None
    if beside:
        mode, words = "online", quote(beside.sentence, beside.start, beside.end)
    ident = "api" if mode == "online" else "batch_scoring_run"
    d.component("endpoints", ident, words, model=models[0], mode=mode)
    key = ("endpoints", ident)
    if mode == "batch":
        return
    _online(r, key)
    _calls(r, key)


def _on_demand_beside_batch(r: Reading) -> Mention | None:
    """The serving platform of an on-demand path when the text also states a batch scoring run
    of its own: both are endpoints (the batch one is drafted by batch_scoring)."""
    if first(NO_ONLINE, r.sents) or not first_stated(BATCH_PATH, r.sents):
        return None
    for m in r.of_kind("serving_platform"):
        if m.tech.name in GENERIC_PLATFORMS or m.sentence.negated(m.start, m.end):
            continue
        if ON_DEMAND.search(m.sentence.lower) and not BATCH_PATH.search(m.sentence.lower):
            return m
        if ON_DEMAND.search(m.sentence.lower[: m.start]):
            return m
    return None


def _online(
    r: Reading, key: tuple[str, ...], denied_onto: list[tuple[str, ...]] | None = None
) -> None:
    """The facts of one online endpoint, from the sentences of ``r``."""
    d = r.draft
    platform = _platform(r)
    if platform:
        d.put(
            (*key, "platform"),
            platform.tech.name,
            quote(platform.sentence, platform.start, platform.end),
        )
    _latency(r, key)
    _replicas(r, key)
    _serving_facts(r, key, denied_onto)
    _autoscaling(r, key)


def _calls(r: Reading, key: tuple[str, ...]) -> None:
    """The stores and services the endpoint calls, and its own fallback."""
    d = r.draft
    for m in r.of_kind(*STORE_KINDS, "model_api", "database", "online_api"):
        name = m.tech.name
        section = "stores" if m.tech.kind in STORE_KINDS else "sources"
        kind = d.get((section, name, "kind"))
        called = kind == "database" and PER_REQUEST.search(m.sentence.lower)
        if kind in ("online", "cache", "third_party", "online_api") or called:
            _dependency(r, key, name, m)
    endpoint_fallback(r, key)


SERVICE_NAME = re.compile(r"`(?P<name>[a-z][\w.-]{2,40})`\s*\(")


def _several(r: Reading, models: list[str]) -> bool:
    """Several serving components: models named by role, each with its own serving platform in
    the sentences about it ('The embedder is ..., served on KServe, 3 to 10 replicas'), and a
    service in front of them named with its own platform ('`assist-api` (FastAPI, 8 pods)').
    Each is an endpoint with the facts of its own sentences; the service calls the others.
    False (nothing drafted) when the text does not describe them so."""
    d = r.draft
    served = _served_models(r, models)
    inside = [s for scope in served.values() for s in scope]
    rest = r.view([s for s in r.sents if s not in inside])
    named = _named_service(rest)
    front = named[1] if named else _platform(rest)
    if not served or front is None:
        return False
    ident = named[0] if named else "api"
    own = [m for m in models if m not in served] or models
    key = ("endpoints", ident)
    d.component(
        "endpoints",
        ident,
        quote(front.sentence, front.start, front.end),
        model=own[0],
        mode="online",
    )
    d.put((*key, "platform"), front.tech.name, quote(front.sentence, front.start, front.end))
    d.notes[(*key, "model")] = (
        "reading taken: the model the text gives no serving of its own"
        if len(own) < len(models)
        else "reading taken: the text gives this service no model of its own"
    )
    ids = {model_id: f"{model_id}_endpoint" for model_id in served}
    for model_id, scope in served.items():
        on = next(m for m in r.view(scope).of_kind("serving_platform"))
        words = quote(on.sentence, on.start, on.end)
        d.component("endpoints", ids[model_id], words, model=model_id, mode="online")
    _online(rest, key, [("endpoints", e) for e in ids.values()])
    for model_id, scope in served.items():
        _online(r.view(scope), ("endpoints", ids[model_id]))
        _calls(r.view(scope), ("endpoints", ids[model_id]))
    heads = {ident: head for ident, head, _ in roles(r)}
    _calls(rest, key)
    if named:  # a service in front of the models: the request path calls each of them
        for model_id in served:
            _endpoint_dependency(r, key, ids[model_id], heads[model_id])
    return True


def _named_service(r: Reading) -> tuple[str, Mention] | None:
    """A service the text names with its serving platform in brackets ('`assist-api` (FastAPI,
    8 pods)'): its name and the platform's mention."""
    for s in r.sents:
        for hit in SERVICE_NAME.finditer(s.lower):
            on = [
                m
                for m in r.of_kind("serving_platform")
                if m.sentence is s and hit.end() <= m.start <= hit.end() + 2
            ]
            if on:
                return hit.group("name"), on[0]
    return None


REFERS_BACK = re.compile(r"\W*(?:it|they|this|that|the model)\b")


def _served_models(r: Reading, models: list[str]) -> dict[str, list[Sentence]]:
    """The sentences about each model named by role that has a serving platform of its own:
    the sentence naming it and those after it on the same line until another model is named."""
    named = [(i, h, f) for i, h, f in roles(r) if i in models]
    if len(named) < 2:
        return {}
    heads = {ident: head for ident, head, _ in named}

    def names(s: Sentence, who: str) -> bool:
        return bool(re.search(rf"\b{re.escape(heads[who])}\b", s.lower))

    def serves(s: Sentence, who: str) -> bool:
        """'the ranker runs on GKE': the model named before a serving platform, alone."""
        if any(names(s, o) for o in heads if o != who):
            return False
        at = re.search(rf"\b{re.escape(heads[who])}\b", s.lower)
        return at is not None and any(
            m.sentence is s and m.start > at.start() for m in r.of_kind("serving_platform")
        )

    out: dict[str, list[Sentence]] = {}
    for ident, _, family in named:
        starts = [family.sentence] + [s for s in r.sents if serves(s, ident)]
        scope: list[Sentence] = []
        for start in starts:
            run = [start]
            for s in r.sents[r.sents.index(start) + 1 :]:
                if any(names(s, o) for o in heads if o != ident) or not r.same_line(run[-1], s):
                    break
                elsewhere = any(m.sentence is s for m in r.of_kind("serving_platform"))
                if elsewhere and not names(s, ident) and not REFERS_BACK.match(s.lower):
                    break  # 'The retrieval endpoint is on Vertex AI': another serving component
                run.append(s)
            scope += [s for s in run if s not in scope]
        own = r.view(scope).of_kind("serving_platform")
        if any(not m.sentence.negated(m.start, m.end) for m in own):
            out[ident] = sorted(scope, key=lambda s: s.start)
    return out


def _endpoint_dependency(r: Reading, key: tuple[str, ...], target: str, head: str) -> None:
    """The front service's calls to another endpoint, with the timeout and retries of the
    sentences that name it ('calls to the generator have no retry')."""
    d = r.draft
    deps: list[dict[str, object]] = d.data["endpoints"][key[1]].setdefault("dependencies", [])
    dep: dict[str, object] = {"target": target}
    deps.append(dep)
    index = str(len(deps) - 1)
    d.notes[(*key, "dependencies", index, "target")] = (
        "reading taken: the service calls each model endpoint the text describes"
    )
    near = [s for s in r.sents if re.search(rf"\b{re.escape(head)}\b", s.lower)]
    _quote_facts(d, (*key, "dependencies", index), dep, call_facts(dep, near))


def _mode(r: Reading) -> tuple[str, str] | None:
    """'online' or 'batch' with the words that say so, or None when nothing does."""
    platforms = r.of_kind("serving_platform")
    batch = first_stated(BATCH_CUES, r.sents)
    strong = first_stated(
        r"real[- ]?time|\b(?:per|every|each) (?:[\w-]+ )?request\b|\brps\b|\bqps\b|\btps\b|"
        r"requests?\s*(?:/|per|a)\s*s|\bp99\b",
        r.sents,
    )
    refused = first(NO_ONLINE, r.sents)
    if refused:
        return "batch", quote_found(refused)
    if batch and not strong:
        return "batch", quote_found(batch)
    streamed = first_stated(STREAM_CUES, r.sents)
    if streamed and not strong:
        return "streaming", quote_found(streamed)
    if platforms:
        p = _platform(r) or platforms[0]
        return "online", quote(p.sentence, p.start, p.end)
    online = first_stated(ONLINE_CUES, r.sents)
    if online:
        return "online", quote_found(online)
    return ("batch", quote_found(batch)) if batch else None


PER_REQUEST = re.compile(
    r"\b(?:per|each|every) (?:request|search|query|call|prediction)|\bqueries it\b|"
    r"\bcalls? (?:it|them)\b"
)
GENERIC_PLATFORMS = ("kubernetes", "lambda", "cloud-run", "fastapi")
SERVING_WORDS = re.compile(
    r"\bserv(?:e|es|ed|ing)\b|endpoints?\b|deploy|\bhost|inference|\bbehind\b|\bruns? (?:in|on)\b"
)
JOB_CONTEXT = re.compile(r"\b(?:enrich\w*|pipeline|etl|ingest\w*|consumer|job|train\w*|workflow)\b")


def _platform(r: Reading) -> Mention | None:
    """The serving platform the model answers on: one named where serving is described, a model
    server before the cluster it runs on ('Triton on our k8s'), not a function that enriches
    events ('a Lambda enriches them')."""
    inside = _model_inside(r)
    if inside:
        return inside
    best: tuple[int, int, Mention] | None = None
    for order, m in enumerate(r.of_kind("serving_platform")):
        if m.sentence.negated(m.start, m.end):
            continue
        clause = m.sentence.lower[max(0, m.start - 40) : m.end + 40]
        score = 2 * bool(SERVING_WORDS.search(clause)) + (m.tech.name not in GENERIC_PLATFORMS)
        score -= 2 * bool(JOB_CONTEXT.search(m.sentence.lower[m.end : m.end + 30]))
        if best is None or score > best[0]:
            best = (score, order, m)
    return best[2] if best else None


MODEL_SHARE = re.compile(
    r",?\s*(?:of which|and of that|out of which)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:model|re-?rank\w*|rank\w*|scor\w*|inference|predict\w*|classif\w*|recommend\w*)"
    r"(?:\s+[\w-]+){0,2}?\s+(?:is|gets|has|may take|can take)\s+(?:budgeted\s+|allotted\s+|"
    r"allowed\s+|given\s+)?(?:about\s+|~\s*)?"
    + NUMBER
    + r"\s*(?P<unit>ms|milliseconds?|s|seconds?)\b"
)


MODEL_INSIDE = re.compile(
    r"\b(?:rank\w*|re-?rank\w*|scor\w*|the model|inference)\b[^.;:]{0,40}?"
    r"\b(?:inside|within|in|by)\s+(?:the\s+)?$"
)


def _model_inside(r: Reading) -> Mention | None:
    """A search engine or vector index that the model runs inside ('Ranking is two-phase inside
    Vespa: ... evaluates an ONNX LightGBM model'): the engine serves the model, so it is the
    platform, whatever cluster it runs on."""
    for m in r.of_kind("search_engine", "vector_store"):
        before = m.sentence.lower[: m.start]
        if MODEL_INSIDE.search(before) and not m.sentence.negated(m.start, m.end):
            return m
    return None


def _latency(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    pct = r"p99|p95|p50|99th|95th|median|latency"
    latency = re.compile(
        rf"(?P<pct>{pct})(?:(?!{pct})[^.;]){{0,60}}?"
        + NUMBER
        + r"\s*(?P<unit>ms|milliseconds?|msec|s|seconds?)\b"
    )
    target_words = r"must|under|below|within|slo|target|budget|less than|<|at most|stay|want"
    for s in r.sents:
        for m in latency.finditer(s.lower):
            ms = number(m) * (1 if m.group("unit").startswith("m") else 1000)
            words = quote(s, m.start(), m.end())
            target = re.search(target_words, m.group(0)) or re.search(
                r"(?:slo|target)\b", s.lower[max(0, m.start() - 20) : m.start()]
            )
            which = m.group("pct")
            # 'p99 went 90ms -> 1.4s': a change seen during an incident, not the objective
            measured = re.search(
                r"measured|observed|currently|today|actual|we see|runs at|takes|answering|"
                r"usually|typically|normally|sits|hovers|\bwent\b|\brose\b|\bjumped\b|"
                r"\bclimbed\b|\bspiked\b",
                s.lower[max(0, m.start() - 30) : m.end()],
            )
            if which in ("p99", "99th") and not target and not measured:
                target = m
            share = MODEL_SHARE.match(s.lower, m.end())
            if share and which in ("p99", "99th", "latency"):
                # 'p99 target for the whole search API is 250ms, of which re-ranking is budgeted
                # 60ms': the endpoint is the model's, so its target is the model's share.
                ms = number(share) * (1 if share.group("unit").startswith("m") else 1000)
                d.put((*key, "slo", "p99_ms"), ms, quote(s, m.start(), share.end()))
            elif target and which in ("p99", "99th", "latency"):
                path = (*key, "slo", "p99_ms")
                if d.get(path) is None and re.search(r"\bload[- ]test", s.lower):
                    d.notes[path] = "reading taken: the p99 the load test held, as the objective"
                d.put(path, ms, words)
            elif not target and which in ("p50", "median"):
                d.put((*key, "service_time", "p50_ms"), ms, words)
    _p99_after(r, key, target_words)
    _budget(r, key)
    _repair_time(r, key)
    _availability_target(r, key)
    after = first(
        NUMBER + r"\s*(?P<unit>ms|milliseconds?)\s+(?:at\s+)?(?P<pct>p50|median)", r.sents
    )
    if after:
        d.put((*key, "service_time", "p50_ms"), number(after[1]), quote_found(after))
    takes = first(
        r"(?:model|inference|prediction|scoring)[^.;]{0,30}?takes?\s*(?:about|around|~)?\s*"
        + NUMBER
        + r"\s*(?P<unit>ms|milliseconds?)\b",
        r.sents,
    )
    if takes:
        d.put((*key, "service_time", "p50_ms"), number(takes[1]), quote_found(takes))
    _time_ranges(r, key)


# A time given as a range: 'the model itself takes 180-220 ms per part', 'Vespa's own p99
# usually sits between 70 and 90 ms'. The upper end is drafted (the review's capacity and
# latency figures are then not optimistic) and the note says so.
RANGE = (
    r"(?:between\s+)?(?P<lo>\d+(?:\.\d+)?)\s*(?:-|\u2013|to|and)\s*(?P<hi>\d+(?:\.\d+)?)\s*"
    r"(?:ms|milliseconds?)\b"
)
TAKES_RANGE = re.compile(
    r"\b(?:model|inference|prediction|scoring)\b[^.;]{0,30}?\btakes?\s+(?:about\s+|around\s+)?"
    + RANGE
)
P99_RANGE = re.compile(
    r"\b(?:p99|99th percentile)\s+(?:usually\s+|typically\s+|normally\s+)?"
    r"(?:sits|is|runs|hovers)\s+(?:at\s+)?" + RANGE
)


def _time_ranges(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for pattern, field in ((TAKES_RANGE, "p50_ms"), (P99_RANGE, "p99_ms")):
        for s in r.sents:
            m = pattern.search(s.lower)
            if m is None or s.negated(m.start(), m.end()):
                continue
            lo, hi = float(m.group("lo")), float(m.group("hi"))
            if not 0 < lo < hi:
                continue
            path = (*key, "service_time", field)
            if d.get(path) is None:
                d.put(path, hi, quote(s, m.start(), m.end()))
                d.notes[path] = (
                    f"reading taken: the upper end of {m.group('lo')} to {m.group('hi')} ms"
                )
            break


P99_AFTER = re.compile(
    NUMBER + r"\s*(?P<unit>ms|milliseconds?|msec|s|seconds?)\s+at\s+(?:the\s+)?(?:p99|99th)\b"
)
MEASURED = re.compile(r"measured|observed|currently|today|actual|we see|runs at|takes|answering")


def _p99_after(r: Reading, key: tuple[str, ...], target_words: str) -> None:
    """A target stated before its percentile ('gives the model 25ms at p99', 'time-to-first-token
    under 1.5 s at p99'): the objective, unless the clause says it is what is measured."""
    d = r.draft
    for s in r.sents:
        for m in P99_AFTER.finditer(s.lower):
            before = s.lower[max(0, m.start() - 40) : m.start()]
            if MEASURED.search(before):
                continue
            if not (re.search(target_words, before) or re.search(r"\bgives?\b", before)):
                continue
            ms = number(m) * (1 if m.group("unit").startswith("m") else 1000)
            d.put(
                (*key, "slo", "p99_ms"),
                ms,
                quote(s, max(0, m.start() - 30), m.end()),
                replace=False,
            )


# 'the target is p99 under 300ms and 99.9% availability', 'The SLO we agreed ... 99.5%
# availability for the assistant as a whole': an objective the endpoint is held to. A source's or
# store's availability names it in the sentence ('The bureau contract gives 99.5% ... on the API').
AVAILABILITY = re.compile(r"(?P<pct>\d{2}(?:\.\d+)?)\s*%\s*(?:availability|uptime)\b")
OBJECTIVE = re.compile(r"\b(?:slo|slos|target|objective|agreed|we promise|must|held to)\b")


# A time budget for the whole decision: 'Our budget is 1.5 seconds from trigger to reject signal'.
BUDGET = re.compile(
    r"\b(?:our|the|a) (?:latency |time |response )?budget (?:is|of)\s+(?:about\s+|~\s*)?"
    + NUMBER
    + r"\s*(?P<unit>ms|milliseconds?|s|seconds?)\b"
)


def _budget(r: Reading, key: tuple[str, ...]) -> None:
    for s in r.sents:
        m = BUDGET.search(s.lower)
        if m and not s.negated(m.start(), m.end()):
            ms = number(m) * (1 if m.group("unit").startswith("m") else 1000)
            r.draft.put((*key, "slo", "p99_ms"), ms, quote(s, *m.span()))
            return


# How long a repair takes: 'Rollback is "redeploy the previous package", which we did once in
# anger and it took about 25 minutes'; '... until someone swaps it; that's usually around 2 hours'.
REPAIR = re.compile(
    r"\b(?:rollback|roll back|rolling back|restor\w*|recover\w*|failover|fail over|swap\w*|"
    r"replac\w*|redeploy\w*)\b"
)
TOOK = re.compile(
    r"\b(?:it |that )?(?:took|takes|that'?s|is) (?:usually |typically |normally )?"
    r"(?:about |around |roughly |~\s*)?" + NUMBER + r"\s*(?P<unit>" + UNIT + r")\b"
)
REPAIR_UNITS = frozenset(["minutes", "minute", "min", "mins", "hours", "hour", "h", "hr", "hrs"])


def _repair_time(r: Reading, key: tuple[str, ...]) -> None:
    for i, s in enumerate(r.sents):
        repair = REPAIR.search(s.lower)
        if repair is None:
            continue
        said, took = s, TOOK.search(s.lower, repair.end())
        after = r.sents[i + 1] if i + 1 < len(r.sents) else None
        if took is None and after is not None and r.same_line(s, after):
            said, took = after, TOOK.match(after.lower)
        if took and took.group("unit") in REPAIR_UNITS:
            words = quote(said, *took.span())
            r.draft.put((*key, "mttr"), duration_text(number(took), took.group("unit")), words)
            return


def _availability_target(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for s in r.sents:
        m = AVAILABILITY.search(s.lower)
        if m is None or not OBJECTIVE.search(s.lower[: m.start()]):
            continue
        data = [
            x
            for x in r.found
            if x.sentence is s and (x.tech.kind in SOURCE_KINDS or x.tech.kind in STORE_KINDS)
        ]
        if data or re.search(r"\b(?:contract|vendor|provider|bureau)\b", s.lower):
            continue
        value = round(float(m.group("pct")) / 100, 6)
        d.put((*key, "slo", "availability"), value, quote(s, m.start(), m.end()), replace=False)


THINGS = (
    r"(?:instances?|replicas?|pods?|nodes?|containers?|servers?|copies|tasks?|workers?|"
    r"machines?|vms?)"
)
INT = r"\d{1,3}(?:,\d{3})+|\d+"  # '1,500' as well as '1500'
BETWEEN = re.compile(
    r"(?:between|from)\s+(?P<lo>"
    + INT
    + r")\s+(?:and|to)\s+(?P<hi>"
    + INT
    + r")(?:\s+(?:[\w.-]+\s+){0,3}?"
    + THINGS
    + r"\b)?|(?P<lo2>"
    + INT
    + r")\s*(?:-|\u2013|to)\s*(?P<hi2>"
    + INT
    + r")\s+(?:[\w.-]+\s+){0,3}?"
    + THINGS
    + r"\b"
)
MIN_MAX = re.compile(
    r"min(?:imum)?\s*(?:of\s+|is\s+(?:still\s+)?|=\s*|:\s*)?(?P<lo>"
    + INT
    + r")\b[^.;]{0,40}?\bmax(?:imum)?"
    r"\s*(?:of\s+|is\s+|=\s*|:\s*)?(?P<hi>"
    + INT
    + r")\b|(?P<lo2>"
    + INT
    + r")\s+(?:[\w.-]+\s+){0,2}?"
    + THINGS
    + r"\s*\(?\s*min(?:imum)?\b[^.;]{0,40}?\b(?:up to|max(?:imum)?)\s+(?P<hi2>"
    + INT
    + r")"
)
FIXED = re.compile(
    r"\bfixed\b|\bstatic\b|\bpinned\b|not auto[- ]?scal|no auto[- ]?scal|without auto[- ]?scal|"
    r"never got around to auto[- ]?scal|\bno autoscaler\b"
)


REPLICA_TALK = re.compile(r"max[_ ]?replicas|min[_ ]?replicas|auto[- ]?scal|\bhpa\b|" + THINGS)
LONE_MIN = re.compile(
    r"\bmin(?:imum)?(?:[_ ]replicas?)?\s*(?:is\s+(?:still\s+|now\s+)?|=\s*|:\s*|of\s+|at\s+)"
    r"(?P<n>" + INT + r")\b(?!\s*(?:%|ms|s\b|min|h\b|d\b))"
)
LONE_MAX = re.compile(
    r"\bmax(?:imum)?(?:[_ ]replicas?)?\s*(?:is\s+(?:still\s+|now\s+)?|=\s*|:\s*|of\s+|to\s+)"
    r"(?P<n>" + INT + r")\b(?!\s*(?:%|ms|s\b|min|h\b|d\b))"
)
RAISED_MAX = re.compile(
    r"\b(?:bumped|raised|increased|lifted|moved|set|changed)\s+(?:the\s+)?max(?:imum)?"
    r"(?:[_ ]replicas?)?\s+(?:up\s+)?to\s+(?P<n>" + INT + r")\b"
)


def _bounds_apart(r: Reading) -> tuple[Found | None, Found | None]:
    """A minimum and maximum stated in clauses of their own ('autoscaler hit max_replicas=20 ...
    I bumped max to 32 by hand; min is still 6'), in a sentence about replicas or in the ones
    right after it that state a bound. A maximum the text says was changed is the one in force,
    over one stated before."""
    near: list[Sentence] = []
    talk = False
    for s in r.sents:
        bound = bool(LONE_MIN.search(s.lower) or LONE_MAX.search(s.lower))
        if REPLICA_TALK.search(s.lower) or (talk and bound):
            near.append(s)
        talk = bool(REPLICA_TALK.search(s.lower)) or (talk and bound)
    low = first_stated(LONE_MIN, near)
    high = first_stated(RAISED_MAX, near) or first_stated(LONE_MAX, near)
    return low, high


def _replicas(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    platform = _platform(r)
    serving = [
        s
        for s in r.sents
        if SERVING_WORDS.search(s.lower) or re.search(r"auto[- ]?scal|\bhpa\b|" + THINGS, s.lower)
    ]
    if platform:
        on_platform = [
            s
            for s in serving
            if any(x.sentence is s and x.tech.name == platform.tech.name for x in r.found)
        ]
        # The sentence right after the platform's usually goes on about the same service
        # ("... served by Triton. 2x A10 per pod, 6 pods, fixed"), before any other's counts.
        after = [r.sents[i + 1] for i, s in enumerate(r.sents[:-1]) if s in on_platform]
        following = [s for s in serving if s in after and s not in on_platform]
        serving = on_platform + following + [s for s in serving if s not in on_platform + following]
    for pattern in (MIN_MAX, BETWEEN):
        span = first(pattern, serving)
        if span:
            m = span[1]
            lo, hi = m.group("lo") or m.group("lo2"), m.group("hi") or m.group("hi2")
            low, high = int(lo.replace(",", "")), int(hi.replace(",", ""))
            if low <= high:
                d.put((*key, "replicas", "min"), low, quote_found(span))
                d.put((*key, "replicas", "max"), high, quote_found(span))
                return
    lone_min, lone_max = _bounds_apart(r)
    if lone_min:
        least = int(lone_min[1].group("n").replace(",", ""))
        d.put((*key, "replicas", "min"), least, quote_found(lone_min))
        most = int(lone_max[1].group("n").replace(",", "")) if lone_max else None
        if lone_max and most is not None and most >= least:
            d.put((*key, "replicas", "max"), most, quote_found(lone_max))
        return
    count = first_stated(
        r"(?:pinned at\s+)?(?<![\w.])(?P<num>\d+)\s+(?:x\s+)?(?:(?!per\b|each\b|a\b)[\w.-]+\s+)?"
        + THINGS
        + r"\b(?!\s+(?:per|each|does|handles|serves|sustains|takes|works|can)\b)",
        serving,
    )
    if count:
        s, m = count
        n = int(m.group("num"))
        d.put((*key, "replicas", "min"), n, quote_found(count))
        if FIXED.search(s.lower[max(0, m.start() - 30) : m.end() + 40]):
            d.put((*key, "replicas", "max"), n, quote_found(count))
        upto = re.search(
            r"(?:up to|max(?:imum)?(?: of)?)\s+(\d+)|(\d+)\s+max(?:imum)?\b", s.lower[m.end() :]
        )
        if upto:
            d.put(
                (*key, "replicas", "max"), int(upto.group(1) or upto.group(2)), quote_found(count)
            )


COMPAT_TEST = re.compile(
    r"\bcompat(?:ibility)? (?:test|check)|\b(?:tested|scored|run|checked|validated) in the "
    r"(?:production |prod )?serving (?:image|container|binary|stack)|\bserving[- ]image tests?"
)
METRICS = (
    ("cpu", r"\bcpu\b"),
    ("gpu utilisation", r"\bgpu util"),
    ("concurrency", r"\bconcurren"),
    ("ongoing requests", r"ongoing requests|in-flight|inflight"),
    ("consumer lag", r"consumer lag|queue (?:depth|length)"),
    ("invocations per instance", r"invocations per (?:instance|replica)"),
    ("requests per second", r"requests per second|\brps\b|\bqps\b"),
    ("memory", r"\bmemory\b"),
)


def _autoscaling(r: Reading, key: tuple[str, ...]) -> None:
    """'HPA on CPU at 70%', 'scaling on concurrency with a target of 4', 'target is 8'."""
    d = r.draft
    scaling = re.compile(
        r"auto[- ]?scal\w*|\bhpa\b|\bkeda\b|\bscal(?:es|ed|ing) (?:on|by)\b|\btarget tracking\b"
    )
    for s in r.sents:
        m = scaling.search(s.lower)
        if not m or s.negated(m.start(), m.end()):
            continue
        rest = s.lower[m.start() : m.end() + 90]
        for name, pattern in METRICS:
            hit = re.search(r"\b(?:on|by|using|tracks?)\b[^.;]{0,30}?(?:" + pattern + ")", rest)
            if hit:
                d.put(
                    (*key, "autoscaling", "metric"),
                    name,
                    quote(s, m.start(), m.start() + hit.end()),
                )
                break
        target = re.search(
            r"(?<!p99 )(?<!p95 )(?<!latency )(?<!slo )target(?: of| is| at|:)?\s*"
            r"(?P<a>\d+(?:\.\d+)?)(?!\d|\.\d)(?!\s*(?:ms|milli|sec|s\b|minutes?))\s*%?|"
            r"\bat\s+(?P<b>\d+(?:\.\d+)?)\s*%|(?P<c>\d+(?:\.\d+)?)\s*%\s*target",
            s.lower[m.start() :],
        )
        if target:
            value = float(target.group("a") or target.group("b") or target.group("c"))
            at = m.start() + target.start()
            d.put((*key, "autoscaling", "target"), value, quote(s, at, m.start() + target.end()))
        if d.get((*key, "autoscaling", "metric")):
            return


def _rollback_tested(d: Draft, key: tuple[str, ...], sents: list[Sentence]) -> None:
    tested = first(
        r"\brollback\b[^.;]{0,60}?\b(?:worked|tested|rehearsed|practi[cs]ed)\b|"
        r"\brollback (?:is )?(?:tested|rehearsed)",
        sents,
    )
    if tested:
        # 'rollback has never been rehearsed': the denial sits inside the matched words
        s, m = tested
        denied = bool(NEGATION.search(m.group(0))) or s.negated(m.start(), m.end())
        d.put((*key, "release", "rollback_tested"), not denied, quote_found(tested))


def _serving_facts(
    r: Reading, key: tuple[str, ...], denied_onto: list[tuple[str, ...]] | None = None
) -> None:
    d, sents = r.draft, r.sents
    yes_no(
        d,
        (*key, "autoscaling", "enabled"),
        r"auto[- ]?scal|\bhpa\b|\bkeda\b|scales? (?:out|up) automatically|"
        r"scal(?:es|ed|ing) (?:on|by|between)\b",
        sents,
    )
    if FIXED.search(" ".join(s.lower for s in sents)):
        d.put((*key, "autoscaling", "enabled"), False, "", replace=False)
    per_replica = first(
        NUMBER + r"\s+(?:[\w-]+\s+)?gpus?\b[^.;]{0,20}?\b(?:per|each|a)\s+"
        r"(?:replica|instance|pod|node)|\bgpus?,? (?P<one>one|\d+) per (?:replica|instance|pod)|"
        r"\beach pod with (?P<each>one|\d+)|(?<![\w.])(?P<times>\d+)\s*x?\s*(?:nvidia\s+)?"
        + GPU_NAMES
        + r"s?\s+(?:per|each|a)\s+(?:replica|instance|pod|node)\b|"
        # 'an edge box (an industrial PC with one RTX A4000) running Triton'
        r"\b(?:pc|box|machine|server|vm|node) with (?P<box>1|one|a single|\d+) (?:nvidia\s+)?"
        + GPU_NAMES,
        sents,
    )
    if per_replica:
        m = per_replica[1]
        value = m.group("one") or m.group("each") or m.group("times") or m.group("box")
        value = "1" if value == "a single" else value
        count = small_number(value) if value else number(m)
        d.put((*key, "accelerators_per_replica"), int(count), quote_found(per_replica))
    gpu = first(
        r"(?<![a-z0-9])(?:nvidia\s+)?" + GPU_NAMES + r"s?\b",
        sents,
    )
    if gpu:
        name = gpu[1].group(1).replace(" ", "-")
        d.put((*key, "accelerator"), f"nvidia-{name}", quote_found(gpu))
    cold = first(
        r"cold[- ]starts?[^.;]{0,60}?" + NUMBER + r"\s*(?P<unit>" + UNIT + r")\b|"
        # 'A new replica takes around 7 minutes from scheduling to serving'
        r"\ba new (?:replica|pod|instance|node|worker) takes\s+(?:about\s+|around\s+|~\s*)?"
        + NUMBER.replace("num>", "num2>").replace("scale>", "scale2>")
        + r"\s*(?P<unit2>"
        + UNIT
        + r")\b",
        sents,
    )
    if cold:
        m = cold[1]
        if m.group("unit"):
            value = duration_text(number(m), m.group("unit"))
        else:
            value = duration_text(float(m.group("num2").replace(",", "")), m.group("unit2"))
        d.put((*key, "cold_start"), value, quote_found(cold))
    yes_no(
        d,
        (*key, "release", "canary"),
        r"\bcanar(?:y|ies)|\b(?:one|1) (?:line|region|cell|zone|cluster) first\b|\bstaged rollout|"
        r"\b(?:releases?|rollouts?|deploys?|deployments?) (?:are|is) staged\b",
        sents,
    )
    for field in ("canary", "shadow"):
        onto = [(*k, "release", field) for k in denied_onto or [key]]
        _denied_for_models(r, (*key, "release", field), onto)
    _rollback_tested(d, key, sents)
    # 'a schema registry with compatibility checks' is about data, not the serving image
    compat = first_stated(COMPAT_TEST, [s for s in sents if not re.search(r"\bschema", s.lower)])
    if compat:
        d.put((*key, "release", "serving_compat_test"), True, quote_found(compat))
    yes_no(
        d,
        (*key, "release", "shadow"),
        r"\bshadow(?:ed|ing)? (?:mode|deploy|traffic|test)|\b(?:run|runs|ran|running) in shadow\b|"
        r"\bshadow or canary\b|\bcanary or shadow\b",
        sents,
    )
    yes_no(
        d,
        (*key, "release", "auto_rollback"),
        r"(?:automatic|auto)[- ]?rollbacks?|(?:rolls?|rolled) back automatically|"
        r"\brollbacks? (?:is|are) automatic\b",
        sents,
    )
    _logging(r, key)
    _capacity(r, key)
    _batching(r, key)
    yes_no(d, (*key, "admission", "load_shedding"), r"load[- ]shedding|shed(?:s|ding)? load", sents)
    yes_no(d, (*key, "admission", "rate_limit"), r"rate[- ]limit", sents)
    data_ids = set(d.ids("stores")) | set(d.ids("sources"))
    for s in sents:
        zones = re.search(
            r"\b(?:single|one|1)[- ](?:availability[- ])?(?:zone|az|region)\b|(?P<n>\d)\s+"
            r"(?:availability[- ])?(?:zones|azs|dcs|data ?cent(?:er|re)s)\b",
            s.lower,
        )
        if not zones:
            continue
        named = [x for x in r.found if x.sentence is s and x.start < zones.start()]
        if named and named[-1].tech.name in data_ids:
            continue
        n = zones.group("n")
        d.put((*key, "zones"), int(n) if n else 1, quote(s, *zones.span()))
        break


GPU_NAMES = r"(t4|a10g|a100|l4|v100|h100|h200|k80|a10|l40s|rtx a4000|a4000)"
FRACTION_WORDS = {"half": 0.5, "a third": 0.333, "a quarter": 0.25, "a fifth": 0.2, "a tenth": 0.1}
PER_REPLICA = re.compile(
    r"(?:(?<![\w.])(?P<num>\d+(?:\.\d+)?)|\b(?P<frac>half|a third|a quarter|a fifth|a tenth))"
    r"(?: of an?)?\s+(?:[\w-]+\s+){0,2}?(?:a|per|each|/)\s*(?:s\b|sec\b|second)\s+"
    r"(?:per|on each|on one|for each|a) (?:replica|instance|pod|node)\b|"
    r"\b(?:one|1|each|a single) (?:replica|instance|pod|node) "
    r"(?:does|handles|serves|sustains|takes) (?:about |roughly |around |~)?"
    r"(?:(?P<num2>\d+(?:\.\d+)?)|(?P<frac2>half|a third|a quarter|a fifth|a tenth))"
    r"(?: of an?)?\s+(?:[\w-]+\s+){0,2}?(?:a|per|each|/)\s*(?:s\b|sec\b|second)"
)
LOAD_TEST = re.compile(
    r"\bload[- ]test\w*\b[^.;]{0,70}?\b(?:got to|reached|hit|held|sustained|peaked at|topped out "
    r"at|went to|up to)\s+(?:about |around |roughly |~)?(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+|"
    r"\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>k)\b)?"
)
RATE = r"(?:rps|qps|tps|requests? (?:a|per) second|requests?/s|req/s)"
ABOUT = r"(?:about |around |roughly |~\s*)?"
COUNT = r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>k)\b)?"
ONE_REPLICA = r"(?:replica|instance|pod|node|container)"
# What one replica reached in a load test: 'We load-tested a single instance to about 1,100 rps',
# 'load test from last quarter said ~110 rps per replica'.
LOAD_TESTED_ONE = (
    re.compile(
        r"\bload[- ]test\w*\s+(?:a single|one|1|each) "
        + ONE_REPLICA
        + r"\s+(?:to|at|up to)\s+"
        + ABOUT
        + COUNT
        + r"\s*"
        + RATE
    ),
    re.compile(
        r"\bload[- ]test\w*\b[^.;]{0,50}?\b"
        + ABOUT
        + COUNT
        + r"\s*"
        + RATE
        + r"\s+(?:per|on each|on one|for each|a) "
        + ONE_REPLICA
        + r"\b"
    ),
)
# Whether that test called the real dependencies: 'that test used a mocked Redis'; 'that was with
# the real feature calls'.
MOCKED = re.compile(r"\b(?:mock(?:ed)?|stubbed|faked?) [\w-]+")
REAL_CALLS = re.compile(
    r"\bwith (?:the )?real (?:[\w-]+ ){0,2}?(?:calls|dependencies|lookups|reads|stores?)\b"
)


def _load_tested_replica(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for i, s in enumerate(r.sents):
        m = next((m for p in LOAD_TESTED_ONE for m in [p.search(s.lower)] if m), None)
        if m is None or s.negated(m.start(), m.end()):
            continue
        value = float(m.group("num").replace(",", "")) * (1000 if m.group("scale") else 1)
        words = quote(s, *m.span())
        d.put((*key, "capacity", "qps_per_replica"), value, words)
        d.put((*key, "capacity", "source"), "load_test", words)
        after = r.sents[i + 1] if i + 1 < len(r.sents) else None
        near = [s] + ([after] if after is not None and r.same_line(s, after) else [])
        for t in near:
            rest = t.lower[m.end() :] if t is s else t.lower
            offset = m.end() if t is s else 0
            mocked, real = MOCKED.search(rest), REAL_CALLS.search(rest)
            hit = mocked or real
            if hit:
                field = (*key, "capacity", "load_test", "includes_dependencies")
                d.put(field, not mocked, quote(t, offset + hit.start(), offset + hit.end()))
                break
        return


QUOTA = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[\w-]+\s+)?(?:gpus|tpus|accelerators)\b"
    r"(?=[^.;]{0,60}?\b(?:"
    r"ceiling|quota|capacity plan|allocation|reserved|at most|cap)\b)|"
    r"\b(?:reserved|quota of|allocated|allocation of)\s+(?P<num2>\d{1,3}(?:,\d{3})+|\d+)\s+"
    r"(?:[\w-]+\s+)?"
    r"(?:gpus|tpus|accelerators)\b|"
    r"\b(?:(?:gpu|tpu|accelerator) )?quota\b[^.;\d]{0,30}?\b(?:is|of)\s+(?:exactly\s+|only\s+)?"
    r"(?P<num3>\d{1,3}(?:,\d{3})+|\d+)\b"
)


BATCH_SIZE = re.compile(
    r"\b(?:dynamic )?batch(?:ing|es)?\b[^.;]{0,30}?\b(?:max(?:imum)?(?: batch)?(?: size)?"
    r"(?: of| is|:)?|up to)\s+(?P<n>\d{1,3}(?:,\d{3})+|\d+)\b"
)
MS = (
    r"(?:takes\s+|runs in\s+|needs\s+|is\s+|in\s+)?(?:about |around |roughly |~\s*)?"
    + NUMBER
    + r"\s*(?P<unit>ms|milliseconds?)\b"
)
BATCH_ONE = re.compile(r"\ba batch of (?:1|one)\b\s*,?\s*" + MS)
BATCH_FULL = re.compile(r"\ba full batch(?: of \d{1,3}(?:,\d{3})*)?\s*,?\s*" + MS)


def _batching(r: Reading, key: tuple[str, ...]) -> None:
    """'dynamic batching up to 1,024 rows; a batch of one takes about 2 ms and a full batch about
    11 ms': all three figures, or none (the manifest needs all three)."""
    found: dict[str, tuple[float, str]] = {}
    for s in r.sents:
        for field, pattern in (
            ("max_batch_size", BATCH_SIZE),
            ("latency_ms_batch_1", BATCH_ONE),
            ("latency_ms_max_batch", BATCH_FULL),
        ):
            m = pattern.search(s.lower)
            if m and field not in found and not s.negated(m.start(), m.end()):
                value = (
                    float(m.group("n").replace(",", ""))
                    if field == "max_batch_size"
                    else (number(m))
                )
                found[field] = (value, quote(s, *m.span()))
    if len(found) == 3:
        for field, (value, words) in found.items():
            whole = int(value) if field == "max_batch_size" else value
            r.draft.put((*key, "batching", field), whole, words)


def _capacity(r: Reading, key: tuple[str, ...]) -> None:
    """What one replica sustains ('roughly 2.5 chat turns a second per replica'), the load test
    ('the load test on production hardware got to 8,000') and the accelerator quota ('the
    24,000 GPUs the capacity plan gives this model are the ceiling')."""
    d = r.draft
    _load_tested_replica(r, key)
    for s in r.sents:
        m = PER_REPLICA.search(s.lower)
        if m and not s.negated(m.start(), m.end()):
            raw = m.group("num") or m.group("num2")
            frac = m.group("frac") or m.group("frac2")
            value = float(raw) if raw else FRACTION_WORDS[frac]
            d.put((*key, "capacity", "qps_per_replica"), value, quote(s, *m.span()))
            break
    for s in r.sents:
        m = LOAD_TEST.search(s.lower)
        if not m:
            continue
        value = float(m.group("num").replace(",", "")) * (1000 if m.group("scale") else 1)
        words = quote(s, *m.span())
        d.put((*key, "capacity", "load_test", "max_qps_tested"), value, words)
        if re.search(r"production hardware|prod(?:uction)?[- ]like|in production", s.lower):
            d.put((*key, "capacity", "load_test", "prod_like"), True, words)
        if re.search(
            r"\w+ included\b|\bincluding (?:the )?(?:dependencies|calls)|end[- ]to[- ]end", s.lower
        ):
            d.put((*key, "capacity", "load_test", "includes_dependencies"), True, words)
        break
    for s in r.sents:
        m = QUOTA.search(s.lower)
        gpus = re.search(r"\b(?:gpus?|tpus?|accelerators?)\b", s.lower)  # not a request quota
        if m and gpus and not s.negated(m.start(), m.end()):
            value = int((m.group("num") or m.group("num2") or m.group("num3")).replace(",", ""))
            d.put((*key, "accelerator_quota"), value, quote(s, *m.span()))
            break


LOGGED: tuple[tuple[str, str], ...] = (
    (
        "features",
        r"features|feature values|feature vectors?|feature dump|inputs|full prompt|"
        r"attribute values",
    ),
    ("predictions", r"predictions|scores?|result list|responses?|decisions?"),
    ("model_version", r"model (?:and prompt )?versions?"),
    ("request_id", r"request[ _-]ids?"),
)


ELLIPSIS = re.compile(
    r"^(?P<subject>[^;]{3,80}?)\s+(?:do|does|did|are|is) not\b\s*(?:[-\u2013\u2014;:.]|$)|"
    r"^(?P<subject2>[^;]{3,80}?)\s+(?:don't|doesn't|didn't|aren't|isn't)\s*(?:[-\u2013\u2014;:.]|$)"
)


NEW_VERSIONS_READING = (
    "reading taken: new model versions; the sentence before says otherwise of others"
)


def _denied_for_models(r: Reading, key: tuple[str, ...], onto: list[tuple[str, ...]]) -> None:
    """'Prompt changes go through a canary. Model version changes do not.': the release fact of
    the sentence before is denied for model versions, which is what the manifest describes; the
    denial is written ``onto`` the endpoints serving the models (``key`` itself when it is the
    only one)."""
    d = r.draft
    if d.get(key) is not True:
        return
    said = d.words.get(key, "")
    for i, s in enumerate(r.sents[1:], start=1):
        m = ELLIPSIS.search(s.lower)
        if not m or said[:30].lower() not in r.sents[i - 1].text.lower():
            continue
        subject = m.group("subject") or m.group("subject2")
        if re.search(r"\bmodel", subject) and not re.search(r"\bmodel", r.sents[i - 1].lower):
            for target in onto:
                d.put(target, False, quote(s, *m.span()), replace=True)
                d.notes[target] = NEW_VERSIONS_READING
            return


def _logging(r: Reading, key: tuple[str, ...]) -> None:
    """'We log served features and predictions', 'we log score + model version + request id,
    but not the feature values', 'for 10% of requests', 'one request in twenty'."""
    for s in r.sents:
        verb = re.search(r"\blog(?:s|ged|ging)?\b(?! (?:are|is|files?|land))", s.lower)
        if not verb or re.search(r"(?:click|access|server|event|consumer) logs", s.lower):
            continue
        for field, noun in LOGGED:
            m = re.search(rf"\b(?:{noun})\b", s.lower)
            if not m:
                continue
            denied = re.match(r"\s*(?:are|is) not\b", s.lower[m.end() :])
            between = s.lower[verb.end() : m.start()]
            contrast = re.search(r",|\bbut\b|\bonly\b|\bexcept\b|\bwhile\b", between)
            not_done = (
                s.negated(verb.start(), verb.end()) and verb.start() < m.start() and not contrast
            )
            said = not (denied or not_done or s.negated(m.start(), m.end()))
            r.draft.put((*key, "logging", field), said, quote(s, m.start(), m.end()))
        share = re.search(
            r"\b(?:for|samples?|sampling|keeps?) (?P<pct>\d+(?:\.\d+)?)\s*% of "
            r"(?:requests|traffic|calls)|"
            r"\b(?:only )?(?:1|one) (?:request )?in (?P<n>\d+)\b",
            s.lower,
        )
        if share:
            rate = (
                float(share.group("pct")) / 100 if share.group("pct") else 1 / int(share.group("n"))
            )
            r.draft.put((*key, "logging", "sample_rate"), round(rate, 6), quote(s, *share.span()))


def _quote_facts(
    d: Draft, at: tuple[str, ...], dep: dict[str, object], facts: dict[str, str]
) -> None:
    """The words each of a dependency's facts was read from, at each field it set."""
    for field, words in facts.items():
        head, _, inner = field.partition(".")
        if inner:  # one value inside a mapping, with words of its own
            d.words[(*at, head, inner)] = words
            continue
        value = dep[field]
        if isinstance(value, dict):
            for inner in value:
                d.words[(*at, field, inner)] = words
        else:
            d.words[(*at, field)] = words


def _dependency(r: Reading, key: tuple[str, ...], target: str, m: Mention) -> None:
    d = r.draft
    if d.get((*key, "platform")) == target:
        return  # a search engine the model runs inside serves it; it is not called by it
    deps: list[dict[str, object]] = d.data["endpoints"][key[1]].setdefault("dependencies", [])
    if any(dep["target"] == target for dep in deps):
        return
    dep: dict[str, object] = {"target": target}
    deps.append(dep)
    index = str(len(deps) - 1)
    d.words[(*key, "dependencies", index, "target")] = quote(m.sentence, m.start, m.end)
    _quote_facts(d, (*key, "dependencies", index), dep, dependency_facts(r, dep, target, m))
