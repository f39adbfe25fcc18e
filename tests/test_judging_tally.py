"""The blind verdicts in docs/judging/ unblind, by the seed they name, to the tables that
docs/judging.md prints: the published counts can be recomputed from the repo alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools.judging_packets import blinding_key, packet_cases
from tools.judging_tally import (
    CRITERIA,
    Round,
    VerdictFileError,
    markdown,
    read_file,
    rounds,
    tally,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "judging.md"


def _unblinded_tables() -> list[dict[str, list[str]]]:
    tables: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[:2] == ["case", "mlreview was"]:
            current = {}
            tables.append(current)
        elif current is not None and line.startswith("|") and not set(cells[0]) <= {"-"}:
            current[cells[0]] = cells[1:]
        elif not line.startswith("|"):
            current = None
    return tables


def test_every_round_unblinds_to_the_table_docs_print() -> None:
    found = rounds()
    tables = _unblinded_tables()
    assert [r.name for r in found] == sorted(r.name for r in found)
    assert len(found) == len(tables) >= 7
    for one, table in zip(found, tables, strict=True):
        key = blinding_key(packet_cases(), one.seed)
        unblinded = one.unblinded()
        assert set(table) == set(one.letters), one.name
        for case, row in table.items():
            assert key[case][row[0]] == "mlreview", (one.name, case)
            assert [unblinded[case][c] for c in CRITERIA] == row[1:], (one.name, case)


def test_tally_counts_each_criterion_once_per_case() -> None:
    last = rounds()[-1]
    counts = tally(last)
    assert all(sum(counts[c].values()) == len(last.letters) for c in CRITERIA)
    assert f"| {last.name} | {last.seed} | {len(last.letters)} |" in markdown([last])


def test_a_verdict_that_is_not_a_b_or_tie_names_its_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "r-verdicts-1.md"
    bad.write_text(
        "# Verdicts\n\nseed 7\n\n| case | root cause | correctness | specificity | actionability"
        " | readability | overall | reasons |\n|---|---|---|---|---|---|---|---|\n"
        "| x | A | B | tie | A | maybe | A | why |\n",
        encoding="utf-8",
    )
    with pytest.raises(VerdictFileError, match=r"r-verdicts-1\.md:7: expected A, B or tie"):
        read_file(bad)


def test_one_set_of_a_round_unblinds_as_it_does_in_the_whole_round() -> None:
    """The key is one shuffle over all of a round's packets: a tally of the second set alone,
    before the first set's verdicts are in, must give each case the same unblinding."""
    whole = rounds()[-1]
    later = sorted(whole.letters)[len(whole.letters) // 2 :]
    part = Round(whole.name, whole.seed, {case: whole.letters[case] for case in later})
    assert part.unblinded() == {case: whole.unblinded()[case] for case in later}


def test_a_verdict_for_a_case_with_no_packet_is_refused() -> None:
    last = rounds()[-1]
    stray = Round(last.name, last.seed, {"no-such-case": dict.fromkeys(CRITERIA, "A")})
    with pytest.raises(VerdictFileError, match="no packet for no-such-case"):
        stray.unblinded()
