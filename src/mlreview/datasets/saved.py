"""The shape of a saved profile, checked before it is read: a profile damaged or edited by hand
is an input error naming the field, never a crash later in the comparison."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from mlreview.datasets.profile import TIMESTAMP_BUCKET_SECONDS
from mlreview.datasets.sketch import HLL_BITS, bucket_of

Count = Annotated[StrictInt, Field(ge=0)]
Finite = Annotated[StrictFloat, Field(allow_inf_nan=False)]
# Exact sums (datasets/exact.py): hexadecimal digits and a power of two, "-1bp-3" for -27/8.
Exact = Annotated[StrictStr, Field(pattern=r"^-?[0-9a-f]{1,700}p-?[0-9]{1,4}$")]
Moments = tuple[Count, Exact, Exact]
Value = StrictStr | StrictInt | Finite | StrictBool | None


# The bucket of the largest float: a sketch bucket beyond it holds no value a file could hold.
LAST_BUCKET = int(bucket_of(np.array([sys.float_info.max]))[0])


# The type of the frequent values of each kind of column, and a type they may not be.
VALUE_TYPES: dict[str, tuple[type | tuple[type, ...], type]] = {
    "numeric": ((int, float), bool),
    "string": (str, bool),
    "boolean": (bool, str),
}


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Sketch(_Closed):
    width: Finite
    counts: dict[Annotated[str, Field(pattern=r"^-?\d{1,12}$")], Count]

    @model_validator(mode="after")
    def _buckets_hold_floats(self) -> _Sketch:
        if self.width not in (0.0, TIMESTAMP_BUCKET_SECONDS):
            raise ValueError(f"width {self.width}; expected 0 or {TIMESTAMP_BUCKET_SECONDS}")
        top = max((abs(int(k)) for k in self.counts), default=0)
        if not self.width and top > LAST_BUCKET:
            raise ValueError(f"bucket {top} is beyond the largest float")
        return self


class _Top(_Closed):
    values: list[tuple[Value, Count]]
    dropped: Count


class _Shapes(_Closed):
    lower: Count
    upper: Count
    title: Count
    mixed: Count
    padded: Count
    empty: Count
    numeric_like: Count


class _Column(_Closed):
    kind: Literal["numeric", "datetime", "string", "boolean", "other"]
    dtype: StrictStr
    count: Count
    nulls: Count
    nan: Count
    inf: Count
    min: Finite | None
    max: Finite | None
    mean: Finite | None
    std: Finite | None
    moments: Moments
    distinct: Annotated[Finite, Field(ge=0)]
    sketch: _Sketch
    hll: Annotated[StrictStr, Field(pattern=f"^[0-9a-f]{{{2 << HLL_BITS}}}$")]
    top: _Top
    decimals: Annotated[list[Count], Field(min_length=4, max_length=4)] | None = None
    shapes: _Shapes | None = None
    length: Moments | None = None
    hours: Annotated[list[Count], Field(min_length=24, max_length=24)] | None = None
    weekdays: Annotated[list[Count], Field(min_length=7, max_length=7)] | None = None

    @model_validator(mode="after")
    def _counts_add_up(self) -> _Column:
        if (self.sketch.width == TIMESTAMP_BUCKET_SECONDS) != (self.kind == "datetime"):
            raise ValueError("timestamps, and only they, have ten-minute sketch buckets")
        if self.nulls > self.count or self.nan + self.inf > self.count - self.nulls:
            raise ValueError("more nulls, NaNs and infinities than values")
        if (self.length is None) != (self.shapes is None):
            raise ValueError("'shapes' and 'length' go together")
        if (self.hours is None) != (self.weekdays is None):
            raise ValueError("'hours' and 'weekdays' go together")
        expected = VALUE_TYPES.get(self.kind)
        for value, _ in self.top.values:
            if expected is not None and not (
                isinstance(value, expected[0]) and not isinstance(value, expected[1])
            ):
                raise ValueError(f"frequent value {value!r} of a {self.kind} column")
        return self


class _Saved(_Closed):
    """Format and version are checked before this shape, so a profile of another version is
    named as that."""

    format: StrictStr
    version: StrictInt
    rows: Count
    files: list[StrictStr]
    columns: dict[str, _Column]

    @model_validator(mode="after")
    def _every_column_counts_every_row(self) -> _Saved:
        for name, column in self.columns.items():
            if column.count != self.rows:
                raise ValueError(f"column {name!r} counts {column.count} rows of {self.rows}")
        return self


def problem(data: dict[str, Any]) -> str | None:
    """What is wrong with a saved profile's JSON, as one line naming the field, or None."""
    try:
        _Saved.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return None
