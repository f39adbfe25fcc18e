"""Issue 17, items 10 and 11: manifest strings and data column names cannot forge Markdown
structure (images, links, headings, raw HTML, fences, Mermaid directives) or drive a terminal
(OSC titles and links, screen clears, colours, carriage returns, C1 controls, bidi overrides).

Every free-text field of the card-fraud manifest holds every payload (tests/hostile.py). The
Markdown is parsed by markdown-it (CommonMark with tables), so what is checked is what a
renderer makes of it; each payload's name must still be there as text."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from markdown_it import MarkdownIt

from mlreview.cli import main
from tests.hostile import CARD, free_text_fields, hostile_manifest

MARKDOWN = {
    "p-img": "<img src=http://evil.example/p-img.png>",
    "p-fence": "\n```\n\n<img src=http://evil.example/p-fence.png>\n\n# p-fence\n```mermaid\n",
    "p-link": "[p-link](http://evil.example/p-link)",
    "p-image": "![p-image](http://evil.example/p-image.png)",
    "p-heading": "\n# p-heading\n",
    "p-pipe": "cell | p-pipe",
    "p-tick": "`` ` p-tick ``",
    "p-html": "<details><summary>p-html</summary>",
    "p-mrm": "\"]\n  click s01 \"javascript:alert(1)\"\n%%{init: {'theme': 'dark'}}%%\np-mrm",
    "p-ref": "[x]\n\n[x]: http://evil.example/p-ref",
    "p-auto": "<http://evil.example/p-auto>",
}
TERMINAL = {
    "p-title": "\x1b]0;p-title\x07",
    "p-clear": "\x1b[2J\x1b[Hp-clear",
    "p-sgr": "\x1b[31mp-sgr\x1b[0m",
    "p-osc8": "\x1b]8;;http://evil.example\x1b\\p-osc8\x1b]8;;\x1b\\",
    "p-cr": "fake\rp-cr",
    "p-c1": "\x9b2Jp-c1\x9d0;t\x9c",
    "p-bidi": "\u202ep-bidi\u202c",
    "p-bell": "\x07p-bell",
    "p-bs": "abc\x08\x08\x08p-bs",
}
# What mlreview's own Markdown holds as raw HTML: collapsible sections.
OWN_HTML = re.compile(r"(</?details>|<summary>[^<>`]*</summary>)")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _tokens(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("hostile")
    shutil.copytree(CARD, copy, dirs_exist_ok=True)
    return copy


def _check(capsys, folder: Path, payloads: dict[str, str], *args: str) -> str:  # type: ignore[no-untyped-def]
    manifest = folder / "hostile.yaml"
    manifest.write_text(hostile_manifest(" ".join(payloads.values())), encoding="utf-8")
    assert main(["check", str(manifest), *args]) in (0, 1)
    return str(capsys.readouterr().out)


def _skew(capsys, tmp_path: Path, payloads: dict[str, str], *args: str) -> str:  # type: ignore[no-untyped-def]
    names = [f"{payload} c{i}" for i, payload in enumerate(payloads.values())]
    training = pl.DataFrame({name: [float(j % 7) for j in range(200)] for name in names})
    serving = training.with_columns(pl.Series(names[0], [names[j % 5] for j in range(200)]))
    training.write_parquet(tmp_path / "t.parquet")
    serving.write_parquet(tmp_path / "s.parquet")
    assert main(["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.parquet"), *args]) == 0
    return str(capsys.readouterr().out)


def _markdown_holds_no_forged_structure(text: str) -> None:
    tokens = list(_tokens(MarkdownIt("commonmark").enable("table").parse(text)))
    kinds = {t.type for t in tokens}
    assert not kinds & {"image", "link_open", "hr", "lheading"}
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            assert OWN_HTML.sub("", token.content).strip() == "", token.content
        if token.type == "fence":
            assert token.info == "mermaid"
            starts = [line.strip() for line in token.content.splitlines()]
            assert not [s for s in starts if s.startswith(("%%", "click", "<", "```"))]
    headings = [t for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open"]
    # A heading may show a manifest string inside its text; it must not be one of the payloads'.
    assert not [h.content for h in headings if h.content.startswith("p-")]
    shown = " ".join(t.content for t in tokens if t.type in ("text", "code_inline", "fence"))
    assert [name for name in MARKDOWN if name not in shown] == []


def _terminal_holds_no_controls(text: str) -> None:
    bad = [
        f"U+{ord(c):04X}"
        for c in text
        if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
    ]
    assert bad == []
    assert [name for name in TERMINAL if name not in text] == []


def test_the_markdown_review_holds_no_forged_structure(capsys, folder: Path) -> None:  # type: ignore[no-untyped-def]
    assert len(free_text_fields()) >= 30
    _markdown_holds_no_forged_structure(_check(capsys, folder, MARKDOWN, "-f", "markdown"))


def test_the_markdown_skew_report_holds_no_forged_structure(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _markdown_holds_no_forged_structure(_skew(capsys, tmp_path, MARKDOWN, "-f", "markdown"))


@pytest.mark.parametrize("color", ["never", "always"])
def test_the_terminal_review_shows_controls_instead_of_acting_on_them(
    capsys, folder: Path, color: str
) -> None:  # type: ignore[no-untyped-def]
    out = _check(capsys, folder, TERMINAL, "--color", color, "--width", "120")
    if color == "never":
        assert "\x1b" not in out
    _terminal_holds_no_controls(SGR.sub("", out))


def test_the_terminal_skew_report_shows_controls_instead_of_acting_on_them(
    capsys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _terminal_holds_no_controls(_skew(capsys, tmp_path, TERMINAL, "-f", "terminal"))
