"""MLREVIEW_WORKERS is read once, for profiling's threads and the what-ifs' workers alike."""

from __future__ import annotations

import pytest

from mlreview.cpus import WORKERS_VARIABLE, requested_workers, usable_cpus
from mlreview.datasets.profile import workers_default
from mlreview.problems import InputError


def test_unset_asks_for_nothing_and_profiling_takes_the_usable_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    assert requested_workers("threads") is None
    assert workers_default() == usable_cpus() >= 1
    monkeypatch.setenv(WORKERS_VARIABLE, " 3 ")
    assert requested_workers("threads") == 3 == workers_default()


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_a_bad_count_names_the_variable_and_what_it_counts(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv(WORKERS_VARIABLE, bad)
    with pytest.raises(InputError, match=f"whole number of threads, at least 1; got '{bad}'"):
        workers_default()
