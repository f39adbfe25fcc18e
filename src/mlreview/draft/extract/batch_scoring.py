"""A batch scoring run: beside the online endpoint when the text names both ('Scored two ways: (1)
a nightly batch over all current inpatients (~1,100) ..., and (2) on demand ... via a KServe
InferenceService'), and the facts of the sentence that states it: its cadence ('every Sunday
night a Vertex AI pipeline scores every active subscriber'), what runs it, and how many it
scores a day ('batch scoring every day ... over ~2.3M customers')."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import find_cadence, first_stated, quote
from mlreview.draft.extract.reading import Reading
from mlreview.draft.extract.serving import BATCH_CUES, BATCH_PATH, NO_ONLINE
from mlreview.draft.prose import NUMBER, Sentence, number

KEY = ("endpoints", "batch_scoring_run")
# How many one run scores: 'over ~2.3M customers', 'all current inpatients (~1,100)', '(about
# 3.2 million of them)'.
ABOUT = r"(?:~\s*|about\s+|around\s+|roughly\s+)"
COUNTS = (
    re.compile(r"\bover\s+(?:all\s+)?" + ABOUT + "?" + NUMBER + r"\s+[a-z]+"),
    re.compile(r"\(" + ABOUT + NUMBER + r"(?:\s+[a-z]+){0,3}\)"),
)
CLAUSE_CUT = re.compile(r"[;:]|,\s|\s(?:and|but|while|then)\s")
RUNS_IT = ("serving_platform", "batch_engine", "scheduler")


def beside_online(r: Reading) -> None:
    """The batch run as a second endpoint when the online one is drafted and a sentence states a
    batch scoring path of its own (no batch-inference job already stands for it)."""
    d = r.draft
    online = [i for i in d.ids("endpoints") if d.get(("endpoints", i, "mode")) == "online"]
    if len(online) != 1 or d.has("endpoints", KEY[1]):
        return
    if any(d.get(("pipelines", p, "kind")) == "batch_inference" for p in d.ids("pipelines")):
        return
    found = first_stated(BATCH_PATH, r.sents)
    if found is None or re.search(r"\btrain", found[0].lower):
        return
    s, m = found
    model = d.get(("endpoints", online[0], "model"))
    d.component("endpoints", KEY[1], quote(s, *m.span()), model=model, mode="batch")


def _run_clause(r: Reading) -> tuple[Sentence, int, int] | None:
    """The sentence stating the run, and the clause of it that does: cut at commas, semicolons
    and 'and', so a training cadence beside it ('trained quarterly ..., and it scores all new
    transactions in batch at 5am') is not the run's."""
    for s in r.sents:
        if NO_ONLINE.search(s.lower):
            continue
        m = BATCH_CUES.search(s.lower) or BATCH_PATH.search(s.lower)
        if m is None or s.negated(m.start(), m.end()):
            continue
        cuts = list(CLAUSE_CUT.finditer(s.lower))
        start = max((c.end() for c in cuts if c.end() <= m.start()), default=0)
        end = min((c.start() for c in cuts if c.start() >= m.end()), default=len(s.lower))
        return s, start, end
    return None


def run_facts(r: Reading) -> None:
    """Cadence, engine and daily count of the batch endpoint, from the sentence stating its run."""
    d = r.draft
    if d.get((*KEY, "mode")) != "batch":
        return
    if any(d.get(("pipelines", p, "kind")) == "batch_inference" for p in d.ids("pipelines")):
        return  # the job that scores holds the run's schedule and engine
    found = _run_clause(r)
    if found is None:
        return
    s, start, end = found
    clause = s.lower[start:end]
    cadence = find_cadence(clause, s, start)
    if cadence:
        d.put((*KEY, "batch", "schedule"), cadence[0], cadence[1])
    runner = next(
        (
            m
            for m in r.found
            if m.sentence is s and m.tech.kind in RUNS_IT and start <= m.start < end
        ),
        None,
    )
    if runner:
        d.put((*KEY, "platform"), runner.tech.name, quote(s, runner.start, runner.end))
    count = next((m for c in COUNTS for m in [c.search(s.lower, start, end)] if m), None)
    if count and cadence and cadence[0] == "daily" and number(count) >= 2:
        words = quote(s, *count.span())
        d.put((*KEY, "traffic", "daily_predictions"), int(number(count)), words)
