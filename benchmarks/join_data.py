"""Training and serving files that share a key, for `mlreview skew --key` benchmarks and pins.

`write_pair(folder, rows, files)` writes `training/` and `serving/` folders of `files` Parquet
files, `rows` rows in all per side: a `request_id` key and 20 features (15 numeric, 5 string, as
in bench_skew). Serving holds the same examples, shuffled within each file, with 1% of the keys
dropped, 0.5% of the rows sent twice and four injected skews: `num_01` x 1000 (a unit), `num_02`
rounded to one decimal, `num_03` + 0.5 (an offset) and `cat_0` upper-cased. Each file is drawn
from its own seed, so a file's contents do not depend on how many files are written.

Run as `python -m benchmarks.join_data FOLDER ROWS [FILES]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl


def _training(rows: int, first: int, rng: np.random.Generator) -> pl.DataFrame:
    columns: dict[str, object] = {"request_id": np.arange(first, first + rows, dtype=np.int64)}
    for i in range(15):
        columns[f"num_{i:02d}"] = rng.lognormal(i % 5, 1, rows) if i % 2 else rng.normal(i, 3, rows)
    for i in range(5):
        vocab = np.array([f"v{j}" for j in range(10 ** (1 + i % 3))])
        columns[f"cat_{i}"] = vocab[rng.integers(0, vocab.size, rows)]
    return pl.DataFrame(columns)


def _serving(training: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    rows = training.height
    kept = training.filter(pl.Series(rng.random(rows) >= 0.01))
    again = kept.gather(rng.integers(0, kept.height, rows // 200))
    frame = pl.concat([kept, again])
    frame = frame.gather(rng.permutation(frame.height))
    return frame.with_columns(
        pl.col("num_01") * 1000,
        pl.col("num_02").round(1),
        pl.col("num_03") + 0.5,
        pl.col("cat_0").str.to_uppercase(),
    )


def write_pair(folder: Path, rows: int, files: int = 1) -> tuple[Path, Path]:
    """The training and serving folders of ``rows`` rows per side in ``files`` files."""
    sides = folder / "training", folder / "serving"
    for side in sides:
        side.mkdir(parents=True, exist_ok=True)
    per_file = -(-rows // files)
    for i in range(files):
        count = min(per_file, rows - i * per_file)
        if count <= 0:
            break
        rng = np.random.default_rng(1000 + i)
        training = _training(count, i * per_file, rng)
        training.write_parquet(sides[0] / f"part-{i:03d}.parquet")
        _serving(training, rng).write_parquet(sides[1] / f"part-{i:03d}.parquet")
    return sides


def main() -> int:
    folder, rows = Path(sys.argv[1]), int(sys.argv[2])
    write_pair(folder, rows, int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
