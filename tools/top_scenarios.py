"""Diagnostic: each incident's top 6 scenarios from its manifest, with score, evidence, priority
and rule codes (the case's cause rules marked *), and with -w the risk working of the top
scenario and of the first one holding a cause rule.

    python -m tools.top_scenarios [-w] [CASE ...]
"""

from __future__ import annotations

import sys

from benchmarks.eval_top_risk import cases, judge, scenario_rules

import mlreview


def main(argv: list[str]) -> int:
    work = "-w" in argv
    only = {a for a in argv if a != "-w"}
    for case in cases():
        if only and case.id not in only:
            continue
        review = mlreview.review(mlreview.load(case.manifest))
        ranked, wanted = review.scenarios, set(case.cause_rules)
        outcome = judge(review, case.cause_rules)
        rank = outcome.first_cause_rank
        first = None if rank is None else rank - 1
        mark = "ok  " if outcome.named else "miss"
        print(f"== {mark} {case.id} causes={','.join(case.cause_rules) or '-'} first={rank or '-'}")
        shown = list(range(min(6, len(ranked))))
        if first is not None and first >= 6:
            shown.append(first)
        for i in shown:
            s = ranked[i]
            rules = " ".join(r + ("*" if r in wanted else "") for r in scenario_rules(s))
            gaps = " ".join(sorted({g.rule for g in s.gaps}))
            print(
                f"  {i + 1}. {s.score:4d} {s.evidence} p={s.priority:.0f} {s.key} "
                f"[{rules}] gaps[{gaps}]"
            )
            if work and i in (0, first):
                for line in s.risk.working:
                    print("       |", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
