"""Profiles on several cores and a bounded reader: the same bytes as one thread and as before,
batches read only as asked, and a progress bar only on a terminal."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mlreview.cli import main
from mlreview.datasets import dataset, profile, read
from mlreview.datasets.dataset import profile_paths, write_profile
from mlreview.datasets.profile import Moments
from mlreview.datasets.sketch import TINY, DistinctSketch, _rank, bucket_of
from tests.conftest import ROOT
from tests.test_skew_data import _frame

FRAUD = "examples/card-fraud/data"


def _mixed(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    words = np.array(["alpha", "Beta", "GAMMA", " padded ", "", "12.5", "-3", "MiXeD", "été"])
    weird = rng.normal(0, 1e6, n)
    weird[rng.random(n) < 0.02] = np.nan
    weird[rng.random(n) < 0.02] = np.inf
    return pl.concat(
        [
            _frame(seed, n),
            pl.DataFrame(
                {
                    "flag": rng.random(n) < 0.3,
                    "text": pl.Series(words[rng.integers(0, words.size, n)]).scatter(
                        np.flatnonzero(rng.random(n) < 0.05), None
                    ),
                    "weird": weird,
                    "big": rng.integers(-(2**62), 2**62, n),
                    "cents": np.round(rng.normal(50, 20, n), 2),
                }
            ),
        ],
        how="horizontal",
    )


@pytest.mark.parametrize("suffix", ["parquet", "csv", "jsonl", "arrow"])
def test_one_worker_profiles_the_same_bytes_as_two(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "BATCH_ROWS", 1_500)
    monkeypatch.setattr(read, "READ_BYTES", 50_000)
    frame = _mixed(7_000, 3)
    path = tmp_path / f"data.{suffix}"
    {"parquet": frame.write_parquet, "csv": frame.write_csv, "jsonl": frame.write_ndjson}.get(
        suffix, frame.write_ipc
    )(path)
    one = write_profile(profile_paths([str(path)], workers=1))
    two = write_profile(profile_paths([str(path)], workers=2))
    assert one == two
    assert b'"rows": 7000' in one and b'"numeric_like"' in one


# sha256 of the outputs: the same bytes before and after profiling ran on several cores (the
# profiles changed twice since, when saved profiles gained their "format" header, and in version
# 2 with exact sums for the moments and the frequent values of datasets/sketch.FrequentValues;
# the skew HTML when the page's style gained the rule for known-pitfall lines, and when the page
# gained its Content-Security-Policy meta tag; the skew outputs when a serving sentinel's
# prevention gained the share that should page).
PINNED = {
    "profile training": "7fffc0ce9ae868c86a68e0dd18141ec7dd65c67d214ef029decb93d97dbe45dc",
    "profile serving": "1953ef0f08af98c86c7c94df6a852656ad455f1a9b6c62a43dd1322cd42efc31",
    "skew terminal": "c40716f662a5e8b5120bba407a58753b06e1d896248d5779318eaa45137f0813",
    "skew text": "c40716f662a5e8b5120bba407a58753b06e1d896248d5779318eaa45137f0813",
    "skew markdown": "8a81a4690440be6c2b1dd6176dea6b477ad02492cd3a7d2a2f1585db9d75699b",
    "skew html": "3622fc0bea103ff12681c58afd5c23a25b83a6ef50bdbd093908af09d55d6405",
    "skew json": "5e4852500df0efea96d683bbe3d0b1775c901dce3fc24499d323a272d218ba3f",
}


def test_the_examples_data_profiles_and_compares_to_pinned_bytes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    got = {}
    for side in ("training", "serving"):
        profile = write_profile(profile_paths([f"{FRAUD}/{side}.csv"]))
        got[f"profile {side}"] = hashlib.sha256(profile).hexdigest()
    for fmt in ("terminal", "text", "markdown", "html", "json"):
        main(["skew", f"{FRAUD}/training.csv", f"{FRAUD}/serving.csv", "-f", fmt, "--width", "100"])
        got[f"skew {fmt}"] = hashlib.sha256(capsys.readouterr().out.encode()).hexdigest()
    assert got == PINNED


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("quoted.csv", b'"a","b\nname",c\n1,"x\ny",2\n3,"said ""hi""\n, ok",4\n5,,6\n7,"z",8'),
        ("crlf.csv", b"a,b\r\n1,x\r\n2,y\r\n3,z\r\n4,w\r\n"),
        ("blank.csv", b"a,b\n1,x\n\n2,y\n\n3,z\n"),
        ("tabs.tsv", b"a\tb\n1\tx y\n2\tq\n3\tr\n"),
        ("lines.jsonl", b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y\\nz"}\n{"a": 3, "b": null}'),
    ],
)
def test_text_files_read_in_blocks_give_polars_rows_in_exact_batches(
    tmp_path: Path, name: str, text: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "BATCH_ROWS", 2)
    monkeypatch.setattr(read, "READ_BYTES", 7)
    path = tmp_path / name
    path.write_bytes(text)
    file = read.resolve(str(path))[0]
    whole = read.scan(file).collect()
    got = [frame for _, frame in read.batches([file])]
    assert [f.height for f in got] == [2] * (whole.height // 2) + [1] * (whole.height % 2)
    assert pl.concat(got).equals(whole, null_equal=True)


def test_a_batch_is_read_only_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader does not run ahead of its consumer, so memory holds a batch, not the file."""
    monkeypatch.setattr(read, "BATCH_ROWS", 100)
    monkeypatch.setattr(read, "READ_BYTES", 4_000)
    _frame(1, 5_000).write_parquet(tmp_path / "a.parquet")
    _frame(2, 5_000).write_csv(tmp_path / "b.csv")
    calls: list[str] = []
    collect, read_csv = pl.LazyFrame.collect, pl.read_csv
    monkeypatch.setattr(
        pl.LazyFrame, "collect", lambda *a, **k: calls.append("slice") or collect(*a, **k)
    )
    monkeypatch.setattr(pl, "read_csv", lambda *a, **k: calls.append("block") or read_csv(*a, **k))
    for name in ("a.parquet", "b.csv"):
        calls.clear()
        stream = read.batches(read.resolve(str(tmp_path / name)))
        next(stream)
        first = len(calls)
        rest = sum(1 for _ in stream)
        assert rest == 49 and len(calls) > 10 * first, (name, first, len(calls))


def test_the_hyperloglog_rank_is_the_float_logarithms() -> None:
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**63, 50_000, dtype=np.uint64) * np.uint64(2)
    # Hashes whose 40 bits after the register index are all set: the float logarithm of the
    # shifted value rounds up to the next power of two for some of them.
    near = np.uint64((1 << 52) - 1) - rng.integers(0, 2**14, 5_000).astype(np.uint64)
    near |= rng.integers(0, 4096, 5_000).astype(np.uint64) << np.uint64(52)
    rest = np.concatenate([hashes, near, np.array([0, 2**64 - 1], dtype=np.uint64)])
    rest = (rest << np.uint64(12)) | np.uint64(1 << 11)
    expected = 64 - np.floor(np.log2(rest.astype(np.float64))).astype(np.int64)
    assert (expected == 0).any()
    assert (_rank(rest.copy()) == expected).all()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _frame(1, 2_000).write_parquet(tmp_path / "t.parquet")
    _frame(2, 2_000).write_csv(tmp_path / "s.csv")
    skew = [
        "skew",
        str(tmp_path / "t.parquet"),
        str(tmp_path / "s.csv"),
        "-o",
        str(tmp_path / "o.json"),
    ]
    assert main(skew) == 0
    assert capsys.readouterr().err == ""
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(skew) == 0
    assert "profiling" in terminal.getvalue() and "rows" in terminal.getvalue()


def test_what_if_progress_shows_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = str(ROOT / "examples" / "recommender" / "system.yaml")
    main(["check", manifest, "-f", "json"])
    assert capsys.readouterr().err == ""
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    main(["check", manifest, "-f", "json"])
    assert "what-if reviews" in terminal.getvalue() and "unknown fields" in terminal.getvalue()


def test_mlreview_workers_sets_the_thread_count_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.parquet"
    _frame(1, 3_000).write_parquet(path)
    pools: list[int] = []
    real_pool = profile._pool
    monkeypatch.setattr(profile, "_pool", lambda n: pools.append(n) or real_pool(n))
    ahead_calls: list[object] = []
    real_ahead = dataset.ahead
    monkeypatch.setattr(dataset, "ahead", lambda s: ahead_calls.append(s) or real_ahead(s))
    monkeypatch.setenv("MLREVIEW_WORKERS", "1")
    one = write_profile(profile_paths([str(path)]))
    assert pools == [] and ahead_calls == []  # no column thread, no read-ahead thread
    monkeypatch.setenv("MLREVIEW_WORKERS", "2")
    two = write_profile(profile_paths([str(path)]))
    assert pools == [2] and len(ahead_calls) == 1
    assert one == two


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_mlreview_workers_is_one_line_and_exit_2(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MLREVIEW_WORKERS", value)
    code = main(["profile", f"{FRAUD}/training.csv", "-o", "-"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "MLREVIEW_WORKERS" in err and repr(value) in err, err


def test_both_sides_profiled_at_once_give_the_bytes_of_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Columnar sides are profiled at once on two workers, text sides in turn; either way the
    report's bytes are those of one thread."""
    monkeypatch.setattr(read, "BATCH_ROWS", 700)
    monkeypatch.setattr(read, "READ_BYTES", 30_000)
    training = tmp_path / "t.parquet"
    _mixed(6_000, 4).write_parquet(training)
    serving = _mixed(5_000, 5).with_columns(pl.col("amount") * 1000)
    serving.write_ipc(tmp_path / "s.arrow")
    serving.write_csv(tmp_path / "s.csv")
    threads: dict[str, str] = {}
    real = dataset.load_side

    def recorded(spec: str, *args: object, **kwargs: object) -> profile.Profile:
        threads[spec] = threading.current_thread().name
        return real(spec, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dataset, "load_side", recorded)
    for name, at_once in (("s.arrow", True), ("s.csv", False)):
        outputs = []
        for workers in ("1", "2"):
            monkeypatch.setenv("MLREVIEW_WORKERS", workers)
            out = tmp_path / f"skew{workers}.json"
            args = ["skew", str(training), str(tmp_path / name), "-f", "json", "-o", str(out)]
            assert main(args) == 0
            outputs.append(out.read_bytes())
            on_own_thread = threads[str(tmp_path / name)].startswith("mlreview-side")
            assert on_own_thread == (at_once and workers == "2"), threads
        assert outputs[0] == outputs[1]
        assert b'"scale"' in outputs[0]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_error_of_sides_profiled_at_once_is_the_first_sides(
    tmp_path: Path,
    workers: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MLREVIEW_WORKERS", workers)
    good = tmp_path / "good.parquet"
    _frame(1, 2_000).write_parquet(good)
    bad_training, bad_serving = tmp_path / "bad_t.parquet", tmp_path / "bad_s.parquet"
    bad_training.write_bytes(b"not parquet at all")
    bad_serving.write_bytes(b"nor this")
    for training, serving, named in (
        (bad_training, bad_serving, bad_training),
        (good, bad_serving, bad_serving),
        (bad_training, good, bad_training),
    ):
        assert main(["skew", str(training), str(serving), "-o", str(tmp_path / "o.json")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and err.startswith(str(named)), err


def test_text_registers_and_lengths_from_distinct_values_are_every_rows() -> None:
    """Text columns hash and measure their distinct values only, weighted by their counts: the
    registers and the length moments of hashing and measuring every row."""
    rng = np.random.default_rng(9)
    words = np.array([f"w{i}" * (i % 7) for i in range(3_000)] + ["", " x ", "été"])
    text = pl.Series("t", words[rng.integers(0, words.size, 40_000)])
    text = text.scatter(np.flatnonzero(rng.random(text.len()) < 0.1), None)
    got = profile.profile_frame(pl.DataFrame({"t": text}), workers=1).columns["t"]
    every = DistinctSketch()
    present = text.drop_nulls()
    every.add(present.hash(seed=0).to_numpy())
    lengths = Moments()
    lengths.add(present.str.len_chars().to_numpy().astype(np.float64))
    assert got.distinct.to_dict() == every.to_dict()
    assert (got.length.n, got.length.total, got.length.squares) == (
        lengths.n,
        lengths.total,
        lengths.squares,
    )


def test_buckets_of_values_known_positive_are_those_of_any_values() -> None:
    """Told the smallest value is at least TINY, the sketch skips the steps for negative and
    tiny values: the same buckets, for arrays at any offset in memory."""
    rng = np.random.default_rng(11)
    for location in (-30.0, 0.0, 4.0, 30.0):
        values = rng.lognormal(location, 3, 20_011)
        values = np.concatenate([values, [TINY, np.nextafter(TINY, 1), 1.0, 1.7e308]])
        values = values[values >= TINY]
        for start in (0, 1, 3):
            part = values[start:]
            expected = bucket_of(part.copy())
            assert np.array_equal(bucket_of(part, reuse=True, low=float(part.min())), expected)
