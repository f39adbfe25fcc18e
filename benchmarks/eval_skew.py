"""Accuracy of `mlreview skew`: inject each cause into real and synthetic tables and score it.

Real tables are the ones scikit-learn ships inside its wheel (diabetes, wine, breast cancer),
bootstrapped to the sample size, plus a synthetic table with money amounts, latencies, counts,
hours of the day, timestamps and categories. For each table, cause, strength and size, training
and serving are drawn independently from the same table, one column of serving gets the fault,
and the comparison is scored:

- detected: the faulty column is not `ok`;
- named: its first cause is the injected kind;
- false alarms: any other column that is not `ok`.

Sizes reach 1M rows per side for the faults and 10M rows for the no-fault check. Run with
`python -m benchmarks.eval_skew` (needs the `bench` extras for scikit-learn); `--quick` stops at
100,000 rows, `--seed N` draws every sample afresh. docs/skew.md records runs.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

try:
    from sklearn import datasets
except ImportError:  # the real tables need the `bench` extras
    datasets = None

from mlreview.datasets.profile import profile_frame
from mlreview.datasets.skew import compare

Fault = Callable[[pl.DataFrame, str, np.random.Generator], pl.DataFrame]
Table = Callable[[int, np.random.Generator], pl.DataFrame]
SIZES = (2_000, 100_000, 1_000_000)
CLEAN_SIZES = (200, 10_000, 1_000_000, 10_000_000)


def synthetic(n: int, rng: np.random.Generator) -> pl.DataFrame:
    day = pl.datetime_range(pl.datetime(2026, 1, 1), pl.datetime(2026, 6, 30), "1d", eager=True)
    seconds = (rng.normal(14, 3, n) % 24 * 3600).astype("int64")
    return pl.DataFrame(
        {
            "amount": np.round(rng.lognormal(3, 1, n), 2),
            "latency": rng.gamma(2, 0.5, n),
            "count_1h": rng.poisson(3, n).astype(float),
            "temperature": rng.normal(20, 5, n),
            "hour": rng.choice(24, n, p=np.r_[np.full(8, 0.01), np.full(16, 0.92 / 16)]),
            "country": rng.choice(["US", "GB", "DE", "FR", "ES"], n, p=[0.4, 0.2, 0.2, 0.1, 0.1]),
            "device": rng.choice(["ios", "android", "desktop"], n),
            "ts": day.sample(n, with_replacement=True, seed=int(rng.integers(1 << 30)))
            + pl.Series(seconds * 1_000_000).cast(pl.Duration("us")),
        }
    )


def sklearn_table(name: str) -> Callable[[int, np.random.Generator], pl.DataFrame]:
    if datasets is None:
        raise ImportError("scikit-learn")
    loader = {
        "diabetes": datasets.load_diabetes,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
    }[name]
    bunch = loader()
    base = pl.DataFrame(np.asarray(bunch.data), schema=[str(c) for c in bunch.feature_names])

    def draw(n: int, rng: np.random.Generator) -> pl.DataFrame:
        return base[rng.integers(0, base.height, n).tolist()]

    return draw


def _share(frame: pl.DataFrame, share: float, rng: np.random.Generator) -> pl.Series:
    return pl.Series(rng.random(frame.height) < share)


def _where(
    frame: pl.DataFrame, col: str, share: float, value: object, rng: np.random.Generator
) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(_share(frame, share, rng)).then(pl.lit(value)).otherwise(pl.col(col)).alias(col)
    )


@dataclass(frozen=True)
class Case:
    kind: str
    strength: str
    numeric: bool
    fault: Fault


def _cap(frame: pl.DataFrame, col: str, share: float) -> float:
    """The largest value with at least ``share`` of the rows above it. A quantile of a table
    with many ties moves fewer rows than its name says (the script prints how few), so the
    strength is the share of rows the cap moves."""
    values = frame[col].drop_nulls().sort(descending=True)
    top = values[max(0, math.ceil(share * values.len()) - 1)]
    below = values.filter(values < top)
    return float(below[0]) if below.len() else float(top)


def percentile_cap_rows(
    tables: dict[str, Table], plan: list[tuple[str, str, Case]], rows: int = 2_000
) -> tuple[int, int]:
    """Fewest and most rows a cap at the 99th percentile moves in ten samples of ``rows`` of
    each real table's injected column: why caps are sized by the rows they move."""
    columns = sorted({(name, col) for name, col, _ in plan if name != "synthetic"})
    moved = []
    for j, (name, col) in enumerate(columns):
        for k in range(10):
            values = tables[name](rows, np.random.default_rng(300_000 + 10 * j + k))[col]
            moved.append(int((values > values.quantile(0.99)).sum()))
    return min(moved), max(moved)


def _std(frame: pl.DataFrame, col: str) -> float:
    return float(frame[col].std() or 1.0)


CASES: tuple[Case, ...] = (
    *(
        Case("scale", f"x{k:g}", True, lambda f, c, r, k=k: f.with_columns(pl.col(c) * k))
        for k in (1000, 2.20462, 60, 100)
    ),
    *(
        Case(
            "offset",
            f"+{s:g} sd",
            True,
            lambda f, c, r, s=s: f.with_columns(pl.col(c) + s * _std(f, c)),
        )
        for s in (0.5, 1, 2)
    ),
    *(
        Case("sentinel", f"{p:.0%} -> -1", True, lambda f, c, r, p=p: _where(f, c, p, -1.0, r))
        for p in (0.05, 0.1, 0.3)
    ),
    *(
        Case("missing", f"{p:.0%} null", True, lambda f, c, r, p=p: _where(f, c, p, None, r))
        for p in (0.05, 0.2)
    ),
    *(
        Case(
            "clipping",
            f"top {share:.0%} capped",
            True,
            lambda f, c, r, share=share: f.with_columns(
                pl.col(c).clip(upper_bound=_cap(f, c, share))
            ),
        )
        for share in (0.05, 0.01)
    ),
    *(
        Case(
            "rounding",
            f"{d} decimals",
            True,
            lambda f, c, r, d=d: f.with_columns(pl.col(c).round(d)),
        )
        for d in (0,)
    ),
    Case(
        "type",
        "numbers as strings",
        True,
        lambda f, c, r: f.with_columns(pl.col(c).cast(pl.String)),
    ),
)
TEXT_CASES: tuple[Case, ...] = (
    Case(
        "case_format",
        "lower case",
        False,
        lambda f, c, r: f.with_columns(pl.col(c).str.to_lowercase()),
    ),
    Case("case_format", "padded", False, lambda f, c, r: f.with_columns(pl.col(c) + " ")),
    *(
        Case(
            "vocabulary",
            f"{p:.0%} new",
            False,
            lambda f, c, r, p=p: _where(f, c, p, "new-value", r),
        )
        for p in (0.05, 0.15)
    ),
    *(
        Case("sentinel", f"{p:.0%} empty", False, lambda f, c, r, p=p: _where(f, c, p, "", r))
        for p in (0.05, 0.2)
    ),
)
COUNT_CASES: tuple[Case, ...] = (
    Case("sentinel", "12% -> 0", True, lambda f, c, r: _where(f, c, 0.12, 0.0, r)),
    Case(
        "drift",
        "Poisson mean 3 -> 2.4",
        True,
        lambda f, c, r: f.with_columns(pl.Series(c, r.poisson(2.4, f.height).astype(float))),
    ),
)
"""0 is a common count: a default put there must still be told from a lower rate."""
HOUR_CASES: tuple[Case, ...] = tuple(
    Case("timezone", f"{h:+d} h", True, lambda f, c, r, h=h: f.with_columns((pl.col(c) + h) % 24))
    for h in (1, 3, -5)
)
TS_CASES: tuple[Case, ...] = tuple(
    Case(
        "timezone",
        f"{h:+d} h",
        True,
        lambda f, c, r, h=h: f.with_columns(pl.col(c) + pl.duration(hours=h)),
    )
    for h in (2, -7)
)


@dataclass
class Tally:
    runs: int = 0
    detected: int = 0
    named: int = 0
    false_alarms: int = 0
    columns_checked: int = 0


def run_case(
    table: Callable[[int, np.random.Generator], pl.DataFrame],
    column: str,
    case: Case,
    n: int,
    seed: int,
) -> tuple[bool, bool, list[str], int, str]:
    training = table(n, np.random.default_rng(seed))
    serving = case.fault(
        table(n, np.random.default_rng(seed + 1)), column, np.random.default_rng(seed + 2)
    )
    report = compare(profile_frame(training), profile_frame(serving))
    hit = next(f for f in report.features if f.name == column)
    named = bool(hit.causes) and hit.causes[0].kind == case.kind
    others = [f for f in report.features if f.name != column and f.status != "ok"]
    got = hit.causes[0].kind if hit.causes else hit.status
    alarms = [f"{f.name} ({f.causes[0].kind if f.causes else f.status})" for f in others]
    return hit.status != "ok", named, alarms, len(report.features) - 1, got


def make_plan(tables: dict[str, Table]) -> list[tuple[str, str, Case]]:
    """(table, column, case) for every injection, in a fixed order (seeds follow it)."""
    plan: list[tuple[str, str, Case]] = []
    for name in tables:
        numeric_col = "temperature" if name == "synthetic" else None
        if numeric_col is None:
            numeric_col = tables[name](10, np.random.default_rng(0)).columns[2]
        plan += [(name, numeric_col, c) for c in CASES]
        if name == "synthetic":
            plan += [(name, "country", c) for c in TEXT_CASES]
            plan += [(name, "hour", c) for c in HOUR_CASES]
            plan += [(name, "count_1h", c) for c in COUNT_CASES]
            plan += [(name, "ts", c) for c in TS_CASES]
            plan += [(name, "latency", c) for c in CASES if c.kind in ("scale", "clipping")]
    return plan


def main() -> int:
    quick = "--quick" in sys.argv
    offset = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
    sizes = SIZES[:2] if quick else SIZES
    tables: dict[str, Table] = {"synthetic": synthetic}
    try:
        tables |= {name: sklearn_table(name) for name in ("diabetes", "wine", "breast_cancer")}
    except ImportError:
        print("scikit-learn is not installed: real tables skipped (pip install -e '.[bench]')")
    plan = make_plan(tables)
    by_kind: dict[tuple[str, int], Tally] = {}
    misses = []
    for size in sizes:
        for i, (name, column, case) in enumerate(plan):
            detected, named, alarms, checked, got = run_case(
                tables[name], column, case, size, offset + 3 * i
            )
            t = by_kind.setdefault((case.kind, size), Tally())
            t.runs += 1
            t.detected += detected
            t.named += named
            t.false_alarms += len(alarms)
            t.columns_checked += checked
            where = f"{size:,} rows, {name}.{column}, {case.kind} {case.strength}"
            if not named:
                misses.append(f"{where}: got {got}")
            misses += [f"{where}: false alarm on {a}" for a in alarms]
    print(
        "| cause | rows per side | injections | detected | named correctly | false alarms "
        "(other columns) |"
    )
    print("|---|---|---|---|---|---|")
    for (kind, size), t in sorted(by_kind.items()):
        print(
            f"| {kind} | {size:,} | {t.runs} | {t.detected} | {t.named} | "
            f"{t.false_alarms} of {t.columns_checked} |"
        )
    print()
    print("Not named correctly, and false alarms:" if misses else "No misses, no false alarms.")
    for m in misses:
        print(f"- {m}")
    print()
    if len(tables) > 1:
        fewest, most = percentile_cap_rows(tables, plan)
        print(
            f"A cap at the 99th percentile of a 2,000-row sample of a real table's injected "
            f"column moves {fewest} to {most} rows."
        )
        print()
    print("| rows per side, no fault injected | columns compared | alarms |")
    print("|---|---|---|")
    for size in CLEAN_SIZES[:3] if quick else CLEAN_SIZES:
        alarms = columns = 0
        for j, name in enumerate(tables):
            training = tables[name](size, np.random.default_rng(offset + 100_000 + j))
            serving = tables[name](size, np.random.default_rng(offset + 200_000 + j))
            report = compare(profile_frame(training), profile_frame(serving))
            alarms += sum(f.status != "ok" for f in report.features)
            columns += len(report.features)
            if size >= 10_000_000:
                break
        print(f"| {size:,} | {columns} | {alarms} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
