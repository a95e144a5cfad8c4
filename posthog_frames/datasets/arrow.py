"""Arrow types and arrays for the Parquet writers: schemas fixed before the first page.

SQL columns map from PostHog's ClickHouse ``types``; person and event properties from the
property definitions (Numeric → float64, Boolean → bool, DateTime → timestamp, anything else →
string). A value that does not fit its column's type is written as null rather than breaking the
schema half-way. pyarrow is imported on first use: ``import posthog_frames`` does not load it.

Example:
    >>> arrow_type("Nullable(DateTime64(6, 'UTC'))")
    TimestampType(timestamp[us, tz=UTC])
    >>> events_schema({"revenue": "Numeric"}).names
    ['uuid', 'event', 'timestamp', 'distinct_id', 'person_id', 'properties.revenue']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson
import pandas as pd

from posthog_frames.exceptions import MissingDependency
from posthog_frames.frames.sql import unwrap_type

__all__ = [
    "arrow_array",
    "arrow_type",
    "events_schema",
    "hogql_schema",
    "persons_schema",
    "property_types_of",
    "pyarrow_modules",
]

_PROPERTY_TYPES = {"Numeric": "Float64", "Boolean": "Bool", "DateTime": "DateTime64(6, 'UTC')"}
_TIMESTAMP = "DateTime64(6, 'UTC')"


def pyarrow_modules() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, or :class:`MissingDependency` saying how to install."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(
            'Parquet files need pyarrow: pip install "posthog-frames[parquet]" (or pip install '
            "pyarrow), then restart the kernel."
        ) from None
    return pa, pq


def arrow_type(ch_type: str | None) -> Any:
    """The Arrow type a ClickHouse type is written as (unknown types: JSON text)."""
    pa, _ = pyarrow_modules()
    inner, _nullable = unwrap_type(ch_type or "String")
    base = inner.split("(", 1)[0]
    if base.startswith(("Int", "UInt")):
        return pa.int64()
    if base.startswith(("Float", "Decimal")):
        return pa.float64()
    if base == "Bool":
        return pa.bool_()
    if base.startswith("DateTime"):
        return pa.timestamp("us", tz="UTC")
    if base.startswith("Date"):
        return pa.date32()
    if base == "Array":
        return pa.list_(pa.string())
    return pa.string()


def hogql_schema(columns: list[str], types: list[Any] | None) -> Any:
    """The schema of a HogQL answer from its ``columns`` and ``types``."""
    pa, _ = pyarrow_modules()
    names = [str(c) for c in columns]
    raw = types or [None] * len(names)
    chosen = [t[1] if isinstance(t, list | tuple) else t for t in raw]
    return pa.schema([pa.field(n, arrow_type(t)) for n, t in zip(names, chosen, strict=True)])


def _property_fields(property_types: dict[str, str], prefix: str) -> list[Any]:
    pa, _ = pyarrow_modules()
    return [
        pa.field(prefix + key, arrow_type(_PROPERTY_TYPES.get(str(property_types[key]), "String")))
        for key in sorted(property_types)
    ]


def persons_schema(property_types: dict[str, str], prefix: str = "properties.") -> Any:
    """The persons file's schema: the person columns, then one column per defined property."""
    pa, _ = pyarrow_modules()
    fields = [
        pa.field("id", pa.string()),
        pa.field("uuid", pa.string()),
        pa.field("name", pa.string()),
        pa.field("distinct_ids", pa.list_(pa.string())),
        pa.field("created_at", pa.timestamp("us", tz="UTC")),
        pa.field("last_seen_at", pa.timestamp("us", tz="UTC")),
        pa.field("is_identified", pa.bool_()),
    ]
    return pa.schema(fields + _property_fields(property_types, prefix))


def events_schema(property_types: dict[str, str]) -> Any:
    """The events dataset's schema: ``client.events()``'s columns, one per defined property."""
    pa, _ = pyarrow_modules()
    fields = [pa.field(name, pa.string()) for name in ("uuid", "event")]
    fields.append(pa.field("timestamp", arrow_type(_TIMESTAMP)))
    fields += [pa.field(name, pa.string()) for name in ("distinct_id", "person_id")]
    return pa.schema(fields + _property_fields(property_types, "properties."))


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | dict | list | tuple):
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    return str(value)


def _bool(value: Any) -> bool | None:
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return bool(value)


def arrow_array(values: Sequence[Any], target: Any) -> Any:
    """*values* as an Arrow array of *target*; values that do not fit become null.

    Example:
        >>> import pyarrow as pa
        >>> arrow_array(["3", "x", None], pa.float64()).to_pylist()
        [3.0, None, None]
    """
    pa, _ = pyarrow_modules()
    values = list(values)
    if pa.types.is_timestamp(target):
        stamps = pd.to_datetime(
            pd.Series(values, dtype=object), utc=True, format="ISO8601", errors="coerce"
        )
        return pa.array(stamps.astype("datetime64[us, UTC]"), type=target, from_pandas=True)
    if pa.types.is_date32(target):
        days = [None if _missing(v) else date.fromisoformat(str(v)[:10]) for v in values]
        return pa.array(days, type=target)
    if pa.types.is_floating(target):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        return pa.array(numbers.astype("float64"), type=target, from_pandas=True)
    if pa.types.is_integer(target):
        return pa.array([None if _missing(v) else int(v) for v in values], type=target)
    if pa.types.is_boolean(target):
        return pa.array([None if _missing(v) else _bool(v) for v in values], type=target)
    if pa.types.is_list(target):
        lists = [[_text(x) for x in v] if isinstance(v, list | tuple) else None for v in values]
        return pa.array(lists, type=target)
    return pa.array([_text(v) for v in values], type=target)


_DEFINED = {"double": "Numeric", "bool": "Boolean", "timestamp[us, tz=UTC]": "DateTime"}


def property_types_of(schema: Any, prefix: str = "properties.") -> dict[str, str]:
    """The property types a schema was made from (a resumed pull keeps its first schema).

    Example:
        >>> property_types_of(events_schema({"plan": "String", "seats": "Numeric"}))
        {'plan': 'String', 'seats': 'Numeric'}
    """
    return {
        f.name[len(prefix) :]: _DEFINED.get(str(f.type), "String")
        for f in schema
        if f.name.startswith(prefix)
    }
