"""The persons frame's fixed columns (``id`` … ``is_identified``) from parsed person dicts,
each checked as PostHog sends it: a value of another type is an InvalidResponse naming the
person. Shared by :mod:`posthog_frames.frames.persons` and its Arrow route
(:mod:`posthog_frames.frames.persons_arrow`).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

import pandas as pd

from posthog_frames._compat import parse_iso, text_array
from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames.dtypes import DATETIME, values_of

_TEXT_OR_NULL = frozenset({str, type(None)})
_BOOL_OR_NULL = frozenset({bool, type(None)})
_ID_TYPES = frozenset({int, str})


def _timestamps(values: list[Any], name: str) -> pd.Series:
    # PostHog sends ISO text or null; anything else is checked here, before pandas sees it
    # (it would warn about numbers, or read them as epochs).
    if not set(map(type, values)) <= _TEXT_OR_NULL:
        i, bad = next((i, v) for i, v in enumerate(values) if type(v) not in _TEXT_OR_NULL)
        raise InvalidResponse(
            f"person #{i} has {name} {bad!r} ({type(bad).__name__}); expected an ISO 8601 "
            "timestamp text or null"
        )
    return pd.Series(parse_iso(values, utc=True, errors="coerce"), dtype=DATETIME)


def _flags(values: list[Any]) -> pd.Series:
    # Checked here: pandas would take 0 and 1 as booleans and fail on anything else.
    if not set(map(type, values)) <= _BOOL_OR_NULL:
        i, bad = next((i, v) for i, v in enumerate(values) if type(v) not in _BOOL_OR_NULL)
        raise InvalidResponse(
            f"person #{i} has is_identified {bad!r} ({type(bad).__name__}); expected true, false "
            "or null"
        )
    return pd.Series(values, dtype="boolean")


def _ids(persons: list[dict[str, Any]]) -> pd.Series:
    ids = list(map(itemgetter("id"), persons))
    if not set(map(type, ids)) <= _ID_TYPES:  # numeric (REST) or the UUID text (HogQL)
        i, bad = next((i, v) for i, v in enumerate(ids) if type(v) not in _ID_TYPES)
        raise InvalidResponse(f"person #{i} has id {bad!r}; expected a number or a UUID text")
    return pd.Series(ids, dtype=None if persons else "str")


def _distinct_ids(persons: list[dict[str, Any]]) -> list[Any]:
    ids = values_of(persons, "distinct_ids")
    if all(ids):  # the usual case, checked in C: each person has some
        return ids
    return [found or [] for found in ids]


def _text(name: str) -> Callable[[list[dict[str, Any]]], pd.Series]:
    return lambda persons: pd.Series(text_array(values_of(persons, name)))


def _time(name: str) -> Callable[[list[dict[str, Any]]], pd.Series]:
    return lambda persons: _timestamps(values_of(persons, name), name)


# Built one by one, so that the Arrow route can fall back to any one of them.
FIXED_COLUMNS: dict[str, Callable[[list[dict[str, Any]]], pd.Series]] = {
    "id": _ids,
    "uuid": _text("uuid"),
    "name": _text("name"),
    "distinct_ids": lambda persons: pd.Series(_distinct_ids(persons), dtype=object),
    "created_at": _time("created_at"),
    "last_seen_at": _time("last_seen_at"),
    # In the persons list only (SerializedPerson); a retrieved person leaves it missing.
    "is_identified": lambda persons: _flags(values_of(persons, "is_identified")),
}


def fixed_columns(persons: list[dict[str, Any]]) -> dict[str, pd.Series]:
    """The fixed columns of *persons*, checked (see the module)."""
    # pyarrow (when installed) reads five of them in one pass, typed and checked at once: on
    # pandas 2 that is a third of the cost of reading them field by field.
    arrays = read_fixed(persons, ("uuid", "name", "created_at", "last_seen_at", "is_identified"))
    columns = {}
    for name, build in FIXED_COLUMNS.items():
        array = (arrays or {}).get(name)
        columns[name] = build(persons) if array is None else _from_arrow(name, array)
    return columns


def _from_arrow(name: str, array: Any) -> pd.Series:
    """The default column *name* from its Arrow array (as :func:`read_fixed` gives it)."""
    if name == "is_identified":
        return pd.Series(pd.BooleanDtype().__from_arrow__(array))
    values = array.to_numpy(zero_copy_only=False)
    if name in _TIMES:
        return pd.Series(pd.DatetimeIndex(values).tz_localize("UTC"), dtype=DATETIME)
    return pd.Series(text_array(values))


_TIMES = ("created_at", "last_seen_at")


def read_fixed(persons: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any] | None:
    """The fixed fields *names* of *persons* as pyarrow arrays, read in one pass (timestamps
    read too, None where Arrow's reader refuses one); None without pyarrow, or when a value
    has another type than PostHog's (the field-by-field checks then name it)."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    kinds = {
        "uuid": pa.string(),
        "name": pa.string(),
        "distinct_ids": pa.list_(pa.string()),
        "created_at": pa.string(),
        "last_seen_at": pa.string(),
        "is_identified": pa.bool_(),
    }
    try:
        struct = pa.array(persons, pa.struct([(name, kinds[name]) for name in names]))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    arrays = {name: struct.field(i) for i, name in enumerate(names)}
    for name in _TIMES:
        if name in arrays:
            try:
                arrays[name] = arrays[name].cast(pa.timestamp("us", tz="UTC"))
            except (pa.ArrowException, ValueError):
                arrays[name] = None  # a text Arrow's reader refuses: pandas' decides (coerce …)
    return arrays
