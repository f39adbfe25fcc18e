"""The system: its name and decision from the domain, owner, criticality, automation, traffic."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import first, first_stated, quote, quote_found
from mlreview.draft.extract.reading import SOURCE_KINDS, STORE_KINDS, Reading
from mlreview.draft.prose import NUMBER, UNIT, Sentence, duration_text, number

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
    (
        r"forecast|demand planning|\b(?:weekly|daily|monthly|hourly) estimates? of\b",
        "forecasting",
        "forecast",
    ),
    (r"pricing|price prediction|\beta\b|delivery time", "pricing", "regression"),
    (r"click[- ]through|\bctr\b|ad (?:ranking|click)", "ads-ctr", "ranking"),
)


def read(r: Reading) -> None:
    d = r.draft
    name, words, decision = "ml-system", "", None
    hits = [
        (f[0].start + f[1].start(), i, f)
        for i, (p, _, _) in enumerate(DOMAINS)
        if (f := _outside_brackets(p, r.sents))
    ]
    if hits:
        _, i, found = min(hits)
        name, words, decision = DOMAINS[i][1], quote_found(found), DOMAINS[i][2]
    d.put(("system", "name"), name, words)
    if not words:
        d.notes[("system", "name")] = "placeholder: the text names no system; rename it"
    if decision:
        d.put(("system", "decision", "type"), decision, words)
    owner = _system_owner(r)
    if owner:
        d.put(("system", "owner"), owner[1].group(1), quote_found(owner))
    crit = first(r"\b(?:business|mission|revenue|safety)[- ]critical\b", r.sents)
    if crit:
        d.put(("system", "criticality"), "critical", quote_found(crit))
    verbs = (
        r"block|decline|approve|reject|place|order|adjust|send|ban|hold|hide|flag|route|gets?|"
        r"publish|take effect|pause|offer|raise|lower|reprice|warn|suggest|go out|goes out"
    )
    auto = first(
        rf"\bautomatically (?:{verbs})|\bauto[- ](?:{verbs})|\b(?:{verbs})(?:e?d) "
        r"automatically|\bfeeds? [\w ]{1,40} automatically|"
        rf"\b(?:{verbs})(?:s|es|ed|d)?\b[^.;]{{0,50}}?\bautomatically\b|"
        r"\bno human (?:in the loop|approves|involvement|anywhere)|\bwith no human involvement|"
        # 'Approved increases take effect immediately': the model's decisions act at once
        r"\b(?:approved|approvals?|decisions?|declines?|blocks?|offers?|increases?|limits?|"
        r"prices?|orders?|rejections?)\b[^.;]{0,20}?\b(?:takes?|took) effect "
        r"(?:immediately|right away|at once|straight away)\b|"
        rf"\b(?:{verbs})s?(?: (?:it|them|the [\w-]+))? (?:if|when|whenever|once) "
        r"(?:the |its |their )?"
        r"(?:score|probability|prediction|risk)s?\b[^.;]{0,12}?\b(?:above|over|below|under|greater|"
        r"higher|lower|less|exceeds?|crosses)\b|"
        r"\b(?:nobody|no one|no human|no person) (?:approves|signs off|checks|reviews)\b"
        r"(?:[^.;]{0,40}?\bbefore (?:they|it|the \w+) (?:go|goes|take|takes) (?:live|out|effect)|"
        r"(?<=approves)|(?<=signs off))",
        r.sents,
    )
    human_free = auto and auto[1].group(0).startswith(
        ("no human", "with no human", "nobody", "no one", "no person")
    )
    if auto and (human_free or not auto[0].negated(auto[1].start(), auto[1].end())):
        d.put(("system", "decision", "automated_action"), True, quote_found(auto))
    manual = first(
        r"\bnothing is automated|\bby hand\b[^.;]*\b(?:call|decide|review)|"
        r"\b(?:who|which) (?:call|decide)|"
        r"(?:analysts?|investigators?|humans?) (?:review|decide)",
        r.sents,
    )
    if manual and not auto:
        d.put(("system", "decision", "automated_action"), False, quote_found(manual))
    supply = first(DRAWS_SUPPLY, r.sents)
    if supply and not supply[0].negated(supply[1].start(), supply[1].end()):
        d.put(("system", "decision", "draws_supply"), True, quote_found(supply))
    every = _update_every(r.sents)
    if every and not every[0].negated(every[1].start(), every[1].end()):
        m = every[1]
        value = number(m) if m.group("num") else 2.0 if "couple" in m.group(0) else 1.0
        d.put(
            ("system", "decision", "update_every"),
            duration_text(value, m.group("unit")),
            quote_found(every),
        )
    _traffic(r)


def _update_every(sents: list[Sentence]) -> tuple[Sentence, re.Match[str]] | None:
    """The first statement of how often a price is recomputed."""
    for i, s in enumerate(sents):
        m = UPDATE_EVERY.search(s.lower)
        if m is None and i > 0 and re.search(PRICE_WORD, sents[i - 1].lower):
            m = UPDATE_EVERY_IT.search(s.lower)
        if m is not None:
            return s, m
    return None


SUPPLIERS = r"(?:drivers|couriers|riders|dashers|shoppers|hosts|sellers|suppliers|supply)"
DRAWS_SUPPLY = (
    rf"\bso (?:that )?more {SUPPLIERS} (?:head|come|go|move|log on|sign on)\b|"
    rf"\b(?:to )?(?:draw|attract|bring|pull|lure|get)s? (?:in )?more {SUPPLIERS}\b|"
    rf"\b(?:to )?(?:draw|attract|bring|pull) {SUPPLIERS} (?:in|into|to)\b"
)
"""A price meant to draw supply where demand outstrips it: 'so that more drivers head to that
area', 'to attract more couriers', 'to draw supply in'."""

PRICE_WORD = r"\b(?:multiplier|price|fare|surge|premium|fee)s?\b"
EVERY_UNIT = (
    r"(?:re-?computed|recalculated|re-?priced|updated|re-?set)\s+every\s+(?:(?:couple of\s+)|"
    + NUMBER
    + rf"\s*)?(?P<unit>{UNIT})\b"
)
UPDATE_EVERY = re.compile(rf"{PRICE_WORD}[^.;]{{0,60}}?\b{EVERY_UNIT}")
UPDATE_EVERY_IT = re.compile(rf"^(?:it(?:'s| is)|they(?:'re| are)) {EVERY_UNIT}")
"""How often a price is recomputed: 'the fare is updated every 2 minutes', 'the price is
recalculated every minute'; UPDATE_EVERY_IT where the clause before names the price ('a
multiplier; it's recomputed every couple of minutes')."""


THINGS = (
    r"requests?|reqs?|calls|predictions|transactions|txns?|events|scores|lookups|queries|times|"
    r"searches|quotes|posts|authori[sz]ations|auctions|tickets|sessions|conversations|"
    r"[\w-]+ requests"
)
RATE = re.compile(
    NUMBER + rf"\s*(?:(?:{THINGS}|(?P<noun>(?:[a-z-]{{3,}} )?[a-z-]{{2,}}s))\s*)?"
    r"(?:(?P<unit>rps|qps|tps)\b|"
    r"(?:/|per|an?|each)\s*"
    r"(?P<per>s\b|sec\b|second|minute|min\b|hour|day))"
)
NOT_TRAFFIC = re.compile(
    r"per (?:replica|instance|pod|node|gpu|worker)|single (?:instance|replica|pod)|load[- ]test|"
    r"\ballows?\b|\blimit|\bquota|\bcapped\b|\bmessages?\b|\bmsgs?\b|\bpings?\b|\bupdates\b"
)
VAGUE = re.compile(r"\b(?:a few|few|several|many|some|a couple of)\s+$")
# A plural noun counted per second is the system's work ('1,000 charges a second') unless it
# counts time, capacity or data volume.
NOT_COUNTED = re.compile(
    r"(?:^|\s)(?:[a-z]+s)?(?:seconds|minutes|hours|days|weeks|months|years|ms|millis|replicas|"
    r"instances|pods|nodes|workers|gpus|cpus|cores|retries|bytes|gbs?|mbs?|tbs?|rows|records|"
    r"messages|msgs|partitions|shards|jobs|runs|tokens|percent|dollars|cents)$"
)
BARE_PEAK = re.compile(
    r"\bpeak\b[^.;\d]{0,25}?"
    + NUMBER
    + r"(?!\d|[.,]\d)(?!\s*(?:x\b|%|ms\b|s\b|rps|qps|tps|[a-z/]))"
)
NORMAL = re.compile(r"\b(?:normal|usual|typical|regular|ordinary|average|daily peak|every ?day)\b")
EVENT = re.compile(
    r"\b(?:event|black friday|new year|record|launch|holiday|spike|incident|tonight|stadium)\b"
)


def _traffic(r: Reading) -> None:
    """Rates per second, minute, hour and day. Rates of one replica, a load test or a quota are
    not the system's traffic; when both a normal and an event peak are stated, the normal one is
    the peak and the reading is noted."""
    d = r.draft
    peaks: list[tuple[int, float, str]] = []
    launches: list[tuple[float, str]] = []
    for s in r.sents:
        for m in RATE.finditer(s.lower):
            if VAGUE.search(s.lower[: m.start()]):
                continue  # 'a few hundred requests a second' gives no figure to write
            noun = m.group("noun")
            if noun and not re.search(THINGS, noun) and NOT_COUNTED.search(noun):
                continue
            if m.group("unit") is None and not (noun or re.search(THINGS, m.group(0))):
                continue
            # what follows the rate counts only up to the end of its clause: 'about 200 requests
            # a second, and the load test reached 250' is the peak, not the load test
            after = re.split(r"[,;]|\band\b|\bbut\b", s.lower[m.end() : m.end() + 25])[0]
            context = s.lower[max(0, m.start() - 60) : m.end()] + after
            if NOT_TRAFFIC.search(context) or s.negated(m.start(), m.end()):
                continue
            value = number(m)
            per = m.group("per") or "s"
            words = quote(s, m.start(), m.end())
            if per.startswith("day"):
                d.put(("system", "traffic", "daily_predictions"), value, words)
                continue
            qps = value / {"h": 3600, "m": 60}.get(per[0], 1)
            near = s.lower[max(0, m.start() - 40) : m.end() + 20]
            rank = 0 if NORMAL.search(near) else 2 if EVENT.search(near) else 1
            peaks.append((rank, round(qps, 3), words))
            if LAUNCH.search(near):
                launches.append((round(qps, 3), words))
        before = r.previous(s)
        if RATE.search(s.lower) or (before and RATE.search(before.lower)):
            for m in BARE_PEAK.finditer(s.lower):
                near = s.lower[max(0, m.start() - 40) : m.end()]
                rank = 0 if NORMAL.search(near) else 2 if EVENT.search(near) else 1
                peaks.append((rank, number(m), quote(s, m.start(), m.end())))
    if peaks:
        rank, qps, words = min(peaks, key=lambda p: p[0])
        d.put(("system", "traffic", "peak_qps"), qps, words)
        if rank == 0 and any(p[0] == 2 for p in peaks):
            d.notes[("system", "traffic", "peak_qps")] = (
                "reading taken: the normal peak, not the event peak also stated"
            )
    if launches:
        _launch(r, *launches[0])
    everyone = first(
        NUMBER + r"\s+(?:customers|subscribers|users|stores|accounts)\b[^.;]*"
        r"(?:every night|nightly|daily|each night|every day)",
        r.sents,
    )
    if everyone and re.search(r"scor|predict", everyone[0].lower):
        d.put(
            ("system", "traffic", "daily_predictions"), number(everyone[1]), quote_found(everyone)
        )
    growth = first_stated(
        r"(?P<n>\d+(?:\.\d+)?)\s*x\b(?=[^.;]*\b(?:traffic|growth|grow|load|peak|spike|volume|"
        r"scale|black friday|launch|season|normal|next year|annual event|by next))|"
        r"\b(?:plan|planning|expect\w*|grow\w*) (?:for )?(?P<n3>\d+(?:\.\d+)?)\s*x\b|"
        r"(?:traffic|volume|load|expect)[^.;]*?\b(?P<n2>\d+(?:\.\d+)?)\s*x\b|"
        r"\b(?P<word>double|triple|tenfold|ten[- ]fold)\b|"
        # an event's peak as a multiple of the normal one: 'New Year's Eve was about 4x that'
        r"\b(?:was|is|hits?|reached|peaks? at)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?"
        r"(?P<n4>\d+(?:\.\d+)?)\s*x\s+(?:that|normal|the normal|our normal|usual|the usual)\b",
        r.sents,
    )
    if growth:
        m = growth[1]
        if m.group("word"):
            value = {"double": 2.0, "triple": 3.0}.get(m.group("word"), 10.0)
        else:
            value = float(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4"))
        d.put(("system", "traffic", "growth_multiplier"), value, quote_found(growth))


LAUNCH = re.compile(r"\blaunch(?:es|ed|ing)?\b")
SIGNUPS_OPEN = re.compile(r"\bsign-?ups?\b[^.;]*\b(?:open|not capped|uncapped|no cap|unlimited)\b")
SIGNUPS_CAPPED = re.compile(
    r"\b(?:waitlist|invite-only|by invitation|sign-?ups? (?:are |is )?(?:capped|limited|paced))\b"
)
NO_PER_USER = re.compile(
    r"\bno (?:separate |per-user |individual )*(?:per-user|user)\b[^.;]*\blimit"
)
PER_USER = re.compile(
    r"\b(?:per-user|each user|users? ha(?:s|ve) an?)\b[^.;]{0,40}\b(?:cap|limit|quota)s?\b"
)


def _launch(r: Reading, qps: float, words: str) -> None:
    """A peak stated for a launch is the launch's forecast; what caps its demand (sign-ups,
    each user's use) is read only beside it."""
    d = r.draft
    d.put(("system", "traffic", "launch", "peak_qps"), qps, words)
    for s in r.sents:
        if (m := SIGNUPS_OPEN.search(s.lower)) and not s.negated(m.start(), m.end()):
            d.put(
                ("system", "traffic", "launch", "signups_capped"),
                False,
                quote(s, m.start(), m.end()),
            )
        elif m := SIGNUPS_CAPPED.search(s.lower):
            d.put(
                ("system", "traffic", "launch", "signups_capped"),
                True,
                quote(s, m.start(), m.end()),
            )
        if m := NO_PER_USER.search(s.lower):
            d.put(
                ("system", "traffic", "launch", "per_user_limit"),
                False,
                quote(s, m.start(), m.end()),
            )
        elif (m := PER_USER.search(s.lower)) and not s.negated(m.start(), m.end()):
            d.put(
                ("system", "traffic", "launch", "per_user_limit"),
                True,
                quote(s, m.start(), m.end()),
            )


def _outside_brackets(pattern: str, sents: list[Sentence]) -> tuple[Sentence, re.Match[str]] | None:
    """The first match of ``pattern`` not inside brackets: '(suggestions, ranking, health
    answers)' lists what another product does, not this system's domain."""
    regex = re.compile(pattern)
    for s in sents:
        for m in regex.finditer(s.lower):
            before = s.lower[: m.start()]
            if before.count("(") <= before.count(")"):
                return s, m
    return None


OWNED_BY = re.compile(r"\b(?:owned|run|maintained|built) by (?:the )?([\w-]+) team\b")


def _system_owner(r: Reading) -> tuple[Sentence, re.Match[str]] | None:
    """Who owns the system: an 'owned by the X team' not said of a data component named just
    before it ('ClickHouse metadata owned by the data-platform team' is ClickHouse's owner)."""
    for s in r.sents:
        for m in OWNED_BY.finditer(s.lower):
            near = [
                x
                for x in r.found
                if x.sentence is s
                and m.start() - 40 <= x.end <= m.start()
                and (x.tech.kind in SOURCE_KINDS or x.tech.kind in STORE_KINDS)
            ]
            if not near:
                return s, m
    return None
