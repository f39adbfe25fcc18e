"""How training.csv and serving.csv were made (seeded, so re-running gives the same bytes).

Training is a sample of the features the model trained on; serving is a sample of logged
requests. They share one fault from the example's story: while card_auth_stream was down, the
Flink job kept writing txn_count_1h = 0 (its default), so 12% of logged requests carry a 0
that is not a real count. Run: python examples/card-fraud/data/generate.py
"""

from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).parent
ROWS = 5000


def draw(rng: np.random.Generator, start: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "request_id": np.arange(start, start + ROWS),
            "txn_count_1h": rng.poisson(2.5, ROWS),
            "amount_zscore_30d": np.round(rng.normal(0, 1, ROWS), 4),
            "merchant_chargeback_rate": np.round(rng.beta(1, 200, ROWS), 6),
            "card_country_mismatch": rng.random(ROWS) < 0.07,
        }
    )


training = draw(np.random.default_rng(11), 0)
serving = draw(np.random.default_rng(12), 10_000)
outage = pl.Series(np.random.default_rng(13).random(ROWS) < 0.12)
serving = serving.with_columns(
    pl.when(outage).then(0).otherwise(pl.col("txn_count_1h")).alias("txn_count_1h")
)
training.write_csv(HERE / "training.csv")
serving.write_csv(HERE / "serving.csv")
