"""The questions' what-ifs on both cores: forked workers give the serial run's review, in the
same order, report progress, raise a worker's error and never leave a worker behind."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate_manifest import manifest

from mlreview.cli import main
from mlreview.cpus import WORKERS_VARIABLE
from mlreview.engine.contract import to_dict
from mlreview.engine.whatif import pool
from mlreview.engine.whatif.questions import review_with_questions
from mlreview.problems import InputError
from mlreview.report import formats
from mlreview.report.review_document import review_printable
from mlreview.system.loader import load, load_text
from mlreview.system.system import System
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not pool.can_fork(), reason="the workers are forked")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two CPUs whatever the machine has, and the worker counts of the pools made."""
    monkeypatch.setattr(pool, "usable_cpus", lambda: 2)
    made: list[int] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: Any) -> None:
            made.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", Counted)
    return made


GENERATED = manifest(60, 8, 4)
SOURCES = [*((p.parent.name, p) for p in EXAMPLES), ("generated", None)]


def _system(path: Path | None) -> System:
    """A fresh system each time: a System reviewed once with questions records fewer reads the
    next time (its cached properties read nothing), so each run gets its own."""
    return load(path) if path is not None else load_text(GENERATED, "generated.yaml")


@pytest.mark.parametrize(("name", "path"), SOURCES, ids=[name for name, _ in SOURCES])
def test_parallel_questions_are_the_serial_ones(
    name: str, path: Path | None, forks: list[int]
) -> None:
    serial = review_with_questions(_system(path), workers=1)
    assert forks == []
    parallel = review_with_questions(_system(path), workers=2)
    assert forks == [2], "the what-ifs ran in two forked workers"
    assert serial.questions, f"{name}: no question to compare"
    assert parallel.questions == serial.questions
    assert to_dict(parallel) == to_dict(serial)
    for fmt in ("terminal", "json", "markdown", "html"):
        options = formats.RenderOptions(width=100)
        one = formats.render(review_printable(serial), fmt, options)
        assert formats.render(review_printable(parallel), fmt, options) == one, fmt


def test_progress_counts_every_unknown_field_in_order(forks: list[int]) -> None:
    told: list[tuple[int, int]] = []
    review_with_questions(load(EXAMPLES[0]), on_progress=lambda d, t: told.append((d, t)))
    assert forks == [2]
    total = told[-1][1]
    assert total >= pool.MIN_CALLS
    assert told == [(n, total) for n in range(1, total + 1)]


def _pid(i: int) -> tuple[int, int]:
    return i, os.getpid()


def test_ordered_map_keeps_the_order_and_runs_in_workers(forks: list[int]) -> None:
    done: list[int] = []
    got = pool.ordered_map(_pid, 40, 2, done.append)
    assert [i for i, _ in got] == list(range(40))
    assert os.getpid() not in {pid for _, pid in got}
    assert done == list(range(1, 41))
    assert forks == [2] and pool._JOBS == {}


_NEXT_DONE = multiprocessing.get_context("fork").Event() if pool.can_fork() else None


def _after_the_next(i: int) -> int:
    """Call 0 finishes only after call 1 has (in the other worker), so the calls finish out of
    order; the wait's limit only stops a broken pool from hanging the test."""
    assert _NEXT_DONE is not None
    if i == 0 and not _NEXT_DONE.wait(60):
        raise TimeoutError("call 1 never ran beside call 0")
    if i == 1:
        _NEXT_DONE.set()
    return i


def test_results_come_in_the_calls_order_not_as_they_finish(forks: list[int]) -> None:
    assert _NEXT_DONE is not None
    _NEXT_DONE.clear()
    assert pool.ordered_map(_after_the_next, pool.MIN_CALLS, 2) == list(range(pool.MIN_CALLS))
    assert _NEXT_DONE.is_set()


def test_the_dearest_calls_go_first_and_come_back_in_order(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[int] = []

    def submit(self: ProcessPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        handed.append(args[1])  # _call(token, index)
        return ProcessPoolExecutor.submit(self, fn, *args, **kwargs)

    # forks made pool.ProcessPoolExecutor a subclass of its own, so only this test's pools note.
    monkeypatch.setattr(pool.ProcessPoolExecutor, "submit", submit)
    cost = [float((7 * i) % 40) for i in range(40)]  # every call's cost apart
    cost[5] = cost[6] = 100.0  # a tie keeps the calls' order
    got = pool.ordered_map(_pid, 40, 2, cost=cost.__getitem__)
    assert [i for i, _ in got] == list(range(40))
    assert handed[:2] == [5, 6]
    assert handed == sorted(range(40), key=lambda i: (-cost[i], i))
    assert forks == [2]
    handed.clear()
    pool.ordered_map(_pid, 40, 2)
    assert handed == list(range(40))  # no cost: the calls' order


def test_one_process_or_few_calls_run_here(forks: list[int]) -> None:
    assert {pid for _, pid in pool.ordered_map(_pid, 40, 1)} == {os.getpid()}
    few = pool.ordered_map(_pid, pool.MIN_CALLS - 1, 2)
    assert {pid for _, pid in few} == {os.getpid()}
    assert forks == []


def _fails(i: int) -> int:
    if i == 13:
        raise KeyError(f"what-if {i}")
    return i


def _dies(i: int) -> int:
    if i == 5:
        os._exit(3)
    return i


def test_a_workers_error_is_raised_here_and_the_pool_closed(forks: list[int]) -> None:
    with pytest.raises(KeyError, match="what-if 13"):
        pool.ordered_map(_fails, 40, 2)
    assert pool._JOBS == {} and multiprocessing.active_children() == []
    assert pool.ordered_map(_fails, 13, 2) == list(range(13))  # the next run is unharmed


def test_a_worker_that_dies_raises_rather_than_hangs(forks: list[int]) -> None:
    with pytest.raises(BrokenProcessPool):
        pool.ordered_map(_dies, 40, 2)
    assert pool._JOBS == {} and multiprocessing.active_children() == []


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "usable_cpus", lambda: 2)
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    assert pool.workers() == 2
    assert pool.workers(1) == 1
    assert pool.workers(8) == 2  # at most the CPUs
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    assert pool.workers() == 1
    assert pool.workers(2) == 2  # an explicit count wins
    monkeypatch.setattr(pool, "usable_cpus", lambda: 1)
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    assert pool.workers() == 1
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(WORKERS_VARIABLE, bad)
        with pytest.raises(InputError, match="MLREVIEW_WORKERS"):
            pool.workers()
    with pytest.raises(ValueError):
        pool.workers(0)


def test_check_takes_a_worker_count(
    tmp_path: Path, forks: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    card = str(EXAMPLES[0])
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert main(["check", card, "-f", "json", "-o", str(one), "--workers", "1"]) == 0
    assert forks == []
    assert main(["check", card, "-f", "json", "-o", str(two), "--workers", "2"]) == 0
    assert forks == [2]
    assert one.read_bytes() == two.read_bytes()
    with pytest.raises(SystemExit) as exc:
        main(["check", card, "--workers", "0"])
    assert exc.value.code == 2
    assert "--workers" in capsys.readouterr().err
