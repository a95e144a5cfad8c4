"""Column dtypes for person properties: inference from JSON values, PostHog property types, and a
common dtype for pages fetched separately.

Inference rules (JSON values as parsed, never from the text of strings, so "007" stays a string):
all ints → ``int64``, or nullable ``Int64`` when some are missing; any float → ``float64`` (NaN
for missing, which plots and computes without surprises); all bools → nullable ``boolean``; all
strings → ``str``; a mix, lists or dicts → ``object``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames._compat import as_text, epoch_us, own_text, parse_iso, text_dtype
from posthog_frames.exceptions import ValidationError

DATETIME = "datetime64[us, UTC]"
# Epoch numbers above this are milliseconds: 1e11 seconds is the year 5138.
_MS_THRESHOLD = 1e11
_INT_OR_NONE = frozenset({int, type(None)})


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def infer_column(col: pd.Series, originals: Callable[[], list[Any]]) -> pd.Series:
    """Settle the dtype of one property column built by ``DataFrame.from_records``.

    *originals* returns the column's parsed JSON values (None where missing); it is only called
    for whole-number float64 columns with gaps, to tell ints (which pandas turned into lossy
    float64) from floats such as 3.0.
    """
    dtype = col.dtype
    if dtype.kind == "b" and isinstance(dtype, np.dtype):
        return col.astype("boolean")
    if dtype.kind == "f" and col.hasnans:
        values = col.to_numpy()
        present = values[~np.isnan(values)]
        if not present.size or not np.all(np.mod(present, 1) == 0):
            return col
        raw = originals()
        if not set(map(type, raw)) <= _INT_OR_NONE:  # C-level: 3x a generator with `is int`
            return col
        if np.abs(present).max() < 2**53:  # exact in float64, so a cheap cast is lossless
            return col.astype("Int64")
        try:
            return pd.Series(pd.array(raw, dtype="Int64"), index=col.index, name=col.name)
        except OverflowError:  # past int64 (up to 2**64 pandas took the column as floats)
            exact = [np.nan if v is None else v for v in raw]  # NaN for gaps, as from_records
            return pd.Series(exact, dtype=object, index=col.index, name=col.name)
    if not _is_object(dtype):
        return col
    # infer_dtype (C) settles the usual columns: pandas 2's isna costs 40 ms a text column.
    inferred = pd.api.types.infer_dtype(col.to_numpy(), skipna=True)
    if inferred == "string":
        return own_text(col)  # from_records' values: nobody else holds them
    if inferred == "boolean":
        return col.astype("boolean")
    if inferred == "empty":
        return col
    missing = col.isna().to_numpy()
    if missing.all():
        return col
    kinds = set(map(type, col.to_numpy()[~missing]))
    if kinds == {bool}:
        return col.astype("boolean")
    if kinds == {str}:
        return as_text(col)
    return col


def property_columns(
    props: list[dict[str, Any]],
    prefix: str,
    reserved: Sequence[str] = (),
    keys: Sequence[str] | None = None,
) -> dict[str, pd.Series]:
    """One column per property key of the *props* dicts (``prefix + key``, sorted by key), each
    with its inferred dtype; a name among *reserved* (the fixed columns) is refused. *keys*
    limits the columns to those keys (in that order).

    Example:
        >>> cols = property_columns([{"plan": "pro"}, {"seats": 3}], "properties.")
        >>> list(cols), cols["properties.seats"].dtype
        (['properties.plan', 'properties.seats'], Int64Dtype())
    """
    if keys is None:
        frame = pd.DataFrame.from_records(props)  # passing columns= costs ~10% more
        keys = sorted(frame.columns)
    else:
        frame = pd.DataFrame.from_records(props, columns=list(keys))
    check_clashes(keys, prefix, reserved)
    return {
        prefix + key: _named(infer_column(frame[key], partial(values_of, props, key)), prefix + key)
        for key in keys
    }


def check_clashes(keys: Iterable[str], prefix: str, reserved: Sequence[str]) -> None:
    """Refuse property keys whose column (``prefix + key``) would be one of *reserved*."""
    clashes = [prefix + k for k in keys if prefix + k in reserved]
    if clashes:
        raise ValidationError(
            f"property columns {clashes} would clash with the fixed columns; "
            "use a prefix such as prefix='properties.'",
            attr="prefix",
        )


def _named(col: pd.Series, name: str) -> pd.Series:
    # Not rename(): on pandas 2 it copies the values (and touches each object to count it).
    out = col.copy(deep=False)
    out.name = name
    return out


def values_of(rows: list[dict[str, Any]], key: str) -> list[Any]:
    """``row.get(key)`` of each row (None where missing).

    Example:
        >>> values_of([{"plan": "pro"}, {}], "plan")
        ['pro', None]
    """
    return list(map(dict.get, rows, repeat(key)))  # C-level loop: ~30% faster than a listcomp


def _kind(dtype: Any) -> str:
    if isinstance(dtype, pd.DatetimeTZDtype) or str(dtype).startswith("datetime64"):
        return "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_string_dtype(dtype) and not _is_object(dtype):
        return "str"
    return "object"


def common_dtype(parts: list[pd.Series | None]) -> Any:
    """The dtype one column should have across pages; None marks a page without the column.

    Pages where the column is entirely missing do not vote, so an int column absent from one page
    becomes nullable ``Int64`` instead of float or object.
    """
    dtypes = {p.dtype for p in parts if p is not None}
    if len(dtypes) == 1 and all(p is not None for p in parts):
        return dtypes.pop()  # the usual case: every page agrees
    voting = [p for p in parts if p is not None and not p.isna().all()]
    if not voting:
        present = [p.dtype for p in parts if p is not None]
        return present[0] if len(set(present)) == 1 else object
    kinds = {_kind(p.dtype) for p in voting}
    if kinds == {"int"}:
        complete = len(voting) == len(parts) and all(p.dtype == np.int64 for p in voting)
        return np.dtype(np.int64) if complete else pd.Int64Dtype()
    if kinds <= {"int", "float"}:
        return np.dtype(np.float64)
    if kinds == {"bool"}:
        return pd.BooleanDtype()
    if kinds == {"str"}:
        return text_dtype()
    if kinds == {"datetime"}:
        return DATETIME
    return np.dtype(object)


# --- PostHog property types (from /property_definitions/) ------------------------------------


def property_type_map(property_types: Any) -> dict[str, str]:
    """Read *property_types* given as ``{key: type}`` or as property definition dicts.

    Example:
        >>> property_type_map([{"name": "seats", "property_type": "Numeric"}])
        {'seats': 'Numeric'}
    """
    if property_types is None:
        return {}
    items: Iterable[tuple[Any, Any]] | None
    if isinstance(property_types, Mapping):
        if "results" in property_types:  # a whole /property_definitions/ page
            return property_type_map(property_types["results"])
        items = property_types.items()
    elif isinstance(property_types, Iterable) and not isinstance(property_types, str | bytes):
        try:
            items = [(d["name"], d.get("property_type")) for d in property_types]
        except (TypeError, KeyError, AttributeError):
            items = None
    else:
        items = None
    if items is None:
        raise ValidationError(
            "property_types must be a mapping {property key: 'Numeric'|'DateTime'|'Boolean'|"
            "'String'} or a list of property definitions (dicts with 'name' and 'property_type')",
            attr="property_types",
        )
    return {str(k): v for k, v in items if isinstance(v, str)}


def _to_numeric(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("Int64")
    if _kind(col.dtype) in ("int", "float"):
        return col
    return pd.to_numeric(col.astype(object), errors="coerce")


def _epoch(values: pd.Series) -> pd.Series:
    """Epoch numbers as UTC datetimes; each value is seconds or milliseconds by its size."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    micros = np.where(np.abs(numbers) > _MS_THRESHOLD, numbers * 1e3, numbers * 1e6).round()
    return pd.Series(epoch_us(micros), index=values.index)


def _to_datetime(col: pd.Series) -> pd.Series:
    kind = _kind(col.dtype)
    if kind == "datetime":
        out = col.dt.tz_localize("UTC") if col.dt.tz is None else col.dt.tz_convert("UTC")
    elif kind in ("int", "float"):
        out = _epoch(col)
    elif kind == "str":  # only text (the usual case): skip the per-value type checks below
        # via object values: parsing arrow-backed strings directly is several times slower
        texts = col.to_numpy(dtype=object, na_value=None)
        out = pd.Series(parse_iso(texts, utc=True, errors="coerce"), index=col.index)
    else:
        values = col.astype(object)
        is_num = np.fromiter(
            (type(v) in (int, float) for v in values.array), dtype=bool, count=len(values)
        )
        texts = values.where(~is_num & values.map(lambda v: isinstance(v, str), na_action="ignore"))
        parsed = parse_iso(texts.to_numpy(dtype=object, na_value=None), utc=True, errors="coerce")
        out = pd.Series(parsed, index=col.index)
        if is_num.any():
            out = out.astype(DATETIME).mask(is_num, _epoch(values.where(is_num)).astype(DATETIME))
    return out.astype(DATETIME)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return None


def _to_boolean(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("boolean")
    values = [_as_bool(v) for v in col.array]
    return pd.Series(pd.array(values, dtype="boolean"), index=col.index, name=col.name)


_CONVERTERS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "Numeric": _to_numeric,
    "DateTime": _to_datetime,
    "Boolean": _to_boolean,
    "String": as_text,
}


def apply_property_types(
    df: pd.DataFrame, property_types: Any, prefix: str = "properties."
) -> pd.DataFrame:
    """Return *df* with property columns converted to the PostHog type of each property.

    Numeric → numbers (unparseable → missing), DateTime → tz-aware UTC datetimes (ISO strings, or
    epoch seconds/milliseconds), Boolean → ``boolean`` (true/false, also as strings; others →
    missing), String → ``str``. Other types (Duration, ...) and absent columns are left alone.

    Example:
        >>> df = pd.DataFrame({"properties.seats": ["3", "x"]})
        >>> apply_property_types(df, {"seats": "Numeric"})["properties.seats"].tolist()
        [3.0, nan]
    """
    out = df.copy(deep=False)
    for key, ptype in property_type_map(property_types).items():
        column = prefix + key
        convert = _CONVERTERS.get(ptype)
        if convert is not None and column in out.columns:
            out[column] = convert(out[column])
    return out
