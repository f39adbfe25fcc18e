"""Why a feature differs between training and serving: engineering signatures in two profiles.

Each detector looks for one signature and returns a Cause with its evidence, or None. The order
of the detectors is the order of preference when several fit: a unit mismatch explains a shifted
mean better than "drift" does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlreview.datasets.distance import OTHER, categorical, cdf, normal_text, shares
from mlreview.datasets.profile import ColumnProfile

QUANTILES = tuple(i / 20 for i in range(2, 19))
UNIT_FACTORS: tuple[tuple[float, str], ...] = (
    (1000.0, "seconds vs milliseconds (or metres vs kilometres, grams vs kilograms)"),
    (1_000_000.0, "seconds vs microseconds (or units vs millions)"),
    (60.0, "minutes vs seconds (or hours vs minutes)"),
    (3600.0, "hours vs seconds"),
    (86400.0, "days vs seconds"),
    (24.0, "days vs hours"),
    (100.0, "a fraction vs a percentage (or currency units vs cents)"),
    (10.0, "centimetres vs millimetres (or a decimal shift)"),
    (2.20462, "kilograms vs pounds"),
    (1.60934, "miles vs kilometres"),
    (3.28084, "metres vs feet"),
    (2.54, "inches vs centimetres"),
    (1.8, "degrees Celsius vs Fahrenheit steps"),
    (1024.0, "kibibytes vs bytes"),
)
SENTINEL_NUMBERS = (0.0, -1.0, 999.0, 9999.0, 99999.0, -999.0, -9999.0, -99999.0, 1e9, -1e9)
SENTINEL_TEXT = (
    "",
    "unknown",
    "null",
    "none",
    "n/a",
    "na",
    "nan",
    "-",
    "?",
    "missing",
    "0",
    "-1",
    "undefined",
    "default",
)
MIN_SHARE_JUMP = 0.02
MIN_HOURLY_ROWS = 1000
"""Fewer rows spread over 24 hours give histograms too noisy to compare shifts."""
CHI2_23_DOF_P001 = 49.73
"""Chi-square with 23 degrees of freedom at p = 0.001 (24 hour bins)."""


@dataclass(frozen=True)
class Cause:
    kind: str
    confidence: float
    evidence: str
    fix: str
    prevention: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "confidence": round(self.confidence, 2),
            "evidence": self.evidence,
            "fix": self.fix,
            "prevention": self.prevention,
            **({"details": self.details} if self.details else {}),
        }


def significant(a: float, n_a: int, b: float, n_b: int, alpha: float = 0.001) -> bool:
    """Two-proportion z-test: is the change from share ``a`` (of n_a) to ``b`` (of n_b) real?"""
    if n_a == 0 or n_b == 0:
        return False
    pooled = (a * n_a + b * n_b) / (n_a + n_b)
    se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_a + 1 / n_b))
    return math.erfc(abs(b - a) / se / math.sqrt(2)) < alpha


def _g(x: float) -> str:
    return f"{x:.4g}"


def _quantile_pairs(ref: ColumnProfile, cur: ColumnProfile) -> list[tuple[float, float]]:
    pairs = []
    for q in QUANTILES:
        a, b = ref.sketch.quantile(q), cur.sketch.quantile(q)
        if a is not None and b is not None:
            pairs.append((a, b))
    return pairs


def _misfit(
    ref: ColumnProfile, cur: ColumnProfile, move: Callable[[np.ndarray], np.ndarray]
) -> float:
    """Kolmogorov-Smirnov distance between training moved by ``move`` and serving: how badly
    a unit factor or a constant shift explains the serving distribution."""
    support = ref.sketch.support()[0]
    if support.size < 2:
        return 1.0
    # Between two of training's buckets its CDF is exact; evaluating there keeps the sketches'
    # bucket positions from counting as misfit.
    grid = (support[:-1] + support[1:]) / 2
    return float(np.max(np.abs(cdf(ref, grid) - cdf(cur, move(grid)))))


def whole(col: ColumnProfile) -> bool:
    """Every finite value is a whole number (a count, an id)."""
    total = sum(col.decimals)
    return bool(total) and col.decimals[0] == total


def _fit_tolerance(ref: ColumnProfile, cur: ColumnProfile) -> float:
    """A KS distance two samples reach by chance (p = 0.001), plus the sketches' resolution:
    a moved bucket boundary can misplace up to two buckets' mass."""
    n = ref.values * cur.values / max(ref.values + cur.values, 1)
    heaviest = max(
        float(counts.max() / counts.sum())
        for counts in (ref.sketch.support()[1], cur.sketch.support()[1])
        if counts.size
    )
    return 1.95 / math.sqrt(max(n, 1)) + 2 * heaviest + 0.005


def scale(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    # Quantiles near zero carry no ratio (centred data); the others must all agree on one.
    far = 0.25 * max(ref.moments.std, 1e-12)
    pairs = [(a, b) for a, b in _quantile_pairs(ref, cur) if abs(a) > far and abs(b) > 1e-12]
    if len(pairs) < 4 or any((a > 0) != (b > 0) for a, b in pairs):
        return None
    logs = np.log(np.array([b / a for a, b in pairs]))
    k = float(np.exp(np.median(logs)))
    d = float(np.median([b - a for a, b in pairs]))
    if abs(math.log(k)) < math.log(1.3):
        return None
    scaled = _misfit(ref, cur, lambda x: x * k)
    if scaled > _fit_tolerance(ref, cur) or scaled >= _misfit(ref, cur, lambda x: x + d):
        return None  # the factor does not explain serving, or a constant shift does better
    name, confidence, shown = "", 0.7, k
    for factor, what in UNIT_FACTORS:
        for candidate in (factor, 1 / factor):
            if abs(math.log(k / candidate)) < 0.03:
                name, confidence, shown = what, 0.95, candidate
    bigger = "serving" if shown > 1 else "training"
    factor = shown if shown > 1 else 1 / shown
    unit = f" ({name})" if name else ""
    return Cause(
        "scale",
        confidence,
        f"every decile of {bigger} is {_g(factor)} x the other side's{unit}: training median "
        f"{_g(pairs[len(pairs) // 2][0])}, serving median {_g(pairs[len(pairs) // 2][1])}",
        f"Convert one side by {_g(factor)} where the value is produced, so both paths use one "
        "unit.",
        "Name the unit in the feature's schema (e.g. latency_ms) and check serving values "
        "against the training range before they reach the model.",
        {"factor": round(shown, 6)},
    )


def _hour_histogram(col: ColumnProfile) -> np.ndarray | None:
    if col.kind == "datetime":
        return np.array(col.hours, dtype=float)
    if col.kind != "numeric" or col.min is None or col.max is None or col.top.dropped:
        return None
    if col.min < 0 or col.max > 23 or col.decimals[0] != sum(col.decimals):
        return None
    hist = np.zeros(24)
    for value, count in col.top.counts.items():
        hist[int(value)] += count
    return hist


def timezone(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    a, b = _hour_histogram(ref), _hour_histogram(cur)
    if a is not None and b is not None and min(a.sum(), b.sum()) >= MIN_HOURLY_ROWS:
        a_n, b_n = float(a.sum()), float(b.sum())
        a, b = a / a_n, b / b_n
        # Two-sample chi-square of the serving hours against the training hours shifted by s.
        weight = 2 * a_n * b_n / (a_n + b_n)
        stats = [
            weight * float(np.sum((np.roll(a, s) - b) ** 2 / np.maximum(np.roll(a, s) + b, 1e-12)))
            for s in range(24)
        ]
        best = int(np.argmin(stats))
        if (
            best
            and stats[0] > CHI2_23_DOF_P001
            and stats[best] < max(CHI2_23_DOF_P001, 0.1 * stats[0])
        ):
            hours = best if best <= 12 else best - 24
            return Cause(
                "timezone",
                0.9,
                f"the hour-of-day distribution at serving is the training one shifted by "
                f"{hours:+d} h (chi-square {stats[0]:.0f} unshifted, {stats[best]:.0f} shifted)",
                f"Convert both paths to one time zone (UTC) before extracting hours; serving is "
                f"{hours:+d} h from training.",
                "Store timestamps with their offset (UTC) and derive local time in one shared "
                "function; test it across a daylight-saving change.",
                {"hours": hours},
            )
    if ref.kind == "datetime" and cur.kind == "datetime":
        pairs = _quantile_pairs(ref, cur)
        shifts = np.array([b - a for a, b in pairs]) / 3600.0
        if shifts.size and float(np.std(shifts)) < 0.2 and abs(float(np.median(shifts))) >= 0.9:
            median = float(np.median(shifts))
            if abs(median - round(median)) < 0.15:
                hours = round(median)
                return Cause(
                    "timezone",
                    0.8,
                    f"serving timestamps are {hours:+d} h from training at every decile",
                    "Parse both paths' timestamps as UTC.",
                    "Keep timestamps timezone-aware end to end.",
                    {"hours": hours},
                )
    return None


def offset(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    pairs = _quantile_pairs(ref, cur)
    if len(pairs) < 5:
        return None
    shifts = np.array([b - a for a, b in pairs])
    d = float(np.median(shifts))
    spread = max(ref.moments.std, 1e-12)
    if abs(d) < 0.1 * spread or _misfit(ref, cur, lambda x: x + d) > _fit_tolerance(ref, cur):
        return None
    if whole(ref) and whole(cur) and abs(d - round(d)) > 0.01:
        return None  # whole numbers shifted by a fraction: the shape moved, not an offset
    return Cause(
        "offset",
        0.75,
        f"every decile of serving is {_g(d)} from training (training median "
        f"{_g(pairs[len(pairs) // 2][0])}, serving {_g(pairs[len(pairs) // 2][1])})",
        f"Find the constant {_g(d)} added on one path (a baseline, an epoch, a unit offset) and "
        "remove it.",
        "Compute the feature in one shared definition; compare logged serving values with a "
        "training recomputation daily.",
        {"offset": round(d, 6)},
    )


def _sentinel_candidates(ref: ColumnProfile, cur: ColumnProfile) -> list[tuple[Any, float, float]]:
    out = []
    for value in set(ref.top.counts) | set(cur.top.counts):
        a, b = ref.top.share(value, ref.values), cur.top.share(value, cur.values)
        if (
            abs(b - a) >= MIN_SHARE_JUMP
            and (max(a, b) >= 3 * min(a, b) or _rest_unchanged(ref, cur, value, a, b))
            and significant(a, ref.values, b, cur.values)
        ):
            out.append((value, a, b))
    return sorted(out, key=lambda t: (-abs(t[2] - t[1]), repr(t[0])))


def _rest_unchanged(ref: ColumnProfile, cur: ColumnProfile, value: Any, a: float, b: float) -> bool:
    """True when, leaving ``value`` out, both sides have the same distribution: a default put
    in place of some values shrinks all the others alike, a shifted distribution does not. This
    lets a common legitimate value (0 for a count) be recognised as a default too."""
    if ref.kind != "numeric" or not isinstance(value, int | float) or max(a, b) >= 0.999:
        return False
    support = np.union1d(ref.sketch.support()[0], cur.sketch.support()[0])
    if support.size < 3:
        return False
    grid = (support[:-1] + support[1:]) / 2
    at_or_above = (grid >= value).astype(float)
    rest_ref = (cdf(ref, grid) - a * at_or_above) / (1 - a)
    rest_cur = (cdf(cur, grid) - b * at_or_above) / (1 - b)
    n = ref.values * cur.values / max(ref.values + cur.values, 1)
    # Same buckets on both sides here, so only sampling noise (KS at p = 0.001) is allowed.
    return float(np.max(np.abs(rest_ref - rest_cur))) <= 1.95 / math.sqrt(max(n, 1))


def sentinel(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    typical = SENTINEL_NUMBERS if ref.kind == "numeric" else SENTINEL_TEXT
    candidates = _sentinel_candidates(ref, cur)
    found = [
        c
        for c in candidates
        if (normal_text(c[0]) in typical or c[0] in typical or c[0] == ref.moments.mean)
    ]
    if not found and ref.kind == "numeric":
        median = ref.sketch.quantile(0.5)
        found = [
            c
            for c in candidates
            if median is not None
            and abs(c[0] - median) <= 0.01 * max(abs(median), 1)
            and abs(c[2] - c[1]) >= 0.05
        ]
    if not found:
        return None
    value, a, b = found[0]
    side = "serving" if b > a else "training"
    details: dict[str, Any] = {
        "value": value,
        "training_share": round(a, 6),
        "serving_share": round(b, 6),
    }
    watch = "alert on the share of default values."
    if side == "serving":
        page = default_share_alert(a)
        details["alert_share"] = round(page, 6)
        watch = (
            f"page when {value!r} exceeds {page:.1%} of served values for 10 minutes, against "
            f"{a:.1%} in training: at the {b:.1%} seen in serving it would fire now."
        )
    return Cause(
        "sentinel",
        0.85,
        f"{value!r} is {b:.1%} of serving values but {a:.1%} of training values: a default "
        f"substituted for missing data on the {side} path",
        f"Make the {side} path send null (or the training default) instead of {value!r}, and "
        "add a missing-value indicator.",
        "Declare each feature's missing-value policy for both paths and " + watch,
        details,
    )


def default_share_alert(training_share: float) -> float:
    """The served share of a default that pages: half again the training share and at least a
    percentage point above it, so the training rate's own hour-to-hour swing stays quiet."""
    return max(1.5 * training_share, training_share + 0.01)


def _mass_beyond(col: ColumnProfile, bound: float, side: str) -> float:
    """Share of the column beyond ``bound``: exact when its frequent values are all its values,
    else from the sketch, to within the mass of the one bucket holding the bound."""
    if col.top.dropped == 0 and sum(col.top.counts.values()) == col.values and col.values:
        beyond = [
            c for v, c in col.top.counts.items() if (v > bound if side == "maximum" else v < bound)
        ]
        return sum(beyond) / col.values
    values, counts = col.sketch.support()
    if counts.size == 0:
        return 0.0
    outside = values > bound if side == "maximum" else values < bound
    return float(counts[outside].sum() / counts.sum())


def clipping(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    for end, word in ((cur.max, "maximum"), (cur.min, "minimum")):
        if end is None or ref.max is None or ref.min is None:
            continue
        share = cur.top.share(end, cur.values)
        beyond = (ref.max > end) if word == "maximum" else (ref.min < end)
        before = ref.top.share(end, ref.values)
        # A cap moves the training mass beyond it onto the cap: the pile must match that mass.
        tail = _mass_beyond(ref, end, word)
        jump = share - before
        # A cap at an extreme leaves the middle alone; a shifted distribution moves it.
        spread = max(ref.moments.std, 1e-12)
        middle = (ref.sketch.quantile(0.5) or 0.0) - (cur.sketch.quantile(0.5) or 0.0)
        steady = abs(middle) <= 0.05 * spread + 3 * spread / math.sqrt(
            cur.values or 1
        ) + 0.01 * abs(ref.sketch.quantile(0.5) or 0.0)
        if (
            beyond
            and steady
            and tail >= 0.005
            and cur.values * tail >= 10
            and jump >= 0.5 * tail
            and abs(jump - tail) <= 0.5 * tail + 3 * math.sqrt(tail / max(cur.values, 1))
            and significant(tail, ref.values, 0.0, cur.values)  # nothing beyond, not by chance
        ):
            side = "above" if word == "maximum" else "below"
            extreme = ref.max if word == "maximum" else ref.min
            return Cause(
                "clipping",
                0.85,
                f"serving never goes {side} {_g(end)}, where {share:.1%} of its values pile up; "
                f"training reaches {_g(extreme)}",
                f"Remove the cap at {_g(end)} on the serving path, or apply the same cap in "
                "training.",
                "Keep clipping in the shared feature definition and assert the serving range.",
                {"bound": end, "side": word},
            )
    return None


def rounding(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    total_r, total_c = sum(ref.decimals), sum(cur.decimals)
    if not total_r or not total_c:
        return None
    a_mid, b_mid = ref.sketch.quantile(0.5), cur.sketch.quantile(0.5)
    if a_mid and b_mid and not 0.8 <= b_mid / a_mid <= 1.25:
        return None  # the magnitude changed (x100 makes decimals whole): not lost precision
    for places in (0, 1, 2):
        a = sum(ref.decimals[: places + 1]) / total_r
        b = sum(cur.decimals[: places + 1]) / total_c
        if b - a >= 0.3 and b >= 0.95 and significant(a, total_r, b, total_c):
            return Cause(
                "rounding",
                0.8,
                f"{b:.0%} of serving values have at most {places} decimals against {a:.0%} in "
                "training: precision is lost on the serving path",
                "Send the full-precision value to the model (check casts to int or to "
                "fixed-point columns).",
                "Pin the feature's type in the schema and compare logged values with training.",
                {"decimals": places},
            )
    return None


def missing(ref: ColumnProfile, cur: ColumnProfile, threshold: float) -> Cause | None:
    a = ref.nulls / ref.count if ref.count else 0.0
    b = cur.nulls / cur.count if cur.count else 0.0
    if abs(b - a) < threshold or not significant(a, ref.count, b, cur.count):
        return None
    return Cause(
        "missing",
        0.9,
        f"null rate {a:.1%} in training, {b:.1%} at serving",
        "Find where serving loses the value (a failed lookup, a renamed field) or impute it the "
        "way training does.",
        "Alert on each feature's null rate at serving against training.",
        {"training_null_rate": round(a, 6), "serving_null_rate": round(b, 6)},
    )


def case_format(ref: ColumnProfile, cur: ColumnProfile, threshold: float) -> Cause | None:
    raw, normal = categorical(ref, cur), categorical(ref, cur, normalise=True)
    if raw.linf is None or normal.linf is None or normal.linf >= threshold:
        return None
    # Spread over many categories, a case change moves no single share far, but the serving
    # values as written are new: that, with equal shares once normalised, is a format change.
    p = shares(ref)
    unseen = sum(v for k, v in shares(cur).items() if k != OTHER and k not in p)
    if raw.linf < threshold and unseen < threshold:
        return None
    pairs = []
    ref_by_normal = {normal_text(v): v for v in ref.top.counts}
    for value in sorted(cur.top.counts, key=lambda v: -cur.top.counts[v]):
        match = ref_by_normal.get(normal_text(value))
        if match is not None and match != value:
            pairs.append(f"{value!r} for {match!r}")
        if len(pairs) == 3:
            break
    return Cause(
        "case_format",
        0.9,
        f"the values match after ignoring case, spaces and separators ({unseen:.0%} of serving "
        f"values are unseen as written; largest share gap {raw.linf:.2f} raw, "
        f"{normal.linf:.2f} normalised): serving sends " + ", ".join(pairs),
        "Normalise the text the same way on both paths (one shared function).",
        "Test the serving path's categorical values against the training vocabulary.",
        {"examples": pairs, "unseen_share": round(unseen, 6)},
    )


def vocabulary(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    if ref.top.dropped:
        return None
    p, q = shares(ref), shares(cur)
    unseen = {v: s for v, s in q.items() if v != OTHER and v not in p}
    vanished = {v: s for v, s in p.items() if v not in q and s >= 0.01 and cur.top.dropped == 0}
    new_mass = sum(unseen.values())
    gone_mass = sum(vanished.values())
    enough = max(new_mass, gone_mass) >= 0.01 and significant(
        0.0, ref.values, max(new_mass, gone_mass), cur.values
    )
    if not enough:
        return None
    new = sorted(unseen, key=lambda v: -unseen[v])[:3]
    gone = sorted(vanished, key=lambda v: -vanished[v])[:3]
    return Cause(
        "vocabulary",
        0.8,
        f"{new_mass:.1%} of serving values never occur in training (e.g. {_examples(new)}); "
        f"{gone_mass:.1%} of training mass is absent at serving (e.g. {_examples(gone)})",
        "Map new categories to a known bucket on both paths and retrain with them.",
        "Keep the category vocabulary with the model and count out-of-vocabulary values at "
        "serving.",
        {"unseen_share": round(new_mass, 6), "vanished_share": round(gone_mass, 6)},
    )


IDENTIFIER_MIN_ROWS = 1000
IDENTIFIER_DISTINCT = 0.97
IDENTIFIER_NAME = re.compile(r"(^|[_.-])(id|uuid|guid|key)$|^id[_.-]", re.IGNORECASE)


def identifier(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    """A column named like an identifier (``request_id``, ``uuid``, ``id_x``) whose values,
    whole numbers or text, are nearly all distinct on both sides over enough rows that a real
    feature would repeat: a row identifier, whose values differ by design (new requests get new
    ids), so no engineering signature applies (sequential ids would pass for an offset). The
    name is required: epoch seconds are distinct whole numbers too, and a shift in them is a
    finding."""
    if not IDENTIFIER_NAME.search(ref.name):
        return None
    if ref.kind not in ("numeric", "string") or cur.kind != ref.kind:
        return None
    if ref.kind == "numeric" and not (whole(ref) and whole(cur)):
        return None
    if min(ref.values, cur.values) < IDENTIFIER_MIN_ROWS:
        return None
    distinct = [min(col.distinct.estimate(), col.values) for col in (ref, cur)]
    if any(d < IDENTIFIER_DISTINCT * c.values for d, c in zip(distinct, (ref, cur), strict=True)):
        return None
    return Cause(
        "identifier",
        0.9,
        f"about {distinct[0]:,} distinct values in {ref.values:,} training rows and "
        f"{distinct[1]:,} in {cur.values:,} serving rows: a row identifier, whose values differ "
        "between the two sides by design",
        f"Join training and serving rows on it (--key {ref.name}) to compare each example's "
        "features, or leave it out if it is not a model input.",
        "Keep identifiers out of feature tables, or declare them as join keys.",
        {"training_distinct": distinct[0], "serving_distinct": distinct[1]},
    )


def _examples(values: list[Any]) -> str:
    return ", ".join(map(repr, values)) or "-"


def type_change(ref: ColumnProfile, cur: ColumnProfile) -> Cause | None:
    if not (ref.values and cur.values):
        return None  # a column of nulls only has the type its reader guessed, not one it holds
    if ref.kind == cur.kind:
        int_ref, int_cur = (
            ref.dtype.startswith(("Int", "UInt")),
            cur.dtype.startswith(("Int", "UInt")),
        )
        if ref.kind == "numeric" and int_ref != int_cur:
            return Cause(
                "type",
                0.6,
                f"training stores {ref.dtype}, serving sends {cur.dtype}",
                "Cast to one numeric type on both paths.",
                "Pin feature types in a schema checked at serving.",
                {"training_type": ref.dtype, "serving_type": cur.dtype},
            )
        return None
    numeric_strings = (
        cur.kind == "string" and cur.values and cur.shapes["numeric_like"] >= 0.9 * cur.values
    )
    what = " (numbers arriving as strings)" if numeric_strings else ""
    return Cause(
        "type",
        0.95,
        f"training has {ref.kind} values ({ref.dtype}), serving {cur.kind} ({cur.dtype}){what}",
        "Parse the serving value to the training type before it reaches the model.",
        "Pin feature types in a schema checked at serving.",
        {"training_type": ref.dtype, "serving_type": cur.dtype},
    )


Detector = Callable[[ColumnProfile, ColumnProfile], Cause | None]
FIRST: tuple[Detector, ...] = (timezone, rounding)
"""Signatures strong enough to check first, whether or not the distances moved."""
NUMERIC: tuple[Detector, ...] = (scale, clipping, sentinel, offset)
"""Signatures of a moved distribution, tried in order when the distances say it moved."""
TEXT: tuple[Detector, ...] = (sentinel, vocabulary)
ALWAYS: tuple[Detector, ...] = (clipping, sentinel)
"""Signatures that matter even when the whole distribution barely moves (a cap, a default).
Each has its own significance test, so they do not alarm on noise."""
ALWAYS_TEXT: tuple[Detector, ...] = (sentinel, vocabulary)
HIDES = {
    "rounding": {"sentinel", "clipping"},
    "timezone": {"sentinel", "offset"},
    "clipping": {"sentinel"},
}
"""A cause that explains another's evidence: rounded values pile up on a few exact values; hours
shifted round the clock move mass onto hour 0; a cap piles values on the bound."""
