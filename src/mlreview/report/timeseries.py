"""Latency and replicas over time, as geometry for an inline SVG chart."""

from __future__ import annotations

from typing import Any

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 660, 200, 72, 52, 12, 28


def _scale(values: list[float]) -> float:
    top = max(values) if values else 1.0
    return top if top > 0 else 1.0


def chart(series: list[dict[str, float]]) -> dict[str, Any]:
    """Two polylines on a shared time axis: p99 (left scale, ms) and ready replicas (right)."""
    if not series:
        return {"width": W, "height": H, "latency": "", "replicas": "", "ticks": []}
    t_max = max(p["t"] for p in series) or 1.0
    lat_max = _scale([p["p99_ms"] for p in series])
    rep_max = _scale([p["replicas"] for p in series])
    inner_w, inner_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(t: float) -> float:
        return PAD_L + inner_w * t / t_max

    def y(v: float, top: float) -> float:
        return PAD_T + inner_h * (1 - v / top)

    latency = " ".join(f"{x(p['t']):.1f},{y(p['p99_ms'], lat_max):.1f}" for p in series)
    replicas = " ".join(f"{x(p['t']):.1f},{y(p['replicas'], rep_max):.1f}" for p in series)
    ticks = [{"x": round(x(t_max * i / 4), 1), "label": f"{t_max * i / 4:.0f}s"} for i in range(5)]
    return {
        "width": W,
        "height": H,
        "left": PAD_L,
        "right": W - PAD_R,
        "top": PAD_T,
        "bottom": H - PAD_B,
        "latency": latency,
        "replicas": replicas,
        "latency_max": f"{lat_max:,.0f} ms",
        "replicas_max": f"{rep_max:,.0f}",
        "ticks": ticks,
    }
