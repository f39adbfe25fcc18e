"""The public API: a small, sorted, importable surface."""

from __future__ import annotations

import subprocess
import sys

import mlreview
from tests.conftest import ROOT

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"


def test_all_is_sorted_and_importable() -> None:
    assert mlreview.__all__ == sorted(mlreview.__all__)
    for name in mlreview.__all__:
        assert getattr(mlreview, name) is not None


def test_load_review_and_render_in_jupyter() -> None:
    system = mlreview.load(FRAUD)
    report = mlreview.review(system)
    assert isinstance(report, mlreview.Review)
    assert report.top_risk is not None
    html = report._repr_html_()
    assert html.startswith("<!DOCTYPE html>")
    assert report.to_dict()["system"]["name"] == "card-fraud-scoring"


def test_a_skew_result_renders_as_its_html_report_in_jupyter() -> None:
    data = ROOT / "examples" / "card-fraud" / "data"
    result = mlreview.skew(data / "training.csv", data / "serving.csv")
    assert isinstance(result, mlreview.SkewReport)
    html = result._repr_html_()
    assert html.startswith("<!DOCTYPE html>") and "txn_count_1h" in html
    assert result.render("markdown").startswith("# Training-serving skew")
    assert result.to_dict()["counts"]["skew"] >= 1


def test_input_error_is_public() -> None:
    try:
        mlreview.loads("version: 1\n", "x.yaml")
    except mlreview.InputError as exc:
        assert exc.problems[0].file == "x.yaml"
    else:
        raise AssertionError("expected InputError")


def test_import_is_light() -> None:
    heavy = ("pydantic", "rich", "jinja2", "networkx")
    code = f"import sys, mlreview; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
