"""Finding and reading the files to import: bad and hostile input gets one line, never a
traceback and never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlreview.draft.importers.base import ident, placeholder, quantity, seconds
from tests.importers.helpers import imported, report

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("blob.bin", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "not UTF-8 text"),
        ("empty.yaml", b"  \n", "empty"),
        ("bomb.yaml", BOMB.encode(), "aliases expand to more than"),
        ("loop.yaml", b"a: &a [*a]\n", "aliases expand to more than"),
        ("broken.json", b'{"a": [1, 2}', "not valid JSON: line 1 column 12"),
        ("list.yaml", b"- 1\n- 2\n", "not a kind mlreview imports"),
        ("scalar.txt", b"just words\n", "not a mapping"),
        ("secret.yaml", b"apiVersion: v1\nkind: Secret\ndata: {k: dg==}\n", "Secret (v1)"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("deep.yaml", b"a: " + b"[" * 5_000 + b"]" * 5_000, "nested too deeply"),
    ],
)
def test_a_file_that_gives_nothing_says_why(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    done = imported(str(path))
    line = report(done, name)
    assert line.status == "skipped"
    assert reason in " ".join(line.reasons), line.reasons
    assert done.values == 0


def test_missing_paths_empty_globs_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / ".hidden.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text("# notes\n", encoding="utf-8")
    done = imported(str(tmp_path), str(tmp_path / "nope.yaml"), str(tmp_path / "*.json"))
    lines = {f.file.display: f.reasons for f in done.files}
    assert not any(".hidden" in name for name in lines)
    assert lines[str(tmp_path / "nope.yaml")] == ["no such file or folder"]
    assert lines[str(tmp_path / "*.json")] == ["matches no file"]
    assert any(name.endswith("sub/notes.md") for name in lines)


def test_a_glob_and_a_folder_name_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    done = imported(str(tmp_path), str(tmp_path / "*.yaml"), str(tmp_path / "a.yaml"))
    assert [f.file.display for f in done.files] == [str(tmp_path / "a.yaml")]


def test_value_helpers() -> None:
    assert ident("google/gemma-2-9b-it") == "google_gemma-2-9b-it"
    assert ident("  ../x  ") == "x"
    assert ident("!!!") is None
    assert placeholder("${SageMakerProjectName}-prod") == "${SageMakerProjectName}"
    assert placeholder("{{ any(result) }}") == "{{ any(result) }}"
    assert placeholder("<YOUR MODEL NAME>") == "<YOUR MODEL NAME>"
    assert placeholder("$RESOURCE_ID") == "$RESOURCE_ID"
    assert placeholder("price in $") is None
    assert quantity("500m") == 0.5 and quantity("2") == 2.0 and quantity(True) is None
    assert seconds(120) == "2m" and seconds(0.05842) == "0.0584s" and seconds(330) == "330s"
