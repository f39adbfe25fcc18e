"""Monitoring: drift, skew, model quality and latency signals."""

from __future__ import annotations

import re

from mlreview.draft.extract.find import first, quote_found, yes_no
from mlreview.draft.extract.reading import Reading


def read(r: Reading) -> None:
    d, sents = r.draft, r.sents
    yes_no(
        d,
        ("monitoring", "drift", "features"),
        r"(?:feature |input |data )?drift (?:is )?(?:monitor|detect|alert|check)|"
        r"monitor\w* (?:for )?(?:feature |data )?drift",
        sents,
    )
    yes_no(
        d,
        ("monitoring", "skew", "training_serving"),
        r"training[- /]serving skew (?:monitor|check|detect|alert|comparison)|"
        r"(?:monitor|check|compare)\w* (?:for )?training[- /]serving skew",
        sents,
    )
    quality = first(
        r"(?:track|monitor|review)\w* (?:the )?(?:forecast |model |prediction )?"
        r"(?:accuracy|performance|precision|recall|auc|mape|quality)|"
        r"(?:accuracy|performance|precision|recall|auc|quality)(?: \([^)]*\))? "
        r"(?:is |are )?(?:monitored|tracked|reviewed)",
        sents,
    )
    if quality:
        s = quality[0]
        alert = re.search(r"\balert", s.lower)
        if alert and not s.negated(alert.start(), alert.end()):
            signal: str | bool = "alert"
        elif "dashboard" in s.lower:
            signal = "dashboard"
        elif re.search(r"\bby (?:the |our )?[\w -]*team\b|manual|review", s.lower):
            signal = "manual"
        else:
            signal = True
        d.put(("monitoring", "quality", "label_based"), signal, quote_found(quality))
    yes_no(
        d,
        ("monitoring", "system", "latency"),
        r"alert\w* on (?:p99 |the )?latency|latency (?:alert|alarm|monitor|dashboards?)",
        sents,
    )
