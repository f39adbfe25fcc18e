"""Compare a training profile with a serving profile, feature by feature, and name the causes.

A feature is `schema` when it is missing on one side or its type changed, `skew` when its
distributions differ beyond the thresholds (as effect sizes, guarded by a significance test) and
an engineering cause fits, `drift` when they differ and none does, and `ok` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

from mlreview.datasets import causes
from mlreview.datasets.causes import Cause
from mlreview.datasets.distance import (
    EFFECT_SIZES,
    OTHER,
    Distances,
    categorical,
    cdf,
    numeric,
    shares,
)
from mlreview.datasets.join import JoinReport
from mlreview.datasets.profile import ColumnProfile, Profile
from mlreview.datasets.relation import JoinedFeature

_SHARES = frozenset({"missing", "p_value"})


@dataclass(frozen=True)
class Thresholds:
    """Effect sizes above which a feature counts as changed; printed with every report."""

    wasserstein: float = 0.1
    psi: float = 0.2
    js: float = 0.1
    ks: float = 0.1
    linf: float = 0.1
    missing: float = 0.02
    p_value: float = 0.001

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_overrides(self, items: list[str]) -> Thresholds:
        """These thresholds with ``NAME=VALUE`` overrides; ValueError names a bad one."""
        names = {f.name for f in fields(Thresholds)}
        out = self
        for item in items:
            name, _, value = item.partition("=")
            if name not in names:
                raise ValueError(
                    f"{item!r}: expected NAME=VALUE with NAME one of " + ", ".join(sorted(names))
                )
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{item!r}: expected a number after '='") from None
            if not math.isfinite(number) or number < 0:
                raise ValueError(f"{item!r}: expected a finite value of at least 0")
            if name in _SHARES and number > 1:
                raise ValueError(f"{item!r}: expected a share between 0 and 1")
            out = replace(out, **{name: number})
        return out


@dataclass
class FeatureResult:
    name: str
    status: str
    distances: Distances
    causes: list[Cause] = field(default_factory=list)
    training: dict[str, Any] = field(default_factory=dict)
    serving: dict[str, Any] = field(default_factory=dict)
    importance: float | None = None
    joined: dict[str, Any] | None = None
    histogram: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "distances": self.distances.to_dict(),
            "causes": [c.to_dict() for c in self.causes],
            "training": self.training,
            "serving": self.serving,
        }
        if self.importance is not None:
            out["importance"] = self.importance
        if self.joined is not None:
            out["joined"] = self.joined
        if self.histogram is not None:
            out["histogram"] = self.histogram
        return out


def _summary(col: ColumnProfile | None) -> dict[str, Any]:
    if col is None:
        return {"present": False}
    out: dict[str, Any] = {
        "present": True,
        "type": col.dtype,
        "rows": col.count,
        "null_rate": round(col.nulls / col.count, 6) if col.count else None,
    }
    if col.kind in ("numeric", "datetime") and col.sketch.n:
        out["median"] = col.sketch.quantile(0.5)
        out["p01"], out["p99"] = col.sketch.quantile(0.01), col.sketch.quantile(0.99)
        out["mean"] = round(col.moments.mean, 6)
    if col.kind in ("string", "boolean") and col.values:
        top = sorted(col.top.counts.items(), key=lambda kv: (-kv[1], repr(kv[0])))[:3]
        out["top"] = [[v, round(c / col.values, 6)] for v, c in top]
    return out


def _changed(d: Distances, t: Thresholds, tests: int) -> list[str]:
    """The effect sizes over their thresholds, if the change is significant at p_value divided
    by the number of features tested (Bonferroni: comparing 200 features at 0.001 each would
    otherwise give one false alarm in five reports)."""
    over = []
    for name in EFFECT_SIZES:
        value, limit = getattr(d, name), getattr(t, name)
        if value is not None and value > limit:
            over.append(f"{name} {value:.3g} > {limit:g}")
    significant = d.p_value is None or d.p_value < t.p_value / max(1, tests)
    return over if significant else []


def _diagnose(
    result: FeatureResult,
    ref: ColumnProfile,
    cur: ColumnProfile,
    detectors: tuple[causes.Detector, ...],
    *,
    every: bool,
    tried: set[causes.Detector],
) -> None:
    """Add the causes ``detectors`` find, unless one already found explains them; with
    ``every`` false, stop at the first new one. Detectors in ``tried`` already ran (the same
    profiles give the same answer, and a cause they found is known), so they are skipped."""
    for detect in detectors:
        if detect in tried:
            continue
        tried.add(detect)
        hidden = {k for c in result.causes for k in causes.HIDES.get(c.kind, ())}
        known = {c.kind for c in result.causes}
        found = detect(ref, cur)
        if found is None or found.kind in hidden or found.kind in known:
            continue
        result.causes.append(found)
        if not every:
            return


BINS = 30


def _shares_on(col: ColumnProfile, edges: np.ndarray) -> np.ndarray:
    """Each bin's share; values beyond the axis count in its end bins, so a sentinel at the
    minimum (a zero count) is drawn, and the shares add up to one."""
    at = cdf(col, edges)
    shares = np.diff(at)
    shares[0] += at[0]
    shares[-1] += 1.0 - at[-1]
    return shares


def histogram(ref: ColumnProfile, cur: ColumnProfile) -> dict[str, Any] | None:
    """Both sides' shares on a common axis, for the report's overlays: 30 bins between the
    lower of the two 1st percentiles and the higher of the two 99th (numbers, timestamps), one
    bin per whole number (or per run of them) when both sides hold only whole numbers, or the
    most frequent values of either side (categories)."""
    if ref.kind in ("numeric", "datetime") and ref.sketch.n and cur.sketch.n:
        low = min(
            q for q in (ref.sketch.quantile(0.01), cur.sketch.quantile(0.01)) if q is not None
        )
        high = max(
            q for q in (ref.sketch.quantile(0.99), cur.sketch.quantile(0.99)) if q is not None
        )
        if not (np.isfinite(low) and np.isfinite(high)):
            return None  # values beyond the float range have no axis to draw
        # A range wider than the float range (values near +-1.8e308) is binned on halves, which
        # do not overflow; whole-number bins need exact integers, which floats past 2**53 are not.
        wide = not math.isfinite(float(high) - float(low))
        whole = (
            ref.kind == "numeric"
            and not wide
            and high - low < 2.0**53
            and causes.whole(ref)
            and causes.whole(cur)
        )
        if whole:
            first, last = round(low), round(high)
            step = max(1, -(-(last - first + 1) // BINS))
            edges = np.arange(first - 0.5, last + step, step, dtype=float)
        elif high <= low:
            return None
        elif wide:
            span = high / 2.0 - low / 2.0
            halves = low / 2.0 + (np.arange(BINS + 1) / BINS) * span
            edges = 2.0 * np.clip(halves, low / 2.0, high / 2.0)
        else:
            edges = np.linspace(low, high, BINS + 1)
        sides = [_shares_on(col, edges) for col in (ref, cur)]
        out: dict[str, Any] = {
            "edges": [round(float(e), 6) for e in edges],
            "training": [round(float(v), 6) for v in sides[0]],
            "serving": [round(float(v), 6) for v in sides[1]],
        }
        if whole:
            out["integer"] = True
        return out
    if ref.kind in ("string", "boolean") and cur.kind == ref.kind and ref.values and cur.values:
        p, q = shares(ref), shares(cur)
        top = sorted(set(p) | set(q), key=lambda v: (-(p.get(v, 0) + q.get(v, 0)), repr(v)))[:12]
        return {
            "values": [("(other)" if v == OTHER else v) for v in top],
            "training": [round(p.get(v, 0.0), 6) for v in top],
            "serving": [round(q.get(v, 0.0), 6) for v in top],
        }
    return None


def compare_column(
    ref: ColumnProfile, cur: ColumnProfile, t: Thresholds, tests: int = 1
) -> FeatureResult:
    result = FeatureResult(
        ref.name, "ok", Distances(), training=_summary(ref), serving=_summary(cur)
    )
    typed = causes.type_change(ref, cur)
    if typed is not None:
        result.causes.append(typed)
        result.status = "schema"
        if ref.kind != cur.kind:
            return result
    gone = causes.missing(ref, cur, t.missing)
    if gone is not None:
        result.causes.append(gone)
    numeric_kind = ref.kind in ("numeric", "datetime")
    result.distances = numeric(ref, cur) if numeric_kind else categorical(ref, cur)
    over = _changed(result.distances, t, tests)
    named = causes.identifier(ref, cur) if over else None
    if named is not None:
        result.causes.append(named)
        result.status = "drift" if result.status == "ok" else result.status
        return result
    if ref.kind == "string" and over:
        shaped = causes.case_format(ref, cur, t.linf)
        if shaped is not None:
            result.causes.append(shaped)
    first = causes.FIRST if numeric_kind else ()
    moved = (causes.NUMERIC if numeric_kind else causes.TEXT) if over else ()
    always = causes.ALWAYS if numeric_kind else causes.ALWAYS_TEXT
    if not any(c.kind == "case_format" for c in result.causes):
        tried: set[causes.Detector] = set()
        _diagnose(result, ref, cur, first, every=True, tried=tried)
        _diagnose(result, ref, cur, moved, every=False, tried=tried)
        _diagnose(result, ref, cur, always, every=True, tried=tried)
    engineered = [c for c in result.causes if c.kind != "type"]
    if over and not engineered:
        result.causes.append(
            Cause(
                "drift",
                0.5,
                f"the distribution moved ({'; '.join(over)}) without a unit, offset, default, "
                "format or cap signature",
                "Check whether the population really changed (a launch, a season, a new market); "
                "if so retrain on recent data.",
                "Monitor this feature's distribution against training and retrain on a trigger.",
            )
        )
        result.status = "drift" if result.status == "ok" else result.status
    elif engineered and result.status == "ok":
        result.status = "skew"
    return result


@dataclass
class SkewReport:
    training: Profile
    serving: Profile
    thresholds: Thresholds
    features: list[FeatureResult]
    join: JoinReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "thresholds": self.thresholds.to_dict(),
            "rows": {
                "training": {
                    "read": self.training.rows,
                    "skipped": 0,
                    "files": self.training.files,
                },
                "serving": {"read": self.serving.rows, "skipped": 0, "files": self.serving.files},
            },
            "features": [f.to_dict() for f in self.features],
            "counts": {
                status: sum(1 for f in self.features if f.status == status)
                for status in ("schema", "skew", "drift", "ok")
            },
            **({"joined": {"keys": self.join.keys, "rows": self.join.counts}} if self.join else {}),
        }


STATUS_ORDER = {"schema": 0, "skew": 1, "drift": 2, "ok": 3}
"""Worst first: a missing or retyped column outranks a skew, a skew a drift."""


def at_or_above(status: str, bar: str) -> bool:
    """Whether ``status`` is ``bar`` or worse (schema > skew > drift > ok)."""
    return STATUS_ORDER[status] <= STATUS_ORDER[bar]


JOINED_CAUSES = {
    "rounding": "serving equals training rounded to {decimals} decimals in {share:.1%} of pairs",
    "scale": "serving is {factor:g} x training in {share:.1%} of pairs",
    "offset": "serving is training {offset:+g} in {share:.1%} of pairs",
    "lag": "serving timestamps trail training by {seconds:g} s (median) in {share:.1%} of pairs",
    "case_format": "serving equals training after case and format normalisation in {share:.1%} "
    "of pairs",
}


def _attach(result: FeatureResult, joined: JoinedFeature) -> None:
    """Record the pairs' verdict; a relation the profiles missed becomes the cause."""
    result.joined = joined.to_dict()
    relation = joined.relation
    kind = relation["kind"]
    if kind not in JOINED_CAUSES or any(c.kind != "type" for c in result.causes):
        return
    name = "staleness" if kind == "lag" else kind
    result.causes.append(
        Cause(
            name,
            0.95,
            "joined rows: " + JOINED_CAUSES[kind].format(**relation),
            "Serve the value training saw for the same example: "
            + (
                "refresh the feature before it is read."
                if kind == "lag"
                else "one shared definition on both paths."
            ),
            "Log served features with the request id and compare them with training daily.",
            dict(relation),
        )
    )
    if result.status == "ok":
        result.status = "skew"


def compare(
    training: Profile,
    serving: Profile,
    thresholds: Thresholds | None = None,
    importances: dict[str, float] | None = None,
    join: JoinReport | None = None,
) -> SkewReport:
    """Every feature of either side, most consequential first."""
    t = thresholds or Thresholds()
    results = []
    keys = set(join.keys) if join else set()
    profiles: dict[str, tuple[ColumnProfile, ColumnProfile]] = {}
    tests = len((set(training.columns) & set(serving.columns)) - keys)
    for name in dict.fromkeys([*training.columns, *serving.columns]):
        if name in keys:
            continue  # ids: their distributions differ by design
        ref, cur = training.columns.get(name), serving.columns.get(name)
        if ref is None or cur is None:
            side = "serving" if ref is not None else "training"
            results.append(
                FeatureResult(
                    name,
                    "schema",
                    Distances(),
                    [
                        Cause(
                            "missing",
                            1.0,
                            f"the column is absent from {side}",
                            f"Send {name} on the {side} path or drop it from the model.",
                            "Check the serving schema against the training schema on deploy.",
                        )
                    ],
                    _summary(ref),
                    _summary(cur),
                )
            )
            continue
        results.append(compare_column(ref, cur, t, tests))
        profiles[name] = (ref, cur)
    pairs = {f.name: f for f in join.features} if join else {}
    for r in results:
        if importances is not None:
            r.importance = importances.get(r.name)
        if r.name in pairs:
            _attach(r, pairs[r.name])
        if r.status != "ok" and r.name in profiles:
            r.histogram = histogram(*profiles[r.name])
    results.sort(key=lambda r: (STATUS_ORDER[r.status], -(r.importance or 0.0), r.name))
    return SkewReport(training, serving, t, results, join)
