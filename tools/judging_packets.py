"""Blind judging packets: for each incident case, its prose, its known root cause, and two
reviews labelled A and B (mlreview's default review of the case's manifest and the expert's
review written from the prose alone), in an order drawn from a seeded shuffle. The key that
says which is which is written apart, for unblinding after the judge has recorded verdicts.

    python -m tools.judging_packets OUT_DIR [SEED]

A new round takes a new seed, so that no earlier round's published key unblinds it.

docs/judging.md records how the judging was done and its results.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import yaml

from mlreview.api import load, review
from mlreview.report.formats import RenderOptions, render
from mlreview.report.review_document import review_printable

CASES = Path(__file__).resolve().parent.parent / "benchmarks" / "incidents"
SEED = 20261201


def blinding_key(cases: list[str], seed: int) -> dict[str, dict[str, str]]:
    """Which review each letter is, per case: one seeded shuffle per case in sorted order, so
    the key of any round can be rebuilt from its seed and its cases."""
    rng = random.Random(seed)
    key: dict[str, dict[str, str]] = {}
    for case in sorted(cases):
        order = ["mlreview", "expert"]
        rng.shuffle(order)
        key[case] = dict(zip("AB", order, strict=True))
    return key


def packet_cases() -> list[str]:
    """The cases a round's packets are drawn for: every incident with an expert review. The key
    is one shuffle over all of them, so a tally of some sets only must rebuild it from these."""
    return sorted(p.name for p in CASES.iterdir() if (p / "expert_review.md").is_file())


def main(out: Path, seed: int = SEED) -> int:
    names = packet_cases()
    key = blinding_key(names, seed)
    for case in (CASES / name for name in names):
        meta = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        ours = render(
            review_printable(review(load(case / "system.yaml"))),
            "terminal",
            RenderOptions(width=100),
        )
        theirs = (case / "expert_review.md").read_text(encoding="utf-8")
        order = [key[case.name][label] for label in "AB"]
        texts = {"mlreview": ours, "expert": theirs}
        packet = out / case.name
        packet.mkdir(parents=True, exist_ok=True)
        (packet / "prose.txt").write_text((case / "prose.txt").read_text(encoding="utf-8"))
        (packet / "root_cause.txt").write_text(meta["root_cause"].strip() + "\n")
        for label, who in zip("AB", order, strict=True):
            (packet / f"{label}.txt").write_text(texts[who], encoding="utf-8")
    (out.parent / f"{out.name}-key.json").write_text(json.dumps(key, indent=2, sort_keys=True))
    print(f"{len(key)} packets in {out}; key in {out.parent / (out.name + '-key.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), *(int(a) for a in sys.argv[2:3])))
