"""Issue 17: the HTML reports, loaded in a real browser (headless Chromium driven by Playwright),
run nothing a manifest or a data file says and fetch nothing from the network.

Every free-text string field of the card-fraud manifest holds every hostile payload below
(tests/hostile.py finds those fields). A payload that ran would set `window.__pwned` or the
title, open a dialog, or make a request; every request is logged and only the page itself and
`data:` URLs are allowed. The payloads must also appear on the page as text, so a report that
dropped them would fail too. A control page holding the same payloads unescaped shows that this
harness sees each kind.

Needs Chromium (Debian's `chromium`, which `.ci/run` installs when it runs as root); without it
the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mlreview.cli import main
from tests.conftest import ROOT
from tests.hostile import free_text_fields, hostile_manifest

CHROMIUM = os.environ.get("MLREVIEW_CHROMIUM") or shutil.which("chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Each payload carries its name, found on the page as text when it was shown inertly.
PAYLOADS = {
    "p-script": "<script>window.__pwned='p-script';document.title='pwned'</script>",
    "p-onerror": "<img src=x onerror=\"window.__pwned='p-onerror'\">",
    "p-img": "<img src=http://evil.example/p-img.png>",
    "p-svg": "<svg onload=\"window.__pwned='p-svg'\"></svg>",
    "p-attr": '" onmouseover="window.__pwned=\'p-attr\'" x="',
    "p-apos": "' autofocus onfocus='window.__pwned=`p-apos`' x='",
    "p-quote": "\"><script>fetch('http://evil.example/p-quote')</script>",
    "p-href": "<a href=\"javascript:window.__pwned='p-href'\">p-href</a>",
    "p-style": "</style><script>window.__pwned='p-style'</script>",
    "p-title": "</title><script>window.__pwned='p-title'</script>",
    "p-css": "<style>body{background:url(http://evil.example/p-css.png)}</style>",
    "p-css-value": "red;background-image:url('http://evil.example/p-css-value.png')",
    "p-import": "@import url(http://evil.example/p-import.css);",
    "p-link": '<link rel=stylesheet href="http://evil.example/p-link.css">',
    "p-iframe": '<iframe src="http://evil.example/p-iframe"></iframe>',
    "p-object": '<object data="http://evil.example/p-object"></object>',
    "p-refresh": '<meta http-equiv="refresh" content="0;url=http://evil.example/p-refresh">',
    "p-base": '<base href="http://evil.example/p-base/">',
    "p-body": "<body onload=\"window.__pwned='p-body'\">",
    "p-details": "<details open ontoggle=\"window.__pwned='p-details'\">",
    "p-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='p-mxss'\">",
    "p-svg-text": "</text></svg><svg><script>window.__pwned='p-svg-text'</script></svg>",
    "p-mrm": "%%{init: {'securityLevel': 'loose'}}%%\nclick A \"javascript:alert(1)\" p-mrm",
    "p-fence": "\n```\n<img src=http://evil.example/p-fence.png>\n```mermaid\n",
    "p-alert": "<img src=x onerror=alert('p-alert')>",
}
HOSTILE = " ".join(PAYLOADS.values())
# Requests a page of the report may make: itself, and data: URLs.
ALLOWED = ("data:",)


@dataclass
class Visit:
    """What one page did in the browser."""

    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    pwned: Any = None
    title: str = ""
    text: str = ""
    url: str = ""
    live: list[str] = field(default_factory=list)
    written_title: str = ""


# The title as the file writes it, parsed apart from the page, so a script that changed it shows.
WRITTEN_TITLE = """(html) => new DOMParser().parseFromString(html, 'text/html').title"""
LIVE = """() => {
  const LIVE_TAGS = ['script', 'iframe', 'object', 'embed', 'base', 'link', 'form'];
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (LIVE_TAGS.includes(tag)) out.push(tag);
    // The one meta http-equiv the report writes is its own policy, in the head.
    const policy = el.parentElement === document.head
      && el.getAttribute('http-equiv') === 'Content-Security-Policy';
    if (tag === 'meta' && el.getAttribute('http-equiv') && !policy) out.push('meta http-equiv');
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on')) out.push(tag + ' ' + attr);
      const value = (el.getAttribute(attr) || '').trim().toLowerCase();
      if (value.startsWith('javascript:')) out.push(tag + ' ' + attr + '=javascript:');
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        reason = "no chromium on PATH (apt-get install chromium, or set MLREVIEW_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser test")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def visit(browser: Any, page_file: Path) -> Visit:
    seen = Visit()
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    own = page_file.resolve().as_uri()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == own or url.startswith(ALLOWED):
            request_route.continue_()
        else:
            seen.requests.append(url)
            request_route.abort()

    def dialog(opened: Any) -> None:
        seen.dialogs.append(opened.message)
        opened.dismiss()

    context.route("**/*", route)
    page.on("dialog", dialog)
    page.goto(own, wait_until="load")
    page.wait_for_load_state("networkidle")  # image errors and timers have run
    seen.pwned = page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
    seen.title = page.title()
    seen.written_title = page.evaluate(WRITTEN_TITLE, page_file.read_text("utf-8"))
    seen.text = page.evaluate("() => document.documentElement.textContent")
    seen.url = page.url
    seen.live = page.evaluate(LIVE)
    context.close()
    return seen


@pytest.fixture(scope="module")
def hostile_review(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "examples" / "card-fraud", folder, dirs_exist_ok=True)
    (folder / "hostile.yaml").write_text(hostile_manifest(HOSTILE), encoding="utf-8")
    page_file = folder / "review.html"
    code = main(["check", str(folder / "hostile.yaml"), "-f", "html", "-o", str(page_file)])
    assert code in (0, 1)
    return page_file, len(free_text_fields())


def _inert(seen: Visit, page_file: Path) -> None:
    assert seen.requests == []
    assert seen.dialogs == []
    assert seen.pwned is None
    assert seen.title == seen.written_title
    assert seen.url == page_file.resolve().as_uri()
    assert seen.live == []


def test_the_review_page_runs_and_fetches_nothing_from_the_manifest(
    browser: Any, hostile_review: tuple[Path, int]
) -> None:
    page_file, fields = hostile_review
    assert fields >= 30  # the free-text fields of card-fraud: names, descriptions, notes, ...
    seen = visit(browser, page_file)
    _inert(seen, page_file)
    assert [name for name in PAYLOADS if name not in seen.text] == []


def test_the_skew_page_runs_and_fetches_nothing_from_the_data(browser: Any, tmp_path: Path) -> None:
    rows = 200
    names = {f"c{i}{payload}": i for i, payload in enumerate(PAYLOADS.values())}
    training = pl.DataFrame({name: [float(j % 7) for j in range(rows)] for name in names})
    serving = training.with_columns(
        pl.Series(next(iter(names)), [list(PAYLOADS.values())[j % 5] for j in range(rows)])
    )
    training.write_parquet(tmp_path / "t.parquet")
    serving.write_parquet(tmp_path / "s.parquet")
    page_file = tmp_path / "skew.html"
    assert (
        main(
            ["skew", str(tmp_path / "t.parquet"), str(tmp_path / "s.parquet"), "-o", str(page_file)]
        )
        == 0
    )
    seen = visit(browser, page_file)
    _inert(seen, page_file)
    assert [name for name in PAYLOADS if name not in seen.text] == []


def test_the_harness_sees_each_kind_of_injection(browser: Any, tmp_path: Path) -> None:
    """The same payloads, unescaped, are caught: a script ran, a dialog opened, a request left
    the page, a live element was found, or (the refresh) the page navigated away."""
    page_file = tmp_path / "raw.html"

    def page(payloads: list[str]) -> Visit:
        page_file.write_text(
            "<!doctype html><html><head><title>raw</title><style>p{}</style></head><body>"
            + "".join(f"<div>{payload}</div>" for payload in payloads)
            + "</body></html>",
            encoding="utf-8",
        )
        return visit(browser, page_file)

    # The alert first: the mXSS payload turns what follows it into style text.
    staying = [PAYLOADS["p-alert"], *(v for k, v in PAYLOADS.items() if k != "p-refresh")]
    seen = page(staying)
    assert seen.pwned is not None and seen.title == "pwned" != seen.written_title
    assert "p-alert" in seen.dialogs
    assert any("evil.example/p-img" in url for url in seen.requests)
    assert {"script", "iframe", "object", "link", "base", "img onerror"} <= set(seen.live)
    assert page([PAYLOADS["p-refresh"]]).url != page_file.resolve().as_uri()
