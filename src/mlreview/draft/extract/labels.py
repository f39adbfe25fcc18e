"""What the text says of the labels beyond their kind: stated percentiles of the delay, how long
training waits for them, which outcomes are ever seen (and whether the model decides that), how
many predictions get one, how they are joined, and the position-bias, exploration and holdout
design."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import first_stated, quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import NUMBER, UNIT, duration_text, number

UNIT_GROUP = r"\s*(?P<unit>" + UNIT + r")\b"
LABEL_TIME = re.compile(
    r"\blabels?\b|chargebacks?|turnaround|\bcloses?\b|\bland\b|outcomes?|actuals?|\breview|"
    r"\bknown\b|\barrive|delivered|\bget a label|clicks?|\bdefault|ground truth"
)
MEDIAN = re.compile(r"\b(?:median|half|50%|p50)\b[^.;%]{0,45}?(?<![\w.])" + NUMBER + UNIT_GROUP)
P95 = re.compile(
    r"(?:\b95th(?: percentile)?\b|\b95%|\bp95\b)[^.;%]{0,40}?(?:by (?:day|week|month) )?(?<![\w.])"
    + NUMBER
    + r"(?:"
    + UNIT_GROUP
    + r")?"
)
# The same figures with the number first: 'four months on median, eight at the 95th percentile'.
MEDIAN_AFTER = re.compile(
    r"(?<![\w.])" + NUMBER + UNIT_GROUP + r"\s+(?:on |at the |at |as the |in the )?(?:median|p50)\b"
)
P95_AFTER = re.compile(
    r"(?<![\w.])"
    + NUMBER
    + r"(?:"
    + UNIT_GROUP
    + r")?\s+(?:at|by|for|on) (?:the )?(?:95th(?: percentile)?|p95)\b"
)
MATURITY: tuple[str, ...] = (
    r"\bwaits? (?:for )?(?:about |~)?" + NUMBER + UNIT_GROUP,
    r"\bwe wait (?:about |~)?" + NUMBER + UNIT_GROUP,
    r"\bonly final (?:about )?" + NUMBER + UNIT_GROUP,
    r"\bwithin " + NUMBER + UNIT_GROUP + r"(?= (?:of|after) (?:discharge|the|its|origination))",
    r"\bwithin " + NUMBER + UNIT_GROUP + r"(?=[\"”']? as a negative)",
)
ONLY_SEEN = re.compile(
    r"\bonly (?:ever )?(?:see|learn|know|get|observe|hear about|have)\b[^.;:]{0,60}?\b(?:on|for|at|"
    r"when|if)\b\s+(?P<cond>[^,;:.()\-]{3,60})|\bonly for (?P<cond2>[\w ]{3,50}?who [^,;.()]{3,40})"
)
# 'labels come back within hours, but only for items that were ordered': in a sentence about
# labels, what follows 'only for' names the cases that ever get one.
ONLY_FOR = re.compile(
    r"\bonly (?:for|on) (?P<cond>(?:the |those )?[\w-]+(?: [\w-]+){0,2} (?:that|which|who|whose|we)"
    r" [^,;.()]{3,50})"
)
SHAPES = re.compile(
    r"\b(?:declined|rejected|blocked|hidden|auto-hid|passed|refused)\b[\w ]{0,40}?\b(?:never|"
    r"are not|aren't|won't|don't)\b[^.;]{0,20}?\b(?:get (?:a )?labels?|observed|tracked|reviewed|"
    r"re-checked|rechecked|seen)|(?P<verb>declined|rejected|blocked|refused|hidden|removed)"
    r"(?: [\w-]+){0,2} never (?:get|receive|have|see) (?:a |an |any )?(?:outcomes?|labels?|"
    r"ground truth|feedback|results?)\b|"
    r"who see (?:a )?(?:high|long|low|bad|expensive)\b[^.;]{0,40}?\b"
    r"(?:don'?t|do not|never|often|close|leave|abandon)|\bbecause of (?:a )?(?:high|low) score|"
    r"goes into training as if|\bretrained on that data\b|"
    r"\bevery [\w-]+ (?:customer|user|patient)s? gets? the\b|"
    r"\bonly (?:ever )?sees? (?:clicks|outcomes|labels) on items\b|\bstockout means we don'?t see"
)
COVERAGE = re.compile(
    r"(?<![\w.])(?P<pct>\d+(?:\.\d+)?)\s*%\s+(?:of [\w ]{1,30}?\s+)?(?:eventually )?"
    r"(?:get|gets|give|do|does|receive|are (?:labell?ed|reviewed))\b"
)
POSITION: tuple[tuple[str, str], ...] = (
    ("positional_feature", r"position as a feature|positional feature|position feature"),
    ("ips", r"\bips\b|inverse[- ]propensity"),
    ("none", r"position[- ]bias correction|correct for position|position (?:we are )?not logg"),
)
EXPLORE = re.compile(
    r"explor(?:e|ation|ing)|epsilon[- ]greedy|bandit|random(?:ly)? shuffl\w*|shuffle bucket|"
    r"\brandomi[sz]\w*|price experiment\w*|random (?:approval|sample)|sample random"
)
HOLDOUT = re.compile(
    r"\bhold[- ]?out\b|\bhold out\b|control group|comparison group|untreated|"
    # '1% of traffic is held out' (not 'checked on held-out seasons', an evaluation split)
    r"\b(?:traffic|users|requests|customers|sessions|accounts) (?:is|are) held[- ]out\b"
)


def delays(r: Reading, key: tuple[str, ...]) -> None:
    """'about half land within 45 days, 95% by day 120', 'median 6 hours, 95th percentile 3d'."""
    d = r.draft
    sents = [s for s in r.sents if LABEL_TIME.search(s.lower)]
    median = first_stated(MEDIAN, sents) or first_stated(MEDIAN_AFTER, sents)
    said_unit = None
    if median:
        s, m = median
        said_unit = m.group("unit")
        d.put((*key, "delay", "p50"), duration_text(number(m), said_unit), quote(s, *m.span()))
    high = first_stated(P95, sents) or first_stated(P95_AFTER, sents)
    if high:
        s, m = high
        unit = m.group("unit") or next(
            (u for u in ("day", "week", "month") if f"by {u}" in m.group(0)), None
        )
        if unit is None and median and median[0] is s:
            unit = said_unit  # 'four months on median, eight at the 95th percentile'
        if unit:
            d.put((*key, "delay", "p95"), duration_text(number(m), unit), quote(s, *m.span()))
    for pattern in MATURITY:
        found = first_stated(pattern, r.sents)
        if found:
            s, m = found
            text = duration_text(number(m), m.group("unit"))
            d.put((*key, "maturity_window"), text, quote(s, *m.span()))
            break


def selection(r: Reading, ident: str) -> None:
    """Which outcomes are ever seen, and whether the model's own decisions decide that."""
    d = r.draft
    key = ("feedback", ident)
    seen = first_stated(ONLY_SEEN, r.sents) or first_stated(
        ONLY_FOR, [s for s in r.sents if LABEL_TIME.search(s.lower)]
    )
    if seen:
        s, m = seen
        cond = (m.group("cond") or m.groupdict().get("cond2") or "").strip()
        cond = re.sub(r"^(?:the|those) (?=\w)", "", cond)
        # '... only learn when a home we bought resells ..., and only for homes whose sellers
        # accepted': both conditions, the second often the one that selects the outcomes.
        more = ONLY_FOR.search(s.lower, m.end())
        if more is not None and not s.negated(*more.span()):
            also = re.sub(r"^(?:the|those) (?=\w)", "", more.group("cond").strip())
            cond = f"{cond} and {also}"
        d.put((*key, "label", "observed_only_when"), cond, quote(s, *m.span()))
    shaped = first_stated(SHAPES, r.sents)
    if shaped and not seen and shaped[1].group("verb"):
        s, m = shaped
        d.put((*key, "label", "observed_only_when"), f"not {m.group('verb')}", quote(s, *m.span()))
    if shaped or seen:
        s, m = shaped or seen  # type: ignore[misc]  # one of the two is set
        d.put((*key, "model_shapes_own_data"), True, quote(s, *m.span()))
    coverage = first_stated(
        COVERAGE, [s for s in r.sents if LABEL_TIME.search(s.lower) or "%" in s.lower]
    )
    if coverage:
        s, m = coverage
        d.put(
            (*key, "label", "coverage"), round(float(m.group("pct")) / 100, 6), quote(s, *m.span())
        )
    join = first_stated(
        r"\bjoin\w*\b[^.;]{0,40}?\b(?:on|by)\s+(?:the\s+)?(?P<what>[\w-]+)[ _]id\b", r.sents
    )
    if join:
        s, m = join
        what = m.group("what")
        join_key = (
            "prediction_id"
            if what in ("impression", "request", "prediction", "quote", "score", "conversation")
            else "entity"
        )
        d.put((*key, "label", "join_key"), join_key, quote(s, *m.span()))


def design(r: Reading, ident: str) -> None:
    """Position-bias handling, exploration and holdout, negation included."""
    d = r.draft
    key = ("feedback", ident)
    for value, pattern in POSITION:
        for s in r.sents:
            m = re.search(pattern, s.lower)
            if not m:
                continue
            if value == "none" or not s.negated(m.start(), m.end()):
                if value == "none" and not s.negated(m.start(), m.end()):
                    continue
                d.put((*key, "position_bias"), value, quote(s, *m.span()))
                break
        if d.get((*key, "position_bias")):
            break
    for s in r.sents:
        m = EXPLORE.search(s.lower)
        if not m:
            continue
        enabled = not s.negated(m.start(), m.end())
        d.put((*key, "exploration", "enabled"), enabled, quote(s, *m.span()))
        share = re.search(
            r"(?<![\w.])(?P<pct>\d+(?:\.\d+)?)\s*%\s+of\s+(?:requests|traffic|users|searches|"
            r"sessions|queries|impressions)",
            s.lower,
        )
        if enabled and share:
            fraction = round(float(share.group("pct")) / 100, 6)
            d.put((*key, "exploration", "fraction"), fraction, quote(s, *share.span()))
        break
    logged = first_stated(r"\blog\w* (?:the )?propensit", r.sents)
    if logged:
        d.put((*key, "exploration", "propensity_logged"), True, quote(logged[0], *logged[1].span()))
    for s in r.sents:
        m = HOLDOUT.search(s.lower)
        if not m:
            continue
        enabled = not s.negated(m.start(), m.end())
        d.put((*key, "holdout", "enabled"), enabled, quote(s, *m.span()))
        share = re.search(r"(?<![\w.])(?P<pct>\d+(?:\.\d+)?)\s*%", s.lower)
        if enabled and share:
            fraction = round(float(share.group("pct")) / 100, 6)
            d.put((*key, "holdout", "fraction"), fraction, quote(s, *share.span()))
        if enabled and re.search(r"persistent|\balways\b|since launch|long-running|stay", s.lower):
            d.put((*key, "holdout", "persistent"), True, quote(s, *m.span()))
        break
