"""Does the review's top risk name the known root cause of a published incident?

`benchmarks/incidents/<id>/` holds one ML system as it stood before a published production
incident whose root cause is known (README.md there lists the cases and their sources):
`case.yaml` (citation, the root cause, the rule codes that name it), `system.yaml` (the manifest
as the team would have written it then) and `prose.txt` (the same system in an engineer's words).

For each case the manifest is reviewed (`mlreview.load`, then `mlreview.review` with its
questions) and so is the prose, drafted by the public path (`mlreview.draft.from_text.drafted`,
then `mlreview.review` of the drafted system). A review *names the cause* when the findings of
its top risk scenario include at least one of the case's `cause_rules`. A case whose cause no
rule names yet (`missing_pattern`, no `cause_rules`) cannot be named and counts as a miss.

Printed per case and overall: whether the top risk names the cause from the manifest and from
the prose, the top risk's title and rules, and the rank of the first scenario that holds a cause
rule ('-' when none does). Run with `python -m benchmarks.eval_top_risk`; `--case ID` runs one
case, `--json` prints the results as data. benchmarks/incidents/README.md records a run.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

import mlreview
from mlreview.draft.from_text import drafted
from mlreview.engine.scenarios import Scenario

INCIDENTS = Path(__file__).resolve().parent / "incidents"
AREAS = ("skew", "pipeline", "serving", "feedback")
REQUIRED = ("title", "citation", "evidence", "root_cause", "cause_rules", "area", "notes")


class CaseError(ValueError):
    """A case folder that is not in the expected shape; the message names the file."""


@dataclass(frozen=True)
class Case:
    id: str
    folder: Path
    area: str
    cause_rules: tuple[str, ...]
    missing_pattern: str | None
    citation: tuple[str, ...]

    @property
    def manifest(self) -> Path:
        return self.folder / "system.yaml"

    @property
    def prose(self) -> Path:
        return self.folder / "prose.txt"


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise CaseError(f"{where}: '{key}' must be a string or a list of non-empty strings")
    return tuple(items)


def load_case(folder: Path) -> Case:
    """The case in ``folder``; raises CaseError naming the file and what was expected."""
    path = folder / "case.yaml"
    root = INCIDENTS.parent.parent
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseError(f"{where}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise CaseError(f"{where}: is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CaseError(f"{where}: expected a mapping with {', '.join(REQUIRED)}")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise CaseError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
    if data["area"] not in AREAS:
        raise CaseError(f"{where}: 'area' is {data['area']!r}; expected one of {', '.join(AREAS)}")
    rules = data["cause_rules"]
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise CaseError(f"{where}: 'cause_rules' must be a list of rule codes")
    pattern = data.get("missing_pattern")
    if not rules and not (isinstance(pattern, str) and pattern.strip()):
        raise CaseError(f"{where}: no 'cause_rules'; 'missing_pattern' must name the rule needed")
    return Case(
        id=folder.name,
        folder=folder,
        area=data["area"],
        cause_rules=tuple(r.upper() for r in rules),
        missing_pattern=pattern if isinstance(pattern, str) else None,
        citation=_strings(data["citation"], where, "citation"),
    )


def cases(only: str | None = None) -> list[Case]:
    folders = sorted(p for p in INCIDENTS.iterdir() if (p / "case.yaml").is_file())
    if only is not None:
        folders = [p for p in folders if p.name == only]
        if not folders:
            known = ", ".join(p.name for p in sorted(INCIDENTS.iterdir()) if p.is_dir())
            raise CaseError(f"--case {only}: no such case; expected one of {known}")
    return [load_case(p) for p in folders]


def scenario_rules(scenario: Scenario) -> list[str]:
    """Every rule code among the scenario's findings (a merged finding may carry several)."""
    codes: set[str] = set()
    for f in scenario.findings:
        codes.add(f.rule)
        codes.update(getattr(f, "rules", ()) or ())
    return sorted(codes)


@dataclass
class Outcome:
    """How one review ranks a case's cause."""

    named: bool = False
    top_title: str | None = None
    top_rules: list[str] = field(default_factory=list)
    first_cause_rank: int | None = None
    scenarios: int = 0
    error: str | None = None


def judge(review: mlreview.Review, cause_rules: tuple[str, ...]) -> Outcome:
    wanted = set(cause_rules)
    ranked = [scenario_rules(s) for s in review.scenarios]
    first = next((i + 1 for i, rules in enumerate(ranked) if wanted & set(rules)), None)
    top = review.top_risk
    return Outcome(
        named=first == 1,
        top_title=top.title if top else None,
        top_rules=ranked[0] if ranked else [],
        first_cause_rank=first,
        scenarios=len(ranked),
    )


def _crash(exc: Exception) -> Outcome:
    # A crash inside the review is a result to report (and a bug to fix), not a reason to stop
    # scoring the other cases; it counts as not naming the cause.
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Outcome(
        error=f"crash: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
    )


def review_manifest(case: Case) -> Outcome:
    try:
        return judge(mlreview.review(mlreview.load(case.manifest)), case.cause_rules)
    except Exception as exc:
        return _crash(exc)


def review_prose(case: Case) -> Outcome:
    text = case.prose.read_text(encoding="utf-8")
    try:
        draft = drafted(text, f"{case.id}/prose.txt")
    except mlreview.InputError as exc:
        return Outcome(error=f"draft rejected: {str(exc).splitlines()[0]}")
    except Exception as exc:
        return _crash(exc)
    try:
        return judge(mlreview.review(draft.system), case.cause_rules)
    except Exception as exc:
        return _crash(exc)


@dataclass
class Result:
    case: str
    area: str
    cause_rules: list[str]
    missing_pattern: str | None
    manifest: Outcome
    prose: Outcome


def evaluate(case: Case) -> Result:
    return Result(
        case=case.id,
        area=case.area,
        cause_rules=list(case.cause_rules),
        missing_pattern=case.missing_pattern,
        manifest=review_manifest(case),
        prose=review_prose(case),
    )


def summary(results: list[Result]) -> dict[str, dict[str, int]]:
    """Cases named from the manifest and from the prose, overall and per area."""
    groups: dict[str, list[Result]] = {"all": results}
    for area in AREAS:
        groups[area] = [r for r in results if r.area == area]
    return {
        name: {
            "cases": len(group),
            "manifest_named": sum(r.manifest.named for r in group),
            "prose_named": sum(r.prose.named for r in group),
        }
        for name, group in groups.items()
    }


def _cell(outcome: Outcome) -> tuple[str, str, str]:
    if outcome.error:
        return "error", outcome.error.replace("|", "/"), "-"
    rank = str(outcome.first_cause_rank) if outcome.first_cause_rank else "-"
    title = outcome.top_title or "(no scenario)"
    rules = ", ".join(outcome.top_rules)
    return ("yes" if outcome.named else "no"), f"{title} [{rules}]".replace("|", "/"), rank


def print_table(results: list[Result]) -> None:
    print(
        "| case | area | cause rules | manifest | top risk from the manifest [its rules] | rank "
        "| prose | top risk from the prose [its rules] | rank |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        causes = ", ".join(r.cause_rules) or "none (missing pattern)"
        m_named, m_top, m_rank = _cell(r.manifest)
        p_named, p_top, p_rank = _cell(r.prose)
        print(
            f"| {r.case} | {r.area} | {causes} | {m_named} | {m_top} | {m_rank} "
            f"| {p_named} | {p_top} | {p_rank} |"
        )
    print()
    print("| cases | count | top risk names the cause: manifest | prose |")
    print("|---|---|---|---|")
    for name, row in summary(results).items():
        if row["cases"]:
            print(
                f"| {name} | {row['cases']} | {row['manifest_named']} / {row['cases']} "
                f"| {row['prose_named']} / {row['cases']} |"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.eval_top_risk",
        description="Score the review's top risk against published incidents.",
    )
    parser.add_argument("--case", metavar="ID", help="run one case (its folder name)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    try:
        selected = cases(args.case)
    except CaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = [evaluate(c) for c in selected]
    if args.json:
        payload = {
            "version": 1,
            "cases": [asdict(r) for r in results],
            "summary": summary(results),
        }
        print(json.dumps(payload, indent=2, sort_keys=True))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
