"""Skew from data: sketches, profiles, distances, causes, readers and the commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from benchmarks.join_outputs import relations_frames
from hypothesis import given, settings
from hypothesis import strategies as st

import mlreview
from mlreview.cli import main
from mlreview.datasets.causes import default_share_alert
from mlreview.datasets.dataset import (
    load_side,
    profile_data,
    profile_paths,
    read_profile,
    write_profile,
)
from mlreview.datasets.importance import read_importances
from mlreview.datasets.profile import Profile, profile_frame
from mlreview.datasets.sketch import DistinctSketch, QuantileSketch
from mlreview.datasets.skew import Thresholds, compare
from mlreview.problems import InputError

N = 20_000


def _frame(seed: int, n: int = N) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    day = pl.datetime_range(pl.datetime(2026, 1, 1), pl.datetime(2026, 3, 1), "1d", eager=True)
    seconds = (rng.normal(14, 3, n) % 24 * 3600).astype("int64")
    return pl.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "latency_s": rng.gamma(2, 0.5, n),
            "count_1h": rng.poisson(3, n).astype(float),
            "temp": rng.normal(20, 5, n),
            "price": np.round(rng.normal(100, 20, n), 2),
            "score": rng.normal(0, 1, n),
            "age": rng.integers(18, 90, n),
            "country": rng.choice(["US", "GB", "DE", "FR"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "channel": rng.choice(["web", "app", "store"], n),
            "hour": rng.choice(24, n, p=np.r_[np.full(8, 0.01), np.full(16, 0.92 / 16)]),
            "ts": day.sample(n, with_replacement=True, seed=seed)
            + pl.Series(seconds * 1_000_000).cast(pl.Duration("us")),
        }
    )


def _mask(seed: int, share: float, n: int = N) -> pl.Series:
    return pl.Series(np.random.default_rng(seed).random(n) < share)


INJECTIONS = {
    "scale": ("latency_s", pl.col("latency_s") * 1000, {"factor": 1000.0}),
    "offset": ("temp", pl.col("temp") + 5, {}),
    "timezone": ("hour", (pl.col("hour") + 3) % 24, {"hours": 3}),
    "sentinel": (
        "count_1h",
        pl.when(_mask(1, 0.2)).then(-1.0).otherwise(pl.col("count_1h")),
        {"value": -1.0},
    ),
    "missing": ("amount", pl.when(_mask(2, 0.1)).then(None).otherwise(pl.col("amount")), {}),
    "case_format": ("country", pl.col("country").str.to_lowercase(), {}),
    "vocabulary": (
        "channel",
        pl.when(_mask(3, 0.15)).then(pl.lit("kiosk")).otherwise(pl.col("channel")),
        {},
    ),
    "type": ("age", pl.col("age").cast(pl.String), {}),
    "clipping": ("score", pl.col("score").clip(-1.5, 1.5), {}),
    "rounding": ("price", pl.col("price").round(0), {"decimals": 0}),
}


@pytest.mark.parametrize("kind", sorted(INJECTIONS))
def test_each_injected_cause_is_found_and_nothing_else_alarms(kind: str) -> None:
    column, expr, details = INJECTIONS[kind]
    training = _frame(1)
    serving = _frame(2).with_columns(expr.alias(column))
    report = compare(profile_frame(training), profile_frame(serving))
    by_name = {f.name: f for f in report.features}
    hit = by_name[column]
    assert hit.status in ("skew", "schema"), hit
    assert hit.causes[0].kind == kind, hit.causes
    for key, value in details.items():
        assert hit.causes[0].details[key] == pytest.approx(value)
    others = [f.name for f in report.features if f.name != column and f.status != "ok"]
    assert others == []


def test_a_serving_sentinel_says_at_what_share_to_page_and_that_it_would_fire() -> None:
    # count_1h is -1.0 in none of training and 20% of serving: page above 1% (a point over 0%).
    column, expr, _ = INJECTIONS["sentinel"]
    serving = _frame(2).with_columns(expr.alias(column))
    hit = next(
        f
        for f in compare(profile_frame(_frame(1)), profile_frame(serving)).features
        if f.name == column
    )
    cause = hit.causes[0]
    assert cause.details["alert_share"] == pytest.approx(0.01)
    assert "page when -1.0 exceeds 1.0% of served values" in cause.prevention
    assert f"at the {cause.details['serving_share']:.1%} seen in serving it would fire now" in (
        cause.prevention
    )
    assert default_share_alert(0.0808) == pytest.approx(0.1212)


def test_timestamps_shifted_by_whole_hours_are_a_timezone() -> None:
    serving = _frame(2).with_columns(pl.col("ts") + pl.duration(hours=-5))
    hit = next(
        f
        for f in compare(profile_frame(_frame(1)), profile_frame(serving)).features
        if f.name == "ts"
    )
    assert hit.causes[0].kind == "timezone" and hit.causes[0].details["hours"] == -5


def test_a_change_of_shape_without_signature_is_drift() -> None:
    rng = np.random.default_rng(9)
    bimodal = np.where(rng.random(N) < 0.5, rng.normal(15, 2, N), rng.normal(25, 2, N))
    serving = _frame(2).with_columns(pl.Series("temp", bimodal))
    hit = next(
        f
        for f in compare(profile_frame(_frame(1)), profile_frame(serving)).features
        if f.name == "temp"
    )
    assert hit.status == "drift" and hit.causes[0].kind == "drift"


@pytest.mark.parametrize(
    ("name", "rows", "named_identifier"),
    [
        ("request_id", 5000, True),
        ("session-uuid", 5000, True),
        ("epoch_s", 5000, False),  # distinct whole numbers too, but a shift in them matters
        ("request_id", 500, False),  # too few rows to tell an id from a feature
    ],
)
def test_sequential_ids_are_named_identifiers(name: str, rows: int, named_identifier: bool) -> None:
    training = pl.DataFrame({name: np.arange(rows) * 7})
    serving = pl.DataFrame({name: np.arange(rows) * 7 + 10_000_000})
    hit = compare(profile_frame(training), profile_frame(serving)).features[0]
    assert hit.status == "drift"
    assert (hit.causes[0].kind == "identifier") is named_identifier


@pytest.mark.parametrize("n", [50, 1000, 200_000])
def test_identical_distributions_raise_no_alarm_at_any_size(n: int) -> None:
    report = compare(profile_frame(_frame(1, n)), profile_frame(_frame(2, n)))
    assert [f.name for f in report.features if f.status != "ok"] == []


def test_missing_columns_are_schema_skew() -> None:
    report = compare(profile_frame(_frame(1)), profile_frame(_frame(2).drop("temp")))
    hit = next(f for f in report.features if f.name == "temp")
    assert hit.status == "schema" and "absent from serving" in hit.causes[0].evidence


def test_quantiles_are_within_one_percent() -> None:
    values = np.random.default_rng(3).lognormal(2, 2, 100_000)
    sketch = QuantileSketch()
    sketch.add(values)
    for q in (0.01, 0.1, 0.5, 0.9, 0.99):
        exact = float(np.quantile(values, q, method="lower"))
        assert sketch.quantile(q) == pytest.approx(exact, rel=0.011)


def test_distinct_count_is_close() -> None:
    profile = profile_frame(pl.DataFrame({"x": np.arange(100_000)}))
    assert profile.columns["x"].to_dict()["distinct"] == pytest.approx(100_000, rel=0.05)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    st.lists(st.sampled_from(["a", "B", " c", ""]), min_size=2, max_size=40),
)
def test_profile_of_a_concatenation_is_the_merge_of_profiles(
    a: list[float], b: list[float], words: list[str]
) -> None:
    first = pl.DataFrame({"x": a, "s": (words * 100)[: len(a)]})
    second = pl.DataFrame({"x": b, "s": (words * 100)[: len(b)]})
    whole = profile_frame(pl.concat([first, second]))
    merged = profile_frame(first)
    merged.merge(profile_frame(second))
    whole.settle({})
    merged.settle({})  # every value of these columns is listed, so none is pending
    assert whole.to_dict() == merged.to_dict()


def test_distinct_sketches_merge_by_maximum() -> None:
    a, b = DistinctSketch(), DistinctSketch()
    a.add(np.arange(0, 5000, dtype=np.uint64) * np.uint64(2654435761))
    b.add(np.arange(5000, 10000, dtype=np.uint64) * np.uint64(2654435761))
    both = DistinctSketch()
    both.add(np.arange(0, 10000, dtype=np.uint64) * np.uint64(2654435761))
    a.merge(b)
    assert (a.registers == both.registers).all()


def test_saved_profiles_compare_like_the_data(tmp_path: Path) -> None:
    training, serving = (
        profile_frame(_frame(1)),
        profile_frame(_frame(2).with_columns(pl.col("temp") + 5)),
    )
    path = tmp_path / "ref.json"
    path.write_bytes(write_profile(training))
    loaded = read_profile(path)
    assert isinstance(loaded, Profile)
    assert compare(loaded, serving).to_dict() == compare(training, serving).to_dict()


def test_every_format_is_read_from_files_folders_and_globs(tmp_path: Path) -> None:
    frame = _frame(1, 2000)
    frame.write_parquet(tmp_path / "a.parquet")
    frame.write_csv(tmp_path / "b.csv")
    frame.write_ipc(tmp_path / "c.arrow")
    frame.write_ndjson(tmp_path / "d.jsonl")
    for name in ("a.parquet", "b.csv", "c.arrow", "d.jsonl"):
        profile = profile_paths([str(tmp_path / name)])
        assert profile.rows == 2000 and profile.columns["temp"].kind == "numeric"
    folder = profile_paths([str(tmp_path)])
    assert folder.rows == 8000 and len(folder.files) == 4
    assert profile_paths([str(tmp_path / "*.parquet")]).rows == 2000


def test_pandas_and_polars_frames_through_the_api() -> None:
    frame = _frame(1, 500)
    assert profile_data(frame).rows == 500
    pandas = pytest.importorskip("pandas")
    table = pandas.DataFrame(
        {
            "amount": frame["amount"].to_numpy(),
            "country": [None, *frame["country"].to_list()[1:]],
        }
    )
    profile = profile_data(table)
    assert profile.columns["amount"].count == 500 and profile.columns["amount"].kind == "numeric"
    assert profile.columns["country"].kind == "string" and profile.columns["country"].nulls == 1


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("bad.parquet", b"not parquet at all", "cannot read as parquet"),
        ("data.xlsx", b"x", "unknown data format"),
    ],
)
def test_unreadable_data_is_a_one_line_input_error(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=says) as info:
        profile_paths([str(path)])
    assert "\n" not in str(info.value)


def test_a_column_whose_type_changes_between_files_is_an_error(tmp_path: Path) -> None:
    pl.DataFrame({"x": [1.0, 2.0]}).write_parquet(tmp_path / "a.parquet")
    pl.DataFrame({"x": ["a", "b"]}).write_parquet(tmp_path / "b.parquet")
    with pytest.raises(InputError, match="expected one type per column"):
        profile_paths([str(tmp_path)])


def test_thresholds_are_configurable() -> None:
    serving = _frame(2).with_columns(pl.col("temp") + 0.7)
    loose = compare(
        profile_frame(_frame(1)),
        profile_frame(serving),
        Thresholds(wasserstein=1, psi=1, js=1, ks=1),
    )
    assert next(f for f in loose.features if f.name == "temp").status == "ok"


# --- commands ------------------------------------------------------------------------------


def test_profile_then_skew_from_the_command_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _frame(1).write_parquet(tmp_path / "train.parquet")
    _frame(2).with_columns(pl.col("latency_s") * 1000).write_parquet(tmp_path / "serve.parquet")
    ref = tmp_path / "ref.json"
    assert main(["profile", str(tmp_path / "train.parquet"), "-o", str(ref)]) == 0
    assert "20,000 rows" in capsys.readouterr().err
    out = tmp_path / "skew.json"
    code = main(
        ["skew", str(ref), str(tmp_path / "serve.parquet"), "-o", str(out), "--fail-on", "skew"]
    )
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    first = data["features"][0]
    assert first["name"] == "latency_s" and first["status"] == "skew"
    assert first["causes"][0]["kind"] == "scale"
    assert data["rows"]["serving"] == {
        "read": N,
        "skipped": 0,
        "files": [str(tmp_path / "serve.parquet")],
    }
    assert main(["skew", str(ref), str(tmp_path / "serve.parquet"), "-f", "markdown"]) == 0
    assert "## latency_s: skew" in capsys.readouterr().out


def test_importances_rank_skewed_features(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _frame(1).write_parquet(tmp_path / "t.parquet")
    _frame(2).with_columns(pl.col("latency_s") * 1000, pl.col("temp") + 5).write_parquet(
        tmp_path / "s.parquet"
    )
    (tmp_path / "imp.csv").write_text("feature,importance\ntemp,0.9\nlatency_s,0.1\n")
    assert (
        main(
            [
                "skew",
                str(tmp_path / "t.parquet"),
                str(tmp_path / "s.parquet"),
                "--importance",
                str(tmp_path / "imp.csv"),
                "-f",
                "json",
            ]
        )
        == 0
    )
    names = [f["name"] for f in json.loads(capsys.readouterr().out)["features"]]
    assert names[:2] == ["temp", "latency_s"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--threshold", "nope=1"], "expected NAME=VALUE"),
        (["--threshold", "psi=x"], "expected a number"),
    ],
)
def test_bad_thresholds_are_usage_errors(
    tmp_path: Path, capsys, args: list[str], says: str
) -> None:  # type: ignore[no-untyped-def]
    _frame(1, 100).write_parquet(tmp_path / "t.parquet")
    assert main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "t.parquet"), *args]) == 2
    assert says in capsys.readouterr().err


def test_missing_data_is_a_one_line_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["skew", str(tmp_path / "no.parquet"), str(tmp_path / "no.parquet")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("no such file or folder; expected a dataset") and "\n" not in err


def test_the_public_api_takes_frames_paths_and_profiles(tmp_path: Path) -> None:
    training = _frame(1)
    serving = _frame(2).with_columns(pl.col("latency_s") * 1000)
    training.write_parquet(tmp_path / "t.parquet")
    saved = tmp_path / "t.json"
    saved.write_bytes(write_profile(mlreview.profile(tmp_path / "t.parquet")))
    for left in (training, tmp_path / "t.parquet", saved, profile_frame(training)):
        report = mlreview.skew(left, serving)
        assert report.features[0].name == "latency_s"
        assert report.features[0].causes[0].kind == "scale"


def test_joined_rows_give_mismatch_rates_relations_and_counts(tmp_path: Path) -> None:
    training, serving = relations_frames()
    n = training.height
    training.write_parquet(tmp_path / "t.parquet")
    serving.write_parquet(tmp_path / "s.parquet")
    out = tmp_path / "r.json"
    assert (
        main(
            [
                "skew",
                str(tmp_path / "t.parquet"),
                str(tmp_path / "s.parquet"),
                "--key",
                "request_id",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["joined"]["rows"] == {
        "training": n,
        "serving": n + 1,
        "matched": n - 3,
        "training_only": 1,
        "serving_only": 0,
        "training_duplicate_rows": 0,
        "serving_duplicate_rows": 4,
    }
    relations = {f["name"]: f["joined"]["relation"] for f in data["features"]}
    assert relations["amount"]["kind"] == "rounding" and relations["amount"]["decimals"] == 1
    assert relations["latency"] == {"kind": "scale", "factor": 60.0, "share": 1.0}
    assert relations["shift"]["kind"] == "offset"
    assert relations["shift"]["offset"] == pytest.approx(0.25)
    assert relations["country"]["kind"] == "case_format"
    assert relations["seen_at"] == {"kind": "lag", "seconds": -1800.0, "share": 1.0}
    assert relations["age"]["kind"] == "exact"
    assert "request_id" not in relations
    amount = next(f for f in data["features"] if f["name"] == "amount")
    assert amount["joined"]["mismatch_rate"] > 0.5
    assert amount["joined"]["samples"][0]["key"] == {"request_id": 2}  # 0 and 1 are duplicated


def test_a_key_needs_rows_not_profiles(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _frame(1, 100).write_parquet(tmp_path / "t.parquet")
    saved = tmp_path / "t.json"
    saved.write_bytes(write_profile(profile_frame(_frame(1, 100))))
    assert main(["skew", str(saved), str(tmp_path / "t.parquet"), "--key", "amount"]) == 2
    assert "--key needs the rows" in capsys.readouterr().err
    assert (
        main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "t.parquet"), "--key", "nope"])
        == 2
    )
    assert "no key column 'nope'" in capsys.readouterr().err


def test_html_overlays_the_two_distributions_and_escapes_names(tmp_path: Path) -> None:
    training = _frame(1).rename({"country": "<b>country</b>"})
    serving = (
        _frame(2)
        .rename({"country": "<b>country</b>"})
        .with_columns(pl.col("latency_s") * 1000, pl.col("<b>country</b>").str.to_lowercase())
    )
    training.write_parquet(tmp_path / "t.parquet")
    serving.write_parquet(tmp_path / "s.parquet")
    out = tmp_path / "skew.html"
    assert (
        main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.parquet"), "-o", str(out)])
        == 0
    )
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "<polyline" in page and "<rect" in page
    assert "<b>country</b>" not in page and "&lt;b&gt;country&lt;/b&gt;" in page
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


XGBOOST_MODEL = {
    "learner": {
        "feature_names": ["latency_s", "temp", "amount"],
        "gradient_booster": {
            "model": {
                "trees": [
                    {
                        "left_children": [1, -1, -1],
                        "split_indices": [1, 0, 0],
                        "loss_changes": [9.0, 0.0, 0.0],
                    },
                    {
                        "left_children": [1, -1, 3, -1, -1],
                        "split_indices": [0, 0, 2, 0, 0],
                        "loss_changes": [1.0, 0.0, 0.5, 0.0, 0.0],
                    },
                ]
            }
        },
    }
}
LIGHTGBM_MODEL = "tree\nversion=v4\n\nfeature_importances:\ntemp=30\nlatency_s=10\n\nparameters:\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "m.json",
            json.dumps(XGBOOST_MODEL),
            {"temp": 0.857143, "latency_s": 0.095238, "amount": 0.047619},
        ),
        ("m.txt", LIGHTGBM_MODEL, {"temp": 0.75, "latency_s": 0.25}),
        ("i.json", '{"temp": 2, "latency_s": 1}', {"temp": 2.0, "latency_s": 1.0}),
        ("i.csv", "feature,importance\ntemp,2\n", {"temp": 2.0}),
    ],
)
def test_importances_from_files_and_saved_models(
    tmp_path: Path, name: str, content: str, expected: dict[str, float]
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert read_importances(path) == pytest.approx(expected)


def test_pickled_models_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x04")
    with pytest.raises(InputError, match="would run code"):
        read_importances(path)


def test_reviews_without_linked_data_do_not_import_polars() -> None:
    code = (
        "import sys, mlreview, mlreview.cli, mlreview.engine.whatif.questions\n"
        "system = mlreview.load('examples/demand-forecast/system.yaml')\n"
        "mlreview.review(system, questions=False)\n"
        "assert 'polars' not in sys.modules, 'polars imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_missing_linked_dataset_is_an_input_error_at_its_manifest_line(
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    fraud = Path(__file__).resolve().parent.parent / "examples" / "card-fraud" / "system.yaml"
    (tmp_path / "system.yaml").write_text(fraud.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(tmp_path / "system.yaml"), "--no-questions"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "models[fraud_xgb].data.training:" in err
    assert err.endswith("no such file or folder; expected a dataset")


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "terminal"])
def test_same_input_same_bytes(tmp_path: Path, fmt: str, capsys) -> None:  # type: ignore[no-untyped-def]
    _frame(1, 3000).write_parquet(tmp_path / "t.parquet")
    _frame(2, 3000).with_columns(pl.col("temp") + 5).write_csv(tmp_path / "s.csv")
    outputs = []
    for _ in range(2):
        assert main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.csv"), "-f", fmt]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "temp" in outputs[0]


def test_a_json_lines_data_file_is_not_taken_for_a_saved_profile(tmp_path: Path) -> None:
    data = tmp_path / "rows.json"
    _frame(1, 50).drop("ts").write_ndjson(data)
    assert read_profile(data) is None
    assert load_side(str(data)).rows == 50
    saved = tmp_path / "saved.json"
    saved.write_bytes(write_profile(profile_frame(_frame(1, 50))))
    assert load_side(str(saved)).rows == 50


@pytest.mark.parametrize("name", ["n", "value", "count"])
def test_a_column_may_have_any_name(name: str) -> None:
    # The frequent-value counts once took the name 'n' for themselves.
    frame = pl.DataFrame({name: [1, 1, 2, 3] * 10, "s": ["a", "b", "a", "c"] * 10})
    profile = profile_frame(frame)
    assert profile.columns[name].count == 40
    assert profile.columns[name].top.counts[1] == 20


def test_values_at_the_float_limits_compare_without_overflow(tmp_path: Path) -> None:
    top = sys.float_info.max
    pl.DataFrame({"x": [top] * 500 + [-top] * 500}).write_parquet(tmp_path / "t.parquet")
    pl.DataFrame({"x": [top] * 900 + [-top] * 100}).write_parquet(tmp_path / "s.parquet")
    # Run in a child with warnings as errors: an overflow inside numpy is a warning, not a crash.
    code = (
        "import sys; from mlreview.cli import main; "
        f"sys.exit(main(['skew', {str(tmp_path / 't.parquet')!r}, "
        f"{str(tmp_path / 's.parquet')!r}, '-f', 'json']))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    feature = json.loads(done.stdout)["features"][0]
    # 40% of the mass moves across 2 x max, divided by the training spread (max): 0.8.
    assert feature["distances"]["wasserstein"] == 0.8
    edges = feature["histogram"]["edges"]
    assert edges[0] == -top and edges[-1] == top and len(edges) == 31
    assert all(np.isfinite(edges)) and edges == sorted(edges)


def test_a_side_without_rows_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pl.DataFrame({"x": [1.0, 2.0]}).write_parquet(tmp_path / "t.parquet")
    (tmp_path / "s.csv").write_text("x\n")
    assert main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "s.csv" in err and "holds no rows" in err


def test_a_column_of_nulls_is_missing_not_retyped() -> None:
    training = profile_data(pl.DataFrame({"x": [1.0] * 50}))
    # A reader gives an all-empty CSV column some type (polars: String); no value holds it.
    serving = profile_data(pl.DataFrame({"x": [None] * 50}, schema={"x": pl.String}))
    kinds = [c.kind for c in compare(training, serving).features[0].causes]
    assert kinds == ["missing"]
