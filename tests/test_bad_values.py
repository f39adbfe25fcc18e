"""Issue 17, items 2, 4, 7 and 9: manifests and options that crashed, hung or were misread.

Each case failed on the code before its fix (a traceback, a hang, exit 0 or a wrong message).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.system import yaml_source
from mlreview.system.loader import load, load_text

from .test_bad_input import LOCATED

HEAD = "version: 1\nsystem: {name: d}\n"
ENDPOINT = (
    "models: [{id: m}]\nendpoints:\n"
    "  - {id: e, model: m, mode: online, replicas: {min: 1, max: 4},"
    " autoscaling: {enabled: true}, service_time: {p50_ms: 10, p99_ms: 40}, slo: {p99_ms: 100}}\n"
)
CARD = Path(__file__).resolve().parent.parent / "examples" / "card-fraud"


def _one_line_error(capsys, path: Path, args: list[str] | None = None) -> str:  # type: ignore[no-untyped-def]
    """Run `check` on ``path``: exit 2, every stderr line located in it; the lines joined."""
    code = main(["check", str(path), "--no-questions", *(args or [])])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match and match["file"] == str(path), line
    return err


NON_FINITE = [
    (
        "peak-inf",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: .inf}}\n" + ENDPOINT,
        ":2:39: system.traffic.peak_qps: expected a finite number, got inf",
    ),
    (
        "growth-inf",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: 10, growth_multiplier: .inf}}\n"
        + ENDPOINT,
        "system.traffic.growth_multiplier: expected a finite number, got inf",
    ),
    (
        "p50-inf",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: 10}}\n"
        + ENDPOINT.replace("p50_ms: 10", "p50_ms: .inf"),
        "endpoints[e].service_time.p50_ms: expected a finite number, got inf",
    ),
    (
        "nan",
        HEAD + "sources: [{id: s, kind: stream, availability: .nan}]\n",
        "sources[s].availability: expected a finite number, got nan",
    ),
    (
        "5001-digits",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: " + "9" * 5001 + "}}\n",
        "system.traffic.peak_qps: an integer of 5001 digits; expected at most 4300 digits",
    ),
    (
        "float-overflow",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: 1e400}}\n",
        "system.traffic.peak_qps: 1e400 is beyond the largest number a float holds",
    ),
    (
        "1e308-is-a-number-out-of-range",
        "version: 1\nsystem: {name: d, traffic: {peak_qps: 1e308}}\n" + ENDPOINT,
        "system.traffic.peak_qps: expected at most 1,000,000,000, got 1e+308",
    ),
    (
        "tiny-effect",
        HEAD
        + "feedback:\n  - {id: f, model: m, min_detectable_effect: 1e-320}\nmodels: [{id: m}]\n",
        "min_detectable_effect: expected at least 0.0001",
    ),
    (
        "zero-repair-time",
        HEAD + "sources: [{id: s, kind: stream, availability: 0.9, mttr: 0s}]\n",
        "sources[s].mttr: expected a repair time of at least 1m, got '0s'",
    ),
    (
        "century-duration",
        HEAD + "sources: [{id: s, kind: stream, freshness: 99999999999999d}]\n",
        "sources[s].freshness: expected a duration of at most 100 years",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in NON_FINITE], ids=[c[0] for c in NON_FINITE]
)
def test_out_of_range_numbers_are_refused_at_load_time(
    write, capsys, text: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    assert expected in _one_line_error(capsys, write(text))


def test_nan_is_still_a_default_value(write) -> None:  # type: ignore[no-untyped-def]
    text = HEAD + "sources:\n  - id: s\n    kind: stream\n"
    text += "    on_failure: {behaviour: default_value, default_value: .nan}\n"
    system = load(write(text))
    value = system.manifest.sources[0].on_failure.default_value  # type: ignore[union-attr]
    assert isinstance(value, float) and math.isnan(value)


def test_numbers_follow_yaml_1_2(write) -> None:  # type: ignore[no-untyped-def]
    doc = yaml_source.read_yaml("a: 1e3\nb: 017\nc: 1:30\nd: 1_000\ne: 0x1f\nf: -.inf\n", "t")
    assert doc.data == {
        "a": 1000.0,
        "b": 17,
        "c": "1:30",
        "d": "1_000",
        "e": 31,
        "f": -float("inf"),
    }


def test_a_cycle_through_undeclared_ids_is_reported_not_a_crash(write, capsys) -> None:  # type: ignore[no-untyped-def]
    text = HEAD + "pipelines:\n"
    text += "  - {id: a, kind: etl, inputs: [s2], outputs: [s1]}\n"
    text += "  - {id: b, kind: etl, inputs: [s1], outputs: [s2]}\n"
    err = _one_line_error(capsys, write(text))
    assert "'s2' is not a declared" in err
    assert "data flows in a cycle (a -> s1 -> b -> s2 -> a)" in err


def test_a_long_pipeline_chain_does_not_exhaust_the_stack(write) -> None:  # type: ignore[no-untyped-def]
    rows = [
        f"  - {{id: p{i}, kind: etl, inputs: [t{i}], outputs: [t{i + 1}]}}" for i in range(1500)
    ]
    stores = [f"  - {{id: t{i}, kind: offline}}" for i in range(1501)]
    text = HEAD + "stores:\n" + "\n".join(stores) + "\npipelines:\n" + "\n".join(rows) + "\n"
    assert len(load(write(text)).manifest.pipelines) == 1500


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "system.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "mlreview", "check", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr
        == f"{fifo}:1:1: is not a regular file (a pipe or device); expected a YAML manifest file\n"
    )


def test_thirty_thousand_sources_without_anchors_load(write) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"  - {{id: s{i}, kind: batch_table, owner: t{i % 9}}}\n" for i in range(30_000))
    path = write(HEAD + "sources:\n" + rows)
    assert 1_000_000 < path.stat().st_size < 1_500_000
    assert len(load(path).manifest.sources) == 30_000


def test_plain_values_are_bounded_by_their_own_limit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1000)
    with pytest.raises(Exception, match="more than 1,000 values") as caught:
        load_text(HEAD + "sources: [" + ", ".join(["0"] * 1200) + "]\n", "big.yaml")
    assert "alias" not in str(caught.value)


def test_thousands_of_bad_values_are_counted_not_all_listed(write, capsys) -> None:  # type: ignore[no-untyped-def]
    err = _one_line_error(capsys, write(HEAD + "sources: [" + ", ".join(["0"] * 5000) + "]\n"))
    lines = err.strip().splitlines()
    assert len(lines) == 201
    assert "4,800 more problems like these, not listed (the first 200 are)" in err


def test_an_id_with_a_newline_stays_on_one_line(write, capsys) -> None:  # type: ignore[no-untyped-def]
    err = _one_line_error(
        capsys, write(HEAD + 'sources:\n  - {id: "a\\nb\\u001b[2J", kind: stream}\n')
    )
    assert len(err.strip().splitlines()) == 1
    assert "\x1b" not in err
    assert "sources[0].id: string should match pattern '^[A-Za-z0-9][A-Za-z0-9_.:-]*$'" in err


def test_a_second_system_mapping_is_one_problem(write, capsys) -> None:  # type: ignore[no-untyped-def]
    err = _one_line_error(capsys, write("version: 1\nsystem: {name: d}\nsystem: {name: e}\n"))
    assert len(err.strip().splitlines()) == 1
    assert "duplicate key 'system' (first at line 2)" in err
    assert "'name'" not in err


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("psi=nan", "--threshold 'psi=nan': expected a finite value of at least 0"),
        ("p_value=inf", "--threshold 'p_value=inf': expected a finite value of at least 0"),
        ("p_value=2", "--threshold 'p_value=2': expected a share between 0 and 1"),
    ],
)
def test_non_finite_thresholds_are_usage_errors(capsys, option: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    data = [str(CARD / "data" / "training.csv"), str(CARD / "data" / "serving.csv")]
    assert main(["skew", *data, "--threshold", option]) == 2
    assert capsys.readouterr().err == f"mlreview: {expected}\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("i.json", '{"amount": 1e999}', "i.json:1:1: 'amount': importance inf;"),
        ("i.json", '{"amount": -5}', "i.json:1:1: 'amount': importance -5.0;"),
        ("i.json", '{"amount": NaN}', "i.json:1:1: 'amount': importance nan;"),
        ("i.csv", "feature,importance\na,1\namount,-5\n", "i.csv:3:1: 'amount': importance -5.0;"),
        ("i.json", "[" * 100_000, "i.json:1:1: JSON nested too deeply"),
    ],
)
def test_impossible_importances_are_input_errors(
    tmp_path: Path, capsys, name: str, text: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    data = [str(CARD / "data" / "training.csv"), str(CARD / "data" / "serving.csv")]
    assert main(["skew", *data, "--importance", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path.parent}/{expected}"), err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["check", str(CARD / "system.yaml"), "--width", "1000000000"],
            "--width 1000000000: expected 40 to 1,000 columns",
        ),
        (
            ["capacity", str(CARD / "system.yaml"), "--replicas", "99999999999"],
            "--replicas 99999999999: expected 1 to 100,000",
        ),
        (
            ["capacity", str(CARD / "system.yaml"), "--max-replicas", "100001"],
            "--max-replicas 100001: expected 1 to 100,000",
        ),
    ],
)
def test_option_values_beyond_any_system_are_usage_errors(
    capsys, args: list[str], expected: str
) -> None:  # type: ignore[no-untyped-def]
    assert main(args) == 2
    assert capsys.readouterr().err == f"mlreview: {expected}\n"
