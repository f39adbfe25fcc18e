"""The system: its name and decision from the domain, owner, criticality, automation, traffic."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import first, quote, quote_found
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import NUMBER, number

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


def read(r: Reading) -> None:
    d = r.draft
    name, words, decision = "ml-system", "", None
    hits = [
        (f[0].start + f[1].start(), i, f)
        for i, (p, _, _) in enumerate(DOMAINS)
        if (f := first(p, r.sents))
    ]
    if hits:
        _, i, found = min(hits)
        name, words, decision = DOMAINS[i][1], quote_found(found), DOMAINS[i][2]
    d.put(("system", "name"), name, words)
    if not words:
        d.notes[("system", "name")] = "placeholder: the text names no system; rename it"
    if decision:
        d.put(("system", "decision", "type"), decision, words)
    owner = first(r"\b(?:owned|run|maintained|built) by (?:the )?([\w-]+) team\b", r.sents)
    if owner:
        d.put(("system", "owner"), owner[1].group(1), quote_found(owner))
    crit = first(r"\b(?:business|mission|revenue|safety)[- ]critical\b", r.sents)
    if crit:
        d.put(("system", "criticality"), "critical", quote_found(crit))
    verbs = r"block|decline|approve|reject|place|order|adjust|send|ban|hold|hide|flag"
    auto = first(
        rf"\bautomatically (?:{verbs})|\bauto[- ](?:{verbs})|\b(?:{verbs})(?:e?d) "
        r"automatically|\bfeeds? [\w ]{1,40} automatically",
        r.sents,
    )
    if auto and not auto[0].negated(auto[1].start(), auto[1].end()):
        d.put(("system", "decision", "automated_action"), True, quote_found(auto))
    manual = first(
        r"\bnothing is automated|\bby hand\b[^.;]*\b(?:call|decide|review)|"
        r"\b(?:who|which) (?:call|decide)|"
        r"(?:analysts?|investigators?|humans?) (?:review|decide)",
        r.sents,
    )
    if manual and not auto:
        d.put(("system", "decision", "automated_action"), False, quote_found(manual))
    _traffic(r)


def _traffic(r: Reading) -> None:
    d = r.draft
    things = r"requests?|reqs?|calls|predictions|transactions|events|scores|lookups|queries|times"
    rate = re.compile(
        NUMBER + rf"\s*(?:(?:{things})\s*)?(?:(?P<unit>rps|qps|tps)\b|(?:/|per|an?|each)\s*"
        r"(?P<per>s\b|sec\b|second|minute|min\b|hour|day))"
    )
    for s in r.sents:
        for m in rate.finditer(s.lower):
            if m.group("unit") is None and not re.search(things, m.group(0)):
                continue
            value = number(m)
            per = m.group("per") or "s"
            words = quote(s, m.start(), m.end())
            if per.startswith("day"):
                d.put(("system", "traffic", "daily_predictions"), value, words)
            elif per.startswith("hour"):
                d.put(("system", "traffic", "peak_qps"), round(value / 3600, 3), words)
            elif per.startswith("min"):
                d.put(("system", "traffic", "peak_qps"), round(value / 60, 3), words)
            else:
                d.put(("system", "traffic", "peak_qps"), value, words)
    everyone = first(
        NUMBER + r"\s+(?:customers|subscribers|users|stores|accounts)\b[^.;]*"
        r"(?:every night|nightly|daily|each night|every day)",
        r.sents,
    )
    if everyone and re.search(r"scor|predict", everyone[0].lower):
        d.put(
            ("system", "traffic", "daily_predictions"), number(everyone[1]), quote_found(everyone)
        )
    growth = first(
        r"(?P<n>\d+(?:\.\d+)?)\s*x\b(?=[^.;]*\b(?:traffic|growth|grow|load|peak|spike|volume|"
        r"scale|black friday|launch|season|normal|next year))|"
        r"(?:traffic|volume|load|expect)[^.;]*?\b(?P<n2>\d+(?:\.\d+)?)\s*x\b|"
        r"\b(?P<word>double|triple|tenfold|ten[- ]fold)\b",
        r.sents,
    )
    if growth:
        m = growth[1]
        if m.group("word"):
            value = {"double": 2.0, "triple": 3.0}.get(m.group("word"), 10.0)
        else:
            value = float(m.group("n") or m.group("n2"))
        d.put(("system", "traffic", "growth_multiplier"), value, quote_found(growth))
