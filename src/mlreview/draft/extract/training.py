"""How the model is trained: the window of history, the evaluation split, whether a person
retrains or promotes it, and the registry that keeps its versions."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import NUMBER, UNIT, Sentence, duration_text, number

TRAINING = re.compile(
    r"\b(?:re)?train(?:ed|s|ing)?\b|\brefit\b|\bre-?built\b|\brebuilt\b|\btraining (?:set|data)\b"
)
PROMOTION = re.compile(
    r"\bpromot\w*|\bdeploy\w*|\brolls? out|\bship\w*|\bpush\w*|\bgoes (?:straight )?out|"
    r"\bregister\w*|\bswap\b|\bsigns? off|\bsign-off\b|"
    r"\bneeds? (?:a )?(?:human|person) to approve\b"
)
WINDOW = re.compile(
    r"\b(?:on|from|over|using|off|of|is)\s+(?:the\s+)?(?:last|previous|most recent|past|trailing|"
    r"latest)?\s*(?:~|about\s+|roughly\s+)?"
    + NUMBER
    + r"\s*(?P<unit>"
    + UNIT
    + r")\b(?:\s+of\s+(?!the\b)[\w-]+|\s+of\s+data)?"
    r"|\b(?:on|from|over)\s+the\s+(?:last|previous|past)\s+(?P<one>year|month|week|day)\b"
)
AUTOMATIC = re.compile(
    r"\bauto[- ]?promot\w*|\bauto[- ]?deploy\w*|\bpromot\w* automatically|\bdeployed automatically|"
    r"\bpromotion is automatic|\bautomatic(?:ally)? (?:re)?train|\b(?:re)?train\w* automatic\w*|"
    r"\bgoes straight out|\bstraight to production|\bautomated (?:re)?training|"
    r"\btraining is automated"
)
MANUAL = re.compile(
    r"\bmanual(?:ly)?\b|\bby hand\b|\bsigns? off|\bsign-off\b|\bneeds? (?:a )?(?:human|person)|"
    r"\bby a (?:human|person)\b|\ba (?:human|person)\b|\bapprov\w*|\bwhen someone remembers\b|"
    r"\bsomeone (?:kicks|runs|triggers)|\bi kick off\b|\bkicked off manually|\birregular\w*"
)
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|q[1-4]"
)
# 'Retraining happens on that schedule only': the calendar is the only trigger; 'trained by
# hand' makes a person the only one.
SCHEDULE_ONLY = re.compile(
    r"\bon (?:that|its|the|a|this) schedule only\b|\bonly on (?:that|its|the|a|this) schedule\b|"
    r"\bonly (?:on|by) the calendar\b|\bnothing else (?:triggers|starts) (?:a )?re-?train"
)
THRESHOLD_FIXED = re.compile(
    r"\b(?:threshold|cut-?off)\b[^.;]{0,40}?\b(?:is|stays|remains|was|is kept|kept)\s+"
    r"(?:\w+\s+)?(?:fixed|constant|hard-?coded|static)\b|\b(?:fixed|static|hard-?coded|constant) "
    r"(?:score |decision )?(?:threshold|cut-?off)|"
    # 'the confidence threshold was picked once on a validation set last autumn'
    r"\b(?:threshold|cut-?off)\b[^.;]{0,20}?\b(?:was|were|is) (?:picked|set|chosen|tuned) once\b"
)
# Retraining started by people, not by a schedule or a signal: 'Retraining happens when someone
# remembers', 'retrained when the vision team has collected enough new false rejects -
# irregularly'.
RETRAIN_BY_PEOPLE = re.compile(
    r"\bre-?train\w*\b[^.;]{0,60}?\b(?:when someone remembers|irregular(?:ly)?|ad[- ]hoc|when "
    r"(?:the |a |our )?[\w ]{0,30}?(?:has|have) collected)\b"
)
# '...; it is not recomputed when the model is retrained' (of the threshold just named)
NOT_RECALIBRATED = re.compile(
    r"\b(?:not|never) (?:recomputed|recalibrated|re-?tuned|re-?picked|updated|revisited)\b"
    r"[^.;]{0,30}?\b(?:when|on|at|after) (?:the model is |each |every )?re-?train"
)
SPLITS: tuple[tuple[str, str], ...] = (
    (
        "temporal",
        r"out-of-time|\btemporal split|time-based split|split by time|\bby time\b|"
        r"\btrain on days\b|\bholds? out the (?:last|most recent)",
    ),
    (
        "temporal",
        r"\b(?:validat|evaluat|test)\w* on (?:the )?(?:most recent|latest|last|newest|following|"
        r"later)\b|\btrain\w* on (?:" + MONTHS + r")\b[^.;]{0,40}?\b(?:validat|evaluat|test)\w* on "
        r"(?:" + MONTHS + r")\b",
    ),
    ("group", r"split is by (?:customer|user|account|group|patient)|grouped by|group split"),
    ("random", r"\brandom split|\bsplit (?:at )?random"),
)


def read(r: Reading, ident: str, sents: list[Sentence]) -> None:
    """Training facts of model ``ident`` from ``sents``, the sentences about it."""
    d = r.draft

    def _sentences(_: Reading, pattern: re.Pattern[str]) -> list[Sentence]:
        return [s for s in sents if pattern.search(s.lower)]

    key = ("models", ident, "training")
    trained = _sentences(r, TRAINING)
    for s in trained:
        for m in WINDOW.finditer(s.lower):
            if s.negated(m.start(), m.end()):
                continue
            if m.group("one"):
                text = duration_text(1, m.group("one"))
            else:
                if re.search(r"\b(?:every|each|per|after|within|takes?)\s*$", s.lower[: m.start()]):
                    continue
                text = duration_text(number(m), m.group("unit"))
            if m.group(0).split()[0] in ("is", "of") and "training" not in s.lower:
                continue
            d.put((*key, "window"), text, quote(s, m.start(), m.end()))
            break
        if d.get((*key, "window")):
            break
    judged = re.compile(r"\bsplit\b|\bevaluat\w*|\bheld-out\b|\bout-of-time\b")
    for s in [*trained, *_sentences(r, judged)]:
        for split, pattern in SPLITS:
            hit = re.search(pattern, s.lower)
            if hit and not s.negated(hit.start(), hit.end()):
                d.put((*key, "split"), split, quote(s, hit.start(), hit.end()))
                break
    for s in [*trained, *_sentences(r, PROMOTION)]:
        auto = AUTOMATIC.search(s.lower)
        manual = MANUAL.search(s.lower)
        if auto and not s.negated(auto.start(), auto.end()):
            d.put((*key, "automated"), True, quote(s, auto.start(), auto.end()))
            break
        if auto:
            d.put((*key, "automated"), False, quote(s, auto.start(), auto.end()))
            break
        if manual and not s.negated(manual.start(), manual.end()):
            d.put((*key, "automated"), False, quote(s, manual.start(), manual.end()))
            break
    registry = next((m for m in r.of_kind("registry")), None)
    if registry:
        d.put(
            ("models", ident, "registry", "technology"),
            registry.tech.name,
            quote(registry.sentence, registry.start, registry.end),
        )
    for s in sents:
        kept = re.search(
            r"\bkeep (?:the )?(?:(?:last|latest|previous) )?(?P<n>\d+) "
            r"(?:(?:model|earlier|previous|older) )?(?:versions|models)|"
            r"(?P<n2>\d+) (?:previous |earlier )?versions (?:are )?(?:kept|retained|registered)",
            s.lower,
        )
        if kept:
            d.put(
                ("models", ident, "registry", "retained_versions"),
                int(kept.group("n") or kept.group("n2")),
                quote(s, kept.start(), kept.end()),
            )
            break
    _triggers_and_threshold(r, ident, sents)


def _triggers_and_threshold(r: Reading, ident: str, sents: list[Sentence]) -> None:
    """'Retraining happens on that schedule only'; 'the threshold stays fixed'."""
    d = r.draft
    key = ("models", ident, "training")
    only = next((s for s in sents if SCHEDULE_ONLY.search(s.lower)), None)
    if only and d.get((*key, "cadence")):
        hit = SCHEDULE_ONLY.search(only.lower)
        assert hit is not None
        d.put(("models", ident, "retrain_triggers"), ["schedule"], quote(only, *hit.span()))
    by_people = next((s for s in sents if RETRAIN_BY_PEOPLE.search(s.lower)), None)
    if by_people and not only:
        hit = RETRAIN_BY_PEOPLE.search(by_people.lower)
        assert hit is not None
        if not by_people.negated(hit.start(), hit.end()):
            words = quote(by_people, *hit.span())
            d.put(("models", ident, "retrain_triggers"), ["manual"], words)
    fixed = next((s for s in sents if THRESHOLD_FIXED.search(s.lower)), None)
    if fixed:
        hit = THRESHOLD_FIXED.search(fixed.lower)
        assert hit is not None
        if not fixed.negated(hit.start(), hit.end()):
            d.put(("models", ident, "threshold", "kind"), "fixed", quote(fixed, *hit.span()))
        i = r.sents.index(fixed)
        for s in r.sents[i : i + 2]:
            kept = NOT_RECALIBRATED.search(s.lower)
            if kept and (s is fixed or re.match(r"^\W*(?:it|this|that)\b", s.lower)):
                words = quote(s, *kept.span())
                d.put(("models", ident, "threshold", "recalibrated_on_retrain"), False, words)
                break
