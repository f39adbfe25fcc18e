"""The model: its family, training cadence, automation and validation gate."""

from __future__ import annotations

import re

from mlreview.draft.extract import training
from mlreview.draft.extract.find import (
    find_cadence,
    first,
    first_stated,
    quote,
    quote_found,
    segments,
)
from mlreview.draft.extract.reading import Reading
from mlreview.draft.prose import Mention, Sentence


def read(r: Reading) -> None:
    d = r.draft
    named = roles(r)
    if len(named) > 1:
        heads = {ident: head for ident, head, _ in named}
        for ident, _, family in named:
            words = quote(family.sentence, family.start, family.end)
            d.component("models", ident, words, family=family.tech.name)
            _facts(r, ident, _about(r, ident, heads))
        return
    families = r.of_kind("model_family")
    domain = str(d.get(("system", "name")) or "model").split("-")[0]
    if families:
        f = _family(r, families)
        ident = f"{domain}_{f.tech.name}" if domain != "ml" else f.tech.name
        d.component("models", ident, quote(f.sentence, f.start, f.end), family=f.tech.name)
    elif (
        first(NOT_LEARNED, r.sents)
        or first(
            r"\bmodels?\b|\bclassifier\b|\bregressor\b|\bforecaster\b|\b(?:re-?)?ranker\b|"
            r"\brecommender\b|\bscorer\b|\bpredictor\b",
            r.sents,
        )
        or first(LEARNS, r.sents)
    ):
        ident = f"{domain}_model" if domain != "ml" else "model"
        d.component("models", ident, "")
    else:
        return
    _facts(r, ident, r.sents)


def _facts(r: Reading, ident: str, sents: list[Sentence]) -> None:
    d = r.draft
    for pattern in (RETRAINED, TRAINING_WORD):
        for s in sents:
            if not pattern.search(s.lower):
                continue
            parts = [(o, t) for o, t in segments(s) if pattern.search(t)] + [(0, s.lower)]
            cadence = next((c for o, t in parts if (c := find_cadence(t, s, o))), None)
            if cadence:
                d.put(("models", ident, "training", "cadence"), cadence[0], cadence[1])
                break
    if not d.get(("models", ident, "training", "cadence")):
        _every_run(r, ident, sents)
    if d.has("pipelines", "training"):
        d.put(("models", ident, "training", "pipeline"), "training", "")
    training.read(r, ident, sents)
    _gate(r, ("models", ident, "validation_gate"), sents)
    _learned(r, ident, sents)


EVERY_RUN = re.compile(r"\b(?:every|each|on every|on each|with every|with each) (?:single )?run\b")


def _every_run(r: Reading, ident: str, sents: list[Sentence]) -> None:
    """'Retrained from scratch every run': the model is retrained as often as the one scheduled
    job runs, so its cadence is that job's schedule (none when several jobs have one)."""
    d = r.draft
    said = next(
        (
            (s, m)
            for s in sents
            if RETRAINED.search(s.lower)
            for m in EVERY_RUN.finditer(s.lower)
            if not s.negated(m.start(), m.end())
        ),
        None,
    )
    schedules = {
        str(d.get(("pipelines", p, "schedule")))
        for p in d.ids("pipelines")
        if d.get(("pipelines", p, "schedule"))
    }
    if said is None or len(schedules) != 1:
        return
    s, m = said
    key = ("models", ident, "training", "cadence")
    d.put(key, schedules.pop(), quote(s, m.start(), m.end()))
    d.notes[key] = "reading taken: the schedule of the one scheduled job"


# A system said to learn as it runs has a learned model even when the text never calls it one
# ('a continuous learning job folds phrases from recent conversations into what it says').
LEARNS = re.compile(
    r"\b(?:continuous|continual|online|incremental)(?:ly)?\s+learn(?:s|ing|ed|t)?\b|"
    r"\blearning is (?:online|continuous)\b|"
    r"\blearns?\s+(?:online|continuously|from (?:its |the |every |each |their )?"
    r"(?:users?|conversations?|chats?|messages?|interactions?|feedback)\b)"
)


# A "model" set by hand: a rules engine, a heuristic or formula scoring the requests, or a
# denial that anything is trained. A heuristic named as a fallback ('we fall back to a
# heuristic') says nothing of the model, so the words before it must not be a failure condition.
HAND_MADE = (
    r"\b(?:hand-?(?:tuned|written|coded|crafted|made|set)|manually (?:tuned|set|written))\s+"
    r"(?:[\w-]+\s+){0,2}?(?:rules?|weights|scores?|formula|scorecard|logic)\b|"
    r"\brule-based\b|\brules?[- ]engine\b|\b(?:set of |business |if-then |expert )rules\b|"
    r"\bheuristic (?:score|scorer|scoring|model|ranking|formula)\b"
)
NOT_TRAINED = (
    r"\b(?:isn't|is not|aren't|are not|not)\s+(?:a |an |really |actually )*"
    r"(?:trained|learned|fitted|machine[- ]learn\w*|ml)\b"
    r"(?=\s*(?:$|[,.;:)]|(?:model|system|scorer|ranker|classifier|thing|approach|at all)\b))|"
    r"\b(?:nothing|no part of it) is (?:trained|learned|fitted)\b|"
    r"\bno (?:machine learning|ml)\b(?=\s*(?:$|[,.;:)]|(?:involved|at all|here)\b))"
)
NOT_LEARNED = re.compile(f"(?P<hand>{HAND_MADE})|(?P<denied>{NOT_TRAINED})")
FALLBACK_BEFORE = re.compile(
    r"\bfall(?:s|ing)? ?back\b|\bfallback\b|\bif\b[^,;]*\b(?:down|fails|times out)\b|"
    r"\binstead of\b|\breplaced?\b|\bused to\b"
)


def _learned(r: Reading, ident: str, sents: list[Sentence]) -> None:
    """``learned: false`` for a rules engine, a hand-tuned formula or 'not a trained model'; never
    for a model whose family the text names (a rules engine beside an XGBoost model is another
    component, not this model)."""
    if r.draft.get(("models", ident, "family")):
        return
    for s in sents:
        for m in NOT_LEARNED.finditer(s.lower):
            if FALLBACK_BEFORE.search(s.lower[max(0, m.start() - 60) : m.start()]):
                continue
            if m.group("hand") and s.negated(m.start(), m.end()):
                continue
            r.draft.put(("models", ident, "learned"), False, quote(s, *m.span()))
            return


ROLE_BEFORE = re.compile(
    r"\b(?:the|a|an|our)\s+(?P<role>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)(?:\s+model)?"
    r"(?:\s*\(|\s+(?:is|are)\s+(?:a\s+|an\s+)?|,\s+an?\s+)(?:[\w-]+\s+){0,3}$"
)
ROLE_AFTER = re.compile(r"^\S*\s+for\s+[\"“']?(?P<role>[a-z][\w +-]{1,24}?)[\"”']")
NOT_ROLES = frozenset(["model", "it", "this", "that", "which", "system", "score", "one", "thing"])


def roles(r: Reading) -> list[tuple[str, str, Mention]]:
    """(id, the word naming it, family) of each model the text names by its role ('The ranker
    is a DCN-v2', 'The eligibility model (logistic regression ...)', 'a LightGBM for "travel"')."""
    out: dict[str, tuple[str, Mention]] = {}
    for f in r.of_kind("model_family"):
        s = f.sentence
        before = ROLE_BEFORE.search(s.lower[max(0, f.start - 70) : f.start])
        after = ROLE_AFTER.search(s.lower[f.start : f.end + 40])
        found = after or before
        if not found:
            continue
        role = re.sub(r"\s+model$", "", found.group("role").strip())
        if role.split()[-1] in NOT_ROLES or role.split()[0] in NOT_ROLES:
            continue
        ident = re.sub(r"[^a-z0-9]+", "_", role).strip("_")
        words = re.findall(r"[a-z0-9]+", role)
        head = words[0] if found is after else words[-1]
        out.setdefault(ident, (head, f))
    return [(ident, head, f) for ident, (head, f) in out.items()]


def _about(r: Reading, ident: str, heads: dict[str, str]) -> list[Sentence]:
    """The sentences about one of several models: those naming it and no other, and those
    about all of them ('Both retrain nightly')."""

    def names(text: str, who: str) -> bool:
        return bool(re.search(rf"\b{re.escape(heads[who])}\b", text))

    together = re.compile(r"\bboth\b|\ball (?:\w+ )?models\b|\bthe (?:two|three|2|3) models\b")
    out = []
    for s in r.sents:
        # 'The generator is retrained weekly, not daily - ... for the ranker to keep up': the
        # first clause says whose fact it is; another model named after the break is not its.
        main = CLAUSE_BREAK.split(s.lower, maxsplit=1)[0]
        for text in (s.lower, main):
            if names(text, ident) and not any(names(text, o) for o in heads if o != ident):
                out.append(s)
                break
        else:
            if together.search(s.lower):
                out.append(s)
    return out


CLAUSE_BREAK = re.compile(r"\s[-\u2013\u2014]+\s|;|:\s")


GATE = re.compile(
    r"validation gate|evaluation gate|promotion gate|backtest gate|automated gate|quality gate|"
    r"(?:checked|evaluated|validated) (?:against|before promot)|a check that stops a bad model|"
    r"\bgate\b"
)
COMPARED = re.compile(
    r"\bbeat(?:s|ing)? the current|\bcompar\w* (?:[\w-]+ ){0,3}?(?:against|with|to) the current|"
    r"\bthan the current|"
    r"\bno worse than (?:the current|yesterday)|\bthan yesterday|\bdoesn'?t regress|"
    r"\bif (?:offline )?[\w-]+ (?:on [\w ]+ )?improves\b|"
    r"\bbeats? (?:the )?(?:champion|incumbent|previous)"
)


# A promotion made conditional on the comparison ('only pushed if it beats the current one',
# 'promoted when it beats', 'the push is blocked if it drops') is a blocking gate.
HELD_BACK = re.compile(
    r"\b(?:pushed|promoted|shipped|deployed|released|exported|launched|goes out|go live|"
    r"goes live|replaces? (?:the|it))\b[^.;]{0,40}?\b(?:if|when|after|once|unless)\b|"
    r"\b(?:push|promotion|release|rollout|deploy\w*|export) is (?:blocked|stopped|held)\b|"
    r"\bblocks? (?:the )?(?:push|release|rollout|deploy\w*|export)\b"
)


def _gate(r: Reading, key: tuple[str, ...], sents: list[Sentence]) -> None:
    """A gate before promotion: whether there is one, whether it compares with the serving
    model, whether it blocks, and the slices it checks."""
    d = r.draft
    for s in sents:
        m = GATE.search(s.lower)
        if m:
            d.put((*key, "enabled"), not s.negated(m.start(), m.end()), quote(s, *m.span()))
            break
    compared = first_stated(COMPARED, sents)
    if compared:
        d.put((*key, "compares_to_previous"), True, quote_found(compared))
        d.put((*key, "enabled"), True, quote_found(compared))
    blocking = first(
        r"\bnot blocking\b|\bnon-blocking\b|\bblocks? (?:the )?promotion|"
        r"\bblocking (?:comparison|check|gate|evaluation|test)\b",
        sents,
    )
    if blocking:
        value = not re.match(r"not|non", blocking[1].group(0))
        d.put((*key, "blocking"), value, quote_found(blocking))
    held = first_stated(HELD_BACK, [compared[0]]) if compared else None
    if held and not blocking:
        d.put((*key, "blocking"), True, quote_found(held))
    sliced = first(
        r"\bslices?\s*\((?P<list>[^)]{2,80})\)|\bseparately for (?:the )?(?P<a>[\w-]+) "
        r"(?:segment|slice|cohort)s? and for each (?P<b>[\w-]+)",
        sents,
    )
    if sliced:
        m = sliced[1]
        names = (
            [x.strip() for x in m.group("list").split(",")]
            if m.group("list")
            else [m.group("a"), m.group("b")]
        )
        d.put((*key, "slices"), [n for n in names if n], quote_found(sliced))


RETRAINED = re.compile(
    r"\bre-?train\w*|\btrained\b|\btrains\b|\brefit\b|\btraining:|\btraining (?:runs?|jobs?)\b|"
    r"\bmodels? (?:gets |is |are )?re-?built|\b(?:build|builds|rebuild|rebuilds) (?:a |new |the )?"
    r"(?:new )?models?\b"
)
TRAINING_WORD = re.compile(
    r"\btraining\b(?! (?:features?|data|set|sets|examples|backfill|export|pipeline waits))"
)
CORRECTION = re.compile(r"\b(?:actually|in fact|no wait|rather|now|these days|but now)\b")


def _family(r: Reading, families: list[Mention]) -> Mention:
    """The model's family: the first named, unless the text corrects itself ('our GLM, which is
    actually a gradient boosting model now') or negates it."""
    stated = [f for f in families if not f.sentence.negated(f.start, f.end)] or families
    chosen = stated[0]
    for later in stated[1:]:
        if later.sentence is chosen.sentence and CORRECTION.search(
            chosen.sentence.lower[chosen.end : later.start]
        ):
            chosen = later
    return chosen
