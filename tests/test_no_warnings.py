"""Issue 16: a warning a user sees is either a finding or a bug, so no input makes one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.join_outputs import odd_frames

from tests.conftest import ROOT

RECOMMENDER = ROOT / "examples" / "recommender" / "system.yaml"


def _run_strict(*args: str) -> subprocess.CompletedProcess[str]:
    """mlreview with every Python warning turned into an error."""
    code = "import sys; from mlreview.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_large_gpu_pool_overflows_nothing(tmp_path: Path) -> None:
    text = RECOMMENDER.read_text(encoding="utf-8")
    for old, new in (
        ("accelerator_quota: 48", "accelerator_quota: 4000"),
        ("replicas: {min: 4, max: 16}", "replicas: {min: 4, max: 2000}"),
        ("concurrency_per_replica: 8", "concurrency_per_replica: 64"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    # The what-if reviews behind the questions try a small cold start and a low latency: the
    # queueing model's tails for hundreds of servers must not overflow.
    done = _run_strict("check", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.fixture
def odd_data(tmp_path: Path) -> tuple[Path, Path]:
    training, serving = odd_frames()
    training.write_parquet(tmp_path / "t.parquet")
    serving.write_parquet(tmp_path / "s.parquet")
    return tmp_path / "t.parquet", tmp_path / "s.parquet"


@pytest.mark.parametrize(
    "args",
    [["profile"], ["skew"], ["skew", "--key", "id", "-f", "html"]],
    ids=["profile", "skew", "skew-key-html"],
)
def test_nan_inf_and_huge_columns_warn_nothing(
    odd_data: tuple[Path, Path], args: list[str]
) -> None:
    t, s = odd_data
    files = [str(t)] if args[0] == "profile" else [str(t), str(s)]
    done = _run_strict(args[0], *files, *args[1:])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
