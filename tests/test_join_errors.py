"""`skew --key` with keys of different types on the two sides, and bad keys: one line naming the
file and key, exit 2 (issue 17 item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from mlreview.cli import main


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _skew(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["skew", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_integer_keys_match_whole_float_keys_with_a_blank(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    t = _write(tmp_path / "t.csv", "id,x\n1,5\n2,6\n3,7\n")
    s = _write(tmp_path / "s.csv", "id,x\n1.0,5\n,6\n3.0,8\n")
    code, out, err = _skew(capsys, t, s, "--key", "id", "-f", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    rows = data["joined"]["rows"]
    assert (rows["matched"], rows["training_only"], rows["serving_only"]) == (2, 1, 1)
    (x,) = (f["joined"] for f in data["features"] if f["name"] == "x")
    assert x["pairs"] == 2 and x["samples"] == [{"key": {"id": 3}, "training": 7, "serving": 8}]


@pytest.mark.parametrize(
    ("serving", "expected"),
    [
        ("id,x\n1,5\n2.5,6\n", "s.csv:1:1: key 'id' holds 2.5; expected whole numbers"),
        ("id,x\na,5\nb,6\n", "s.csv:1:1: key 'id' is String here but Int64 in "),
    ],
    ids=["fractional-float", "text"],
)
def test_keys_that_cannot_match_by_value_are_one_line(
    tmp_path: Path, capsys, serving: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    t = _write(tmp_path / "t.csv", "id,x\n1,5\n2,6\n")
    s = _write(tmp_path / "s.csv", serving)
    code, out, err = _skew(capsys, t, s, "--key", "id")
    assert code == 2 and out == ""
    assert err.startswith(str(tmp_path / expected)) and err.count("\n") == 1, err


def test_a_key_given_twice_is_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    t = _write(tmp_path / "t.csv", "id,x\n1,5\n2,6\n")
    code, _, err = _skew(capsys, t, t, "--key", "id,x", "--key", "x")
    assert code == 2
    assert err == "mlreview: --key 'x' is given twice; expected each key column once\n"


def test_no_keys_in_common_with_a_string_column_has_no_pairs(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    t = _write(tmp_path / "t.csv", "id,x,c\n1,5,a\n2,6,b\n")
    s = _write(tmp_path / "s.csv", "id,x,c\n7,5,a\n8,6,b\n")
    code, out, err = _skew(capsys, t, s, "--key", "id", "-f", "json")
    assert (code, err) == (0, "")
    kinds = {f["name"]: f["joined"]["relation"]["kind"] for f in json.loads(out)["features"]}
    assert kinds == {"x": "no_pairs", "c": "no_pairs"}


def test_an_unreadable_side_is_named_in_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    t = _write(tmp_path / "t.csv", "id,x\n1,5\n2,6\n")
    s = _write(tmp_path / "s.csv", 'id,x\n1,"5\n')
    code, _, err = _skew(capsys, t, s, "--key", "id")
    assert code == 2 and err.startswith(f"{s}:1:1: ") and err.count("\n") == 1, err


def test_a_column_no_comparison_applies_to_is_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pl.DataFrame({"id": [1, 2], "l": [[1], [2]]}).write_parquet(tmp_path / "t.parquet")
    pl.DataFrame({"id": [1, 2], "l": [[1], [3]]}).write_parquet(tmp_path / "s.parquet")
    code, _, err = _skew(
        capsys, str(tmp_path / "t.parquet"), str(tmp_path / "s.parquet"), "--key", "id"
    )
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"{tmp_path / 't.parquet'}:1:1: cannot compare column 'l' row by row")
