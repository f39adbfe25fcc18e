"""Issue 16, the skew report: its histograms, its row-by-row results in every document format,
and a case change named as one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from benchmarks.join_outputs import report_pair

import mlreview
from mlreview.cli import main
from mlreview.datasets.profile import profile_frame
from mlreview.datasets.skew import compare, histogram
from tests.conftest import ROOT

DATA = ROOT / "examples" / "card-fraud" / "data"


def test_histogram_of_a_count_keeps_its_zero_bin_on_an_integer_axis() -> None:
    report = mlreview.skew(str(DATA / "training.csv"), str(DATA / "serving.csv"))
    txn = next(f for f in report.features if f.name == "txn_count_1h")
    h = txn.histogram
    assert h is not None and h.get("integer") is True
    edges = h["edges"]
    assert edges[0] == -0.5  # the first bin holds 0: the sentinel the text reports
    assert all(float(e - 0.5).is_integer() for e in edges)
    assert h["serving"][0] == pytest.approx(0.188, abs=0.01)
    assert h["training"][0] == pytest.approx(0.081, abs=0.01)
    assert sum(h["serving"]) == pytest.approx(1.0, abs=1e-6)


def test_a_continuous_histogram_keeps_a_point_mass_at_its_minimum() -> None:
    rng = np.random.default_rng(5)
    values = rng.gamma(2, 1, 5000)
    serving = np.where(rng.random(5000) < 0.2, 0.0, rng.gamma(2, 1, 5000))
    h = histogram(
        profile_frame(pl.DataFrame({"x": values})).columns["x"],
        profile_frame(pl.DataFrame({"x": serving})).columns["x"],
    )
    assert h is not None and "integer" not in h
    assert h["edges"][0] == 0.0
    assert h["serving"][0] > 0.2  # the zeros, not dropped below the first edge
    assert sum(h["training"]) == pytest.approx(1.0, abs=1e-6)


def _joined_files(tmp_path: Path) -> tuple[Path, Path]:
    return report_pair(tmp_path)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_key_results_row_by_row_are_in_every_document_format(
    fmt: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    t, s = _joined_files(tmp_path)
    assert main(["skew", str(t), str(s), "--key", "request_id", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    args = ["skew", str(t), str(s), "--key", "request_id", "-f", fmt, "--width", "200"]
    assert (
        main(args if fmt == "terminal" else [a for a in args if a not in ("--width", "200")]) == 0
    )
    out = capsys.readouterr().out
    assert "Row by row" in out
    assert "serving is 60 x training" in out
    assert "latency: pairs that differ" in out
    assert "count" in out and "equal" in out
    # The sample pairs themselves, unrounded: the first key that differs, with both values.
    latency = next(f for f in data["features"] if f["name"] == "latency")["joined"]["samples"][0]
    assert str(latency["training"]) in out and str(latency["serving"]) in out


def test_key_on_data_with_no_common_keys_reports_no_pairs(capsys) -> None:  # type: ignore[no-untyped-def]
    pair = [str(DATA / "training.csv"), str(DATA / "serving.csv")]
    assert main(["skew", *pair, "--key", "request_id", "-f", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    data = json.loads(captured.out)
    assert data["joined"]["rows"]["matched"] == 0
    relations = {f["name"]: f["joined"]["relation"]["kind"] for f in data["features"]}
    assert set(relations.values()) == {"no_pairs"}


def test_an_upper_cased_category_spread_over_many_values_is_a_case_change() -> None:
    # Twenty cities of 5% each: upper-casing moves no single share by 10%, yet every serving
    # value is new as written; normalised, the shares match.
    rng = np.random.default_rng(4)
    cities = [f"city_{i:02d}" for i in range(20)]
    training = pl.DataFrame({"city": rng.choice(cities, 5000)})
    serving = pl.DataFrame({"city": rng.choice(cities, 5000)}).with_columns(
        pl.col("city").str.to_uppercase()
    )
    report = compare(profile_frame(training), profile_frame(serving))
    (city,) = report.features
    assert city.causes[0].kind == "case_format", city.causes
    assert all(c.kind != "vocabulary" for c in city.causes)
