"""Failure behaviour as stated, attached to what it is said of: 'if X is down / times out, we Y'.

A condition names its subject (a store or source the endpoint calls, a source, or the model
itself); the consequence after it is read as one of the manifest's fallbacks. Calls made per
request (count, timeout, retries, backoff) are read from the sentences that name the callee.
"""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import SOURCE_KINDS, STORE_KINDS, Reading
from mlreview.draft.prose import NUMBER, Mention, Sentence, duration_text, number

CONDITION = re.compile(
    # 'once per request' counts calls; 'once it is down' is a condition
    r"\b(?:if|when|whenever|once(?! (?:per|a|an|every|each|more|again|or|daily)\b)|should)\b"
    r"(?P<subject>[^,;:]{0,80}?)\s*"
    r"(?:\b(?:is|are|was|were|goes|gets|becomes)\s+)?(?:\bitself\s+)?"
    r"(?P<event>(?:down|slow|unavailable|unreachable|offline|fails?|failing|errors?|"
    r"times? out|timed out|stops|goes down|is late|arrives? late|"
    r"(?:does ?n[o']?t|does not|did ?n[o']?t|cannot|can'?t) (?:answer|respond|reply)|"
    r"(?:cannot|can'?t|couldn'?t|fails? to) (?:load|read|fetch|open|parse)|"
    r"takes longer than|isn'?t updated|is not updated|(?:is |are )?missing|lost|stale)"
    r"\b)"
)
ENDPOINT_FALLBACKS: tuple[tuple[str, str], ...] = (
    (
        "none",
        r"\bno fallback|score unavailable|\b(?:shows?|returns?|gets?) an error|\b500\b|"
        r"\bfails the request",
    ),
    (
        "default_action",
        r"\bapprov\w*|fails? open|fail-open|published anyway|\bpublish\w* anyway|"
        r"routed to (?:the )?manual|manual (?:underwriting|review|inspection|queue)|"
        r"contact an agent|fails? closed|"
        r"\bdivert|\bdecline\w*|\bblock\w*|\b(?:go|goes|get|gets|are let|is let|pass|passes) "
        r"through\b|\blet (?:it|them|\w+s) through\b",
    ),
    ("previous_model", r"previous model|last (?:good )?model"),
    (
        "cached_scores",
        r"previous (?:multiplier|score|prediction|forecast|value)|yesterday'?s (?:forecast|score)|"
        r"cached (?:ctrs?|scores?|predictions?|results?)|last (?:score|prediction)",
    ),
    (
        "heuristic",
        r"heuristic|\brules?\b|order unchanged|retrieval (?:order|score)|\w+ order\b|popular|"
        r"trailing|\bstatic\b|base (?:multiplier|price|pricing)|\bdefault (?:value|score|eta)",
    ),
)
DEPENDENCY_FALLBACKS: tuple[tuple[str, str], ...] = (
    (
        "fail",
        r"\bfail(?:s|ing)? (?:the request|closed)|returns? an error|\breject|\berrors? out\b|"
        r"\brequests? (?:errors?|fails?)\b",
    ),
    ("skip", r"\bskip\w*|without (?:retrieval|those|the|it)\b|leave [\w ]{0,20}null|\bnull\b"),
    (
        "cache",
        r"last value (?:we )?cached|cached (?:value|copy)|last[- ]known|stale value|"
        r"from (?:a |the )?(?:local )?cache|in-process|\bcached?\b",
    ),
    (
        "default",
        r"\bdefault|set to (?:zero|0)|\bzero\b|substitut\w*|average|\bmedian\b|global|constant|"
        r"historical",
    ),
    ("heuristic", r"heuristic|\brules?\b"),
)
SOURCE_BEHAVIOURS: tuple[tuple[str, str], ...] = (
    ("fail_closed", r"\bfails? closed|\bstops?\b|\bblocks?\b|\bnot (?:answer|score)"),
    (
        "last_known_good",
        r"last[- ]known|old value (?:just )?stays|keeps? (?:the )?(?:last|old)|yesterday'?s|"
        r"previous (?:value|day)|stale|last value (?:we )?cached|kept the last|"
        r"\b(?:re-?uses?|serves?|uses?) (?:the )?(?:last|previous|latest) (?!\d)|"
        r"\btreats? (?:an |the )?old values? as\b",
    ),
    ("skip_feature", r"\bskip\w*"),
    (
        "default_value",
        r"\bnull\b|\bdefault|assume|substitut\w*|average|\bzero\b|set to|\bmedian\b|"
        r"\b(?:hands?|gives?|passes|sends?) back\b|\breturns? (?:a |the )?-?\d|"
        r"\b(?:falls?|fell|go|goes) back to (?:a |the )?-?\d|"
        r"\b(?:become|becomes|defaults? to) -?\d",
    ),
)
MODEL_WORDS = re.compile(
    r"\bmodel\b|\bendpoint\b|\bscorer\b|\bscoring\b|\branker\b|\branking\b|\bpredictor\b|"
    r"\bmodel call\b|\binference\b|\bmodel server\b|\bmodel service\b"
)
VALID_LOOKING = re.compile(
    r"looks? (?:like (?:a |an )?)?(?:completely |perfectly )?(?:normal|fine|valid|real|ordinary)|"
    r"treat\w* (?:as|them as) "
    r"(?:normal|valid)|as (?:a )?valid value|assume sunny|brand-new|as if|"
    r"\b(?:is|are) (?:a |an )?(?:legal|valid|normal|possible|ordinary|real) values?\b|"
    r"\bnothing (?:downstream )?treats it as special"
)
NOT_ALERTED = re.compile(
    r"\b(?:nobody|no one|nothing) (?:gets |is )?(?:alerted|paged|told|notified)|"
    r"\bno (?:alert|page|alarm)|\bwe (?:do not|don'?t) (?:page|alert)\b|not (?:alerted|paged)"
)
ALERTED = re.compile(r"\b(?:pages?|paged|alerts?|alerted)\b")


def _pick(table: tuple[tuple[str, str], ...], text: str) -> tuple[str, re.Match[str]] | None:
    for value, pattern in table:
        m = re.search(pattern, text)
        if m:
            return value, m
    return None


def conditions(r: Reading) -> list[tuple[Sentence, re.Match[str], str]]:
    """Each failure condition with its consequence: the rest of its sentence after it, else the
    clause before it ('uses defaults if it's slow'), else the next sentence."""
    out = []
    for i, s in enumerate(r.sents):
        for m in CONDITION.finditer(s.lower):
            rest = s.lower[m.end() :]
            if len(rest.strip(" ,.;-)")) < 6:
                # 'and uses defaults if it's slow': the consequence comes before the condition
                before = re.split(r",|;|\band\b|\bbut\b", s.lower[: m.start()])[-1]
                if len(before.strip()) >= 6:
                    rest = before
                elif i + 1 < len(r.sents):
                    rest = r.sents[i + 1].lower
            out.append((s, m, rest))
    return out


LOAD_EVENT = re.compile(r"(?:cannot|can'?t|couldn'?t|fails? to) (?:load|read|fetch|open|parse)")
SUBJECT_KINDS = {
    "stream": ("stream",),
    "topic": ("stream",),
    "feed": ("stream", "database", "warehouse"),
    "table": ("warehouse", "database"),
    "database": ("database",),
    "cache": ("cache", "online_store"),
    "store": ("online_store", "cache", "feature_store"),
    "api": ("model_api", "online_api"),
    "call": ("online_api", "model_api"),
    "rpc": ("online_api",),
    "service": ("online_api",),
}


PRONOUN = re.compile(r"\s*(?:it|it's|they|they're|that|this one)\s*")
DATA_KINDS = frozenset(
    [*SOURCE_KINDS, *STORE_KINDS, "online_api", "analytics_store", "search_engine", "vector_store"]
)


def _referent(r: Reading, s: Sentence, at: int) -> list[Mention]:
    """What 'it' in a condition stands for: the data component named last before it, in its
    sentence or the one before ('Promotions are a Snowflake table ...; if it isn't updated')."""
    here = [x for x in r.found if x.sentence is s and x.end <= at and x.tech.kind in DATA_KINDS]
    if here:
        return [here[-1]]
    i = r.sents.index(s)
    before = [x for x in r.found if i and x.sentence is r.sents[i - 1]]
    data = [x for x in before if x.tech.kind in DATA_KINDS]
    return [data[-1]] if data else []


def _named_by_word(r: Reading, subject: str) -> Mention | None:
    """The one named component whose name starts with a word of the subject ('When income was
    stale' for `income_verification`)."""
    words = set(re.findall(r"[a-z]{4,}", subject))
    hits = {
        x.tech.name: x
        for x in r.found
        if x.tech.instance_of
        and x.tech.kind in DATA_KINDS
        and re.split(r"[-_]", x.tech.name)[0] in words
    }
    return next(iter(hits.values())) if len(hits) == 1 else None


HOLDS = re.compile(
    r"\b(?:that |which )?(?:holds?|stores?|keeps?) (?:our |the |all )?(?P<what>[\w -]{3,40})"
)


def _holder(r: Reading, subject: str) -> Mention | None:
    """The one store said to hold what the subject names ('the ScyllaDB cluster that holds our
    road-segment speed features' ... 'When segment speeds are missing')."""
    words = {w[:5] for w in re.findall(r"[a-z]{5,}", subject)}
    hits: dict[str, Mention] = {}
    for x in r.found:
        if x.tech.kind not in STORE_KINDS:
            continue
        held = HOLDS.search(x.sentence.lower, x.end)
        if held and held.start() - x.end > 25:
            held = None  # said of something after it, not of this store
        if held and words & {w[:5] for w in re.findall(r"[a-z]{5,}", held.group("what"))}:
            hits[x.tech.name] = x
    return next(iter(hits.values())) if len(hits) == 1 else None


def _subject(r: Reading, s: Sentence, m: re.Match[str]) -> list[Mention]:
    """What a condition is about: the technologies it names, else the one component of the
    kind it names ('if the auth stream stops' when one stream is drafted)."""
    a, b = m.start("subject"), m.end("subject")
    named = [x for x in r.found if x.sentence is s and a <= x.start and x.end <= b + 1]
    if named:
        return named
    if PRONOUN.fullmatch(m.group("subject")):
        return _referent(r, s, m.start())
    named_by = _named_by_word(r, m.group("subject")) or _holder(r, m.group("subject"))
    if named_by:
        return [named_by]
    for word, kinds in SUBJECT_KINDS.items():
        if re.search(rf"\b{word}s?\b", m.group("subject")):
            of_kind = {x.tech.name: x for x in r.found if x.tech.kind in kinds}
            if len(of_kind) == 1:
                return list(of_kind.values())
    return []


GIVES = re.compile(
    r"\bgives? (?:the |us |our )?(?:[\w-]+ )?(?:about |~\s*)?"
    + NUMBER
    + r"\s*(?P<unit>ms|s|seconds?)\b"
)


def _budget_before(r: Reading, key: tuple[str, ...], s: Sentence) -> None:
    """'The auction service gives the scorer 40 ms; if Triton doesn't answer in time, ...': the
    time given just before is the request timeout."""
    before = r.previous(s)
    if before is None or not r.same_line(before, s):
        return
    g = GIVES.search(before.lower)
    if g:
        words = quote(before, *g.span())
        r.draft.put((*key, "request_timeout"), duration_text(number(g), g.group("unit")), words)


def endpoint_fallback(r: Reading, key: tuple[str, ...]) -> None:
    """'if SageMaker doesn't answer in time the gateway approves', 'if ranking is failing we show
    the candidates in order of retrieval score', 'there is no fallback score'."""
    d = r.draft
    platforms = {x.tech.name for x in r.of_kind("serving_platform")}
    for s, m, rest in conditions(r):
        named = _subject(r, s, m)
        subject = m.group("subject")
        about_model = any(x.tech.name in platforms for x in named) or (
            not named and MODEL_WORDS.search(subject)
        )
        if not about_model:
            continue
        picked = _pick(ENDPOINT_FALLBACKS, rest)
        if picked:
            d.put(
                (*key, "fallback"), picked[0], quote(s, m.start(), min(len(s.lower), m.end() + 60))
            )
        timeout = re.search(
            r"(?:in|within|than|after)\s+(?:about\s+)?" + NUMBER + r"\s*(?P<unit>ms|s|seconds?)\b",
            s.lower[m.start() : m.end() + 70],
        )
        if timeout:
            t = timeout
            d.put(
                (*key, "request_timeout"),
                duration_text(number(t), t.group("unit")),
                quote(s, m.start() + t.start(), m.start() + t.end()),
            )
        elif re.search(r"\bin time\b", s.lower[m.start() : m.end() + 12]):
            _budget_before(r, key, s)
    none = next(
        (
            (s, x)
            for s in r.sents
            for x in re.finditer(r"\bno fallback (?:score|model|prediction|answer)s?\b", s.lower)
        ),
        None,
    )
    if none:
        d.put((*key, "fallback"), "none", quote(none[0], none[1].start(), none[1].end()))


def source_failure(r: Reading) -> None:
    """On-failure behaviour of a named source: 'if the weather API is down we leave the weather
    features null', 'if the first DAG fails, the old value just stays'."""
    d = r.draft
    for s, m, rest in conditions(r):
        for x in _subject(r, s, m):
            ident = x.tech.name
            if not d.has("sources", ident):
                continue
            key = ("sources", ident, "on_failure")
            picked = _pick(SOURCE_BEHAVIOURS, rest)
            words = quote(s, m.start(), min(len(s.lower), m.end() + 60))
            if picked:
                d.put((*key, "behaviour"), picked[0], words)
            after = _following(r, s)
            if VALID_LOOKING.search(rest) or VALID_LOOKING.search(after):
                d.put((*key, "default_in_valid_range"), True, words)
            if NOT_ALERTED.search(rest):
                d.put((*key, "alert"), False, words)
            elif re.search(
                r"\b(?:someone|somebody|we|the team|on-?call) (?:is |are |get |gets )?"
                r"(?:alerted|paged|notified)\b",
                rest,
            ):
                d.put((*key, "alert"), True, words)
            elif d.get((*key, "behaviour")):
                _unalerted(r, ident, key)


def _following(r: Reading, s: Sentence) -> str:
    """The sentence after ``s``, where a consequence is often explained ('-1 is a legal value')."""
    i = r.sents.index(s)
    return r.sents[i + 1].lower if i + 1 < len(r.sents) else ""


def _unalerted(r: Reading, ident: str, key: tuple[str, ...]) -> None:
    """'We don't page on that service's error rate': no alert on the source said anywhere."""
    for x in r.found:
        if x.tech.name != ident:
            continue
        clause = x.sentence.lower[max(0, x.start - 40) : x.end + 20]
        if NOT_ALERTED.search(clause):
            r.draft.put((*key, "alert"), False, quote(x.sentence, x.start, x.end))
            return


def call_facts(dep: dict[str, object], near: list[Sentence]) -> dict[str, str]:
    """Calls per request, timeout, retries and backoff of calls to a target, from the sentences
    ``near`` it; set in ``dep`` when not already, with the words of each value by field."""
    words: dict[str, str] = {}

    def put(field: str, value: object, s: Sentence, a: int, b: int) -> None:
        if field not in dep:
            dep[field] = value
            words[field] = quote(s, a, b)

    for s in near:
        low = s.lower
        t = re.search(
            r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*ms\s+time ?outs?\b|"
            r"time ?outs?\b(?: of| is| at|:)?\s*(?:about\s+)?(?P<n2>\d+(?:\.\d+)?)\s*ms\b",
            low,
        )
        if t:
            put("timeout_ms", float(t.group("n") or t.group("n2")), s, t.start(), t.end())
        c = re.search(
            r"\b(?P<word>once|twice|thrice)\s+(?:per|a|each|for each|for every|on every)\s+"
            r"(?!(?:day|night|week|hour|minute|second|month|year|run|job)s?\b)[a-z]+\b|(?<![\w.])(?P<n>\d+)\s+times?\s+"
            r"(?:per|a|each)\s+(?:request|search|call|query)|\b(?:reads?|queries|calls?|hits?)\s+"
            r"(?:[\w-]+\s+){0,2}?(?P<n3>\d+)\s+times\b|\b(?:does|makes|issues|performs|do|"
            r"call\w*)\s+(?:about\s+|~|roughly\s+)?(?P<n2>\d+)\s+(?:[\w-]+\s+){0,2}?(?:reads?|queries|"
            r"lookups?|calls?|(?:multi-?)?gets?)\b",
            low,
        )
        if c and not s.negated(c.start(), c.end()):
            count = {"once": 1, "twice": 2, "thrice": 3}.get(c.group("word") or "")
            value = count or int(c.group("n") or c.group("n2") or c.group("n3"))
            put("calls_per_request", value, s, c.start(), c.end())
        # 'on our tier that API allows about 10 requests per second': the callee's rate limit
        limit = re.search(
            r"\ballows? (?:about |up to |roughly |~\s*)?(?P<n>\d+(?:\.\d+)?) (?:requests?|calls?) "
            r"(?:per|a|each) second\b",
            low,
        )
        if limit and not s.negated(limit.start(), limit.end()):
            put("max_qps", float(limit.group("n")), s, limit.start(), limit.end())
        no_retry = re.search(r"\bno retr(?:y|ies)\b|\bwithout retr(?:y|ies)\b|never retr", low)
        retry = re.search(
            r"(?<![\w.])(?P<n>\d+)\s+retr(?:y|ies)\b|retr(?:y|ies|ied)\s+(?P<n2>\d+)\s+times", low
        )
        if no_retry:
            put("retries", {"max": 0}, s, no_retry.start(), no_retry.end())
        elif retry:
            put("retries", {"max": int(retry.group("n") or retry.group("n2"))}, s, *retry.span())
        backoff = re.search(r"\b(?:no|without) backoff\b|\bbackoff\b", low)
        if backoff and isinstance(dep.get("retries"), dict):
            retries = dep["retries"]
            assert isinstance(retries, dict)
            retries.setdefault("backoff", not backoff.group(0).startswith(("no", "without")))
    return words


# 'The bot module ... preallocates room for 200 features': a limit fixed in the consumer's code
# on what it loads, and 'reads about 60 features' what the artefact holds today.
LOAD_LIMIT = re.compile(
    r"\b(?:pre-?allocates?|allocates?|reserves?) (?:room|space|slots?) for (?:up to )?"
    r"(?P<n>\d[\d,]*) (?P<noun>[a-z]+)|"
    r"\b(?:accepts?|loads?|holds?|takes?) (?:at most|no more than) (?P<n2>\d[\d,]*) "
    r"(?P<noun2>[a-z]+)|\b(?:hard )?limit of (?P<n3>\d[\d,]*) (?P<noun3>[a-z]+)"
)


def _load_limit(
    r: Reading, near: list[Sentence]
) -> tuple[dict[str, int], Sentence, int, int, str | None] | None:
    """The most entries the consumer accepts, from the sentences near the target, and what
    the text says it holds today (the same noun, 'about N', anywhere in it). A clause before
    one that names the target counts: 'preallocates room for 200 features, for speed; if it
    can't load the file, the request errors out'."""
    around: list[Sentence] = []
    for s in near:
        i = r.sents.index(s)
        if i > 0 and r.same_line(r.sents[i - 1], s) and r.sents[i - 1] not in around:
            around.append(r.sents[i - 1])
        if s not in around:
            around.append(s)
    for s in around:
        m = LOAD_LIMIT.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        most = int((m.group("n") or m.group("n2") or m.group("n3")).replace(",", ""))
        noun = m.group("noun") or m.group("noun2") or m.group("noun3")
        limit = {"max_entries": most}
        typical = re.compile(rf"\b(?:about|around|roughly|some|~)\s*(?P<n>\d[\d,]*) {noun}\b")
        said = None
        for t in r.sents:
            hit = typical.search(t.lower)
            if hit and 0 < (n := int(hit.group("n").replace(",", ""))) < most:
                limit["typical_entries"] = n
                said = quote(t, hit.start(), hit.end())
                break
        if most >= 1:
            return limit, s, m.start(), m.end(), said
    return None


def _names_other(r: Reading, s: Sentence, target: str) -> bool:
    return any(
        x.sentence is s and x.tech.name != target and x.tech.kind in DATA_KINDS for x in r.found
    )


def dependency_facts(r: Reading, dep: dict[str, object], target: str, m: Mention) -> dict[str, str]:
    """Calls per request, timeout, retries and fallback for calls to ``target``, from the
    sentences that name it (and the sentence after each); the words of each value by field."""
    near: list[Sentence] = []
    for x in r.found:
        if x.tech.name == target and x.sentence not in near:
            near.append(x.sentence)
            i = r.sents.index(x.sentence)
            if i + 1 < len(r.sents) and r.sents[i + 1] not in near:
                near.append(r.sents[i + 1])
            # 'It's a 3-node cluster ... Every ETA request does about 40 reads ..., and the
            # service has a 20ms timeout on those': the paragraph goes on about it while it
            # names no other data component.
            for s in r.sents[i + 2 : i + 3]:
                if not r.same_line(r.sents[i + 1], s) or s in near or _names_other(r, s, target):
                    break
                if _names_other(r, r.sents[i + 1], target):
                    break
                near.append(s)
    near.sort(key=lambda s: s.start)
    words = call_facts(dep, near)

    def put(field: str, value: object, s: Sentence, a: int, b: int) -> None:
        if field not in dep:
            dep[field] = value
            words[field] = quote(s, a, b)

    for s in near:
        back = re.search(r"\bfall(?:s|ing)? ?back to\b|\bfalls? back on\b", s.lower)
        if back:
            picked = _pick(DEPENDENCY_FALLBACKS, s.lower[back.end() : back.end() + 50])
            if picked:
                put("fallback", picked[0], s, back.start(), back.end() + picked[1].end())
    found = _load_limit(r, near)
    if found is not None:
        limit, s, a, b, said = found
        put("load_limit", limit, s, a, b)
        if said is not None and words.get("load_limit"):
            words["load_limit.typical_entries"] = said  # its own words, not the limit's
    for s, cond, rest in conditions(r):
        event = cond.group("event")
        held_missing = event.endswith("missing") and _holder(r, cond.group("subject"))
        if held_missing or event.startswith(
            ("slow", "down", "unavail", "unreach", "time", "fail", "does", "did", "can")
        ):
            named = _subject(r, s, cond)
            pronoun = re.search(r"\b(?:it|they|that)\b", cond.group("subject")) and s in near
            # 'if the module cannot load the file': the failed load is the file's
            loaded = LOAD_EVENT.match(event) and any(
                x.sentence is s
                and x.tech.name == target
                and cond.end() <= x.start < cond.end() + 30
                for x in r.found
            )
            if any(x.tech.name == target for x in named) or (not named and (pronoun or loaded)):
                picked = _pick(DEPENDENCY_FALLBACKS, rest)
                if picked:
                    put("fallback", picked[0], s, cond.start(), min(len(s.lower), cond.end() + 60))
    return words
