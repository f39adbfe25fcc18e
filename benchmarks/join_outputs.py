"""Pin the output of `mlreview skew --key` in every format, to show a change keeps it byte for byte.

`python -m benchmarks.join_outputs OUT [ROWS]` writes the datasets the tests and the example use
with a key (the card-fraud example, the test suites' joined pairs, an edge-case pair of every
column type, nulls, duplicates, composite keys and non-ASCII text, as Parquet, CSV and JSON
lines) plus the benchmark pair of ROWS rows (benchmarks/join_data.py; 1,000,000 by default, 0 to
skip), renders each report in every format to OUT/<dataset>.<format> and prints their SHA-256.
`python -m benchmarks.join_outputs --compare BEFORE AFTER` lists the files that differ;
`--part-rows N` first (before OUT) partitions any side over N rows (written N/2 rows at a time),
to compare the partitioned join with the one in memory.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.join_data import write_pair
from mlreview.datasets import pairs
from mlreview.datasets.dataset import compare_specs
from mlreview.report import formats
from mlreview.report.skew_document import skew_printable

ROOT = Path(__file__).resolve().parent.parent
FORMATS = formats.names("document", "data")


def report_pair(folder: Path) -> tuple[Path, Path]:
    """tests/test_skew_report.py's pair: a unit change in one column of a CSV."""
    rng = np.random.default_rng(0)
    n = 400
    training = pl.DataFrame(
        {
            "request_id": np.arange(n),
            "latency": np.round(rng.gamma(2, 0.5, n), 3),
            "count": rng.poisson(2, n),
        }
    )
    training.write_csv(folder / "t.csv")
    training.with_columns(pl.col("latency") * 60).write_csv(folder / "s.csv")
    return folder / "t.csv", folder / "s.csv"


def relations_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """tests/test_skew_data.py's pair: every relation, a dropped key and duplicated keys."""
    rng = np.random.default_rng(0)
    n = 3000
    training = pl.DataFrame(
        {
            "request_id": np.arange(n),
            "amount": np.round(rng.lognormal(3, 1, n), 4),
            "latency": rng.gamma(2, 0.5, n),
            "shift": rng.normal(0, 1, n),
            "country": rng.choice(["US", "GB"], n),
            "seen_at": pl.datetime_range(
                pl.datetime(2026, 1, 1), pl.datetime(2026, 1, 5), "1m", eager=True
            ).head(n),
            "age": rng.integers(18, 90, n),
        }
    )
    serving = training.with_columns(
        pl.col("amount").round(1),
        pl.col("latency") * 60,
        pl.col("shift") + 0.25,
        pl.col("country").str.to_lowercase(),
        pl.col("seen_at") - pl.duration(minutes=30),
    )
    serving = pl.concat([serving.filter(pl.col("request_id") != 5), serving.head(2)])
    return training, serving


def odd_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """tests/test_no_warnings.py's pair: NaN, infinities and numbers near the float limit."""
    n = 300
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, n)
    x[::5], x[1::7], x[2::11] = np.nan, np.inf, -np.inf
    y = x.copy()
    y[3::5] = np.nan
    columns = {
        "id": np.arange(n),
        "all_nan": np.full(n, np.nan),
        "all_inf": np.full(n, np.inf),
        "huge": np.linspace(-1e300, 1e300, n),
        "near_max": np.full(n, 1e308),
    }
    training = pl.DataFrame({**columns, "x": x})
    serving = pl.DataFrame({**columns, "x": y * 2, "huge": columns["huge"] * 0.5})
    return training, serving


def edge_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """A composite key with nulls and duplicates, and a column of every type and relation."""
    rng = np.random.default_rng(7)
    n = 2000
    store = rng.choice(["north", "south", "east", None], n, p=[0.4, 0.3, 0.28, 0.02])
    words = ["New-York", "san_francisco", "Los.Angeles", "  Rio  de Janeiro ", "a\x1cb"]
    unicode = ["Ärger", "straße", "İstanbul", "ΟΔΟΣ", "Ǆemal", "ﬁne"]
    base = rng.normal(5, 2, n)
    small = np.where(rng.random(n) < 0.3, rng.normal(0, 1e-13, n), base)
    special = base.copy()
    special[::17], special[1::23], special[2::29] = np.nan, np.inf, -np.inf
    day = pl.date_range(pl.date(2026, 1, 1), pl.date(2026, 12, 31), "1d", eager=True)
    stamp = pl.datetime_range(
        pl.datetime(2026, 1, 1), pl.datetime(2026, 2, 1), "1m", eager=True, time_unit="ms"
    )
    training = pl.DataFrame(
        {
            "store": store,
            "seq": rng.integers(0, 900, n),
            "int_float": rng.integers(-50, 50, n),
            "int_str": rng.integers(0, 20, n),
            "i32": pl.Series(rng.integers(0, 9, n)).cast(pl.Int32),
            "flag": rng.random(n) < 0.5,
            "day": day.gather(rng.integers(0, day.len(), n)),
            "stamp": stamp.gather(rng.integers(0, stamp.len(), n)),
            "city": pl.Series(rng.choice(words, n)),
            "uni": pl.Series(rng.choice(unicode, n)),
            "uni_case": pl.Series(rng.choice(["Ärger", "Ça va", "Ǆemal", "Ωmega-Ünit"], n)),
            "cat": pl.Series(rng.choice(["a", "b", "c"], n)).cast(pl.Categorical),
            "free": [f"t{v}" for v in rng.integers(0, 10**6, n)],
            "partly_null": base,
            "serving_null": base,
            "special": special,
            "scale_noisy": base,
            "offset_noisy": base,
            "round2": base,
            "small": small,
            "unexplained": base,
            "training_only": base,
        }
    )
    noise = rng.random(n) < 0.04
    flip = rng.random(n) < 0.2
    serving = training.with_columns(
        pl.col("int_float").cast(pl.Float64),
        pl.when(pl.Series(flip))
        .then(pl.lit("x"))
        .otherwise(pl.col("int_str").cast(pl.String))
        .alias("int_str"),
        pl.col("i32").cast(pl.Int64),
        pl.when(pl.Series(flip)).then(~pl.col("flag")).otherwise(pl.col("flag")).alias("flag"),
        pl.when(pl.Series(rng.random(n) < 0.3))
        .then(pl.col("day") + pl.duration(days=1))
        .otherwise(pl.col("day"))
        .alias("day"),
        pl.col("stamp") - pl.duration(minutes=10),
        pl.col("city")
        .str.to_lowercase()
        .str.replace_all("-", " ")
        .str.replace_all("_", "  ")
        .str.replace_all(r"\.", "\t"),
        pl.col("uni").str.to_uppercase(),
        pl.col("uni_case").str.to_uppercase().str.replace_all("-", "_"),
        pl.when(pl.Series(flip)).then(pl.lit("c")).otherwise(pl.col("cat")).alias("cat"),
        pl.Series("free", [f"t{v}" for v in rng.integers(0, 10**6, n)]),
        pl.when(pl.Series(rng.random(n) < 0.2))
        .then(None)
        .otherwise(pl.col("partly_null"))
        .alias("partly_null"),
        pl.lit(None, pl.Float64).alias("serving_null"),
        pl.when(pl.Series(flip)).then(-pl.col("special")).otherwise(pl.col("special")),
        pl.when(pl.Series(noise))
        .then(pl.Series(rng.normal(0, 9, n)))
        .otherwise(pl.col("scale_noisy") * 3.7)
        .alias("scale_noisy"),
        pl.when(pl.Series(noise))
        .then(pl.Series(rng.normal(0, 9, n)))
        .otherwise(pl.col("offset_noisy") + 2.5)
        .alias("offset_noisy"),
        pl.col("round2").round(2),
        pl.col("small") * 2,
        pl.Series("unexplained", rng.normal(5, 2, n)),
        pl.Series("serving_only", base),
    ).drop("training_only")
    extra = serving.head(40).with_columns(pl.col("seq") + 1000)
    serving = pl.concat([serving.slice(30), extra, serving.slice(5, 10)])
    return training, serving


def datasets(folder: Path, rows: int) -> dict[str, tuple[str, str, list[str]]]:
    """Name -> (training, serving, keys), written under ``folder``."""
    data = ROOT / "examples" / "card-fraud" / "data"
    (folder / "card-fraud").mkdir()
    for side in ("training.csv", "serving.csv"):
        (folder / "card-fraud" / side).write_bytes((data / side).read_bytes())
    out = {"card-fraud": ("card-fraud/training.csv", "card-fraud/serving.csv", ["request_id"])}
    (folder / "report").mkdir()
    t, s = report_pair(folder / "report")
    out["report-csv"] = (str(t), str(s), ["request_id"])
    for name, (training, serving), keys in (
        ("relations", relations_frames(), ["request_id"]),
        ("odd", odd_frames(), ["id"]),
        ("edge", edge_frames(), ["store", "seq"]),
    ):
        (folder / name).mkdir()
        training.write_parquet(folder / name / "t.parquet")
        serving.write_parquet(folder / name / "s.parquet")
        out[name] = (str(folder / name / "t.parquet"), str(folder / name / "s.parquet"), keys)
    training, serving = edge_frames()
    (folder / "edge-csv").mkdir()
    for frame, side in ((training, "t"), (serving, "s")):
        frame.with_columns(pl.col("cat").cast(pl.String)).write_csv(
            folder / "edge-csv" / f"{side}.csv"
        )
    out["edge-csv"] = (
        str(folder / "edge-csv" / "t.csv"),
        str(folder / "edge-csv" / "s.csv"),
        ["store", "seq"],
    )
    training, serving = relations_frames()
    (folder / "jsonl").mkdir()
    training.write_ndjson(folder / "jsonl" / "t.jsonl")
    serving.write_ndjson(folder / "jsonl" / "s.jsonl")
    out["jsonl"] = (
        str(folder / "jsonl" / "t.jsonl"),
        str(folder / "jsonl" / "s.jsonl"),
        ["request_id"],
    )
    if rows:
        t, s = write_pair(folder / "bench", rows)
        out[f"bench-{rows}"] = (str(t), str(s), ["request_id"])
    return out


def pin(out: Path, rows: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        # Relative paths: the reports name the files, and must not name the temporary folder.
        os.chdir(tmp)
        for name, (training, serving, keys) in datasets(Path(), rows).items():
            report = compare_specs(training, serving, keys=keys)
            for fmt in FORMATS:
                text = formats.render(skew_printable(report), fmt, formats.RenderOptions())
                path = out / f"{name}.{fmt}"
                path.write_text(text, encoding="utf-8")
                print(f"{hashlib.sha256(text.encode()).hexdigest()}  {path.name}")
        os.chdir(here)
    return 0


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = [
        n
        for n in names
        if not (before / n).is_file()
        or not (after / n).is_file()
        or (before / n).read_bytes() != (after / n).read_bytes()
    ]
    for n in differ:
        print(f"differs: {n}")
    print(f"{len(names) - len(differ)} of {len(names)} outputs byte-identical")
    return 1 if differ else 0


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--compare"]:
        return compare(Path(args[1]), Path(args[2]))
    if args[:1] == ["--part-rows"]:
        pairs.PART_ROWS = int(args[1])
        pairs.SLICE_ROWS = max(1, pairs.PART_ROWS // 2)
        args = args[2:]
    return pin(Path(args[0]), int(args[1]) if len(args) > 1 else 1_000_000)


if __name__ == "__main__":
    raise SystemExit(main())
