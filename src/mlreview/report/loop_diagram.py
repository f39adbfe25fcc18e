"""Draw a feedback loop: its steps in a row, the last feeding back into the first."""

from __future__ import annotations

from typing import Any

from mlreview.document.blocks import Loop
from mlreview.report._escape import mermaid_label

STATUS = {
    "ok": ("#f8f9fa", "#868e96"),
    "risk": ("#fff0db", "#d9480f"),
    "added": ("#ebfbee", "#2b8a3e"),
}
BOX_W, BOX_H, GAP, PAD = 132, 46, 18, 10


def _words(label: str, width: int = 21) -> list[str]:
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line][:3]


def loop_layout(loop: Loop) -> dict[str, Any]:
    steps = loop.steps
    boxes: list[dict[str, Any]] = []
    for i, step in enumerate(steps):
        fill, stroke = STATUS[step.status]
        x = PAD + i * (BOX_W + GAP)
        boxes.append(
            {"x": x, "y": PAD, "fill": fill, "stroke": stroke, "lines": _words(step.label)}
        )
    arrows = [
        {"x1": b["x"] + BOX_W, "x2": b["x"] + BOX_W + GAP, "y": PAD + BOX_H / 2} for b in boxes[:-1]
    ]
    width = PAD * 2 + len(steps) * (BOX_W + GAP) - GAP
    back = None
    if len(boxes) > 1:
        x1, x2, y = boxes[-1]["x"] + BOX_W / 2, boxes[0]["x"] + BOX_W / 2, PAD + BOX_H
        back = f"M{x1:.0f},{y:.0f} C{x1:.0f},{y + 40:.0f} {x2:.0f},{y + 40:.0f} {x2:.0f},{y:.0f}"
    return {
        "width": width,
        "height": PAD * 2 + BOX_H + 36,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "boxes": boxes,
        "arrows": arrows,
        "back": back,
    }


def loop_mermaid(loop: Loop) -> str:
    steps = loop.steps
    lines = ["flowchart LR"]
    for i, step in enumerate(steps):
        lines.append(f'    s{i:02d}["{mermaid_label(step.label)}"]')
    for i in range(len(steps) - 1):
        lines.append(f"    s{i:02d} --> s{i + 1:02d}")
    if len(steps) > 1:
        lines.append(f"    s{len(steps) - 1:02d} -.-> s00")
    lines += [
        "    classDef risk fill:#fff0db,stroke:#d9480f",
        "    classDef added fill:#ebfbee,stroke:#2b8a3e",
    ]
    for status in ("risk", "added"):
        marked = [f"s{i:02d}" for i, s in enumerate(steps) if s.status == status]
        if marked:
            lines.append(f"    class {','.join(marked)} {status}")
    return "\n".join(lines)
