"""A small scikit-learn model behind a bare ASGI app, for benchmarks/validate_capacity.py.

Prediction runs synchronously inside the handler, so one uvicorn worker serves one request at a
time: a single FIFO server, which the capacity model should describe.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier

_rng = np.random.default_rng(7)
_X = _rng.normal(size=(4000, 20))
_y = (_X[:, 0] + 0.5 * _X[:, 1] - _X[:, 2] > 0).astype(int)
MODEL = RandomForestClassifier(n_estimators=200, max_depth=8, random_state=0, n_jobs=1).fit(_X, _y)
ROWS = _rng.normal(size=(256, 20))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    start = time.perf_counter()
    index = hash(scope.get("query_string", b"")) % len(ROWS)
    score = float(MODEL.predict_proba(ROWS[index : index + 1])[0, 1])
    body = json.dumps({"score": round(score, 4)}).encode()
    handler_ms = (time.perf_counter() - start) * 1000
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-service-ms", f"{handler_ms:.3f}".encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
