"""Monitoring: each signal the text names (latency, errors, saturation, drift, skew, quality,
null rates, freshness) with how it is watched: an alert or page, a dashboard, a manual check or
report, or nothing ('no drift monitoring', 'nobody compares ...')."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import Sentence

SIGNALS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("monitoring", "skew", "training_serving"),
        r"training[- /]serving skew|\bcompares? the logged|"
        r"\bongoing comparison|\bcompare (?:the )?logged|\bskew (?:check|monitor)|"
        # 'Nothing compares the server's attributes with the training environment's'
        r"\bcompares? (?:the )?[\w'-]+ (?:attributes|features|inputs|values) with\b",
    ),
    (
        ("monitoring", "quality", "label_based"),
        r"calibration report|realis\w* default|\baccuracy\b|"
        r"\bf1\b|\bwape\b|\bmae\b|\bauc\b|\bprecision\b|prediction error|model quality|"
        r"\bctr (?:tracked|report)|\bperformance\b|"
        # 'prediction drift and quality are on dashboards': quality alone is the model's
        r"(?<!data )(?<!retrieval )(?<!signal )\bquality\b(?! (?:filters?|gates?|checks?))",
    ),
    (
        ("monitoring", "quality", "proxy"),
        r"\bcalibration\b|retrieval quality|numbers look odd|"
        # a proxy metric, not a proxy server ('saturation of the proxy')
        r"\bproxy (?:metrics?|labels?|quality|signals?|kpis?)\b|\bproxies\b",
    ),
    (
        ("monitoring", "drift", "features"),
        r"(?:feature|input|data)s? drift|(?<!prediction )(?<!score )(?<!output )\bdrift\b|\bpsi\b|"
        r"drift (?:monitor|tracking)",
    ),
    (
        ("monitoring", "drift", "predictions"),
        r"score (?:histogram|distribution)|prediction "
        r"(?:drift|distribution)|\b(?!(?:or|and|value|data|input|feature|the)\b)\w+ distribution|"
        r"\bblock rate\b|average surge|or the predictions",
    ),
    (
        ("monitoring", "inputs", "null_rate"),
        r"null(?:/default)? rate|default rate|missing (?:\w+ )?"
        r"feeds?|feature null",
    ),
    (
        ("monitoring", "freshness", "feature_freshness"),
        r"how old the newest|feature freshness|"
        r"\bstaleness\b",
    ),
    (("monitoring", "freshness", "model_age"), r"\bmodel age\b|\bage of the model\b"),
    (("monitoring", "freshness", "pipeline_age"), r"\bpipeline age\b|\bage of the pipelines?\b"),
    (
        ("monitoring", "system", "saturation"),
        r"\bsaturation\b|\bgpu util\w*|\bcpu util\w*|"
        r"queue depth",
    ),
    (("monitoring", "system", "errors"), r"\b5xx\b|\berrors?\b|error rate"),
    (("monitoring", "system", "latency"), r"\blatency\b|\bp99\b"),
)
CONTEXT = re.compile(
    r"monitor|alert|alarm|dashboard|\bpag(?:e|ed|es|ing)\b|grafana|datadog|cloudwatch|prometheus|"
    r"\btrack\w*|report|notebook|\bcheck|compare|looks at|eyeball|on-call|drift|\bsre\b|"
    r"\blooked at\b|\bby hand\b|\breviewed against\b"
)
ALERT = re.compile(r"\balert\w*|\balarms?\b|\bpag(?:e|ed|es|ing)\b|\bon-call\b|pagerduty")
DASHBOARD = re.compile(r"dashboard")
MANUAL = re.compile(
    r"\breport\b|notebook|\bby the [\w -]*team\b|\bmonthly\b|\bweekly\b|\breview\w*|"
    r"\blooks? at\b|\blooked at\b|eyeball|by hand|meeting|manual\w*|\breviewed\b|"
    r"\bnotice\b|\bsometimes\b|\bcomputes?\b"
)
SILENT = re.compile(
    r"\b(?:no|nobody|no one|nothing|never|not)\b[^.;]{0,12}?\b(?:pag(?:e|ed|es|ing)|alert\w*)\b|"
    r"dashboards? only|dashboard-only"
)


BREAK = re.compile(r"[;,]|\bbut\b|\band we\b|\bwhile\b")


def _level(s: Sentence, start: int, end: int) -> str | bool:
    """How the signal at [start, end) of ``s`` is watched."""
    if s.negated(start, end):
        return False
    flat = re.sub(r"\([^)]*\)", lambda b: " " * len(b.group(0)), s.lower)
    breaks = [m.start() for m in BREAK.finditer(flat)]
    lo = max((b for b in breaks if b < start), default=0)
    hi = min((b for b in breaks if b >= end), default=len(s.lower))
    clause = s.lower[lo:hi]
    start = lo
    if SILENT.search(clause) and DASHBOARD.search(clause):
        return "dashboard"
    for part in (clause, s.lower):
        alert = ALERT.search(part)
        offset = start if part is clause else 0
        stated = alert and not s.negated(offset + alert.start(), offset + alert.end())
        if stated and not SILENT.search(part):
            return "alert"
        if DASHBOARD.search(part):
            return "dashboard"
        # A clause that says how it is watched by hand is not overruled by a page elsewhere
        # in the sentence ('we page on errors, and look at precision once labels mature').
        if part is clause and MANUAL.search(clause) and not SILENT.search(clause):
            return "manual"
    if MANUAL.search(s.lower):
        return "manual"
    return True


# Whether automated actions are capped: 'nothing limits how many offers go out per week', 'no
# ceiling on the multiplier', 'it doesn't bound the prices it writes'; 'capped at 500 a day'.
LIMITS_DENIED = re.compile(
    r"\b(?:no|nothing|without|never)\b[^.;]{0,20}?\b(?:caps?|ceiling|limits?|bounds?|maximum)\b"
    r"(?<!rate limit)(?<!rate limits)[^.;]{0,12}?\b(?:on|to|for|how)\b(?! retr)|"
    r"\bnothing (?:limits|caps|bounds)\b|\b(?:doesn'?t|does not|don'?t|do not|never) (?:bound|cap|"
    r"limit)\b(?! (?:the )?(?:rate|retr))"
)
LIMITS_STATED = re.compile(
    r"\bcapped at \d|\ba (?:daily|hourly|weekly) cap\b|\baction limits?\b|"
    r"\bat most \d[\d,]* (?:[\w-]+ )?(?:per|a|an|each) (?:day|hour|week|minute)\b"
)


RATE_LIMITS = re.compile(r"rate[- ]limit|retr(?:y|ies)")
"""After a denial of limits, words that make it one about request rates or retries instead."""


def _flag(
    r: Reading,
    field: str,
    denied: re.Pattern[str],
    stated: re.Pattern[str],
    not_after: re.Pattern[str] | None = None,
) -> None:
    """``monitoring.<field>`` from the first sentence that denies it (False) or states it
    unnegated (True); a denial followed by ``not_after`` in its sentence is about something
    else."""
    for s in r.sents:
        no = denied.search(s.lower)
        if no and not (not_after and not_after.search(s.lower[no.start() :])):
            r.draft.put(("monitoring", field), False, quote(s, *no.span()))
            return
        yes = stated.search(s.lower)
        if yes and not s.negated(yes.start(), yes.end()):
            r.draft.put(("monitoring", field), True, quote(s, *yes.span()))
            return


EMERGENCY_DENIED = re.compile(
    r"\bno (?:switch|override|kill[- ]switch|way|button|lever)\b[^.;]{0,50}?\bemergenc"
)
EMERGENCY_STATED = re.compile(
    r"\b(?:switch|override|kill[- ]switch|button|lever)\b[^.;]{0,50}?\bemergenc|"
    r"\bemergenc(?:y|ies)\b[^.;]{0,30}?\b(?:switch|override|turns? (?:it |surge |pricing )?off)\b"
)


def read(r: Reading) -> None:
    d = r.draft
    _flag(r, "action_limits", LIMITS_DENIED, LIMITS_STATED, not_after=RATE_LIMITS)
    _flag(r, "emergency_override", EMERGENCY_DENIED, EMERGENCY_STATED)
    watched = [s for s in r.sents if CONTEXT.search(s.lower)]
    for key, pattern in SIGNALS:
        for s in watched:
            m = re.search(pattern, s.lower)
            if not m or re.search(r"'s\s+$", s.lower[: m.start()]):
                continue  # 'that service's error rate' is another component's signal
            if key[-1] in ("latency", "errors") and not (
                ALERT.search(s.lower) or DASHBOARD.search(s.lower) or "monitor" in s.lower
            ):
                continue
            d.put(key, _level(s, m.start(), m.end()), quote(s, *m.span()))
            break
