"""Issue 17, items 5, 6 and the data side of 9: data files and saved profiles that were misread.

Each case failed on the code before its fix: a saved profile of another shape read as JSON
lines (exit 0), columns lost or renamed, or an error at the wrong place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mlreview.cli import main
from mlreview.datasets.dataset import profile_paths, read_profile, write_profile

from .test_bad_input import LOCATED

CARD = Path(__file__).resolve().parent.parent / "examples" / "card-fraud" / "data"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "training.json"
    path.write_bytes(write_profile(profile_paths([str(CARD / "training.csv")])))
    return path


COLUMN = "amount_zscore_30d"


def _column(data: dict[str, Any], key: str, value: Any) -> None:
    data["columns"][COLUMN][key] = value


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "version-99": lambda d: d.update(version=99),
    "no-header": lambda d: d.pop("format"),
    "no-rows": lambda d: d.pop("rows"),
    "columns-a-list": lambda d: d.update(columns=[1]),
    "dtype-a-number": lambda d: _column(d, "dtype", 1e308),
    "count-infinite": lambda d: _column(d, "count", float("inf")),
    "nulls-negative": lambda d: _column(d, "nulls", -1),
    "nulls-above-count": lambda d: _column(d, "nulls", 10**6),
    "bucket-past-floats": lambda d: d["columns"][COLUMN]["sketch"]["counts"].update({"99999": 1}),
    "registers-short": lambda d: _column(d, "hll", "00"),
    "top-value-a-list": lambda d: _column(d, "top", {"values": [[[1], 2]], "dropped": 0}),
    "unknown-key": lambda d: _column(d, "colour", "red"),
}


def _edited(saved: Path, edit: str) -> str:
    """The saved profile changed as ``edit`` names."""
    text = saved.read_text(encoding="utf-8")
    if edit == "truncated":
        return text[: len(text) // 2]
    data = json.loads(text)
    EDITS[edit](data)
    return json.dumps(data, indent=2)


def _one_error(capsys, args: list[str], path: Path) -> str:  # type: ignore[no-untyped-def]
    """Run mlreview: exit 2 and one line located in ``path``; that line."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    match = LOCATED.match(err.strip())
    assert match and match["file"] == str(path), err
    return err


NOT_PROFILES = [
    ("version-99", "1:1: profile version 99; expected 2"),
    ("truncated", "malformed JSON: "),
    ("no-header", 'one JSON document without the header "format": "mlreview profile"'),
    ("no-rows", "not a valid mlreview profile: rows: Field required"),
    ("columns-a-list", "not a valid mlreview profile: columns: Input should be a valid dict"),
    ("dtype-a-number", "columns.amount_zscore_30d.dtype: Input should be a valid string"),
    ("count-infinite", "columns.amount_zscore_30d.count: Input should be a valid integer"),
    ("nulls-negative", "amount_zscore_30d.nulls: Input should be greater than or equal to 0"),
    ("nulls-above-count", "more nulls, NaNs and infinities than values"),
    ("bucket-past-floats", "columns.amount_zscore_30d.sketch: Value error, bucket 99999 is beyond"),
    ("registers-short", "columns.amount_zscore_30d.hll: String should match pattern"),
    ("top-value-a-list", "columns.amount_zscore_30d.top.values.0.0"),
    ("unknown-key", "columns.amount_zscore_30d.colour: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("edit", "expected"), NOT_PROFILES, ids=[c[0] for c in NOT_PROFILES])
def test_a_damaged_profile_is_an_error_not_data(
    saved: Path, tmp_path: Path, capsys, edit: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(_edited(saved, edit), encoding="utf-8")
    assert expected in _one_error(capsys, ["skew", str(saved), str(bad)], bad)


@pytest.mark.parametrize(
    "text",
    ['{"hello": "world"}', '{\n  "hello": "world"\n}\n', '[{"a": 1}, {"a": 2}]', "[" * 100_000],
    ids=["one-line-object", "indented-object", "array", "deep"],
)
def test_json_that_is_not_a_profile_is_an_error_naming_the_file(
    saved: Path, tmp_path: Path, capsys, text: str
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "other.json"
    bad.write_text(text, encoding="utf-8")
    err = _one_error(capsys, ["skew", str(bad), str(saved)], bad)
    assert "expected a profile saved by `mlreview profile`" in err


def test_json_lines_named_json_are_still_data(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n', encoding="utf-8")
    assert read_profile(path) is None
    profile = profile_paths([str(path)])
    assert (profile.rows, list(profile.columns)) == (2, ["a", "b"])


def test_a_saved_profile_round_trips_with_its_header(saved: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("mlreview profile", 2)
    loaded = read_profile(saved)
    assert loaded is not None and loaded.rows == 5000


def test_profiling_a_saved_profile_is_an_error(saved: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    err = _one_error(capsys, ["profile", str(saved)], saved)
    assert "holds one JSON document, not JSON lines" in err


def test_a_header_only_csv_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("amount,country,ts\n", encoding="utf-8")
    profile = profile_paths([str(path)])
    assert (profile.rows, list(profile.columns)) == (0, ["amount", "country", "ts"])
    assert all(c.count == 0 for c in profile.columns.values())
    assert profile.files == [str(path)]


def test_an_empty_parquet_file_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pl.DataFrame({"amount": [1.5], "country": ["FR"]}).head(0).write_parquet(path)
    profile = profile_paths([str(path)])
    assert (profile.rows, list(profile.columns)) == (0, ["amount", "country"])
    assert profile.columns["amount"].kind == "numeric"


def test_a_quoted_csv_header_names_the_same_column_as_parquet(tmp_path: Path) -> None:
    frame = pl.DataFrame({'say "hi"': [1, 2, 3] * 20, "b,c": [0.5, 1.5, 2.5] * 20})
    frame.write_parquet(tmp_path / "t.parquet")
    frame.write_csv(tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text(encoding="utf-8").startswith('"say ""hi""","b,c"\n')
    assert list(profile_paths([str(tmp_path / "s.csv")]).columns) == ['say "hi"', "b,c"]
    out = tmp_path / "skew.json"
    assert main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.csv"), "-o", str(out)]) == 0
    counts = json.loads(out.read_text(encoding="utf-8"))["counts"]
    assert counts == {"drift": 0, "ok": 2, "schema": 0, "skew": 0}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a,b,a", "column 'a' is named twice in the header (columns 1 and 3)"),
        (',"",x', "column '' is named twice in the header (columns 1 and 2)"),
    ],
)
def test_a_duplicate_csv_column_is_an_error(
    tmp_path: Path, capsys, header: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "dup.csv"
    path.write_text(f"{header}\n1,2,3\n", encoding="utf-8")
    err = _one_error(capsys, ["profile", str(path)], path)
    assert f"{path}:1:1: {expected}; expected each column named once" in err


def test_a_bad_csv_value_is_reported_at_its_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = [f"{i},{i % 7}" for i in range(30_000)]
    rows[5] = '5,"two\nlines"'  # a quoted field over two lines: lines and records differ
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "\n".join([*rows, "abc,1"]) + "\n", encoding="utf-8")
    err = _one_error(capsys, ["profile", str(path)], path)
    assert err.startswith(f"{path}:30003:1: cannot read as csv: could not parse `abc`")


def test_a_csv_that_is_not_utf8_is_located(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"a,b\n1,caf\xe9\n")
    err = _one_error(capsys, ["profile", str(path)], path)
    assert err == f"{path}:2:1: byte 9 is not UTF-8; expected a UTF-8 CSV file\n"


def test_values_at_the_edge_of_the_float_range_are_compared(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("x\n1.7976931348623157e308\n1.7e308\n1\n", encoding="utf-8")
    assert main(["skew", str(path), str(path), "-o", str(tmp_path / "skew.json")]) == 0


@pytest.mark.parametrize("command", ["profile", "skew"])
def test_a_device_is_not_a_missing_file(capsys, command: str) -> None:  # type: ignore[no-untyped-def]
    args = [command, "/dev/null"] + ([str(CARD / "serving.csv")] if command == "skew" else [])
    err = _one_error(capsys, args, Path("/dev/null"))
    assert "/dev/null:1:1: is not a regular file (a pipe or device); expected a dataset" in err
