"""Accuracy of `mlreview init --from-text` on the corpus in tests/from_text.

Each description (``NN-name.txt``) has the manifest a careful reader would write from it under
the drafting conventions in docs/from-text.md (``NN-name.yaml``). Both are flattened to fields
keyed by what they describe rather than by id (a source by its technology, a pipeline by its
engine), references included, and compared:

- right: the draft has the field with the expected value;
- wrong: the draft has the field with another value, or a field the reader would not write;
- missed: the reader wrote the field and the draft does not have it.

`dev/` was used while building the extractor; `held_out/` was written before its first run and
not used for tuning.

Then the descriptions written independently of this project (`shared/prose/`, found above the
repository, or given as `--prose DIR`) are scored against the facts each states
(benchmarks/from_text_facts.py says how): numbers and technologies kept, facts right, wrong and
missed, negated facts inverted. Last, every description with a hand-written manifest (the
project's corpus and `examples/*/description.txt`) is reviewed both ways, without questions:
the top risk (its scenario key) and the rules that fired are compared.

Run with `python -m benchmarks.eval_from_text` (`-v` lists missed fields, facts and numbers);
docs/from-text.md records a run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import mlreview
from benchmarks.from_text_facts import FactScore, find_corpus, load_facts, score_facts
from mlreview.draft.draft import SECTIONS
from mlreview.draft.emit import to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.system.units import Duration, Schedule

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "from_text"
SPLITS = ("dev", "held_out")
REFERENCES = {"inputs", "outputs", "target", "source", "pipeline", "model", "store", "sources"}
SKIPPED = {"id", "version", "name", "description"}
TOLERANCE = 0.02


def _canonical(data: dict[str, Any]) -> dict[str, str]:
    """Component id -> what it is: its technology, engine, or its section when there is one."""
    names: dict[str, str] = {}
    for section, key in (("sources", "technology"), ("stores", "technology")):
        for item in data.get(section) or []:
            names[item["id"]] = f"{section}[{item.get(key) or item['id']}]"
    engines = [p.get("engine") for p in data.get("pipelines") or []]
    for p in data.get("pipelines") or []:
        engine = p.get("engine") or p["id"]
        label = engine if engines.count(p.get("engine")) == 1 else f"{engine}/{p.get('kind')}"
        names[p["id"]] = f"pipelines[{label}]"
    for section in ("models", "endpoints", "feedback", "features"):
        for i, item in enumerate(data.get(section) or []):
            names[item["id"]] = f"{section}[{i}]"
    return names


def _flatten(value: Any, prefix: str, names: dict[str, str], out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in SKIPPED:
                continue
            if key == "dependencies":
                for dep in inner:
                    target = names.get(dep["target"], dep["target"])
                    _flatten(dep, f"{prefix}.dependencies[{target}]", names, out)
                continue
            here = f"{prefix}.{key}" if prefix else key
            if key in REFERENCES:
                refs = inner if isinstance(inner, list) else [inner]
                out[here] = tuple(sorted(names.get(r, r) for r in refs))
            else:
                _flatten(inner, here, names, out)
    else:
        out[prefix] = value


def flatten(data: dict[str, Any]) -> dict[str, Any]:
    """Fields keyed by what they describe: 'pipelines[flink].outputs' -> ('stores[redis]',)."""
    names = _canonical(data)
    out: dict[str, Any] = {}
    _flatten({k: v for k, v in data.items() if k not in SECTIONS}, "", names, out)
    for section in SECTIONS:
        for item in data.get(section) or []:
            _flatten(item, names[item["id"]], names, out)
    return out


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        for parse in (Schedule.parse, Duration.parse):
            try:
                parsed = parse(value)
            except ValueError:
                continue
            return ("time", float(getattr(parsed, "period", parsed)))
    return value


def same(a: Any, b: Any) -> bool:
    a, b = _normal(a), _normal(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) == 2 and a[0] == "time":
        return same(a[1], b[1])
    return bool(a == b)


@dataclass
class Score:
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.missed += other.missed

    @property
    def total(self) -> int:
        return len(self.right) + len(self.wrong) + len(self.missed)


def score(expected: dict[str, Any], drafted: dict[str, Any]) -> Score:
    want, got = flatten(expected), flatten(drafted)
    out = Score()
    for key, value in want.items():
        if key not in got:
            out.missed.append(key)
        elif same(value, got[key]):
            out.right.append(key)
        else:
            out.wrong.append(f"{key}: {got[key]!r}, expected {value!r}")
    out.wrong += [f"{key}: {got[key]!r}, not expected" for key in got if key not in want]
    return out


def draft_yaml(text: str) -> str:
    return to_yaml(draft_from_text(text), [], [])


def draft_data(text: str) -> dict[str, Any]:
    """The drafted manifest as plain data, read back from the YAML the command writes."""
    data: dict[str, Any] = yaml.safe_load(draft_yaml(text))
    return data


def cases(split: str) -> list[Path]:
    return sorted((CORPUS / split).glob("*.txt"))


def evaluate(split: str) -> tuple[Score, list[tuple[str, Score]]]:
    total, rows = Score(), []
    for text_file in cases(split):
        expected = yaml.safe_load(text_file.with_suffix(".yaml").read_text(encoding="utf-8"))
        result = score(expected, draft_data(text_file.read_text(encoding="utf-8")))
        rows.append((text_file.stem, result))
        total.add(result)
    return total, rows


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _project_table(verbose: bool) -> None:
    print("| corpus | descriptions | fields | right | wrong | missed |")
    print("|---|---|---|---|---|---|")
    overall = Score()
    details = []
    for split in SPLITS:
        total, rows = evaluate(split)
        overall.add(total)
        n = total.total
        print(
            f"| {split} | {len(rows)} | {n} | {len(total.right)} ({_pct(len(total.right), n)}) "
            f"| {len(total.wrong)} ({_pct(len(total.wrong), n)}) "
            f"| {len(total.missed)} ({_pct(len(total.missed), n)}) |"
        )
        details += [(split, name, s) for name, s in rows]
    n = overall.total
    print(
        f"| all | {len(details)} | {n} | {len(overall.right)} ({_pct(len(overall.right), n)}) "
        f"| {len(overall.wrong)} ({_pct(len(overall.wrong), n)}) "
        f"| {len(overall.missed)} ({_pct(len(overall.missed), n)}) |"
    )
    print()
    print("Wrong fields:" if overall.wrong else "No wrong fields.")
    for split, name, s in details:
        for w in s.wrong:
            print(f"- {split}/{name}: {w}")
    if verbose:
        print("\nMissed fields:")
        for split, name, s in details:
            for m in s.missed:
                print(f"- {split}/{name}: {m}")


def evaluate_facts(corpus: Path) -> list[tuple[str, FactScore]]:
    rows = []
    for entry in load_facts(corpus):
        text = (corpus / f"{entry['id']}.txt").read_text(encoding="utf-8")
        rows.append((entry["id"], score_facts(entry, draft_data(text))))
    return rows


def _fact_row(name: str, s: FactScore) -> str:
    techs = len(s.technologies_kept) + len(s.technologies_lost)
    return (
        f"| {name} | {len(s.numbers_kept)}/{s.numbers} ({_pct(len(s.numbers_kept), s.numbers)}) "
        f"| {len(s.technologies_kept)}/{techs} ({_pct(len(s.technologies_kept), techs)}) "
        f"| {s.facts} | {len(s.right)} ({_pct(len(s.right), s.facts)}) "
        f"| {len(s.wrong)} ({_pct(len(s.wrong), s.facts)}) "
        f"| {len(s.missed)} ({_pct(len(s.missed), s.facts)}) "
        f"| {s.negated} | {len(s.inverted)} | {len(s.negated_right)} |"
    )


def _facts_table(corpus: Path, verbose: bool) -> None:
    rows = evaluate_facts(corpus)
    print(f"\nDescriptions written independently ({corpus.name}/, {len(rows)} descriptions):\n")
    print(
        "| description | numbers kept | technologies kept | facts | right | wrong | missed "
        "| negated | inverted | negated right |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = FactScore()
    for name, s in rows:
        total.add(s)
        if verbose:
            print(_fact_row(name, s))
    print(_fact_row("all", total))
    print("\nInverted negated facts:" if total.inverted else "\nNo negated fact inverted.")
    for name, s in rows:
        for line in s.inverted:
            print(f"- {name}: {line}")
    print("\nWrong facts:" if total.wrong else "\nNo wrong facts.")
    for name, s in rows:
        for line in s.wrong:
            print(f"- {name}: {line}")
    if verbose:
        for title, attr in (
            ("Missed facts", "missed"),
            ("Numbers lost", "numbers_lost"),
            ("Technologies lost", "technologies_lost"),
        ):
            print(f"\n{title}:")
            for name, s in rows:
                for item in getattr(s, attr):
                    print(f"- {name}: {item}")


def _outcome(manifest_text: str, name: str) -> tuple[str, set[str]]:
    """The top risk's scenario key and the rule codes that fired, reviewed without questions."""
    result = mlreview.review(mlreview.loads(manifest_text, name), questions=False).to_dict()
    top = result.get("top_risk") or {}
    return str(top.get("key", "-")), {f["rule"] for f in result["findings"]}


def reviewed_pairs() -> list[tuple[str, str, Path]]:
    """(name, description text, hand-written manifest) for every description that has one."""
    pairs = []
    for split in SPLITS:
        for text_file in cases(split):
            pairs.append(
                (
                    f"{split}/{text_file.stem}",
                    text_file.read_text("utf-8"),
                    text_file.with_suffix(".yaml"),
                )
            )
    for description in sorted((ROOT / "examples").glob("*/description.txt")):
        manifest = description.with_name("system.yaml")
        pairs.append(
            (f"examples/{description.parent.name}", description.read_text("utf-8"), manifest)
        )
    return pairs


def _top_risk_table(verbose: bool) -> None:
    print("\nTop risk and findings, drafted from the description vs the hand-written manifest:\n")
    print("| description | manifest's top risk | draft's top risk | same | rules shared |")
    print("|---|---|---|---|---|")
    same_top = 0
    shared_total = wanted_total = 0
    rows = reviewed_pairs()
    for name, text, manifest in rows:
        want_key, want_rules = _outcome(manifest.read_text("utf-8"), str(manifest))
        got_key, got_rules = _outcome(draft_yaml(text), f"{name} (drafted)")
        same_top += want_key == got_key
        shared = len(want_rules & got_rules)
        shared_total += shared
        wanted_total += len(want_rules)
        if verbose or name.startswith("examples/"):
            print(
                f"| {name} | {want_key} | {got_key} | {'yes' if want_key == got_key else 'no'} "
                f"| {shared}/{len(want_rules)} |"
            )
    print(
        f"| all {len(rows)} | | | {same_top} ({_pct(same_top, len(rows))}) "
        f"| {shared_total}/{wanted_total} ({_pct(shared_total, wanted_total)}) |"
    )


def main() -> int:
    args = sys.argv[1:]
    verbose = "-v" in args
    prose = Path(args[args.index("--prose") + 1]) if "--prose" in args else find_corpus(ROOT)
    _project_table(verbose)
    if prose is None:
        print("\nNo shared/prose corpus found above the repository; pass --prose DIR.")
    else:
        _facts_table(prose, verbose)
    _top_risk_table(verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
