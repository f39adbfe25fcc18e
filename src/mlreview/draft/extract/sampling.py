"""How a job samples its rows: the share it keeps ('keeps 10% of the negatives', 'keeps a third
of the impressions') and whether the kept rows are reweighted ('no reweighting'). A filter by an
attribute ('only keeps posts younger than the cut-off') is no sample: population.py reads it."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.population import filters_by_attribute
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import Sentence

ROWS = (
    r"(?:impressions|rows|examples|events|records|negatives|positives|sessions|requests|queries|"
    r"traffic|data|logs?|samples|clicks|users|transactions)"
)
SHARE = r"(?P<share>half|a third|a quarter|a fifth|a tenth|two thirds|(?P<pct>\d+(?:\.\d+)?)\s*%)"
FRACTIONS = {
    "half": 0.5,
    "a third": 0.333,
    "a quarter": 0.25,
    "a fifth": 0.2,
    "a tenth": 0.1,
    "two thirds": 0.667,
}
KEPT = re.compile(
    r"\b(?:keeps?|kept|samples?|sampled|retains?|uses? only|only uses?|downsampl\w*)\b[^.;]{0,90}?"
    r"(?:\b(?:which|that) (?:[\w ]{0,20}?)?(?:is|are|comes to|means) )?(?:only |about |roughly |"
    r"around |just |a bit |a little |slightly )?"
    r"(?:over |under |below |above |more than |less than )?"
    + SHARE
    + r"\s+of\s+(?:the |our |all )?(?:[\w-]+ )?"
    + ROWS
    + r"\b|\b(?:one|1) in (?P<n>\d+) (?:[\w-]+ )?"
    + ROWS
    + r"\b[^.;]{0,20}?\b(?:kept|sampled|used)"
)
UNWEIGHTED = re.compile(
    r"\bno (?:re-?weighting|importance weight\w*|weights?)\b|\bwithout (?:any )?(?:re-?weighting|"
    r"importance weights?|weights?)\b|\bunweighted\b|\bnot (?:re-?)?weighted\b"
)
WEIGHTED = re.compile(r"\bre-?weight\w*|\bimportance[- ]weight\w*|\bweighted by\b")


def _pipeline(r: Reading, s: Sentence) -> str | None:
    """The job a sentence is about: one whose engine it names, else the sentence before's,
    else the only job drafted."""
    d = r.draft
    jobs = d.ids("pipelines")
    i = r.sents.index(s)
    for near in (s, r.sents[i - 1] if i else None):
        if near is None:
            continue
        engines = {m.tech.name for m in r.found if m.sentence is near}
        for job in jobs:
            if d.get(("pipelines", job, "engine")) in engines:
                return job
    return jobs[0] if len(jobs) == 1 else None


def read(r: Reading) -> None:
    d = r.draft
    for s in r.sents:
        m = KEPT.search(s.lower)
        if not m or s.negated(m.start(), m.end()) or filters_by_attribute(s):
            continue
        if re.search(r"\bfor logging\b|\blog(?:s|ged|ging)?\b", s.lower):
            continue  # requests sampled for logging: the endpoint's share logged, not a job's
        job = _pipeline(r, s)
        if job is None:
            continue
        if m.group("n"):
            rate = 1 / int(m.group("n"))
        elif m.group("pct"):
            rate = float(m.group("pct")) / 100
        else:
            rate = FRACTIONS[m.group("share")]
        if not 0 < rate < 1:
            continue
        d.put(("pipelines", job, "sampling_rate"), round(rate, 6), quote(s, *m.span()))
        for near in (s, *(r.sents[r.sents.index(s) + 1 : r.sents.index(s) + 2])):
            no = UNWEIGHTED.search(near.lower)
            yes = WEIGHTED.search(near.lower)
            if no:
                d.put(("pipelines", job, "importance_weighted"), False, quote(near, *no.span()))
                break
            if yes and not near.negated(yes.start(), yes.end()):
                d.put(("pipelines", job, "importance_weighted"), True, quote(near, *yes.span()))
                break
        return
