"""Nothing named is dropped: a technology the text names that no drafted value holds (a paging
tool, a framework, a protocol, a cluster under a model server) is listed in the system's
description with what it is, so the reader sees it was read."""

from __future__ import annotations

import re
from typing import Any

from mlreview.draft.extract.reading import Reading
from mlreview.system.catalogue import kinds

SHORT_KIND = {
    "monitoring": "monitoring",
    "framework": "framework",
    "language": "language",
    "deployment": "deployment",
    "protocol": "protocol",
    "application": "application",
    "registry": "model registry",
    "ingestion": "ingestion",
    "serving_platform": "serving platform",
    "scheduler": "scheduler",
    "batch_engine": "batch engine",
    "stream_engine": "stream processor",
    "model_family": "model",
}


def _values(data: Any, out: set[str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key != "description":
                _values(value, out)
    elif isinstance(data, list):
        for value in data:
            _values(value, out)
    elif isinstance(data, str):
        out.add(data.lower())


def describe_unplaced(r: Reading) -> None:
    d = r.draft
    drafted: set[str] = set()
    _values(d.data, drafted)
    listed: dict[str, str] = {}
    for m in [*r.found, *r.details]:
        if m.tech.name.lower() in drafted or m.tech.name in listed:
            continue
        what = SHORT_KIND.get(m.tech.kind) or kinds()[m.tech.kind].is_.split(";")[0]
        listed[m.tech.name] = f"{m.words} ({what})"
    for s in r.sents:
        # 'Go' capitalised inside a sentence is the language, not the verb
        go = re.search(r"(?<=[\s(])Go\b(?!\s+(?:to|through|into|out|back|live|down|up)\b)", s.text)
        if go and "golang" not in listed and "go" not in drafted:
            listed["golang"] = "Go (language)"
            break
    if listed:
        text = "Also named in the text, not drafted as a component: " + ", ".join(listed.values())
        d.put(("system", "description"), text, "")
        d.notes[("system", "description")] = "note: the technologies the draft has no field for"
