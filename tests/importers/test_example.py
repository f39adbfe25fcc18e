"""examples/credit-scoring is built from real files: importing them again changes nothing, and
importing them into the hand-written remainder rebuilds the manifest byte for byte."""

from __future__ import annotations

from mlreview.draft.merge import import_into
from mlreview.system.loader import load_text
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "credit-scoring"


def test_importing_the_artefacts_into_the_example_adds_nothing_and_conflicts_nowhere() -> None:
    text = (EXAMPLE / "system.yaml").read_text(encoding="utf-8")
    imported, merged = import_into(text, "system.yaml", [str(EXAMPLE / "artefacts")], EXAMPLE)
    assert imported.values > 100
    assert [f.status for f in imported.files if f.file.display.endswith((".json", ".yaml"))] == [
        "read"
    ] * 3
    assert merged.conflicts == [] and imported.conflict_lines() == []
    assert merged.added == 0 and merged.agreed > 100
    assert merged.text == text


def test_the_remainder_and_the_artefacts_make_the_example() -> None:
    remainder = (EXAMPLE / "remainder.yaml").read_text(encoding="utf-8")
    _, merged = import_into(remainder, "remainder.yaml", [str(EXAMPLE / "artefacts")], EXAMPLE)
    assert merged.text == (EXAMPLE / "system.yaml").read_text(encoding="utf-8")
    assert merged.conflicts == [] and merged.refused == []
    lines = [line for line in merged.text.splitlines() if "  # artefacts/" in line]
    new_components = [line for line in lines if line.lstrip().startswith("- id: ")]
    assert len(lines) == merged.added + len(new_components)  # each value, each new id
    load_text(merged.text, "system.yaml")
