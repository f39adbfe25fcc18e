"""Two distributions over the same bins as geometry for an inline SVG: overlaid outlines for
numeric bins, side-by-side bars for categories."""

from __future__ import annotations

from typing import Any

from mlreview.document.blocks import Histogram

FIRST_COLOUR, SECOND_COLOUR = "#1f77b4", "#d62728"
W, H = 360, 110


def geometry(h: Histogram) -> dict[str, Any]:
    top = max([*h.first, *h.second, 1e-12])
    out: dict[str, Any] = {
        "width": W,
        "height": H,
        "polylines": [],
        "rects": [],
        "labels": [],
        "first_colour": FIRST_COLOUR,
        "second_colour": SECOND_COLOUR,
    }
    n = max(len(h.first), 1)
    step = W / n
    if h.numeric:
        for series, colour in ((h.first, FIRST_COLOUR), (h.second, SECOND_COLOUR)):
            points = [f"0,{H - 12}"]
            for i, share in enumerate(series):
                y = H - 12 - (H - 24) * share / top
                points += [f"{i * step:.1f},{y:.1f}", f"{(i + 1) * step:.1f},{y:.1f}"]
            points.append(f"{W},{H - 12}")
            out["polylines"].append({"colour": colour, "points": " ".join(points)})
        if h.labels:
            out["labels"] = [
                {"x": 0, "y": H - 1, "size": 10, "anchor": "start", "text": h.labels[0]},
                {"x": W, "y": H - 1, "size": 10, "anchor": "end", "text": h.labels[-1]},
            ]
        return out
    for i, label in enumerate(h.labels):
        for j, (series, colour) in enumerate(((h.first, FIRST_COLOUR), (h.second, SECOND_COLOUR))):
            height = (H - 24) * series[i] / top
            x = i * step + j * step * 0.4 + step * 0.1
            out["rects"].append(
                {
                    "x": f"{x:.1f}",
                    "y": f"{H - 12 - height:.1f}",
                    "w": f"{step * 0.4:.1f}",
                    "h": f"{height:.1f}",
                    "colour": colour,
                }
            )
        out["labels"].append(
            {
                "x": f"{i * step + step / 2:.1f}",
                "y": H - 1,
                "size": 9,
                "anchor": "middle",
                "text": label[:10],
            }
        )
    return out
