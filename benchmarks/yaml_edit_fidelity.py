"""What an in-place YAML edit keeps of the rest of a file: mlreview's edits (placed by the
parser's own node marks) against a round trip through ruamel.yaml, the usual round-trip library.

Run with `python -m benchmarks.yaml_edit_fidelity` (ruamel.yaml comes with the `bench` extra).
Each single-document YAML mapping among the examples, the rule-case base manifest and the shared
artefacts (../shared/artefacts, when present) gets one new top-level key; a file counts as kept
when every one of its original lines is still in the output, in order. ruamel is run as a careful
user would: quotes preserved, no line wrapping, and the indentation that best round-trips the
file (mapping 2, sequence 4, offset 2 first, then 2/2/0).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from mlreview.draft.yaml_edit import set_value

try:
    from ruamel.yaml import YAML
except ImportError:  # only the bench extra installs it
    YAML = None

ROOT = Path(__file__).resolve().parent.parent
INDENTS = ((2, 4, 2), (2, 2, 0))


def corpus() -> list[tuple[str, str]]:
    files = [*sorted(ROOT.glob("examples/*/system.yaml")), ROOT / "tests/rules/base.yaml"]
    shared = next(
        (p / "shared" / "artefacts" for p in ROOT.parents if (p / "shared").is_dir()), None
    )
    if shared is not None and shared.is_dir():
        files += sorted(p for p in shared.rglob("*") if p.suffix in (".yaml", ".yml"))
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue  # invalid upstream, or CloudFormation tags: neither tool edits those
        if len(docs) == 1 and isinstance(docs[0], dict) and "mlreview_probe" not in docs[0]:
            found.append((str(path.relative_to(path.parents[1])), text))
    return found


def kept(before: str, after: str) -> bool:
    """Whether every line of ``before`` is in ``after``, in order (new lines may come between)."""
    lines = iter(after.splitlines())
    return all(any(line == other for other in lines) for line in before.splitlines())


def mlreview_edit(text: str) -> str:
    return set_value(text, "f.yaml", ("mlreview_probe",), 1, "probe")


def ruamel_edit(text: str) -> str:
    best = ""
    for mapping, sequence, offset in INDENTS:
        editor: Any = YAML()
        editor.preserve_quotes = True
        editor.width = 100_000
        editor.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = editor.load(text)
        data["mlreview_probe"] = 1
        out = io.StringIO()
        editor.dump(data, out)
        best = out.getvalue()
        if kept(text, best):
            break
    return best


def main() -> None:
    if YAML is None:
        sys.exit("ruamel.yaml is not installed: pip install -e '.[bench]'")
    files = corpus()
    print(f"{len(files)} single-document YAML mappings")
    print(f"{'edit':<28}{'files kept whole':>18}{'lines lost':>12}{'median ms':>11}")
    for name, edit in (
        ("mlreview (node marks)", mlreview_edit),
        ("ruamel.yaml round trip", ruamel_edit),
    ):
        whole, lost, times = 0, 0, []
        for _, text in files:
            start = time.perf_counter()
            after = edit(text)
            times.append((time.perf_counter() - start) * 1000)
            whole += kept(text, after)
            lost += len(set(text.splitlines()) - set(after.splitlines()))
        print(
            f"{name:<28}{f'{whole} of {len(files)}':>18}{lost:>12}{statistics.median(times):>11.1f}"
        )


if __name__ == "__main__":
    main()
