"""Features: what the text says of how they are computed on each path. One feature is drafted,
named after the feature the text names ('the 7-day spend feature') or standing for the features
it describes as a group; it holds whether one definition serves both paths, the language and
window of each path, point-in-time correctness, the serving default when a value is missing,
a trend the model extrapolates, and the online store it is read from."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import DURATION_UNITS, NUMBER, UNIT, Sentence, duration_text, number

SEPARATE = re.compile(
    r"\b(?:two|2) implementations?\b|\bnot the same code\b|\bseparate implementation|"
    r"\bown implementation|\breimplement\w*|\bcomputed differently\b|\bbuilt differently\b|"
    r"\bdifferent (?:code|implementation|logic)\b|\b(?:two|2) implementation of same logic\b|"
    r"\bseparate (?:[\w-]+ )?(?:code|codebases?|code ?paths?)\b|"
    r"\b(?:implemented|written|coded) (?:again |twice |separately)|"
    r"\bseparately (?:implemented|written)\b"
)
REFERS = r"\b(?:those|these|them|they|ones)\b"
# How old a served value may be: 'the model expects them within six hours', '10 minutes old at
# most', 'must be no older than 1 hour'.
FRESHNESS = re.compile(
    r"\b(?:expects?|needs?|must be|should be|may be|can be|budget\w*)\b[^.;]{0,60}?\b(?:within|"
    r"at most|no older than|under|less than|no more than)\s+"
    + NUMBER
    + r"\s*(?P<unit>"
    + UNIT
    + r")\b(?!\s+(?:of|after) )"
)
RECOMPUTED = re.compile(
    r"\brecompute[sd]?\b[^.;]{0,60}?\bfrom\b|\bnot from (?:what )?[\w-]+(?: (?:served|computes))?\b"
)
SHARED = re.compile(
    r"\bdefined once\b|\bsame feature (?:functions|definitions|code)\b|"
    r"\bshared [\w ]{0,20}library\b|\bsame code\b|\bpackaged inside\b|\bused by training and by\b|"
    r"\bno (?:separate )?serving implementation\b|\bboth (?:paths|the [\w ]+ and the serving)\b"
)
# 'the recent price trend in each market, which the forecast extrapolates': a trend the model
# carries forward (areas/playbooks/mechanisms.py works out what that costs if it stops).
EXTRAPOLATED = re.compile(
    r"\btrends?\b[^.;]{0,80}?\bextrapolat\w*|\bextrapolat\w*\b[^.;]{0,40}?\btrends?\b|"
    r"\b(?:projects?|carries|carry|carried) (?:the |its |that |recent )*trends? (?:forward|ahead)\b"
)
OTHERWISE = re.compile(r"\ba different story\b|\bnot the case for\b|\bis the exception\b")
SUBJECT = re.compile(r"^\W*(?:the |our )?(?P<name>[a-z][\w-]*(?:'s)?(?: [a-z][\w-]*)?)")
POINT_IN_TIME = re.compile(
    r"point[- ]in[- ]time|\bas of (?:each|the) (?:example|timestamp|event)|"
    r"values? at (?:query|request|prediction) time|\bcurrent snapshot\b|\bcurrent (?:document )?"
    r"attributes\b"
)
TRAINING_SIDE = re.compile(
    r"\btrain\w*|\bbackfill|\brecompute|\boffline\b|\bwarehouse\b|\bnightly\b|\bpyspark\b|"
    r"\bspark\b|\breplay\w*|\bbatch path\b|\bledger\b|\bexport\b|"
    # credit-risk teams 'develop' a model where others train one
    r"\bmodels?\b[^.;]{0,20}?\b(?:are|is|were|was|gets?) (?:\w+ )?developed\b"
)
SERVING_SIDE = re.compile(
    r"\bserv\w*|\bonline\b|\blive\b|\bflink\b|\bstream\w*|\brequest\b|on-demand|\bconsumer\b|"
    r"\bdataflow\b|\bbeam\b|\bat serving\b|\bscoring service\b|\bpredictor\b"
)
LANGUAGE_WORDS = {
    "pyspark": "python",
    "python": "python",
    "sql": "sql",
    "java": "java",
    "go": "go",
    "golang": "go",
    "kotlin": "kotlin",
    "scala": "scala",
    "cobol": "cobol",
    "sas": "sas",
}
LANGUAGE = re.compile(
    r"\b(?:pyspark|python|java|golang|kotlin|scala|cobol)\b|(?<!databricks )(?<!azure )\bsql\b"
    r"(?! server| database| alerts)|\bin sas\b|\bin go\b|\(go\b|\bgo\)"
)
WINDOW = re.compile(
    r"(?<![\w.])" + NUMBER + r"[- ](?P<unit>" + UNIT + r")\s+(?:sliding |rolling |tumbling )?"
    r"(?:window|spend|average|count|counts|click-through|segment speeds?)\b|"
    r"\bcount of [\w ]{1,20}? in last "
    + NUMBER.replace("num", "num2").replace("scale", "scale2")
    + r"\s*(?P<unit2>"
    + UNIT
    + r")\b"
)
# Several windows of one aggregate: 'counts per cell over the last 2, 5 and 15 minutes', 'counters
# (impressions and clicks over 1h, 24h and 7d windows)'. Each window is a feature of its own (the
# model reads a 2-minute count and a 15-minute count as two inputs).
WINDOW_LIST = re.compile(
    r"\bover (?:the )?(?:last|past) (?P<list>\d+(?:\s*,\s*\d+)*,?\s+(?:and|or)\s+\d+)\s+"
    r"(?P<unit>" + UNIT + r")\b|"
    r"\bover (?P<list2>\d+\s*[a-z]+(?:\s*,\s*\d+\s*[a-z]+)*,?\s+(?:and|or)\s+\d+\s*[a-z]+)\s+"
    r"windows?\b"
)
Window = tuple[str, str]
"""A window as the manifest writes it ('15m') and the words it came from."""


def _listed_windows(s: Sentence) -> list[Window]:
    """The windows ``s`` lists, in the order stated, each once."""
    m = WINDOW_LIST.search(s.lower)
    if m is None:
        return []
    if m.group("list"):
        pairs = [(float(n), m.group("unit")) for n in re.findall(r"\d+", m.group("list"))]
    else:
        pairs = [
            (float(n), u)
            for n, u in re.findall(r"(\d+)\s*([a-z]+)", m.group("list2"))
            if u in DURATION_UNITS
        ]
    words = quote(s, *m.span())
    out: list[Window] = []
    for n, u in pairs:
        text = duration_text(n, u)
        if n > 0 and text not in (w for w, _ in out):
            out.append((text, words))
    return out if len(out) > 1 else []


def _windows(feature_sents: list[Sentence]) -> tuple[dict[str, Window], list[Window]]:
    """Each side's window with its words (one stated with its noun), and the windows a sentence
    lists when no serving window is stated with its noun: one feature each."""
    windows: dict[str, Window] = {}
    for s in feature_sents:
        for m in WINDOW.finditer(s.lower):
            side = _side(s, m.start()) or "serving"
            if side in windows:
                continue
            if m.group("unit"):
                text = duration_text(number(m), m.group("unit"))
            else:
                text = duration_text(float(m.group("num2")), m.group("unit2"))
            windows[side] = (text, quote(s, *m.span()))
    if "serving" in windows:
        return windows, []
    listed = next((w for s in feature_sents if (w := _listed_windows(s))), [])
    return windows, listed


MISSING: tuple[tuple[str, str], ...] = (
    ("zero", r"features? (?:all )?set to (?:zero|0)|\bset to (?:zero|0)\b|substitutes? 0\b"),
    ("default", r"\bsubstitut\w* the\b|\bdefault value\b"),
    # 'the city median', 'its median value'; not a label delay's 'four months on median'.
    (
        "impute_median",
        r"\b(?:the|its|a|their) (?:[\w-]+ )?median\b|\bmedian (?:value|imput\w*)\b|"
        r"\bimput\w* (?:\w+ ){0,3}median\b",
    ),
    ("impute_mean", r"\baverage\b|\b(?:the|its|a) (?:[\w-]+ )?mean\b"),
    ("passthrough", r"\bleave [\w ]{0,20}null\b|\bnulls?\b"),
)
OUTAGE = re.compile(
    r"\b(?:doesn'?t|does not|didn'?t|can'?t|cannot|fails? to) (?:answer|respond|reply)|"
    r"\b(?:is|goes|are|was) down\b|\btimes? out\b|\bunavailable\b|\boutage\b"
)
NAMED = re.compile(
    r"\bthe (?P<name>(?:\d+-\w+ )?[a-z][\w-]*(?: [a-z][\w-]*)?) feature\b(?! (?:store|table|vector|"
    r"functions|library|values|dumps?|vectors?|logs?|logging))"
)
# What the model weighs most: 'Those velocity features are the most important ones in the
# model', 'the strongest signals', '..., matter most to the model'.
IMPORTANT = re.compile(
    r"\b(?:features?|signals?|inputs?)\b[^.;]{0,100}?\b(?:(?:are|is) (?:the |our |by far the )?"
    r"(?:most important|most predictive|strongest)|matters? (?:the )?most)\b|"
    r"\b(?:most important|most predictive|strongest|top)\s+(?:features?|signals?|inputs?)\b"
)
# An aggregate a job computes over a stated window, in a sentence that need not say 'feature':
# '`search_ctr_features` ... computes 30-day click-through per product from the click logs'.
COMPUTED = re.compile(
    r"\b(?:comput|calculat|maintain|aggregat|materiali[sz])\w*\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:(?:rolling|sliding|trailing)\s+)?"
    + NUMBER
    + r"[- ](?P<unit>"
    + UNIT
    + r")\s+(?P<noun>spend|average|counts?|click-through|ctr|sums?|totals?)\b"
)


Fact = tuple[tuple[str, ...], object, str]


def _language(s: Sentence, m: re.Match[str]) -> str:
    word = re.sub(r"[^a-z]", " ", m.group(0)).split()
    return LANGUAGE_WORDS.get(word[-1] if word[-1] != "in" else "go", "go")


SIDE_CLAUSE = re.compile(r"[;,]|\b(?:and|but|while|whereas)\b")


def _side(s: Sentence, at: int) -> str | None:
    """'training' or 'serving', from the words nearest the offset ``at`` in ``s``: those of its
    own clause first ('developed in SAS, and the service was written in Java')."""
    cuts = [m.start() for m in SIDE_CLAUSE.finditer(s.lower)]
    lo = max((c for c in cuts if c < at), default=0)
    hi = min((c for c in cuts if c > at), default=len(s.lower))
    own = _nearest_side(s.lower[lo:hi], at - lo)
    return own or _nearest_side(s.lower[max(0, at - 70) : at + 40], at - max(0, at - 70))


def _nearest_side(text: str, at: int) -> str | None:
    best: tuple[int, str] | None = None
    for side, pattern in (("training", TRAINING_SIDE), ("serving", SERVING_SIDE)):
        for hit in pattern.finditer(text):
            distance = abs(hit.start() - at)
            if best is None or distance < best[0]:
                best = (distance, side)
    return best[1] if best else None


def read(r: Reading) -> None:
    facts: list[Fact] = []
    feature_sents = [
        s
        for s in r.sents
        if re.search(r"\bfeatures?\b|counters?|\bsegment speeds?\b|\baggregat", s.lower)
        or COMPUTED.search(s.lower)
    ]
    shared_found = _stated(SHARED, r.sents)
    separate_found = _stated(SEPARATE, r.sents) or _stated(
        RECOMPUTED, [s for s in feature_sents if re.search(r"\btrain", s.lower)]
    )
    other = _stated(OTHERWISE, r.sents) if shared_found else None
    if other and shared_found:
        # 'The ranker's features are defined once ...; the user-embedding lookups are a
        # different story': two features, the second computed apart.
        _feature(r, shared_found[0], [(("shared_definition",), True, shared_found[1])])
        separate_found = other
    elif shared_found and not separate_found:
        facts.append((("shared_definition",), True, shared_found[1]))
    if separate_found:
        facts.append((("shared_definition",), False, separate_found[1]))
    sides: dict[str, tuple[str, str]] = {}
    for s in r.sents:
        if not (TRAINING_SIDE.search(s.lower) or SERVING_SIDE.search(s.lower)):
            continue
        for m in LANGUAGE.finditer(s.lower):
            side = _side(s, m.start())
            if side and side not in sides:
                sides[side] = (_language(s, m), quote(s, *m.span()))
    for side, (language, words) in sides.items():
        facts.append(((side, "language"), language, words))
    windows, listed = _windows(feature_sents)
    for side, (text, words) in windows.items():
        facts.append(((side, "window"), text, words))
    for s in r.sents:
        pit = POINT_IN_TIME.search(s.lower)
        if pit:
            stated = not s.negated(pit.start(), pit.end()) and not pit.group(0).startswith(
                "current"
            )
            facts.append((("point_in_time_join",), stated, quote(s, *pit.span())))
            break
    missing = _missing(r)
    if missing:
        facts.append(missing)
    trend = _stated(EXTRAPOLATED, feature_sents)
    if trend:
        facts.append((("trend", "extrapolated"), True, trend[1]))
    important = _important(feature_sents)
    if important:
        facts.append(important)
    budget, budget_note = _budget(r, feature_sents)
    budget = budget or (_stale_after(r) if missing else None) or _checked_age(r)
    if budget:
        facts.append(budget)
    if not facts and not other and not listed:
        only_input(r)
        return
    if other:
        _feature(r, other[0], facts)
        return
    ident, words, group = _name(feature_sents)
    for one, its_facts in _per_window(ident, facts, listed):
        add(r, one, words, its_facts, group)
        if listed:
            r.draft.notes[("features", one, "id")] = "note: one feature per window the text lists"
        if budget_note:
            r.draft.notes[("features", one, "freshness_budget")] = budget_note


# 'The input is search behaviour': the model has one input, so it is the one that matters most.
ONLY_INPUT = re.compile(
    r"^\W*(?:the|its|the model'?s) (?:only |one |single |sole )?input (?:is|are)\s+"
    r"(?:the |our |their )?(?P<what>[a-z][a-z-]+(?: [a-z][a-z-]+)?)\b"
)


def only_input(r: Reading) -> None:
    """The one input the text says the model has: a feature of importance rank 1, from the
    source whose naming word it shares."""
    d = r.draft
    for s in r.sents:
        m = ONLY_INPUT.search(s.lower)
        if m is None or s.negated(m.start(), m.end()) or d.ids("features"):
            continue
        what = m.group("what")
        ident = re.sub(r"[^a-z0-9]+", "_", what).strip("_")
        words = quote(s, *m.span())
        d.component("features", ident, words)
        d.put(("features", ident, "importance_rank"), 1, words)
        tables = [
            o
            for p in d.ids("pipelines")
            for o in d.get(("pipelines", p, "outputs")) or []
            if d.get(("stores", o, "kind")) == "warehouse"
        ]
        if len(set(tables)) == 1:
            d.put(("features", ident, "store"), tables[0], "")
            d.notes[("features", ident, "store")] = "note: the one table a job writes"
            _unlogged(r, ident)
            return
        first = what.split()[0]
        for source in d.ids("sources"):
            if len(first) >= 4 and source.split("_")[0].startswith(first[:5]):
                d.add_to(("features", ident, "sources"), source, words)
        _unlogged(r, ident)
        return


def _important(feature_sents: list[Sentence]) -> Fact | None:
    """Rank 1 when the features are said to weigh most; a feature named in backticks has its
    own (named_features)."""
    for s in feature_sents:
        m = IMPORTANT.search(s.lower)
        if m and "`" not in s.lower[: m.end()] and not s.negated(m.start(), m.end()):
            return (("importance_rank",), 1, quote(s, *m.span()))
    return None


def _name(feature_sents: list[Sentence]) -> tuple[str, str, bool]:
    """The feature's id, its words, and whether it stands for a group: the feature the text
    names ('the 7-day spend feature'), else the aggregate a job computes, named by what it
    aggregates and over how long ('click_through_30d'), else 'features'."""
    named = next(((s, n) for s in feature_sents if (n := NAMED.search(s.lower))), None)
    if named:
        ident = re.sub(r"[^a-z0-9]+", "_", named[1].group("name")).strip("_")
        return ident, quote(named[0], *named[1].span()), False
    computed = next(((s, c) for s in feature_sents if (c := COMPUTED.search(s.lower))), None)
    if computed:
        s, c = computed
        window = duration_text(number(c), c.group("unit"))
        ident = re.sub(r"[^a-z0-9]+", "_", f"{c.group('noun')}_{window}")
        return ident, quote(s, *c.span()), False
    return "features", "", True


def _per_window(
    ident: str, facts: list[Fact], listed: list[Window]
) -> list[tuple[str, list[Fact]]]:
    """The feature ``ident`` with ``facts``, or one feature per listed window, each with the
    facts of the group and its own serving window ('features_2m', 'features_15m')."""
    if not listed:
        return [(ident, facts)]
    return [
        (f"{ident}_{text}", [*facts, (("serving", "window"), text, words)])
        for text, words in listed
    ]


# 'If the courier has no GPS in the last 2 min, courier speed is just set to the city average':
# data older than that counts as missing, so the features' freshness budget is that age.
STALE_AFTER = re.compile(
    r"\b(?:if|when)\b[^.;]{0,40}?\b(?:has|have|had|there is|there are|we get|we have) no\s+"
    r"[\w-]+(?:\s+[\w-]+)?\s+(?:in|within|for|over)\s+the\s+(?:last|past)\s+"
    + NUMBER
    + r"\s*(?P<unit>"
    + UNIT
    + r")\b"
)


# 'freshness check on income_verification blocking the scoring job if the newest partition is
# older than 26 hours': the age a check refuses is the oldest the features may be served at.
CHECKED_AGE = re.compile(
    r"\b(?:fresh\w*|stale\w*|check\w*|block\w*|alert\w*|pages?|paging)\b[^.;]{0,80}?"
    r"\b(?:if|when|once)\b[^.;]{0,30}?\b(?:partitions?|tables?|data|snapshots?|values?|rows?|"
    r"files?|features?|batch|exports?)\s+(?:is|are|gets?|get)\s+older than\s+"
    + NUMBER
    + r"\s*(?P<unit>"
    + UNIT
    + r")\b"
)


def _checked_age(r: Reading) -> Fact | None:
    for s in r.sents:
        m = CHECKED_AGE.search(s.lower)
        if m and not s.negated(m.start(), m.end()):
            text = duration_text(number(m), m.group("unit"))
            return (("freshness_budget",), text, quote(s, *m.span()))
    return None


def _stale_after(r: Reading) -> Fact | None:
    """The age past which a missing-value default replaces the data, as the freshness budget."""
    for s in r.sents:
        m = STALE_AFTER.search(s.lower)
        if m and any(re.search(pattern, s.lower) for _, pattern in MISSING):
            text = duration_text(number(m), m.group("unit"))
            return (("freshness_budget",), text, quote(s, *m.span()))
    return None


def _missing(r: Reading) -> Fact | None:
    """What serving uses for a missing value. A sentence about the value itself ('if the courier
    has no GPS, courier speed is set to the city average') is preferred to one about a store not
    answering, whose substitute is first of all the dependency's fallback."""
    found: list[tuple[bool, int, Fact]] = []
    for order, s in enumerate(r.sents):
        if not re.search(r"\bif\b|\bwhen\b|\bmissing\b|\bdown\b|\btimes? out\b", s.lower):
            continue
        for value, pattern in MISSING:
            hit = re.search(pattern, s.lower)
            if hit:
                outage = bool(OUTAGE.search(s.lower))
                found.append(
                    (outage, order, (("missing", "serving"), value, quote(s, *hit.span())))
                )
                break
    return min(found, key=lambda f: f[:2])[2] if found else None


def _budget(r: Reading, feature_sents: list[Sentence]) -> tuple[Fact | None, str]:
    """The freshness budget stated for the features, and a note when another is stated in words.
    A sentence that refers back to the features of the one before ('... keeps real-time
    features there; the model expects those within minutes') is about them too."""
    about = [
        s
        for i, s in enumerate(r.sents)
        if s in feature_sents
        or (i and r.sents[i - 1] in feature_sents and re.search(REFERS, s.lower))
    ]
    found = next(((s, b) for s in about if (b := FRESHNESS.search(s.lower))), None)
    if found is None or found[0].negated(*found[1].span()):
        return None, ""
    s, b = found
    text = duration_text(number(b), b.group("unit"))
    rest = s.lower[: b.start()] + s.lower[b.end() :]
    note = ""
    if re.search(r"\bold at most\b|\b(?:few|couple of) (?:seconds|minutes|hours)\b", rest):
        note = "reading taken: the budget given as a number; another is stated in words"
    return (("freshness_budget",), text, quote(s, *b.span())), note


def _stated(pattern: re.Pattern[str], sents: list[Sentence]) -> tuple[Sentence, str] | None:
    for s in sents:
        m = pattern.search(s.lower)
        if m and not s.negated(m.start(), m.end()):
            return s, quote(s, *m.span())
    return None


def _feature(r: Reading, s: Sentence, facts: list[Fact]) -> None:
    """A feature named by the subject of ``s`` ('The ranker's features are ...')."""
    m = SUBJECT.search(s.lower)
    name = m.group("name") if m else "features"
    ident = re.sub(r"[^a-z0-9]+", "_", name.replace("'s", "")).strip("_") or "features"
    add(r, ident, quote(s, *m.span()) if m else "", facts, False)


def add(r: Reading, ident: str, words: str, facts: list[Fact], group: bool) -> None:
    d = r.draft
    d.component("features", ident, words)
    if group:
        d.notes[("features", ident, "id")] = "note: stands for the features the text describes"
    online = [i for i in d.ids("stores") if d.get(("stores", i, "kind")) in ("online", "cache")]
    written = [
        o
        for p in d.ids("pipelines")
        if d.get(("pipelines", p, "kind")) == "feature_batch"
        for o in d.get(("pipelines", p, "outputs")) or []
        if d.get(("stores", o, "kind")) == "warehouse"
    ]
    if len(online) == 1:
        d.put(("features", ident, "store"), online[0], "")
        d.notes[("features", ident, "store")] = "note: the one online store drafted"
    elif not online and len(written) == 1:
        d.put(("features", ident, "store"), written[0], "")
        d.notes[("features", ident, "store")] = "note: the tables the one feature job writes"
    for path, value, quoted in facts:
        d.put(("features", ident, *path), value, quoted)
    _unlogged(r, ident)


def _unlogged(r: Reading, ident: str) -> None:
    """'We log predictions ... but not the features': no feature is logged at serving."""
    d = r.draft
    for endpoint in d.ids("endpoints"):
        key = ("endpoints", endpoint, "logging", "features")
        if d.get(key) is False:
            d.put(("features", ident, "logged_at_serving"), False, d.words.get(key, ""))
            return
