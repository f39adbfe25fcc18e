"""The opening screen says in words what a manifest field means and leaves the field to --full,
HTML, JSON and the questions (report/field_words.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlreview.report.field_words import manifest_paths, without_fields
from mlreview.report.formats import RenderOptions, render
from mlreview.report.review_document import review_printable
from tests.conftest import EXAMPLES, ROOT, reviewed

INCIDENTS = sorted((ROOT / "benchmarks" / "incidents").glob("*/system.yaml"))
QUESTIONS = "Questions that would change this review"
PATH = re.compile(
    r"(?<![\w./\[])[a-z][a-z0-9_]*(?:\[[^\]\s]*\])?(?:\.[a-z][a-z0-9_]*(?:\[[^\]\s]*\])?)+"
    r"|(?<![\w./\[])[a-z][a-z0-9_]*\[[^\]\s]+\]"
)
"""A dotted or bracketed run of names, of which ``manifest_paths`` keeps the manifest's."""


def _screen(path: Path, *, full: bool = False) -> str:
    printable = review_printable(reviewed(path))
    return render(printable, "terminal", RenderOptions(width=100, full=full))


@pytest.mark.parametrize("path", [*INCIDENTS, *EXAMPLES], ids=lambda p: p.parent.name)
def test_no_opening_screen_line_above_the_questions_names_a_manifest_field(path: Path) -> None:
    # Lines are joined first, so a path the terminal wraps at its dots is still found.
    above = " ".join(_screen(path).split(QUESTIONS)[0].split())
    named = [p for m in PATH.finditer(above) for p in manifest_paths(m.group(0))]
    assert not named, named


def test_full_keeps_the_fields_the_opening_screen_leaves_out() -> None:
    fraud = ROOT / "examples" / "card-fraud" / "system.yaml"
    full = " ".join(_screen(fraud, full=True).split())
    brief = " ".join(_screen(fraud).split())
    assert "(on_failure.missing_indicator is false)" in full
    assert "no flag marks it (" not in brief
    assert "no flag marks it;" in brief
    assert "label-based quality (monitoring.quality.label_based)" in full
    assert "label-based quality show it only on a dashboard" in brief


def test_a_path_is_the_schemas_own_field_names_not_a_file_or_an_id() -> None:
    text = "spark/features/engagement.py vs inquiries.sas; fraud_api.x; replicas.max"
    assert list(manifest_paths(text)) == ["replicas.max"]
    assert list(manifest_paths("dependencies[app_feature_store].fallback")) == [
        "dependencies[app_feature_store].fallback"
    ]
    assert list(manifest_paths("feedback.sales.factors.ours")) == ["feedback.sales.factors.ours"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "no flag marks it (on_failure.missing_indicator is false); next",
            "no flag marks it; next",
        ),
        (
            "nothing caps it (launch.signups_capped and launch.per_user_limit false).",
            "nothing caps it.",
        ),
        (
            "k = 1.1 (both assumed: set feedback.x.factors.ours and .theirs), so",
            "k = 1.1 (both assumed), so",
        ),
        (
            "what is its p99? Set endpoints[e].dependencies[d].latency_ms): a p99",
            "what is its p99?): a p99",
        ),
        (
            "every 2 min (P, declared in system.decision.update_every) and",
            "every 2 min (P, declared) and",
        ),
        ("not declared (set sources[s].units and each feature's units). A", "not declared. A"),
        (
            "it answers with its default (dependencies[s].fallback), scored",
            "it answers with its default, scored",
        ),
    ],
)
def test_the_field_beside_its_words_is_left_out(text: str, words: str) -> None:
    assert without_fields(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "(median, p95 48 h)",
        "(spark/features/engagement.py vs feature-upload/engagement.scala)",
        "replica pool at max replicas (fraud_api)",
        "nothing else answers for it (fallback: none)",
        "(assumed 30% of predictions reached)",
    ],
)
def test_a_bracket_of_words_is_kept(text: str) -> None:
    assert without_fields(text) == text
