"""Distances between two column profiles, as effect sizes, and a significance guard.

Numeric columns are compared through their quantile sketches: the two CDFs are evaluated on the
union of both sketches' bucket values. Wasserstein-1 is divided by the reference spread, so it
reads as "shifted by this many standard deviations". PSI and Jensen-Shannon use ten bins cut at
the reference deciles. Categorical columns compare the shares of their frequent values, with
everything else pooled as one 'other' value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from mlreview.datasets.profile import ColumnProfile

EPS = 1e-4
OTHER = "\x00other"


@dataclass(frozen=True)
class Distances:
    wasserstein: float | None = None
    psi: float | None = None
    js: float | None = None
    ks: float | None = None
    linf: float | None = None
    p_value: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {k: (round(v, 6) if v is not None else None) for k, v in asdict(self).items()}


EFFECT_SIZES = ("wasserstein", "psi", "js", "ks", "linf")
"""The distances that have a threshold (Thresholds has a field of each name)."""


def cdf(col: ColumnProfile, grid: np.ndarray) -> np.ndarray:
    values, counts = col.sketch.support()
    if counts.size == 0:
        return np.zeros_like(grid)
    cum = np.cumsum(counts) / counts.sum()
    index = np.searchsorted(values, grid, side="right") - 1
    return np.where(index >= 0, cum[np.clip(index, 0, cum.size - 1)], 0.0)


def spread(col: ColumnProfile) -> float:
    """The reference spread Wasserstein is divided by: the standard deviation, else the IQR,
    else the magnitude of the mean, else 1."""
    std = col.moments.std
    if std > 0:
        return std
    q1, q3 = col.sketch.quantile(0.25), col.sketch.quantile(0.75)
    if q1 is not None and q3 is not None and q3 > q1:
        return (q3 - q1) / 1.349
    return abs(col.moments.mean) or 1.0


def _psi_js(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    p = np.clip(p, EPS, None)
    q = np.clip(q, EPS, None)
    p, q = p / p.sum(), q / q.sum()
    psi = float(np.sum((q - p) * np.log(q / p)))
    m = (p + q) / 2
    js = 0.5 * float(np.sum(p * np.log2(p / m))) + 0.5 * float(np.sum(q * np.log2(q / m)))
    return psi, math.sqrt(max(js, 0.0))


def ks_p_value(d: float, n1: int, n2: int) -> float:
    """Asymptotic two-sample Kolmogorov-Smirnov p-value."""
    if n1 == 0 or n2 == 0 or d <= 0:
        return 1.0
    n = n1 * n2 / (n1 + n2)
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    total = sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return float(min(1.0, max(0.0, 2 * total)))


def numeric(ref: ColumnProfile, cur: ColumnProfile) -> Distances:
    if ref.sketch.n == 0 or cur.sketch.n == 0:
        return Distances()
    grid = np.union1d(ref.sketch.support()[0], cur.sketch.support()[0])
    f_ref, f_cur = cdf(ref, grid), cdf(cur, grid)
    gaps = np.abs(f_ref - f_cur)
    ks = float(gaps.max())
    if math.isfinite(float(grid[-1]) - float(grid[0])):
        wasserstein = float(np.sum(gaps[:-1] * np.diff(grid))) / spread(ref)
    else:  # steps between values near +-1.8e308 overflow: sum them in halves
        wasserstein = 2.0 * float(np.sum(gaps[:-1] * np.diff(grid / 2.0))) / spread(ref)
    edges = np.unique(
        [q for q in (ref.sketch.quantile(i / 10) for i in range(1, 10)) if q is not None]
    )
    if edges.size:
        p = np.diff(np.concatenate([[0.0], cdf(ref, edges), [1.0]]))
        q = np.diff(np.concatenate([[0.0], cdf(cur, edges), [1.0]]))
        psi, js = _psi_js(p, q)
    else:
        psi, js = 0.0, 0.0
    return Distances(wasserstein, psi, js, ks, None, ks_p_value(ks, ref.sketch.n, cur.sketch.n))


def shares(col: ColumnProfile, normalise: bool = False) -> dict[object, float]:
    """Share of each frequent value among non-null values, the rest pooled as OTHER."""
    total = col.values
    out: dict[object, float] = {}
    for value, count in col.top.counts.items():
        key = normal_text(value) if normalise else value
        out[key] = out.get(key, 0.0) + count / total if total else 0.0
    kept = sum(out.values())
    if kept < 1 - 1e-12:
        out[OTHER] = out.get(OTHER, 0.0) + 1 - kept
    return out


def normal_text(value: object) -> object:
    """A string as it compares after case, whitespace and separator normalisation."""
    if not isinstance(value, str):
        return value
    return " ".join(value.lower().replace("-", " ").replace("_", " ").replace(".", " ").split())


def categorical(ref: ColumnProfile, cur: ColumnProfile, normalise: bool = False) -> Distances:
    if ref.values == 0 or cur.values == 0:
        return Distances()
    p, q = shares(ref, normalise), shares(cur, normalise)
    keys = sorted(set(p) | set(q), key=repr)
    pv = np.array([p.get(k, 0.0) for k in keys])
    qv = np.array([q.get(k, 0.0) for k in keys])
    diff = np.abs(pv - qv)
    linf = float(diff.max())
    psi, js = _psi_js(pv, qv)
    worst = int(diff.argmax())
    pooled = (pv[worst] * ref.values + qv[worst] * cur.values) / (ref.values + cur.values)
    se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / ref.values + 1 / cur.values))
    z = linf / se
    p_value = math.erfc(z / math.sqrt(2))
    return Distances(None, psi, js, None, linf, p_value)
