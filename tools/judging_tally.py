"""Unblind and count the recorded blind verdicts, round by round.

    python -m tools.judging_tally [VERDICTS_DIR]

Each round's verdict files (`docs/judging/<round>-verdicts-<n>.md`) name the seed their
packets were built with; `tools.judging_packets.blinding_key` rebuilds from that seed and the
round's cases which letter was mlreview's review, so the counts in docs/judging.md can be
recomputed from the files in the repo alone.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tools.judging_packets import SEED, blinding_key, packet_cases

VERDICTS = Path(__file__).resolve().parent.parent / "docs" / "judging"
CRITERIA = (
    "root cause",
    "correctness",
    "specificity",
    "actionability",
    "readability",
    "overall",
)
_SEED = re.compile(r"judging_packets OUT (\d+)|seed (\d+)")
_VERDICT_FILE = re.compile(r"(?P<round>.+)-verdicts-\d+\.md")


class VerdictFileError(ValueError):
    """A verdict file that cannot be read as one round's table of verdicts."""


@dataclass(frozen=True)
class Round:
    name: str
    seed: int
    letters: dict[str, dict[str, str]]  # case -> criterion -> "A", "B" or "tie"

    def unblinded(self) -> dict[str, dict[str, str]]:
        """case -> criterion -> "mlreview", "expert" or "tie"."""
        # The key is drawn over every packet of the round, not only the sets judged so far.
        key = blinding_key(packet_cases(), self.seed)
        unknown = sorted(set(self.letters) - set(key))
        if unknown:
            raise VerdictFileError(f"{self.name}: no packet for {', '.join(unknown)}")
        return {
            case: {c: key[case].get(v, "tie") for c, v in verdicts.items()}
            for case, verdicts in self.letters.items()
        }


def read_file(path: Path) -> tuple[int, dict[str, dict[str, str]]]:
    text = path.read_text(encoding="utf-8")
    seeds = _SEED.search(text)
    # The first round's packets were built before the seed was an argument.
    seed = int(next(g for g in seeds.groups() if g)) if seeds else SEED
    letters: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < len(CRITERIA) + 1 or cells[0] in ("case", "") or set(cells[0]) <= {"-"}:
            continue
        values = cells[1 : len(CRITERIA) + 1]
        if any(v not in ("A", "B", "tie") for v in values):
            raise VerdictFileError(
                f"{path}:{number}: expected A, B or tie in each of {', '.join(CRITERIA)}"
            )
        # A judge may annotate a case ("name (11th; ...)"); its first word is the case.
        letters[cells[0].split()[0]] = dict(zip(CRITERIA, values, strict=True))
    if not letters:
        raise VerdictFileError(f"{path}: no verdict table")
    return seed, letters


def rounds(folder: Path = VERDICTS) -> list[Round]:
    found: dict[str, Round] = {}
    for path in sorted(folder.glob("*-verdicts-*.md")):
        match = _VERDICT_FILE.fullmatch(path.name)
        if match is None:
            continue
        seed, letters = read_file(path)
        name = match["round"]
        earlier = found.get(name)
        if earlier is not None and earlier.seed != seed:
            raise VerdictFileError(
                f"{path}: seed {seed}, but {name}'s other files say {earlier.seed}"
            )
        merged = {**(earlier.letters if earlier else {}), **letters}
        found[name] = Round(name, seed, merged)
    return list(found.values())


def tally(one: Round) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {c: Counter() for c in CRITERIA}
    for verdicts in one.unblinded().values():
        for criterion, who in verdicts.items():
            counts[criterion][who] += 1
    return counts


def markdown(all_rounds: list[Round]) -> str:
    head = "| round | seed | cases | " + " | ".join(CRITERIA) + " |"
    lines = [
        "Each cell: mlreview preferred / tied / expert preferred.",
        "",
        head,
        "|" + "---|" * (len(CRITERIA) + 3),
    ]
    for one in all_rounds:
        counts = tally(one)
        cells = [
            f"{counts[c]['mlreview']} / {counts[c]['tie']} / {counts[c]['expert']}"
            for c in CRITERIA
        ]
        lines.append(
            f"| {one.name} | {one.seed} | {len(one.letters)} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else VERDICTS
    try:
        sys.stdout.write(markdown(rounds(folder)))
    except VerdictFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
