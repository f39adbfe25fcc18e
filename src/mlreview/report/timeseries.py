"""Latency and replicas over time, as geometry for an inline SVG chart."""

from __future__ import annotations

from typing import Any

from mlreview.document.blocks import Chart

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 660, 200, 72, 52, 12, 28


def _scale(values: list[float]) -> float:
    top = max(values) if values else 1.0
    return top if top > 0 else 1.0


def chart(block: Chart) -> dict[str, Any]:
    """Two polylines on a shared x axis: the left series on the left scale, the right series on
    the right scale."""
    left, right = block.left.points, block.right.points
    if not left:
        return {"width": W, "height": H, "latency": "", "replicas": "", "ticks": []}
    t_max = max(t for t, _ in left) or 1.0
    lat_max = _scale([v for _, v in left])
    rep_max = _scale([v for _, v in right])
    inner_w, inner_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(t: float) -> float:
        return PAD_L + inner_w * t / t_max

    def y(v: float, top: float) -> float:
        return PAD_T + inner_h * (1 - v / top)

    latency = " ".join(f"{x(t):.1f},{y(v, lat_max):.1f}" for t, v in left)
    replicas = " ".join(f"{x(t):.1f},{y(v, rep_max):.1f}" for t, v in right)
    unit = block.x_unit
    ticks = [
        {"x": round(x(t_max * i / 4), 1), "label": f"{t_max * i / 4:.0f}{unit}"} for i in range(5)
    ]
    return {
        "width": W,
        "height": H,
        "left": PAD_L,
        "right": W - PAD_R,
        "top": PAD_T,
        "bottom": H - PAD_B,
        "latency": latency,
        "replicas": replicas,
        "latency_max": f"{lat_max:,.0f} {block.left.unit}".rstrip(),
        "replicas_max": f"{rep_max:,.0f} {block.right.unit}".rstrip(),
        "ticks": ticks,
    }
