"""Settings for `mlreview check` from a configuration file and the command line.

The file is ``mlreview.toml`` (keys at its top level) or ``pyproject.toml`` (keys under
``[tool.mlreview]``), the first found walking up from the manifest's folder to the repository's
root (the folder holding .git), ``mlreview.toml`` first in a folder; or the one ``--config``
names. A flag given on the command line overrides the file. Every setting remembers where it
came from, for ``--show-config``. Unknown keys and bad values are input errors naming the file
and line (tomllib gives no positions, so the line is the key's first assignment in the text)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlreview.cli._common import SEVERITIES
from mlreview.problems import InputError

if TYPE_CHECKING:
    import tomllib

PYPROJECT = "pyproject.toml"
OWN_FILE = "mlreview.toml"
TABLE = "tool.mlreview"
DEFAULT = "default"


@dataclass(frozen=True)
class Source:
    """A configuration file: its path, its text, and the table that holds the settings."""

    path: Path
    text: str
    table: dict[str, Any]
    section: str  # "[tool.mlreview]" or "" for mlreview.toml

    @property
    def where(self) -> str:
        return f"{self.path} {self.section}".rstrip()

    def line_of(self, key: str) -> int:
        """The line that first assigns ``key`` in the settings' table (or opens a table named
        by it); else the table's header line, else 1."""
        header = re.compile(r"^\s*\[\[?([^\]]+)\]")
        assign = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
        inside, found = not self.section, 1
        for number, line in enumerate(self.text.splitlines(), start=1):
            opened = header.match(line)
            if opened is None:
                if inside and assign.match(line):
                    return number
                continue
            name = re.sub(r"[\s\"']", "", opened[1])
            if self.section:
                inside = name == TABLE or name.startswith(f"{TABLE}.")
                found = number if name == TABLE and found == 1 else found
                name = name.removeprefix(f"{TABLE}.")
            if inside and (name == key or name.startswith(f"{key}.")):
                return number
        return found

    def error(self, key: str, message: str) -> InputError:
        return InputError.single(str(self.path), message, self.line_of(key))


@dataclass
class Settings:
    """The effective settings, each with where it came from."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    file: Source | None = None

    def get(self, key: str) -> Any:
        return self.values[key]

    def set(self, key: str, value: Any, origin: str) -> None:
        self.values[key] = value
        self.origins[key] = origin


def _guess(word: str, known: list[str]) -> str:
    found = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"; did you mean {found[0]!r}?" if found else f"; expected one of: {', '.join(known)}"


def _strings(value: Any, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ValueError(f"{key}: expected a list of rule codes, prefixes or names")
    return tuple(v.strip() for item in items for v in item.split(",") if v.strip())


def _rules(value: Any, key: str) -> tuple[str, ...]:
    from mlreview.engine.rules import every_rule

    selectors = _strings(value, key)
    rules = every_rule()
    names = [r.code for r in rules] + [r.name for r in rules]
    for sel in selectors:
        if not any(r.matches(sel) for r in rules):
            close = difflib.get_close_matches(sel, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{key}: {sel!r} matches no rule code, code prefix or name{hint}")
    return selectors


def _choice(choices: tuple[str, ...]) -> Callable[[Any, str], str]:
    def parse(value: Any, key: str) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{key}: unknown value {value!r}{_guess(str(value), list(choices))}")
        return value

    return parse


def _growth(value: Any, key: str) -> float:
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip().lower().removesuffix("x"))
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number <= 1000:
        raise ValueError(f"{key}: expected a multiplier between 0 and 1000, such as 10 or '10x'")
    return float(number)


def _thresholds(value: Any, key: str) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    from mlreview.areas.skew.data_check import RULE, THRESHOLD_NAMES
    from mlreview.engine.rules import find

    with_thresholds = {RULE: THRESHOLD_NAMES}
    if not isinstance(value, dict):
        raise ValueError(f"{key}: expected a table of rules, such as [{key}.{RULE}]")
    out = []
    for ident, limits in value.items():
        rule = find(ident)
        if rule is None or rule.code not in with_thresholds:
            known = sorted(with_thresholds)
            what = "no rule has that code or name" if rule is None else "has no thresholds"
            raise ValueError(f"{key}.{ident}: {what}; rules with thresholds: {', '.join(known)}")
        names = with_thresholds[rule.code]
        if not isinstance(limits, dict):
            raise ValueError(f"{key}.{ident}: expected a table of {', '.join(names)}")
        pairs = []
        for name, number in limits.items():
            if name not in names:
                raise ValueError(
                    f"{key}.{ident}: unknown threshold {name!r}{_guess(name, list(names))}"
                )
            if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
                raise ValueError(f"{key}.{ident}.{name}: expected a number of at least 0")
            pairs.append((name, float(number)))
        out.append((rule.code, tuple(sorted(pairs))))
    return tuple(sorted(out))


def _path(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: expected a file path")
    return value


@dataclass(frozen=True)
class Key:
    """One setting: its key in the file, the flag that overrides it, its default and reader
    (docs/ci.md describes each)."""

    name: str
    flag: str | None
    default: Any
    parse: Callable[[Any, str], Any]


def keys(formats: tuple[str, ...]) -> tuple[Key, ...]:
    return (
        Key("select", "--select", (), _rules),
        Key("ignore", "--ignore", (), _rules),
        Key("fail-on", "--fail-on", None, _choice(SEVERITIES)),
        Key("baseline", "--baseline", None, _path),
        Key("format", "--format", None, _choice(formats)),
        Key("growth-target", None, 10.0, _growth),
        Key("thresholds", None, (), _thresholds),
    )


def _toml_problem(exc: tomllib.TOMLDecodeError, text: str, path: Path) -> InputError:
    """tomllib's message with its position as the file:line:column of every other problem."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if found:
        line, col = int(found[1]), int(found[2])
    else:  # "(at end of document)"
        line, col = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    return InputError.single(str(path), f"not TOML: {message}", line, col)


def _read(path: Path) -> Source | None:
    """The configuration in ``path``; None for a pyproject.toml without [tool.mlreview]."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(str(path), "no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(str(path), f"cannot read the configuration: {exc}") from None
    import tomllib  # only where there is a configuration file: 2-4 ms of start-up otherwise

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_problem(exc, text, path) from None
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("mlreview")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise InputError.single(str(path), "[tool.mlreview]: expected a table")
        return Source(path, text, table, "[tool.mlreview]")
    return Source(path, text, data, "")


def discover(start: Path) -> Source | None:
    """The first configuration walking up from ``start`` (a folder) to the repository root."""
    folder = start.resolve()
    for here in (folder, *folder.parents):
        for name in (OWN_FILE, PYPROJECT):
            candidate = here / name
            if candidate.is_file():
                found = _read(candidate)
                if found is not None:
                    return found
        if (here / ".git").exists():
            return None
    return None


def resolve(
    start: Path,
    explicit: Path | None,
    flags: dict[str, Any],
    formats: tuple[str, ...],
    defaults: dict[str, Any] | None = None,
) -> Settings:
    """The effective settings: defaults (the command's own ones first), then the file's, then
    the flags given (not None and not empty)."""
    if explicit is not None:
        source = _read(explicit)
        if source is None:
            raise InputError.single(str(explicit), "has no [tool.mlreview] table")
    else:
        source = discover(start)
    known = keys(formats)
    settings = Settings(file=source)
    own = defaults or {}
    for k in known:
        settings.set(k.name, own.get(k.name, k.default), DEFAULT)
    if source is not None:
        _apply_file(settings, source, known)
    for k in known:
        given = flags.get(k.name)
        if k.flag is not None and given not in (None, (), []):
            settings.set(k.name, given, k.flag)
    return settings


def _apply_file(settings: Settings, source: Source, known: tuple[Key, ...]) -> None:
    names = [k.name for k in known]
    for key in source.table:
        if key not in names:
            table = source.section or OWN_FILE
            raise source.error(key, f"{table}: unknown key {key!r}{_guess(key, names)}")
    for k in known:
        if k.name not in source.table:
            continue
        try:
            value = k.parse(source.table[k.name], k.name)
        except ValueError as exc:
            raise source.error(k.name, str(exc)) from None
        if k.name == "baseline":
            value = source.path.parent / value
        settings.set(k.name, value, source.where)


def _toml(value: Any) -> str:
    """A setting's value as TOML (strings, numbers, lists, and rule thresholds inline)."""
    if isinstance(value, str | Path):
        return json.dumps(str(value))
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else f"{value:.1f}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


UNSET = {
    "fail-on": "never fail on findings",
    "baseline": "report every finding",
    "format": "from -o's suffix, else terminal",
}


def describe(settings: Settings) -> str:
    """The effective settings as TOML, each line saying where its value came from."""
    source = settings.file
    lines = [
        "# mlreview check: effective settings",
        f"# configuration: {source.where if source else 'none found'}",
    ]
    for key, value in settings.values.items():
        origin = settings.origins[key]
        if value is None:
            lines.append(f"# {key} is not set ({origin}): {UNSET[key]}")
        elif key == "thresholds":
            rules = ", ".join(
                f"{code} = {{ {', '.join(f'{n} = {_toml(v)}' for n, v in limits)} }}"
                for code, limits in value
            )
            lines.append(f"thresholds = {f'{{ {rules} }}' if rules else '{}'}  # {origin}")
        else:
            lines.append(f"{key} = {_toml(value)}  # {origin}")
    return "\n".join(lines) + "\n"
