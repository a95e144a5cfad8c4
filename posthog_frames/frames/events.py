"""Events (``EventsQuery`` answers) as a DataFrame, one row per event. Pure: no HTTP.

Columns: ``uuid``, ``event``, ``timestamp`` (tz-aware UTC), ``distinct_id``, ``person_id`` and
one ``properties.<key>`` column per event property (sorted by key), typed from PostHog's event
property definitions when ``property_types`` is given, else from the JSON values (as person
properties are: :mod:`posthog_frames.frames.dtypes`). The properties arrive as one JSON text per
event (the ``properties`` column) or as named columns (``properties.$browser``).

Example:
    >>> page = {"columns": ["uuid", "event", "timestamp", "properties"],
    ...         "results": [["0195…", "$pageview", "2025-03-01T10:00:00.5Z", '{"$os": "iOS"}']]}
    >>> df = events_frame(page)
    >>> df.columns.tolist(), str(df["timestamp"].dtype)
    (['uuid', 'event', 'timestamp', 'properties.$os'], 'datetime64[us, UTC]')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import pandas as pd

from posthog_frames._compat import parse_iso, text_array
from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.dtypes import (
    DATETIME,
    apply_property_types,
    common_dtype,
    property_columns,
)

__all__ = ["EVENT_COLUMNS", "concat_event_pages", "events_frame"]

EVENT_COLUMNS = ("uuid", "event", "timestamp", "distinct_id", "person_id")
PREFIX = "properties."
_EXPECTED = "an EventsQuery answer {'columns': [...], 'results': [[...], ...]} or a list of them"


def _pages(response: Any) -> tuple[list[str], list[list[Any]]]:
    pages = response if isinstance(response, list) else [response]
    columns: list[str] | None = None
    rows: list[list[Any]] = []
    for page in pages:
        if not isinstance(page, Mapping) or not isinstance(page.get("results"), list):
            raise InvalidResponse(f"expected {_EXPECTED}")
        found = page.get("columns")
        if not isinstance(found, list) or (columns is not None and found != columns):
            raise InvalidResponse(f"expected {_EXPECTED}, all with the same columns")
        columns = [str(c) for c in found]
        rows.extend(page["results"])
    if any(not isinstance(row, list) or len(row) != len(columns or []) for row in rows):
        raise InvalidResponse(f"every row must have one value per column ({columns})")
    return columns or list(EVENT_COLUMNS), rows


def _column_name(column: str) -> str:
    """``properties.`my key``` → ``properties.my key``; other columns as they are."""
    if column.startswith(PREFIX + "`") and column.endswith("`"):
        inner = column[len(PREFIX) + 1 : -1]
        return PREFIX + inner.replace("\\`", "`").replace("\\\\", "\\")
    return column


def _properties(values: list[Any]) -> list[dict[str, Any]]:
    out = []
    for value in values:
        parsed = orjson.loads(value) if isinstance(value, str | bytes) else value
        if parsed is not None and not isinstance(parsed, dict):
            raise InvalidResponse(f"an event's properties must be a JSON object, got {value!r}")
        out.append(parsed or {})
    return out


def events_frame(
    response: Any, property_types: Any = None, dtype_backend: DtypeBackend | None = None
) -> pd.DataFrame:
    """One or more EventsQuery answers (pages of one pull) as one frame of events.

    *property_types* (``{key: "Numeric"|"DateTime"|"Boolean"|"String"}`` or the event property
    definitions) types the property columns; *dtype_backend* (``"numpy_nullable"`` or
    ``"pyarrow"``) gives nullable or Arrow-backed columns, as in ``pd.read_parquet``.

    Example:
        >>> page = {"columns": ["uuid", "properties.revenue"], "results": [["a", "12.5"]]}
        >>> events_frame(page, {"revenue": "Numeric"})["properties.revenue"].tolist()
        [12.5]
        >>> events_frame(page, dtype_backend="pyarrow")["uuid"].dtype
        string[pyarrow]
    """
    check_backend(dtype_backend)
    columns, rows = _pages(response)
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    data: dict[str, pd.Series] = {}
    props: dict[str, pd.Series] = {}
    named: dict[str, list[Any]] = {}
    for column, column_values in zip(columns, values, strict=True):
        items = list(column_values)
        if column == "timestamp":
            data[column] = pd.Series(parse_iso(items, utc=True, errors="coerce"), dtype=DATETIME)
        elif column == "properties":
            props = property_columns(_properties(items), PREFIX, EVENT_COLUMNS)
        elif column.startswith(PREFIX):
            named[_column_name(column)[len(PREFIX) :]] = items
        elif all(isinstance(v, str) or v is None for v in items):
            data[column] = pd.Series(text_array(items))
        else:
            data[column] = pd.Series(items, dtype=object)
    if named:  # properties selected one by one: typed as the JSON's values are
        records = [dict(zip(named, row, strict=True)) for row in zip(*named.values(), strict=True)]
        found = property_columns(records, PREFIX)
        props |= {PREFIX + k: found.get(PREFIX + k, pd.Series([], dtype=object)) for k in named}
    frame = pd.DataFrame({**data, **dict(sorted(props.items()))}, index=pd.RangeIndex(len(rows)))
    if property_types is not None:
        frame = apply_property_types(frame, property_types, PREFIX)
    return with_backend(frame, dtype_backend)


def concat_event_pages(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The per-page frames of one pull (from :func:`events_frame`) as one frame, one dtype per
    column; a property absent from some pages is missing there (ints become ``Int64``).

    The frame is built column by column and each column is dropped from the pages once stacked,
    so a pull of a million events holds about one frame's worth, not the pages and the result
    side by side. *frames* are emptied: pass frames no one else uses.

    Example:
        >>> a = events_frame({"columns": ["uuid", "properties"], "results": [["a", '{"n": 1}']]})
        >>> b = events_frame({"columns": ["uuid", "properties"], "results": [["b", '{}']]})
        >>> concat_event_pages([a, b])["properties.n"].tolist()
        [1, <NA>]
    """
    if len(frames) == 1:
        return frames[0]
    if not frames:
        return events_frame([])
    base = [c for c in frames[0].columns if not str(c).startswith(PREFIX)]
    named = sorted({c for f in frames for c in f.columns if str(c).startswith(PREFIX)})
    data: dict[str, pd.Series] = {}
    for column in [*base, *named]:
        parts = [f[column] if column in f.columns else None for f in frames]
        dtype = common_dtype(parts)
        pieces = [
            pd.Series(index=f.index, dtype=dtype)
            if part is None
            else (part if part.dtype == dtype else part.astype(dtype))
            for part, f in zip(parts, frames, strict=True)
        ]
        data[column] = pd.concat(pieces, ignore_index=True)
        del parts, pieces
        for f in frames:
            if column in f.columns:
                del f[column]
    return pd.DataFrame(data, copy=False)
