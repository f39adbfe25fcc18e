"""Event rates a text states: how often releases reach production ('we deploy twice a week',
'about 6 releases a month'), the share of releases that fail in production ('about 10% of
deploys get rolled back') and the share of a job's runs that fail or run late ('about 2% of
runs fail'). The risk model reads them for a bad release and a failed run (docs/risk-model.md,
"Likelihood of an event"); a rate the text does not state stays unknown."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.extract.sampling import _pipeline
from mlreview.draft.prose import Sentence

PER_MONTH = {
    "day": 30.0,
    "week": 30.0 / 7.0,
    "month": 1.0,
    "quarter": 1.0 / 3.0,
    "year": 1.0 / 12.0,
}
"""Events a month for one event a day, a week...: a month taken as 30 days, as the risk model
takes it."""
TIMES = {"once": 1.0, "twice": 2.0, "three times": 3.0, "four times": 4.0, "five times": 5.0}
EVERY = {"daily": 30.0, "weekly": 30.0 / 7.0, "fortnightly": 15.0 / 7.0, "monthly": 1.0}
EVERY_N = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}

RELEASE_VERB = (
    r"\b(?:deploy(?:s|ed|ing)?|releas(?:e|es|ed|ing)|ship(?:s|ped|ping)?|roll(?:s|ed)? out)\b"
)
RELEASE_NOUN = r"(?:releases|deploys|deployments|rollouts|model releases|model deploys)"
HOW_OFTEN = (
    r"(?:(?P<times>once|twice|three times|four times|five times)|(?P<n>\d+(?:\.\d+)?) times|"
    r"(?P<count>\d+(?:\.\d+)?) " + RELEASE_NOUN + r")"
    r" (?:a|per|each|every) (?P<unit>day|week|month|quarter|year)\b"
)
FREQUENCY = re.compile(
    RELEASE_VERB
    + r"[^.;,]{0,50}?\b(?:"
    + HOW_OFTEN
    + r"|(?P<every>daily|weekly|fortnightly|monthly)\b|every (?P<k>two|three|four|2|3|4) "
    r"(?P<kunit>days|weeks|months)\b)"
    r"|(?:about |around |roughly |some )?(?P<count2>\d+(?:\.\d+)?) "
    + RELEASE_NOUN
    + r" (?:a|per|each|every) (?P<unit2>day|week|month|quarter|year)\b"
)
"""How often releases reach production. A retrain's cadence is not a release's ('we retrain
weekly'), so the verb must be one of releasing."""
PCT = r"(?:about |around |roughly |under |some |~\s*)?(?P<pct>\d+(?:\.\d+)?)\s*%"
FAILING_RELEASES = re.compile(
    PCT
    + r" of (?:our |the |all |its |their )?"
    + RELEASE_NOUN
    + r"\b[^.;]{0,40}?\b(?:fail\w*|(?:are|get|got|were|is) rolled back|need (?:a )?(?:rollback|"
    r"roll-back|hotfix|fix)|cause (?:an? )?(?:incident|failure|outage|rollback)s?)"
)
FAILING_RUNS = re.compile(
    PCT + r" of (?:its |the |our |all |their )?(?:[\w-]+ )?(?:runs|job runs|batches)\b[^.;]{0,30}?"
    r"\b(?:fail\w*|(?:are|run|finish|land) late|miss\w* (?:the|their|its) (?:deadline|sla)|"
    r"time out)|\bfails? (?:in |on )?"
    + PCT.replace("pct>", "pct2>")
    + r" of (?:its |the |our |all )?(?:runs|the time)\b"
)


def _per_month(m: re.Match[str]) -> float | None:
    if m.group("every"):
        return EVERY[m.group("every")]
    if m.group("k"):
        unit = m.group("kunit").rstrip("s")
        return PER_MONTH[unit] / EVERY_N[m.group("k")]
    unit = m.group("unit") or m.group("unit2")
    if m.group("times"):
        count = TIMES[m.group("times")]
    else:
        count = float(m.group("n") or m.group("count") or m.group("count2"))
    return count * PER_MONTH[unit]


def _share(m: re.Match[str]) -> float | None:
    pct = float(m.group("pct") or m.group("pct2"))
    return pct / 100.0 if 0.0 < pct < 100.0 else None


def _stated(s: Sentence, m: re.Match[str]) -> bool:
    return not s.negated(m.start(), m.end())


def read(r: Reading) -> None:
    d = r.draft
    endpoints = d.ids("endpoints")
    key = ("endpoints", endpoints[0], "release") if len(endpoints) == 1 else None
    for s in r.sents:
        if key is not None:
            found = FREQUENCY.search(s.lower)
            if found and _stated(s, found) and not re.search(r"\bretrain", s.lower):
                per_month = _per_month(found)
                if per_month is not None and 0.0 < per_month <= 10_000.0:
                    d.put(
                        (*key, "releases_per_month"), round(per_month, 3), quote(s, *found.span())
                    )
            failing = FAILING_RELEASES.search(s.lower)
            if failing and _stated(s, failing) and (share := _share(failing)) is not None:
                d.put((*key, "change_failure_rate"), share, quote(s, *failing.span()))
        runs = FAILING_RUNS.search(s.lower)
        if runs and _stated(s, runs) and (share := _share(runs)) is not None:
            job = _pipeline(r, s)
            if job is not None:
                d.put(("pipelines", job, "failure_rate"), share, quote(s, *runs.span()))
