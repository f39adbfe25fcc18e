"""Values whose comment marks them inferred or assumed: read from the file's comments, used as
written, and named wherever the review quotes them."""

from __future__ import annotations

import json

import pytest

from mlreview.engine.contract import to_dict
from mlreview.engine.runner import run
from mlreview.report.formats import RenderOptions, render
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load_text
from mlreview.system.marks import marks_guess
from mlreview.system.yaml_source import read_yaml
from tests.conftest import ROOT

FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"

TEXT = """\
a: 1  # inferred
b: {x: 2, y: "q # z"}   # assumed
c:   # on a key alone
  d: 'it''s'  # estimate
e: [1, 2] # not a mark
f: x#y
g: |
  block # inside a block scalar
h: 3
"""


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "python"])
def test_trailing_comments_by_line(pure: bool) -> None:
    doc = read_yaml(TEXT, "t.yaml", pure=pure)
    assert doc.comments == {
        1: "inferred",
        2: "assumed",
        3: "on a key alone",
        4: "estimate",
        5: "not a mark",
    }


@pytest.mark.parametrize(
    ("comment", "marked"),
    [
        ("inferred", True),
        ("figures inferred from the load test", True),
        ("Assumed: the vendor's default", True),
        ("a guess", True),
        ("estimated from last quarter", True),
        ("not inferred: the runbook states it", False),
        ("no assumption here", False),
        ('"...we assumed it would scale..."', False),
        ("stated in the design doc", False),
        ("inferrediness", False),
    ],
)
def test_which_comments_mark_a_value(comment: str, marked: bool) -> None:
    assert marks_guess(comment) is marked


def _marked_forecast() -> tuple[str, int]:
    """demand-forecast with the first value its top risk quotes marked inferred, and that line."""
    lines = FORECAST.read_text(encoding="utf-8").splitlines()
    plain = run(load_text("\n".join(lines) + "\n", str(FORECAST)))
    first = plain.scenarios[0].all_findings[0].evidence[0]
    assert not first.marked
    lines[first.line - 1] += "  # inferred from the vendor's docs"
    return "\n".join(lines) + "\n", first.line


def test_a_marked_value_is_named_where_the_review_quotes_it() -> None:
    text, line = _marked_forecast()
    done = run(load_text(text, str(FORECAST)))
    quoted = [e for f in done.findings for e in f.evidence if e.line == line]
    assert quoted and all(e.marked for e in quoted)
    assert not [e for f in done.findings for e in f.evidence if e.marked and e.line != line]
    shown = render(review_printable(done), "terminal", RenderOptions(width=400))
    bottom = " ".join(shown.split("\n1. Training-serving skew\n")[0].split())
    assert bottom.count("Bottom line.") == 1
    field = quoted[0].field
    # The bottom line says the risk and the first fix; the marks are where the values are.
    assert "marked inferred" not in bottom and "the manifest states" not in bottom
    assert f"{field} = " not in bottom  # named under the finding, not on the first line
    # The opening screen's headings name only a grade other than 'as declared'; --full's
    # say which figures are not.
    assert "some figures marked inferred" not in shown
    assert "some figures marked inferred" in render(
        review_printable(done), "terminal", RenderOptions(width=400, full=True)
    )
    # The opening screen marks the fact; --full names the value under it.
    assert "(partly inferred)" in shown.split("\n5. The biggest risk\n")[1]
    assert "Marked inferred in the manifest" not in shown
    every = render(review_printable(done), "terminal", RenderOptions(width=400, full=True))
    assert f"Marked inferred in the manifest: {field} = " in every
    assert f"(line {line})" in every
    full = render(review_printable(done), "markdown", RenderOptions(full=True))
    assert "(marked inferred)" in full


def test_json_flags_marked_evidence_and_nothing_else() -> None:
    text, line = _marked_forecast()
    data = json.loads(json.dumps(to_dict(run(load_text(text, str(FORECAST))))))
    flags = [
        (e["line"], e.get("marked"))
        for f in data["findings"]
        for e in f["evidence"]
        if "marked" in e
    ]
    assert flags and all(flag == (line, True) for flag in flags)


def test_marks_change_no_score() -> None:
    text, _ = _marked_forecast()
    marked = run(load_text(text, str(FORECAST)))
    plain = run(load_text(FORECAST.read_text(encoding="utf-8"), str(FORECAST)))
    assert [(s.key, s.score) for s in marked.scenarios] == [
        (s.key, s.score) for s in plain.scenarios
    ]
    assert [f.severity for f in marked.findings] == [f.severity for f in plain.findings]


DOORDASH = ROOT / "benchmarks" / "incidents" / "doordash-ads-online-offline-2024" / "system.yaml"
RANK_MARK = "    importance_rank: 1              # inferred: the prose ranks no feature\n"


@pytest.mark.parametrize("marked", [True, False])
def test_a_reach_from_a_marked_importance_rank_says_so(marked: bool) -> None:
    """The skew risk's reach is 1 / the top feature's rank; a rank marked inferred is named as
    such in that working (the judges read DoorDash's 'importance rank 1' as stated fact)."""
    text = DOORDASH.read_text(encoding="utf-8")
    assert text.count(RANK_MARK) == 1
    if not marked:
        text = text.replace(RANK_MARK, "    importance_rank: 1\n")
    system = load_text(text, str(DOORDASH))
    line = text[: text.index("importance_rank: 1")].count("\n") + 1
    top = run(system).scenarios[0]
    reach = next(w for w in top.risk.working if "consumer_engagement_dense, importance rank 1" in w)
    tagged = f"importance rank 1, marked inferred on line {line} (weight 1 / rank)"
    assert (tagged in reach) is marked
    assert "importance rank 1 (weight 1 / rank)" in reach or marked
