"""The Spark engine: the same profile bytes as the single-machine path, from the API and the CLI,
whatever the partitioning; wide tables in column groups; one-line errors; and a core install
that never loads pyspark. One local[2] session serves the whole module."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import polars as pl
import pytest

import mlreview
from mlreview.cli import main
from mlreview.datasets.dataset import profile_paths, write_profile
from tests.test_profile_parallel import _mixed

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None


NO_PYSPARK = "Spark tests skipped: pyspark is not installed (pip install '.[spark]')"
NO_JAVA = "Spark tests skipped: no Java runtime (java on PATH or JAVA_HOME); Spark needs Java 17+"


def _why_no_session() -> str | None:
    """Why a Spark session cannot start here (pyspark missing is named before Java), or None."""
    if not HAVE_PYSPARK:
        return NO_PYSPARK
    from mlreview.spark.session import java_found

    return None if java_found() else NO_JAVA


needs_spark = pytest.mark.skipif(not HAVE_PYSPARK, reason=NO_PYSPARK)
_NO_SESSION = _why_no_session()
needs_java = pytest.mark.skipif(_NO_SESSION is not None, reason=_NO_SESSION or "")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from mlreview.spark.session import spark_session

    conf = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"}
    with spark_session("local[2]", conf) as session:
        yield session


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "mixed.parquet"
    frame = _mixed(6_000, 5)
    rng = np.random.default_rng(5)
    # More distinct values than the frequent-values table keeps, with ties among them.
    words = pl.Series([f"w{k}" for k in rng.integers(0, 600, frame.height)])
    frame.with_columns(word=words).write_parquet(path)
    return path


def _local(path: Path) -> bytes:
    return write_profile(profile_paths([str(path)]))


def _partitionings(frame: Any) -> dict[str, Any]:
    from pyspark.sql import functions

    return {
        "1": frame.coalesce(1),
        "3": frame.repartition(3),
        "7": frame.repartition(7),
        "shuffled 5": frame.orderBy(functions.rand(11)).repartition(5),
    }


def test_the_core_install_never_loads_pyspark(tmp_path: Path) -> None:
    code = (
        "import sys, polars as pl, mlreview, mlreview.api, mlreview.skew_api, mlreview.cli\n"
        "mlreview.profile(pl.DataFrame({'x': [1.0, 2.0]}))\n"
        "mlreview.cli.main(['rules'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_without_pyspark_the_spark_engine_is_a_one_line_error(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] in ("pyspark", "py4j")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    for name in [m for m in sys.modules if m.startswith("mlreview.spark.")]:
        monkeypatch.delitem(sys.modules, name)
    assert main(["profile", str(data), "--engine", "spark"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "mlreview: --engine spark needs pyspark; expected it installed: "
        "pip install 'mlreview[spark]'\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--conf", "spark.x=1"], "mlreview: --conf needs --engine spark\n"),
        (["--spark-master", "local[1]"], "mlreview: --spark-master needs --engine spark\n"),
        (
            ["--engine", "spark", "--conf", "spark.driver.memory"],
            "mlreview: --conf 'spark.driver.memory': expected key=value, e.g. "
            "spark.driver.memory=4g\n",
        ),
    ],
)
@needs_spark
def test_bad_spark_options_are_one_line_errors(
    data: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", str(data), *argv]) == 2
    assert capsys.readouterr().err == message


@needs_spark
def test_without_java_the_spark_engine_is_a_one_line_error(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert main(["profile", str(data), "--engine", "spark"]) == 2
    assert capsys.readouterr().err == (
        "mlreview: --engine spark needs Java 17 or later; expected `java` on PATH or in JAVA_HOME\n"
    )


@needs_java
def test_the_cli_profiles_the_same_bytes_on_spark(
    spark: Any, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "spark.json"
    argv = ["profile", str(data), "-o", str(out), "--engine", "spark", "--spark-master", "local[2]"]
    assert main([*argv, "--conf", "spark.sql.files.maxPartitionBytes=1g"]) == 0
    assert out.read_bytes() == _local(data)
    assert capsys.readouterr().err.startswith(f"wrote {out}: 6,000 rows, 17 columns, 1 file(s)")


@needs_java
def test_a_missing_path_is_a_one_line_error_on_spark(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.parquet"
    assert main(["profile", str(missing), "--engine", "spark"]) == 2
    assert capsys.readouterr().err == f"{missing}:1:1: no such file or folder; expected a dataset\n"


@needs_java
def test_every_partitioning_profiles_the_same_bytes(spark: Any, data: Path) -> None:
    from mlreview.spark.read import read_specs

    frame, files = read_specs(spark, [str(data)])
    local = _local(data)
    for name, parts in _partitionings(frame).items():
        profile = mlreview.profile(parts)
        profile.files = files
        assert write_profile(profile) == local, name


@needs_java
def test_two_thousand_columns_profile_in_groups(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlreview.spark import profile as spark_profile

    rng = np.random.default_rng(2)
    rows, width = 300, 2_000
    columns = {f"c{i:04d}": rng.normal(i, 1, rows) for i in range(width)}
    columns["c0007"][::7] = np.nan
    path = tmp_path / "wide.parquet"
    pl.DataFrame(columns).write_parquet(path)
    jobs: list[int] = []
    group = spark_profile._group_profile
    monkeypatch.setattr(
        spark_profile,
        "_group_profile",
        lambda frame: jobs.append(len(frame.columns)) or group(frame),
    )
    profile = mlreview.profile(spark.read.parquet(str(path)).coalesce(1))
    profile.files = [str(path)]
    assert jobs == [spark_profile.COLUMNS_PER_GROUP] * (width // spark_profile.COLUMNS_PER_GROUP)
    # A worker holds at most CELLS_PER_BATCH cells of a group at once.
    assert spark_profile.rows_per_batch(max(jobs)) * max(jobs) <= spark_profile.CELLS_PER_BATCH
    assert write_profile(profile) == _local(path)


@needs_java
def test_skew_on_spark_prints_the_single_machine_report(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_skew_data import _frame

    training, serving = tmp_path / "training.parquet", tmp_path / "serving.parquet"
    _frame(1, 3_000).write_parquet(training)
    _frame(2, 2_000).with_columns(pl.col("temp") + 5).write_parquet(serving)
    argv = ["skew", str(training), str(serving), "-f", "json"]
    assert main(argv) == 0
    local = capsys.readouterr().out
    assert main([*argv, "--engine", "spark"]) == 0
    assert capsys.readouterr().out == local
    assert '"temp"' in local


@needs_java
def test_spark_reads_csv_and_json_lines_paths(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pl.DataFrame({"x": [1.5, 2.5, None], "name": ["a", "b", "c"]})
    frame.write_csv(tmp_path / "a.csv")
    frame.write_ndjson(tmp_path / "b.jsonl")
    out = tmp_path / "p.json"
    for name in ("a.csv", "b.jsonl"):
        assert main(["profile", str(tmp_path / name), "-o", str(out), "--engine", "spark"]) == 0
        saved = orjson.loads(out.read_bytes())
        assert saved["rows"] == 3
        assert saved["columns"]["x"]["nulls"] == 1
        assert saved["columns"]["name"]["kind"] == "string"


def _keyed(folder: Path) -> tuple[Path, Path]:
    """Training and serving rows for the keyed join: integer keys against whole-number float
    keys, duplicate keys on both sides, keys on one side only, nulls, and features whose
    serving values are rounded, scaled, offset, re-cased or unrelated."""
    rng = np.random.default_rng(21)
    n = 2_400
    ids = np.arange(n, dtype=np.int64)
    amount = rng.gamma(2.0, 30.0, n)
    city = rng.choice(["New York", "San Jose", "Los Angeles", "St. Louis"], n)
    training = pl.DataFrame(
        {
            "id": np.concatenate([ids, [7, 7, 11]]),  # keys held by several rows
            "amount": np.concatenate([amount, [1.0, 2.0, 3.0]]),
            "price": np.concatenate([amount * 3, [1.0, 2.0, 3.0]]),
            "latency": np.concatenate([amount + 1, [1.0, 2.0, 3.0]]),
            "city": np.concatenate([city, ["a", "b", "c"]]),
            "noise": np.concatenate([rng.normal(0, 1, n), [0.0, 0.0, 0.0]]),
        }
    ).with_columns(
        pl.when(pl.col("id") % 97 == 0).then(None).otherwise(pl.col("noise")).alias("noise")
    )
    keep = ids[ids % 10 != 3]  # a tenth of the training keys never served
    served = pl.DataFrame(
        {
            "id": np.concatenate([keep, [n + 1, n + 2, 5]]).astype(np.float64),
            "amount": np.concatenate([np.round(amount[keep], 1), [0.0, 0.0, 9.0]]),
            "price": np.concatenate([amount[keep] * 3 * 1.1, [0.0, 0.0, 9.0]]),
            "latency": np.concatenate([amount[keep] + 1 + 0.25, [0.0, 0.0, 9.0]]),
            "city": np.concatenate([np.char.upper(city[keep].astype(str)), ["x", "y", "z"]]),
            "noise": np.concatenate([rng.normal(0, 1, keep.size), [0.0, 0.0, 0.0]]),
        }
    )
    training_path, serving_path = folder / "training.parquet", folder / "serving.parquet"
    training.write_parquet(training_path)
    served.write_parquet(serving_path)
    return training_path, serving_path


@needs_java
def test_the_keyed_join_on_spark_is_the_single_machine_join(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlreview.datasets.join import join
    from mlreview.datasets.read import resolve
    from mlreview.spark.join import join_spark

    training, serving = _keyed(tmp_path)
    local = join(resolve(str(training)), resolve(str(serving)), ["id"])
    want = orjson.dumps(local.to_dict())
    kinds = {f.name: f.relation["kind"] for f in local.features}
    assert kinds == {
        "amount": "rounding",
        "price": "scale",
        "latency": "offset",
        "city": "case_format",
        "noise": "unexplained",
    }
    assert local.counts["training_duplicate_rows"] == 5  # 7 three times, 11 twice
    assert local.counts["serving_duplicate_rows"] == 2
    assert local.counts["serving_only"] == 2
    sides = [spark.read.parquet(str(training)), spark.read.parquet(str(serving))]
    shuffles = [_partitionings(side) for side in sides]
    for name in ("1", "3", "shuffled 5"):
        got = join_spark(shuffles[0][name], shuffles[1][name], ["id"], ("t", "s"))
        assert orjson.dumps(got.to_dict()) == want, name
    argv = ["skew", str(training), str(serving), "--key", "id", "-f", "json"]
    assert main(argv) == 0
    single = capsys.readouterr().out
    assert main([*argv, "--engine", "spark"]) == 0
    assert capsys.readouterr().out == single


@needs_java
def test_the_keyed_join_on_spark_runs_as_many_jobs_for_many_features_as_for_few(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlreview.spark import rounds
    from mlreview.spark.join import join_spark
    from mlreview.spark.partials import column

    training, serving = _keyed(tmp_path)
    sides = [spark.read.parquet(str(path)).coalesce(1) for path in (training, serving)]
    folds: list[int] = []
    one_pass = rounds.Rounds._pass

    def counted(self: Any, waiting: list[Any]) -> list[Any]:
        folds.append(len(waiting))
        return one_pass(self, waiting)

    monkeypatch.setattr(rounds.Rounds, "_pass", counted)
    few = join_spark(sides[0], sides[1], ["id"], ("t", "s")).to_dict()
    passes, folds_few = len(folds), sum(folds)
    folds.clear()
    names = [c for c in sides[0].columns if c != "id"]
    tripled = [
        side.select(
            "id", *[column(n).alias(f"{n}{copy}") for copy in ("", " b", " c") for n in names]
        )
        for side in sides
    ]
    many = join_spark(tripled[0], tripled[1], ["id"], ("t", "s")).to_dict()
    assert len(folds) == passes < folds_few
    assert sum(folds) == 3 * folds_few
    by_name = {f["name"]: f for f in many["features"]}
    for feature in few["features"]:
        for copy in ("", " b", " c"):
            assert by_name[feature["name"] + copy] == {**feature, "name": feature["name"] + copy}


@needs_java
def test_a_key_named_like_the_joins_own_columns_joins_as_on_one_machine(
    spark: Any, tmp_path: Path
) -> None:
    from mlreview.datasets.join import join
    from mlreview.datasets.read import resolve
    from mlreview.spark.join import PREFIX, join_spark

    training, serving = _keyed(tmp_path)
    key = PREFIX + "t0"  # the name the join would give the first feature's training column
    for path in (training, serving):
        pl.read_parquet(path).rename({"id": key}).write_parquet(path)
    local = join(resolve(str(training)), resolve(str(serving)), [key])
    sides = [spark.read.parquet(str(path)) for path in (training, serving)]
    got = join_spark(sides[0], sides[1], [key], ("t", "s"))
    assert orjson.dumps(got.to_dict()) == orjson.dumps(local.to_dict())


@needs_java
def test_a_column_no_comparison_applies_to_is_the_single_machine_error_on_spark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spark: Any
) -> None:
    rows = {"id": [1, 2, 3], "tags": [[1], [2, 3], []], "x": [1.0, 2.0, 3.0]}
    training, serving = tmp_path / "training.parquet", tmp_path / "serving.parquet"
    pl.DataFrame(rows).write_parquet(training)
    pl.DataFrame(rows).write_parquet(serving)
    argv = ["skew", str(training), str(serving), "--key", "id", "-f", "json"]
    assert main(argv) == 2
    single = capsys.readouterr().err
    assert "cannot compare column 'tags' row by row" in single
    assert main([*argv, "--engine", "spark"]) == 2
    assert capsys.readouterr().err == single
