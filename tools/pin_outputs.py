"""Write every example's outputs in every format to a folder, to diff before and after a change
that should not alter them: `python -m tools.pin_outputs OUT` then `diff -r BEFORE AFTER`.

Runs the installed `mlreview` command from the repository root, so paths in the outputs are the
same as a user's from there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/system.yaml"))
CARD = "examples/card-fraud"
RUNS: list[tuple[str, list[str]]] = []
for name in EXAMPLES:
    manifest = f"examples/{name}/system.yaml"
    for fmt in ("terminal", "markdown", "json", "sarif", "html"):
        RUNS.append((f"{name}.check.{fmt}", ["check", manifest, "-f", fmt]))
    RUNS.append((f"{name}.check-noq.terminal", ["check", manifest, "--no-questions"]))
    RUNS.append((f"{name}.check-w60.terminal", ["check", manifest, "--width", "60"]))
    for fmt in ("terminal", "markdown", "json"):
        RUNS.append((f"{name}.capacity.{fmt}", ["capacity", manifest, "-f", fmt]))
    RUNS.append((f"{name}.capacity-20x.terminal", ["capacity", manifest, "--traffic", "20x"]))
for fmt in ("terminal", "markdown", "json", "html"):
    pair = [f"{CARD}/data/training.csv", f"{CARD}/data/serving.csv"]
    RUNS.append((f"skew.{fmt}", ["skew", *pair, "-f", fmt]))
    RUNS.append((f"skew-key.{fmt}", ["skew", *pair, "-f", fmt, "--key", "request_id"]))
for fmt in ("text", "markdown", "json"):
    RUNS.append((f"rules.{fmt}", ["rules", "-f", fmt]))
RUNS.append(("rule-SKEW003.text", ["rule", "SKEW003"]))
RUNS.append(("schema.json", ["schema"]))
RUNS.append(("schema.markdown", ["schema", "-f", "markdown"]))
RUNS.append(
    (
        "init-from-text.yaml",
        ["init", "--from-text", "tests/from_text/dev/07-onprem-fraud.txt", "-o", "-"],
    )
)
RUNS.append(
    (
        "check-from-text.terminal",
        ["check", "--from-text", "tests/from_text/dev/07-onprem-fraud.txt"],
    )
)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).parent / "mlreview"
    for name, args in RUNS:
        done = subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, check=False)
        (out / name).write_bytes(
            done.stdout + f"\n--- exit {done.returncode}\n".encode() + done.stderr
        )
    print(f"{len(RUNS)} outputs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
