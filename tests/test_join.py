"""The vectorised join of `skew --key` gives the same answer however the rows are split into
buckets and whatever the sides' formats, and its text normalisation agrees with normal_text
(issue 20)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from benchmarks.join_outputs import edge_frames, relations_frames
from hypothesis import given, settings
from hypothesis import strategies as st

from mlreview.datasets import pairs, relation
from mlreview.datasets.distance import normal_text
from mlreview.datasets.join import join
from mlreview.datasets.read import resolve
from mlreview.datasets.relation import normal_series


@pytest.fixture(params=["relations", "edge"])
def pair(request, tmp_path: Path) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    frames, keys = (
        (relations_frames(), ["request_id"])
        if request.param == "relations"
        else (edge_frames(), ["store", "seq"])
    )
    names = []
    for frame, side in zip(frames, ("t", "s"), strict=True):
        frame.write_parquet(tmp_path / f"{side}.parquet")
        names.append(str(tmp_path / f"{side}.parquet"))
    return names, keys


def test_a_partitioned_or_sliced_join_gives_the_same_report(pair, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (training, serving), keys = pair
    whole = join(resolve(training), resolve(serving), keys).to_dict()
    # Pairs handed on in slices of a few rows, as a bucket's are past pairs.PAIR_SLICE.
    monkeypatch.setattr(pairs, "PAIR_SLICE", 37)
    assert join(resolve(training), resolve(serving), keys).to_dict() == whole
    monkeypatch.setattr(pairs, "PART_ROWS", 500)
    monkeypatch.setattr(pairs, "SLICE_ROWS", 700)
    split = join(resolve(training), resolve(serving), keys).to_dict()
    assert split == whole
    # Medians selected in passes over the buckets, as past relation.HELD_MOST values.
    monkeypatch.setattr(relation, "HELD_MOST", 7)
    assert join(resolve(training), resolve(serving), keys).to_dict() == whole
    assert whole["rows"]["matched"] > 0
    assert any(f["samples"] for f in whole["features"])


def test_csv_and_parquet_sides_give_the_same_pairs(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"k": np.arange(300), "v": rng.normal(0, 1, 300)})
    frame.write_csv(tmp_path / "t.csv")
    frame.with_columns(pl.col("v") * 2).write_parquet(tmp_path / "s.parquet")
    report = join(resolve(str(tmp_path / "t.csv")), resolve(str(tmp_path / "s.parquet")), ["k"])
    (v,) = report.features
    assert v.relation == {"kind": "scale", "factor": 2.0, "share": 1.0}
    assert [s["key"] for s in v.samples] == [{"k": i} for i in range(5)]


SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
TRICKY = ["ΟΔΟΣ", "İstanbul", "straße", "Ǆemal", "ﬁne", "Å", "a\x1cb", "a\u00a0b", "a\u2028b"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from([*"aZ-_. .9", *SPACES, *"".join(TRICKY)]))))
def test_normalised_text_agrees_with_normal_text(values: list[str]) -> None:
    series = pl.Series([*values, *TRICKY], dtype=pl.String)
    assert normal_series(series).to_list() == [normal_text(v) for v in series.to_list()]
