"""SQL (HogQL) results — SQL insights and /query/ responses — as frames typed from ClickHouse."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames._compat import parse_iso, text_array
from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.trends import DISPLAY_VIEWS

_WRAPPERS = re.compile(r"^(Nullable|LowCardinality)\((.*)\)$")
_ZONE = re.compile(r"'([^']+)'")
_STRING_TYPES = ("String", "FixedString", "UUID", "Enum8", "Enum16", "Enum", "IPv4", "IPv6")
_OBJECT_TYPES = ("Array", "Map", "Tuple", "Nested", "JSON", "Object", "Nothing", "Variant")


class TruncatedResult(UserWarning):
    """PostHog cut the answer short (``hasMore``): not every row is in the DataFrame."""


def hogql_frame(
    response: Any, tz: bool = False, dtype_backend: DtypeBackend | None = None
) -> pd.DataFrame:
    """Rows of a HogQL result, one column per ``columns`` entry, typed from ``types``.

    Accepts a /query/ response (rows in ``results``) or a SQL insight (rows in ``result``).
    ``types`` may be ``[[name, type], ...]`` or a list of type strings; without it pandas infers.
    ClickHouse types map to: (U)Int* → int64 (``Int64`` when nullable or nulls appear; Python ints
    beyond 64 bits stay object), Float*/Decimal → float64, String/UUID/Enum → ``str``,
    DateTime*/Date → datetime64[us]: values are instants, so one carrying an offset is
    converted to the column's zone (``DateTime('Europe/Paris')``, else the project's); by
    default the result is naive (the wall clock in that zone), ``tz=True`` keeps it tz-aware.
    Values without an offset are read as that zone's wall clock. Bool → bool (``boolean`` with
    nulls), Array/Map/Tuple → object (Python lists). *dtype_backend* (``"numpy_nullable"`` or
    ``"pyarrow"``) gives nullable or Arrow-backed columns instead, as in ``pd.read_parquet``.

    ``df.attrs["view"]`` is ``table``, or the chart a SQL insight is drawn as (``line``, ``bar``
    …, from the query's ``display``), with its axes in ``attrs["x_column"]`` and
    ``attrs["y_columns"]`` when the insight names them (``chartSettings``).

    ``df.attrs["has_more"]`` is PostHog's ``hasMore`` (when the response has it). When it is
    true PostHog cut the rows short (100 without a LIMIT) and a :class:`TruncatedResult`
    warning says how to get them all.

    Example:
        >>> sql = "select event, count() as n from events group by event order by n desc"
        >>> body = {"query": {"kind": "HogQLQuery", "query": sql}}
        >>> hogql_frame(client.post("query/", body)).head(2)     # the /query/ response's JSON
                    event     n
        0       $pageview  7896
        1  viewed product  2549
    """
    check_backend(dtype_backend)
    rows, insight = c.unwrap(response)
    names = insight.get("columns")
    if not isinstance(names, list):
        raise c.invalid(
            "a SQL response with a top-level 'columns' list (pass the whole response, not rows)",
            names,
            where="columns",
        )
    names = [str(name) for name in names]
    _check_rows(rows, len(names))
    types = _types(insight.get("types"), len(names))
    attrs = c.metadata(insight, "sql", _view(insight))
    attrs.update(_chart_axes(insight, names))
    values = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    columns = {
        i: _convert(list(column), types[i], names[i], attrs["timezone"], tz)
        for i, column in enumerate(values)
    }
    df = pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=range(len(rows)))
    df.columns = pd.Index(names, dtype=object)  # by position: duplicate names survive
    df.attrs.update(attrs)
    if insight.get("types") is not None:
        df.attrs["types"] = dict(zip(names, types, strict=True))
    _check_has_more(insight, df)
    return with_backend(df, dtype_backend)


def _view(insight: Mapping[str, Any]) -> str:
    """``table``, or the chart a SQL insight is drawn as (``DataVisualizationNode.display``)."""
    query = insight.get("query")
    display = query.get("display") if isinstance(query, Mapping) else None
    if not isinstance(display, str) or display == "ActionsTable":
        return "table"
    return DISPLAY_VIEWS.get(display, display.lower())


def _chart_axes(insight: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    """The columns a SQL chart puts on x and y (``chartSettings``), when they are in the frame."""
    query = insight.get("query")
    settings = query.get("chartSettings") if isinstance(query, Mapping) else None
    if not isinstance(settings, Mapping):
        return {}
    axes: dict[str, Any] = {}
    x = settings.get("xAxis")
    if isinstance(x, Mapping) and x.get("column") in names:
        axes["x_column"] = x["column"]
    ys = settings.get("yAxis")
    if isinstance(ys, list):
        columns = [y.get("column") for y in ys if isinstance(y, Mapping)]
        columns = [column for column in columns if column in names]
        if columns:
            axes["y_columns"] = columns
    return axes


def _check_has_more(response: Mapping[str, Any], df: pd.DataFrame) -> None:
    if "hasMore" not in response:
        return
    df.attrs["has_more"] = bool(response["hasMore"])
    if df.attrs["has_more"]:
        warnings.warn(
            f"PostHog returned only the first {len(df):,} rows of this query (hasMore): without "
            "a LIMIT it answers 100. Add an explicit LIMIT (up to 50,000), or fetch every row "
            "with client.query(sql, paginate=True).",
            TruncatedResult,
            stacklevel=3,
        )


def _check_rows(rows: Any, width: int) -> None:
    expected = f"rows as lists of {width} values (one per column)"
    if not isinstance(rows, list):
        raise c.invalid(expected, rows)
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != width:
            raise c.invalid(expected, row, where=f"result[{i}]")


def _types(raw: Any, width: int) -> list[str | None]:
    if raw is None:
        return [None] * width
    if not isinstance(raw, list) or len(raw) != width:
        raise c.invalid(f"'types' with {width} entries", raw, where="types")
    out: list[str | None] = []
    for entry in raw:
        if isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[1], str):
            out.append(entry[1])
        elif isinstance(entry, str):
            out.append(entry)
        else:
            raise c.invalid("'types' as [[name, type], ...] or [type, ...]", entry, where="types")
    return out


def unwrap_type(ch_type: str) -> tuple[str, bool]:
    """``"LowCardinality(Nullable(String))"`` → ``("String", True)``.

    Example:
        >>> unwrap_type("Nullable(DateTime64(6, 'UTC'))")
        ("DateTime64(6, 'UTC')", True)
    """
    nullable = False
    match = _WRAPPERS.match(ch_type.strip())
    while match:
        nullable = nullable or match.group(1) == "Nullable"
        ch_type = match.group(2).strip()
        match = _WRAPPERS.match(ch_type)
    return ch_type, nullable


def _convert(values: list, ch_type: str | None, name: str, timezone: str, tz: bool) -> Any:
    if ch_type is None:
        return (
            pd.Series(values, dtype=object).infer_objects().array
            if values
            else np.array([], dtype=object)
        )
    inner, nullable = unwrap_type(ch_type)
    base = inner.split("(", 1)[0]
    has_null = any(v is None for v in values)
    try:
        if base.startswith(("Int", "UInt")):
            return _integers(values, nullable or has_null)
        if base.startswith(("Float", "Decimal")):
            return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        if base == "Bool":
            if nullable or has_null:
                return pd.array(values, dtype="boolean")
            return np.array(values, dtype=bool)
        if base.startswith(("DateTime", "Date")):
            return _datetimes(values, inner, timezone, tz)
        if base in _STRING_TYPES:
            return text_array([None if v is None else str(v) for v in values])
    except (ValueError, TypeError, OverflowError) as err:
        raise c.invalid(
            f"values of ClickHouse type {ch_type} ({err})", values[:3], where=f"column {name!r}"
        ) from None
    # Array, Map, Tuple and types this library does not know: keep the Python values.
    return np.array(values + [None], dtype=object)[:-1]


def _integers(values: list, nullable: bool) -> Any:
    try:
        if nullable:
            return pd.array(values, dtype="Int64")
        return np.array(values, dtype=np.int64)
    except OverflowError:
        return np.array(values + [None], dtype=object)[:-1]  # (U)Int128/256 beyond int64


def _datetimes(values: Sequence[Any], ch_type: str, timezone: str, tz: bool) -> Any:
    if not all(v is None or isinstance(v, str) for v in values):
        raise ValueError("expected ISO date strings")
    found = _ZONE.search(ch_type)
    zone = found.group(1) if found else timezone
    if d.has_offsets(values):  # instants: convert, never relabel
        instants = parse_iso(values, utc=True)
        local = d.in_zone(instants.tz_localize(None).to_numpy(), zone)
        return local if tz else local.tz_localize(None)
    parsed = parse_iso([None if v is None else d.strip_offset(v) for v in values])
    return d.localize_wall(parsed, zone) if tz else parsed
