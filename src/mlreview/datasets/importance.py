"""Feature importances from a file: a JSON object or CSV of numbers, or a saved model.

Models are read as data, never executed: an XGBoost model saved as JSON (`save_model("m.json")`;
importance is each feature's total split gain) or a LightGBM text model (`save_model("m.txt")`;
its `feature_importances:` section, split counts). Pickled models are refused: loading a pickle
runs code.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from mlreview.problems import InputError
from mlreview.textfile import parse_json, read_text

EXPECTED = (
    "expected feature importances: a JSON object {feature: importance}, a feature,importance CSV, "
    "an XGBoost JSON model or a LightGBM text model"
)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _checked(
    out: dict[str, float], name: str, lines: dict[str, int] | None = None
) -> dict[str, float]:
    """``out`` when every importance is a finite number of at least 0; InputError otherwise."""
    for feature, value in out.items():
        if not math.isfinite(value) or value < 0:
            raise InputError.single(
                name,
                f"{feature!r}: importance {value!r}; expected a finite number of at least 0",
                (lines or {}).get(feature, 1),
            )
    return out


def _xgboost(data: dict[str, Any], name: str) -> dict[str, float]:
    learner = data["learner"]
    names = learner.get("feature_names") or []
    trees = learner["gradient_booster"]["model"]["trees"]
    gain: dict[int, float] = {}
    for tree in trees:
        for node, (left, feature) in enumerate(
            zip(tree["left_children"], tree["split_indices"], strict=True)
        ):
            if left != -1:
                gain[feature] = gain.get(feature, 0.0) + float(tree["loss_changes"][node])
    if not names:
        names = [f"f{i}" for i in range(max(gain, default=-1) + 1)]
    if any(i >= len(names) for i in gain):
        raise InputError.single(name, "a split uses a feature index beyond feature_names")
    _checked({names[i]: g for i, g in gain.items()}, name)
    total = sum(gain.values()) or 1.0
    return {names[i]: round(g / total, 6) for i, g in sorted(gain.items())}


def _lightgbm(text: str, name: str) -> dict[str, float]:
    lines = text.splitlines()
    try:
        start = lines.index("feature_importances:") + 1
    except ValueError:
        raise InputError.single(
            name, "LightGBM model without a feature_importances section"
        ) from None
    out: dict[str, float] = {}
    at: dict[str, int] = {}
    for offset, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            break
        feature, _, value = line.partition("=")
        number = _number(value)
        if number is None:
            raise InputError.single(name, f"expected 'feature=count', got {line!r}", offset)
        out[feature] = number
        at[feature] = offset
    _checked(out, name, at)
    total = sum(out.values()) or 1.0
    return {k: round(v / total, 6) for k, v in out.items()}


def read_importances(path: Path) -> dict[str, float]:
    name = str(path)
    if path.suffix.lower() in (".pkl", ".pickle", ".joblib"):
        raise InputError.single(name, "is a pickle, which would run code to load; " + EXPECTED)
    text = read_text(path, name, "a feature importance file")
    if text.startswith("tree\n") or "\nfeature_importances:" in text:
        return _lightgbm(text, name)
    if path.suffix.lower() == ".json":
        data = parse_json(text, name, "feature importances")
        if isinstance(data, dict) and "learner" in data:
            try:
                return _xgboost(data, name)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
                raise InputError.single(name, f"not an XGBoost JSON model ({exc})") from None
        if not isinstance(data, dict):
            raise InputError.single(name, EXPECTED)
        out = {}
        for key, value in data.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InputError.single(name, f"{key!r}: {value!r}; expected a number")
            out[str(key)] = float(value)
        return _checked(out, name)
    out = {}
    at = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or (number == 1 and _number(row[-1]) is None):
            continue
        value = _number(row[1]) if len(row) == 2 else None
        if value is None:
            raise InputError.single(name, f"expected 'feature,importance', got {row!r}", number)
        out[row[0]] = value
        at[row[0]] = number
    return _checked(out, name, at)
