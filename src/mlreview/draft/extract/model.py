"""The model: its family, training cadence, automation and validation gate."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import find_cadence, first, quote, segments, yes_no
from mlreview.draft.extract.reading import Reading


def read(r: Reading) -> None:
    d = r.draft
    families = r.of_kind("model_family")
    domain = str(d.get(("system", "name")) or "model").split("-")[0]
    if families:
        f = families[0]
        ident = f"{domain}_{f.tech.name}" if domain != "ml" else f.tech.name
        d.component("models", ident, quote(f.sentence, f.start, f.end), family=f.tech.name)
    elif first(r"\bmodels?\b|\bclassifier\b|\bregressor\b|\bforecaster\b", r.sents):
        ident = f"{domain}_model" if domain != "ml" else "model"
        d.component("models", ident, "")
    else:
        return
    train = r"\b(?:re)?train(?:ed|s|ing)?\b"
    for s in r.sents:
        if not re.search(train, s.lower):
            continue
        parts = [(o, t) for o, t in segments(s) if re.search(train, t)] + [(0, s.lower)]
        cadence = next((c for o, t in parts if (c := find_cadence(t, s, o))), None)
        if cadence:
            d.put(("models", ident, "training", "cadence"), cadence[0], cadence[1])
    if d.has("pipelines", "training"):
        d.put(("models", ident, "training", "pipeline"), "training", "")
    yes_no(
        d,
        ("models", ident, "training", "automated"),
        r"(?:automatically|auto[- ]?)(?:re)?train|promot\w* automatically|auto[- ]promot|"
        r"training is automated|automated (?:re)?training",
        r.sents,
    )
    yes_no(
        d,
        ("models", ident, "validation_gate", "enabled"),
        r"validation gate|evaluation gate|promotion gate|(?:checked|evaluated|validated) "
        r"(?:against|before promot)",
        r.sents,
    )
