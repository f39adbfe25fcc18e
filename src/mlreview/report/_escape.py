"""Escaping text that came from a manifest or a data file for where it lands, so no input can
forge what a reader sees: Markdown syntax, a Mermaid block, a terminal's control sequences."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*[]<>|#~"})
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def _escape_code(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Control characters (escape sequences, carriage returns, bidirectional overrides) shown
    as escapes such as ``\\x1b`` instead of acted on; line breaks become ``\\n``."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _BIDI or (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\t"):
            out.append(_escape_code(ch))
        else:
            out.append(ch)
    return "".join(out)


def markdown_text(text: str) -> str:
    """Text in a paragraph, list item or table cell: Markdown syntax escaped, on one line."""
    return visible(_one_line(text)).translate(_MARKDOWN)


def markdown_code(text: str) -> str:
    """A code span holding text literally: backslash escapes do not work inside code spans, so
    the fence is one backtick longer than any run of backticks in the text."""
    text = visible(_one_line(text))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_link(title: str, url: str) -> str:
    """A link to an https page: the title escaped as text, the address with every character
    that could end or re-open the destination (spaces, parentheses, angle brackets, quotes,
    backslashes) percent-encoded. Any other scheme is shown as text, not linked."""
    if not url.startswith("https://"):
        return f"{markdown_text(title)} ({markdown_code(url)})"
    return f"[{markdown_text(title)}]({quote(visible(_one_line(url)), safe=_URL_SAFE)})"


_URL_SAFE = "/:?#&=%+@!$*,;~-._[]"
"""Characters kept as they are in a link's address; everything else is percent-encoded."""


def mermaid_label(text: str) -> str:
    """A label inside a quoted Mermaid node: one line, no quote, backtick or markup."""
    text = visible(_one_line(text))
    for raw, code in (("&", "#amp;"), ('"', "#quot;"), ("`", "#96;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(raw, code)
    return text
