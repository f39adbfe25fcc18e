"""Bad input: one located line per problem, exit code 2, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlreview.cli import main
from mlreview.system.loader import load

GOOD_HEAD = "version: 1\nsystem: {name: demo}\n"
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")

CASES = [
    ("malformed-yaml", "version: 1\nsystem: [\n", 3, "malformed YAML"),
    ("tab-indent", "version: 1\nsystem:\n\tname: x\n", 3, "malformed YAML"),
    (
        "wrong-type",
        GOOD_HEAD + "sources:\n  - id: s\n    kind: stream\n    availability: high\n",
        6,
        "sources[s].availability: expected a number, got 'high'",
    ),
    (
        "unknown-key-typo",
        GOOD_HEAD + "sources:\n  - id: s\n    kind: stream\n    on_failre: {}\n",
        6,
        "unknown key 'on_failre'; did you mean 'on_failure'?",
    ),
    (
        "unknown-top-key",
        GOOD_HEAD + "endpoint: []\n",
        3,
        "unknown key 'endpoint'; did you mean 'endpoints'?",
    ),
    (
        "bad-enum",
        GOOD_HEAD + "sources:\n  - id: s\n    kind: kafka\n",
        5,
        "expected one of 'stream', 'batch_table'",
    ),
    ("missing-id", GOOD_HEAD + "sources:\n  - kind: stream\n", 4, "missing required key 'id'"),
    ("missing-version", "system: {name: demo}\n", 1, "missing required key 'version'"),
    ("wrong-version", "version: 2\nsystem: {name: demo}\n", 1, "expected one of 1"),
    (
        "bad-duration",
        GOOD_HEAD + "stores:\n  - id: s\n    kind: online\n    ttl: 24\n",
        6,
        "expected a duration with a unit",
    ),
    (
        "bad-schedule",
        GOOD_HEAD + "pipelines:\n  - id: p\n    kind: etl\n    schedule: sometimes\n",
        6,
        "expected a schedule",
    ),
    (
        "dangling-ref",
        GOOD_HEAD + "models:\n  - id: m\nendpoints:\n  - {id: e, model: mm, mode: online}\n",
        6,
        "'mm' is not a declared model; did you mean 'm'?",
    ),
    (
        "wrong-kind-ref",
        GOOD_HEAD
        + "sources:\n  - {id: s, kind: stream}\nendpoints:\n  - {id: e, model: s, mode: online}\n",
        6,
        "'s' is a source; expected a model id",
    ),
    (
        "duplicate-id",
        GOOD_HEAD + "sources:\n  - {id: s, kind: stream}\nstores:\n  - {id: s, kind: online}\n",
        6,
        "duplicate id 's' (first used by a source at line 4)",
    ),
    (
        "duplicate-key",
        GOOD_HEAD + "sources: []\nsources: []\n",
        4,
        "duplicate key 'sources' (first at line 3)",
    ),
    (
        "cycle",
        GOOD_HEAD
        + "stores:\n  - {id: a, kind: offline}\n"
        + "pipelines:\n  - {id: p, kind: etl, inputs: [a], outputs: [b]}\n"
        + "  - {id: q, kind: etl, inputs: [b], outputs: [a]}\n"
        + "sources:\n  - {id: b, kind: batch_table}\n",
        7,
        "data flows in a cycle",
    ),
    (
        "min-above-max",
        GOOD_HEAD
        + "models: [{id: m}]\nendpoints:\n"
        + "  - {id: e, model: m, mode: online, replicas: {min: 5, max: 2}}\n",
        5,
        "min 5 is above max 2",
    ),
    (
        "workers-above-max",
        GOOD_HEAD
        + "models: [{id: m}]\nendpoints:\n"
        + "  - {id: e, model: m, mode: batch, batch: {workers: 8, max_workers: 4}}\n",
        5,
        "endpoints[e].batch: workers 8 is above max_workers 4; expected workers <= max_workers",
    ),
    ("empty-file", "", 1, "file is empty"),
    ("only-comments", "# nothing here\n", 1, "file is empty"),
    ("top-level-list", "- 1\n- 2\n", 1, "expected a mapping with 'version' and 'system'"),
    (
        "python-tag",
        GOOD_HEAD + "sources: !!python/object/apply:os.system ['true']\n",
        3,
        "is not allowed; expected plain YAML data",
    ),
    (
        "custom-tag",
        GOOD_HEAD + "sources: !include other.yaml\n",
        3,
        "tag '!include' is not allowed",
    ),
    (
        "anchor-at-top",
        "base: &b {kind: stream}\nversion: 1\nsystem: {name: d}\n",
        1,
        "unknown key 'base'",
    ),
    (
        "merge-key",
        GOOD_HEAD + "sources:\n  - &s {id: a, kind: stream}\n  - <<: *s\n    id: b\n",
        5,
        "merge keys ('<<') are not supported",
    ),
    (
        "deep-nesting",
        GOOD_HEAD + "sources: " + "[" * 100 + "]" * 100 + "\n",
        3,
        "nesting deeper than 64 levels",
    ),
    (
        "list-for-mapping",
        GOOD_HEAD + "sources:\n  - [a, b]\n",
        4,
        "sources[0]: expected a mapping, got a list",
    ),
    ("second-document", GOOD_HEAD + "---\nversion: 1\n", 3, "a second YAML document"),
    ("non-scalar-key", GOOD_HEAD + "? [a]\n: 1\n", 3, "mapping key must be a plain scalar"),
    ("unknown-alias", GOOD_HEAD + "sources: *nope\n", 3, "unknown alias 'nope'"),
    ("control-character", GOOD_HEAD + "sources: \x1b\n", 3, "character #x001b is not allowed"),
    (
        "bad-id",
        GOOD_HEAD + "sources:\n  - {id: 'has space', kind: stream}\n",
        4,
        "string should match pattern",
    ),
    (
        "negative-replicas",
        GOOD_HEAD
        + "models: [{id: m}]\nendpoints:\n"
        + "  - {id: e, model: m, mode: online, replicas: {max: -1}}\n",
        5,
        "replicas.max: expected at least 0, got -1",
    ),
    (
        "bool-as-string",
        GOOD_HEAD + "sources:\n  - {id: s, kind: stream, owned_by_model_team: 'yes'}\n",
        4,
        "expected true or false, got 'yes'",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_manifest_is_located(write, capsys, text: str, line: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = write(text)
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines, "no message"
    for msg_line in lines:
        match = LOCATED.match(msg_line)
        assert match, msg_line
        assert match["file"] == str(path)
    assert any(expected in m for m in lines), lines
    assert any(int(LOCATED.match(m)["line"]) == line for m in lines), lines  # type: ignore[index]


def test_every_problem_is_reported_at_once(write, capsys) -> None:  # type: ignore[no-untyped-def]
    text = GOOD_HEAD + "sources:\n  - id: s\n    kind: strem\n    zones: zero\n    ownr: x\n"
    assert main(["check", str(write(text))]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 3


def test_directory_instead_of_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"{tmp_path}:1:1: is a directory; expected a YAML manifest file"
    )


def test_missing_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_not_utf8(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("")
    path.write_bytes(b"version: 1\nsystem: {name: \xff\xfe}\n")
    assert main(["check", str(path)]) == 2
    assert "is not UTF-8" in capsys.readouterr().err


def test_alias_bomb_is_bounded(write, capsys) -> None:  # type: ignore[no-untyped-def]
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = write("\n".join(lines) + "\n")
    assert main(["check", str(path)]) == 2
    assert "aliases expand to more than" in capsys.readouterr().err


def test_recursive_alias(write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", str(write("a: &a\n  - *a\n"))]) == 2
    assert "recursive alias" in capsys.readouterr().err


def test_yes_no_stay_strings(write) -> None:  # type: ignore[no-untyped-def]
    system = load(write(GOOD_HEAD.replace("demo", "NO")))
    assert system.name == "NO"


def test_no_traceback_from_the_console_script(write) -> None:  # type: ignore[no-untyped-def]
    path = write("version: 1\nsystem: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mlreview", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
