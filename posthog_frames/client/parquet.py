"""``stream_to_parquet()``: persons or a query's rows to a Parquet file, one row group per page.

The schema is decided before the first page is written and never changes: SQL columns map
from PostHog's ClickHouse ``types``; person properties from the property definitions
(Numeric → float64, Boolean → bool, DateTime → timestamp, anything else → string). A value that
does not fit its column's type is written as null rather than breaking the schema half-way.
The file appears under its name only once complete (it is written as ``<name>.partial``).

Example:
    >>> arrow_type("Nullable(DateTime64(6, 'UTC'))")
    TimestampType(timestamp[us, tz=UTC])
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.hogql import MAX_ROWS
from posthog_frames.client.persons import PersonsRequest
from posthog_frames.client.persons_hogql import query_person_frames
from posthog_frames.client.progress import progress_bar
from posthog_frames.client.properties import person_property_types
from posthog_frames.client.query import check_sql, no_cache, query_pages
from posthog_frames.exceptions import MissingDependency, ValidationError
from posthog_frames.frames.persons import PERSON_COLUMNS
from posthog_frames.frames.sql import unwrap_type

__all__ = [
    "StreamResult",
    "arrow_type",
    "hogql_schema",
    "persons_schema",
    "stream_persons",
    "stream_rows",
    "stream_to_parquet",
]


class StreamResult(NamedTuple):
    """What :meth:`posthog_frames.Client.stream_to_parquet` wrote: the file and its row count."""

    path: Path
    rows: int


def stream_to_parquet(
    client: BaseClient,
    path: str | Path,
    source: str,
    *,
    properties: Any = None,
    values: dict[str, Any] | None = None,
    page_size: int = MAX_ROWS,
    progress: bool | None = None,
    keyset: Sequence[str] | None = None,
) -> StreamResult:
    """Write ``"persons"`` or a HogQL query's rows to a Parquet file, one page at a time.

    Each page (up to 49,999 rows) becomes one row group, so memory stays at about one
    page however many rows there are; pages are not kept in the local cache. Pages come by
    keyset, never OFFSET: a SQL source needs an ORDER BY on selected columns that order rows
    uniquely (or *keyset*, as in :meth:`query`). The schema is fixed before the first page:
    for persons from the property definitions (Numeric → float64, Boolean → bool, DateTime →
    timestamp, else string), for SQL from PostHog's ``types``. Needs pyarrow:
    ``pip install "posthog-frames[parquet]"``.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "persons.parquet"
        >>> stream_to_parquet(client, out, "persons").rows
        500
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
        >>> client.stream_to_parquet(out, "select uuid, event, timestamp from events "
        ...                          "order by timestamp, uuid").rows > 1000
        True
    """
    if not isinstance(source, str) or not source.strip():
        raise ValidationError('source must be "persons" or a HogQL SELECT.')
    target = Path(path)
    bar = progress_bar(client, progress, None, "rows")
    try:
        with no_cache(client):
            if source.strip().lower() == "persons":
                if values or keyset:
                    raise ValidationError(
                        'values and keyset apply to SQL sources, not "persons" (paged by '
                        "created_at and id)."
                    )
                types = person_property_types(client) or {}
                request = PersonsRequest(properties, page_size=page_size)
                frames = query_person_frames(
                    client, request, progress=False, refresh=True, types=types
                )
                rows = stream_persons(target, frames, types, bar)
            else:
                if properties:
                    raise ValidationError(
                        'properties apply to "persons"; put conditions in the SQL WHERE.'
                    )
                sql = check_sql(source)
                pages = query_pages(
                    client,
                    sql,
                    values,
                    keyset=keyset,
                    refresh="force_blocking",
                    page_size=page_size,
                )
                rows = stream_rows(target, pages, bar)
    finally:
        if bar is not None:
            bar.close()
    return StreamResult(target, rows)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(
            'stream_to_parquet needs pyarrow: pip install "posthog-frames[parquet]" (or pip '
            "install pyarrow), then restart the kernel."
        ) from None
    return pa, pq


def arrow_type(ch_type: str | None) -> Any:
    """The Arrow type a ClickHouse type is written as (unknown types: JSON text)."""
    pa, _ = _pyarrow()
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
    pa, _ = _pyarrow()
    names = [str(c) for c in columns]
    raw = types or [None] * len(names)
    chosen = [t[1] if isinstance(t, list | tuple) else t for t in raw]
    return pa.schema([pa.field(n, arrow_type(t)) for n, t in zip(names, chosen, strict=True)])


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


def _array(values: list[Any], target: Any) -> Any:
    """*values* as an Arrow array of *target*; values that do not fit become null."""
    pa, _ = _pyarrow()
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


def _bool(value: Any) -> bool | None:
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return bool(value)


class _Writer:
    """A ParquetWriter on ``<path>.partial``, renamed to *path* when everything is written."""

    def __init__(self, path: Path, schema: Any) -> None:
        _, pq = _pyarrow()
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.schema = schema
        self.writer = pq.ParquetWriter(str(self.partial), schema)
        self.rows = 0

    def write(self, arrays: list[Any]) -> None:
        pa, _ = _pyarrow()
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        if table.num_rows == 0:
            return  # the empty page that ends an exact multiple of the page size
        self.writer.write_table(table, row_group_size=max(1, table.num_rows))
        self.rows += table.num_rows

    def finish(self, ok: bool) -> None:
        self.writer.close()
        if ok:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


def _drive(writer: _Writer, batches: Iterable[list[Any]], bar: Any) -> int:
    ok = False
    try:
        for arrays in batches:
            writer.write(arrays)
            if bar is not None:
                bar.update(len(arrays[0]) if arrays else 0)
        ok = True
    finally:
        writer.finish(ok)
    return writer.rows


def stream_rows(path: Path, pages: Iterator[dict], bar: Any = None) -> int:
    """Write HogQL answer pages to *path*; the first page fixes the schema. Returns the rows."""
    first = next(pages)
    schema = hogql_schema(first["columns"], first.get("types"))
    targets = [field.type for field in schema]

    def batches() -> Iterator[list[Any]]:
        for page in _chain(first, pages):
            rows = page["results"]
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(targets)
            yield [_array(list(col), t) for col, t in zip(columns, targets, strict=True)]

    return _drive(_Writer(path, schema), batches(), bar)


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest


_PROPERTY_TYPES = {"Numeric": "Float64", "Boolean": "Bool", "DateTime": "DateTime64(6, 'UTC')"}


def persons_schema(property_types: dict[str, str], prefix: str = "properties.") -> Any:
    """The persons file's schema: the person columns, then one column per defined property."""
    pa, _ = _pyarrow()
    fields = [
        pa.field("id", pa.string()),
        pa.field("uuid", pa.string()),
        pa.field("name", pa.string()),
        pa.field("distinct_ids", pa.list_(pa.string())),
        pa.field("created_at", pa.timestamp("us", tz="UTC")),
        pa.field("last_seen_at", pa.timestamp("us", tz="UTC")),
        pa.field("is_identified", pa.bool_()),
    ]
    for key in sorted(property_types):
        ch_type = _PROPERTY_TYPES.get(str(property_types[key]), "String")
        fields.append(pa.field(prefix + key, arrow_type(ch_type)))
    return pa.schema(fields)


def stream_persons(
    path: Path, pages: Iterable[pd.DataFrame], property_types: dict[str, str], bar: Any = None
) -> int:
    """Write person frames to *path* with :func:`persons_schema`. Returns the rows written.

    Properties without a definition cannot be typed up front; they are left out with a warning.
    """
    schema = persons_schema(property_types)
    undefined: set[str] = set()

    def batches() -> Iterator[list[Any]]:
        for frame in pages:
            undefined.update(c for c in frame.columns if c not in schema.names)
            missing = [None] * len(frame)
            yield [
                _array(frame[f.name].tolist() if f.name in frame.columns else missing, f.type)
                for f in schema
            ]

    rows = _drive(_Writer(path, schema), batches(), bar)
    dropped = sorted(undefined - set(PERSON_COLUMNS))
    if dropped:
        warnings.warn(
            f"{len(dropped)} person properties have no property definition, so no column in "
            f"{path.name}: {', '.join(dropped[:10])}{' …' if len(dropped) > 10 else ''}. "
            "client.persons() includes them.",
            UserWarning,
            stacklevel=4,  # past this function and stream_to_parquet: the user's call
        )
    return rows
