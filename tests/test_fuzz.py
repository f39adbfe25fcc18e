"""Fuzz: seeded mutations of the shipped manifests, of real load-test files and of data files and
saved profiles (tests/mutate.py) never crash, hang or exit outside 0/1/2, and every error line is
located in the input.

Each case is rebuilt from its seed alone: `mutate(text, seed, ...)` on the same file. A case runs
in this process under an alarm (a hang fails the case instead of the suite); exit 2 must print
only `file:line:column: message` lines (or `mlreview: ` usage lines).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import polars as pl
import pytest

from mlreview.cli import main
from mlreview.datasets.dataset import profile_paths, write_profile

from .mutate import CSV_MUTATIONS, JSON_MUTATIONS, YAML_MUTATIONS, mutate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("card-fraud", "demand-forecast", "recommender")
LOAD_TESTS = sorted(
    [
        *(ROOT / "tests" / "loadtests").glob("*.[cj]s[vo]*"),
        *(ROOT / "examples" / "card-fraud" / "loadtests").iterdir(),
    ]
)
FORMATS = ("terminal", "markdown", "json", "sarif", "html")
SKEW_FORMATS = ("terminal", "markdown", "json", "html")
SECONDS_PER_CASE = 30
MANIFEST_CASES = 300
LOAD_TEST_CASES = 200
DATA_CASES = 150
DATA_ROWS = 300
RESULTS = "results: [loadtests/fraud_api_200rps_stats.csv, loadtests/fraud_api_800rps_vegeta.json]"


class HangError(Exception):
    """A case ran past its deadline."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise HangError


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(args: list[str], located_in: Path, what: str) -> int:
    """Exit code of `mlreview ARGS`; fails the test on a traceback, hang or unlocated error."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with (
            _deadline(SECONDS_PER_CASE),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(args)
    except HangError:
        pytest.fail(f"hang over {SECONDS_PER_CASE}s: {what}")
    except BaseException as exc:  # any escape is the failure looked for
        pytest.fail(f"{type(exc).__name__}: {exc} ({what})")
    assert code in (0, 1, 2), what
    if code == 2:
        lines = err.getvalue().strip().splitlines()
        assert lines, f"exit 2 without a message: {what}"
        for line in lines:
            assert line.startswith((f"{located_in}:", "mlreview: ")), f"{line!r}: {what}"
    return code


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/, so mutated manifests resolve their data and load-test links."""
    folder = tmp_path_factory.mktemp("fuzz") / "examples"
    shutil.copytree(ROOT / "examples", folder)
    return folder


def test_mutated_manifests_never_crash(examples: Path) -> None:
    codes = []
    for seed in range(MANIFEST_CASES):
        name = EXAMPLES[seed % len(EXAMPLES)]
        text, what = mutate(
            (ROOT / "examples" / name / "system.yaml").read_text("utf-8"), seed, YAML_MUTATIONS
        )
        path = examples / name / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        args = ["check", str(path), "-f", FORMATS[seed % len(FORMATS)], "--fail-on", "high"]
        if seed % 4:
            args.append("--no-questions")  # one case in four runs the what-if reviews too
        codes.append(_run(args, path, f"{name} seed {seed}: {what}"))
    # The mutations must reach the review, not only the loader.
    assert codes.count(2) < 0.95 * len(codes) and {0, 1} & set(codes)


def test_mutated_load_tests_never_crash(examples: Path) -> None:
    card = examples / "card-fraud"
    manifest = (card / "system.yaml").read_text("utf-8")
    codes = []
    for seed in range(LOAD_TEST_CASES):
        source = LOAD_TESTS[seed % len(LOAD_TESTS)]
        mutations = JSON_MUTATIONS if source.suffix == ".json" else CSV_MUTATIONS
        text, what = mutate(source.read_text("utf-8"), seed, mutations)
        path = card / "loadtests" / f"fuzz{source.suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        (card / "fuzz.yaml").write_text(
            manifest.replace(RESULTS, f"results: [loadtests/{path.name}]"), encoding="utf-8"
        )
        command = (
            ["capacity", str(card / "fuzz.yaml"), "-f", "json"]
            if seed % 2
            else [
                "check",
                str(card / "fuzz.yaml"),
                "--no-questions",
                "-f",
                FORMATS[seed % len(FORMATS)],
            ]
        )
        codes.append(_run(command, path, f"{source.name} seed {seed}: {what}"))
    assert codes.count(2) < 0.95 * len(codes) and 0 in codes


@pytest.fixture(scope="module")
def data_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The first rows of card-fraud's training data as CSV, as JSON lines and as a saved
    profile: the texts the data cases mutate, by file name."""
    folder = tmp_path_factory.mktemp("data")
    lines = (ROOT / "examples" / "card-fraud" / "data" / "training.csv").read_text("utf-8")
    csv = "".join(lines.splitlines(keepends=True)[: DATA_ROWS + 1])
    (folder / "t.csv").write_text(csv, encoding="utf-8")
    rows = pl.read_csv(folder / "t.csv").to_dicts()
    return {
        "t.csv": csv,
        "t.jsonl": "".join(json.dumps(row, default=str) + "\n" for row in rows),
        "t.json": write_profile(profile_paths([str(folder / "t.csv")])).decode(),
    }


def test_mutated_data_files_and_profiles_never_crash(
    data_files: dict[str, str], tmp_path: Path
) -> None:
    serving = str(ROOT / "examples" / "card-fraud" / "data" / "serving.csv")
    names = sorted(data_files)
    codes = []
    for seed in range(DATA_CASES):
        name = names[seed % len(names)]
        mutations = CSV_MUTATIONS if name.endswith(".csv") else JSON_MUTATIONS
        text, what = mutate(data_files[name], seed, mutations)
        path = tmp_path / f"fuzz{seed}{Path(name).suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        command = (
            ["profile", str(path), "-o", str(tmp_path / "profile.json")]
            if seed % 3 == 0 and name != "t.json"
            else ["skew", str(path), serving, "-f", SKEW_FORMATS[seed % 4], "--fail-on", "schema"]
        )
        codes.append(_run(command, path, f"{name} seed {seed}: {what}"))
    assert codes.count(2) < 0.95 * len(codes) and {0, 1} & set(codes)
