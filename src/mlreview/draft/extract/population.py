"""Which cases a model's training examples hold, against those serving scores
(``models[].training.population``): a filter by an attribute that keeps served cases out ('only
keeps posts younger than the freshness cut-off, which is 55% of the impressions'), and a context
serving never scores pooled into the examples ('builds examples from every landing-page
impression; that includes the Games home page'), with whether a feature tells it apart ('they
don't carry which page the impression was on')."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import Sentence

# Patterns read the lower-cased text, whose number words are digits ("one of" is "1 of").
# The sentence is about training, or the one before it about the examples ('...into training
# examples; it only keeps...').
ABOUT_TRAINING = re.compile(
    r"\b(?:re-?)?train\w*|\bexamples?\b|\bexample[- ]generation\b|\bfit\b|\blearns? from\b"
)
EXAMPLES = re.compile(r"\btraining (?:examples|data|set|rows)\b|\bexamples?\b|\bexample[- ]gen")
JOB = re.compile(r"\b(?:pipeline|job|dag)\b")
TRAINED = re.compile(r"\b(?:re-?)?train(?:ed|s|ing)?\b")
CASES = r"(?:[\w'-]+\s+){0,2}?[\w'-]+s"
COMPARED = (
    r"younger than|newer than|older than|fresher than|less than|more than|fewer than|"
    r"shorter than|longer than|cheaper than|dearer than|under|over|above|below|within|after|"
    r"before"
)
QUALIFIERS = COMPARED + r"|from|in|on|with|without|inside|outside|that|which|where|whose"
REST = r"[^,.;()]+?(?=\s*(?:[,.;()]|\band\b|\bwhich\b|\bbut\b|\bso\b|$))"
# 'only keeps posts younger than X': the filter is named by what it keeps. Without 'only' a bare
# keep counts when a comparison follows ('keeps sessions shorter than an hour').
KEEPS = re.compile(
    r"\b(?:only (?:keeps?|kept|retains?|uses?|takes?)|(?:keeps?|kept|retains?|uses?|takes?) only|"
    r"(?:trains?|trained|learns?|learned) only (?:on|from)|"
    r"only (?:trains?|trained|learns?|learned) (?:on|from)|"
    r"(?:is|are) (?:limited|restricted) to|filters? (?:down )?to)\s+(?:the\s+)?(?P<cases>"
    + CASES
    + r")\s+(?P<qual>"
    + QUALIFIERS
    + r")\s+(?P<rest>"
    + REST
    + r")"
    r"|\b(?:keeps?|kept|retains?)\s+(?:the\s+)?(?P<cases2>"
    + CASES
    + r")\s+(?P<qual2>"
    + COMPARED
    + r")\s+(?P<rest2>"
    + REST
    + r")"
)
# 'drops posts older than X': the filter is named by what it leaves out.
DROPS = re.compile(
    r"\b(?:drops?|dropped|filters? out|filtered out|excludes?|excluded|leaves? out|left out|"
    r"discards?|discarded|throws? away|threw away|removes?|removed|skips?|skipped)\s+"
    r"(?:all\s+|any\s+|the\s+)?(?P<cases>" + CASES + r")\s+(?P<qual>" + QUALIFIERS + r")\s+"
    r"(?P<rest>" + REST + r")"
)
# Leaving out unusable rows (no label, duplicates, bots) is cleaning, not a served population.
CLEANING = re.compile(
    r"\blabels?\b|\bnull|\bmissing\b|\bduplicat\w*|\bbots?\b|\bspam\w*|\bcorrupt\w*|\binvalid\b|"
    r"\bmalformed\b|\btest\b|\bempty\b|\berrors?\b|"
    # 'features only use events before the prediction time' is a point-in-time join.
    r"\b(?:prediction|decision|scoring|request|event|as-of|snapshot) (?:time|timestamp|date)\b|"
    r"\bpoint[- ]in[- ]time\b|\bas of\b"
)
# What is filtered must be cases (posts, sessions), not the columns of one.
NOT_CASES = re.compile(r"\b(?:features|columns|fields|values|signals|attributes|embeddings)$")
# 'trains only on examples from the last 14 days' is the training window, not a filter.
WINDOW = re.compile(
    r"^(?:(?:from|in|within|over|during) )?(?:the |our )?(?:last|past|previous|most recent|latest|"
    r"recent|trailing)\b|^(?:from|in|within|over|during) \d+\s*(?:h|d|hours?|days?|weeks?|"
    r"months?|years?)$"
)
OPPOSITES = {
    "younger than": "older than",
    "newer than": "older than",
    "fresher than": "older than",
    "older than": "younger than",
    "less than": "more than",
    "more than": "less than",
    "fewer than": "more than",
    "shorter than": "longer than",
    "longer than": "shorter than",
    "cheaper than": "more expensive than",
    "dearer than": "cheaper than",
    "under": "over",
    "over": "under",
    "above": "below",
    "below": "above",
    "within": "outside",
    "inside": "outside",
    "outside": "within",
    "after": "before",
    "before": "after",
    "with": "without",
    "without": "with",
}
FRACTIONS = {"half": 0.5, "a third": 0.333, "a quarter": 0.25, "two thirds": 0.667}
SHARE = re.compile(
    r"\b(?:which|that|this|it)\b[^.;]{0,30}?\b"
    r"(?P<verb>is|are|comes to|means|keeps|covers|leaves)\s+"
    r"(?P<hedge>(?:only |just |a bit |a little |slightly )?(?:over|under|below|above|more than|"
    r"less than|nearly|almost|close to)\s+)?(?:about |roughly |around |~\s*)?"
    r"(?P<share>half|a third|a quarter|two thirds|(?P<pct>\d+(?:\.\d+)?)\s*%)\s+of\b"
    # '(about 55% of the impressions)'
    r"|\(\s*(?P<hedge2>(?:over|under|more than|less than|nearly|almost) )?(?:about |"
    r"roughly |around |~\s*)?(?P<pct2>\d+(?:\.\d+)?)\s*%\s+of\b"
)
CONTEXT = (
    r"(?:page|pages|surface|surfaces|tab|tabs|feed|market|markets|region|regions|country|"
    r"countries|site|sites|storefront|screen|placement|channel|vertical|locale|homepage|home)"
)
# 'that includes the Games home page' after examples built 'from every landing-page impression'.
POOLS = re.compile(
    r"\b(?:includ(?:es|ed|ing|e)|pool(?:s|ed|ing)?(?: in)?|mix(?:es|ed|ing)? in|together with|"
    r"as well as|along with|also (?:from|on|covers?)|also (?:trains?|trained|learns?|learned) "
    r"(?:on|from))\s+(?:(?:impressions|examples|traffic|"
    r"sessions|requests) (?:from|on) )?(?:the\s+)?(?P<context>(?:[\w'-]+\s+){0,3}" + CONTEXT + r")"
    r"(?!\s*-?\w)"
    # 'impressions from the Games page are pooled in'
    r"|\b(?:examples|impressions|traffic|data|sessions|requests) (?:from|on) (?:the\s+)?"
    r"(?P<context2>(?:[\w'-]+\s+){0,3}" + CONTEXT + r")\s+(?:are|is|were|get|got) (?:also )?"
    r"(?:pooled|mixed|thrown|added|folded) in"
)
# Examples built from more than the one context: 'every impression', 'all pages', 'also'.
BROADER = re.compile(
    r"\b(?:every|all|both|also|even)\b|\bpool\w*|\bmix\w* in\b|"
    r"\bnever (?:scores?|ranks?|serves?)\b|\bdoes(?:n't| not) (?:score|rank|serve)\b"
)
GENERAL = frozenset(["all", "every", "each", "both", "our", "its", "their", "this", "that", "any"])
ROWS = re.compile(r"\b(?P<row>impression|session|request|visit|click|view)s?\b")
# 'They don't carry which page the impression was on'; 'the page is a feature'.
CONTEXT_FEATURE = re.compile(
    r"\b(?:carr(?:y|ies|ied)|records?|recorded|keeps?|kept|includes?|included|has|have|had|"
    r"stores?|stored|logs?|logged|knows?|says?|tells?|encodes?)\s+(?:which|what|the)\s+"
    + CONTEXT
    + r"\b|\b"
    + CONTEXT
    + r"\b[^.;]{0,30}?\b(?:as|is) (?:a|1 of the|an input) feature|\bfeatures?\b[^.;]{0,30}?"
    r"\b(?:which|what|the) " + CONTEXT + r"\b"
)


def filters_by_attribute(s: Sentence) -> bool:
    """True when the sentence keeps or drops cases by an attribute (age, page, region), which is
    a filter and not a random sample."""
    return any(_filter(s, pattern) for pattern in (KEEPS, DROPS))


def read(r: Reading) -> None:
    models = r.draft.ids("models")
    if len(models) != 1:
        return
    key = ("models", models[0], "training", "population")
    _excluded(r, key)
    _pooled(r, key)


def _about_training(r: Reading, s: Sentence) -> bool:
    """True when ``s`` or the one before is about training, or ``s`` is about a job in a text
    whose only model is trained ('The pipeline only keeps posts younger than ...')."""
    before = r.previous(s)
    if ABOUT_TRAINING.search(s.lower) or (before and EXAMPLES.search(before.lower)):
        return True
    return bool(JOB.search(s.lower)) and any(TRAINED.search(x.lower) for x in r.sents)


def _filter(s: Sentence, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for m in pattern.finditer(s.lower):
        found = m.groupdict()
        rest = found.get("rest") or found.get("rest2")
        qual = found.get("qual") or found.get("qual2")
        cases = found.get("cases") or found.get("cases2") or ""
        if not rest or CLEANING.search(rest) or WINDOW.search(f"{qual} {rest}"):
            continue
        if NOT_CASES.search(cases):
            continue
        if not s.negated(m.start(), m.end()):
            return m
    return None


def _words(s: Sentence, start: int, end: int) -> str:
    """The words of ``s`` as written for the span [start, end) of its lower-cased text."""
    lo, hi = s.span(start, end)
    while lo > 0 and s.text[lo - 1].isalnum():
        lo -= 1
    while hi < len(s.text) and s.text[hi].isalnum():
        hi += 1
    return s.text[lo:hi]


def _excluded(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for s in r.sents:
        if not _about_training(r, s):
            continue
        dropped = _filter(s, DROPS)
        kept = None if dropped else _filter(s, KEEPS)
        m = dropped or kept
        if m is None:
            continue
        g = "" if m.group("cases") else "2"
        cases = _words(s, *m.span("cases" + g))
        qual = m.group("qual" + g)
        rest = _words(s, *m.span("rest" + g))
        if dropped:
            excluded = f"{cases} {qual} {rest}"
        elif qual in OPPOSITES:
            excluded = f"{cases} {OPPOSITES[qual]} {rest}"
        elif qual in ("that", "which", "where", "whose"):
            excluded = f"{cases} other than those {qual} {rest}"
        else:
            excluded = f"{cases} not {qual} {rest}"
        d.put((*key, "excluded"), excluded, quote(s, *m.span()))
        share = SHARE.search(s.lower, m.end())
        if share and not (share.group("hedge") or share.group("hedge2")):
            pct = share.group("pct") or share.group("pct2")
            value = float(pct) / 100 if pct else FRACTIONS[share.group("share")]
            if dropped and share.group("verb") not in ("keeps", "leaves"):
                value = 1 - value  # 'drops X, which is 40% of the impressions'
            if 0 < value < 1:
                d.put((*key, "share_kept"), round(value, 3), quote(s, *share.span()))
        return


def _pooled(r: Reading, key: tuple[str, ...]) -> None:
    d = r.draft
    for s in r.sents:
        if not _about_training(r, s):
            continue
        m = next((m for m in POOLS.finditer(s.lower) if not s.negated(m.start(), m.end())), None)
        before = r.previous(s)
        near = [x for x in (s, before) if x is not None]
        if m is None or not any(BROADER.search(x.lower) for x in near):
            continue
        context = _words(s, *m.span("context" if m.group("context") else "context2"))
        if context.split()[0].lower() in GENERAL:
            continue  # 'includes all pages': no one context named
        row = next((hit.group("row") for x in near if (hit := ROWS.search(x.lower))), "example")
        d.put((*key, "pooled"), f"{context} {row}s", quote(s, *m.span()))
        _context_feature(r, key, r.sents.index(s))
        return


def _context_feature(r: Reading, key: tuple[str, ...], pooled_at: int) -> None:
    """Whether a feature tells the pooled context apart, from the sentences after the pooling."""
    for s in r.sents[pooled_at : pooled_at + 4]:
        m = CONTEXT_FEATURE.search(s.lower)
        if m:
            says = not s.negated(m.start(), m.end())
            r.draft.put((*key, "context_feature"), says, quote(s, *m.span()))
            return
