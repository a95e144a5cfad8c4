"""What differs between pandas 2.2+ and pandas 3, in one place (the converters call these).

- **Text.** pandas 3 stores text as its ``str`` dtype, where missing values stay missing;
  pandas 2 stores text as ``object``, and there ``astype("str")`` writes ``'nan'`` and
  ``'None'`` into the gaps. :func:`text_array` and :func:`as_text` give pandas' own default
  dtype for text (``str`` on pandas 3, ``object`` on pandas 2 unless
  ``pd.options.future.infer_string`` is on) with missing values as NaN in both.
- **Time zones.** pandas 2 raises pytz's errors for a wall time it cannot place
  (:data:`TIME_ERRORS` holds both kinds).
- **Dates.** pandas 3 parses ISO strings to microseconds; pandas 2 to nanoseconds, which end
  in 2262. :func:`parse_iso` always answers ``datetime64[us]`` and reads later dates too
  (``9999-12-31`` is a common "never" in date properties).

Example:
    >>> text_array(["a", None]).tolist()
    ['a', nan]
    >>> parse_iso(["9999-12-31T00:00:00Z"], utc=True)[0].year
    9999
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PANDAS_MAJOR",
    "TIME_ERRORS",
    "as_text",
    "epoch_us",
    "own_text",
    "parse_iso",
    "text_array",
    "text_dtype",
]

PANDAS_MAJOR = int(pd.__version__.split(".", 1)[0])
_US = "datetime64[us]"
_NAT = np.datetime64("NaT", "us")


def _time_errors() -> tuple[type[Exception], ...]:
    try:
        import pytz  # pandas 2 localizes with pytz and raises its errors (not ValueErrors)
    except ImportError:
        return (ValueError,)
    return (ValueError, pytz.exceptions.InvalidTimeError)


# What ``tz_localize`` raises for a repeated or skipped hour it cannot place.
TIME_ERRORS = _time_errors()


def text_dtype() -> Any:
    """pandas' default dtype for text: ``str`` on pandas 3, ``object`` on pandas 2.

    Example:
        >>> pd.api.types.is_string_dtype(text_dtype())
        True
    """
    return pd.Series(["x"]).dtype  # follows pd.options.future.infer_string on pandas 2 too


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def text_array(values: Sequence[Any]) -> Any:
    """Text values (None or NaN where missing) in :func:`text_dtype`, gaps as NaN.

    Example:
        >>> text_array(["b", "a"]).tolist()
        ['b', 'a']
    """
    dtype = text_dtype()
    if _is_object(dtype):
        out = np.empty(len(values), dtype=object)
        out[:] = values
        if pd.api.types.infer_dtype(out, skipna=True) == "string":
            return _text_gaps_as_nan(out)
        out[:] = [np.nan if v is None or v is pd.NA or v != v else v for v in out]
        return out
    return pd.array(list(values), dtype=dtype)


def _text_gaps_as_nan(out: np.ndarray) -> np.ndarray:
    """*out* (ours to change), whose values are text, None, NaN or NA (``infer_dtype`` says
    "string"), with its gaps written as NaN (NaN itself needs no writing)."""
    gaps = _is(out, None) | _is(out, pd.NA)
    if gaps.any():
        out[gaps] = np.nan
    return out


def _is(values: np.ndarray, obj: object) -> np.ndarray:
    """``values[i] is obj`` for each i, as a boolean array."""
    # An object array holds pointers: comparing them with obj's address takes 0.1 ms for
    # 100,000 values, where `values == None` calls Python's comparison on each (10-25 ms) and
    # pd.isna reads every text at length (40 ms) - per column, on every pandas 2 persons frame.
    try:
        addresses = np.frombuffer(values.data.cast("B"), dtype=np.intp)
    except (TypeError, ValueError, BufferError):  # not contiguous, or empty
        return np.fromiter((v is obj for v in values), dtype=bool, count=len(values))
    return addresses == id(obj)


def own_text(col: pd.Series) -> pd.Series:
    """*col*, whose values are text or missing (``infer_dtype`` says "string") and the
    caller's alone, in :func:`text_dtype` with gaps as NaN; on pandas 2 the gaps are written
    into *col*'s own values (no copy).

    Example:
        >>> own_text(pd.Series(["a", None], dtype=object)).tolist()
        ['a', nan]
    """
    dtype = text_dtype()
    if not _is_object(dtype):
        return col.astype(dtype)
    values = col.to_numpy(dtype=object)
    if not values.flags.writeable:  # copy-on-write (an option on pandas 2) lends it read-only
        values = values.copy()
    return pd.Series(_text_gaps_as_nan(values), index=col.index, name=col.name, copy=False)


def as_text(col: pd.Series) -> pd.Series:
    """*col* as text (:func:`text_dtype`): values become ``str``, missing values stay missing.

    Example:
        >>> as_text(pd.Series([7, None], dtype=object)).tolist()
        ['7', nan]
    """
    dtype = text_dtype()
    if not _is_object(dtype):
        return col.astype(dtype)
    present = col.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(present, skipna=True) == "string":  # text already: no loop
        return own_text(pd.Series(present.copy(), index=col.index, name=col.name))
    missing = col.isna().to_numpy()
    values = np.empty(len(col), dtype=object)
    values[:] = [np.nan if gap else str(v) for v, gap in zip(present, missing, strict=True)]
    return pd.Series(values, index=col.index, name=col.name)


def parse_iso(
    texts: Sequence[Any], *, utc: bool = False, errors: str = "raise"
) -> pd.DatetimeIndex:
    """ISO 8601 strings (None for missing) as a ``datetime64[us]`` index, any year 1 to 9999.

    ``utc=True`` reads offsets and answers tz-aware UTC; otherwise the strings must be naive.
    ``errors="coerce"`` makes unreadable strings NaT, else they raise ``ValueError``.

    Example:
        >>> [str(t) for t in parse_iso(["2024-03-01 13:00:00", None])]
        ['2024-03-01 13:00:00', 'NaT']
    """
    texts = list(texts)
    fast = _arrow_utc(texts) if utc else None
    if fast is not None:
        return fast
    try:
        parsed = pd.to_datetime(texts, utc=utc, format="ISO8601", errors=errors)
    except pd.errors.OutOfBoundsDatetime:
        if PANDAS_MAJOR >= 3:
            raise
        parsed = pd.to_datetime(texts, utc=utc, format="ISO8601", errors="coerce")
    index = pd.DatetimeIndex(parsed).as_unit("us")
    if PANDAS_MAJOR >= 3:
        return index
    # pandas 2 stops at 2262: read the dates it could not hold with the standard library.
    # Only the NaT positions are looked at: indexing each of 100,000 values costs a second.
    lost = [i for i in np.flatnonzero(index.isna()) if isinstance(texts[i], str)]
    if not lost:
        return index
    values = index.tz_localize(None).to_numpy(dtype=_US) if utc else index.to_numpy(dtype=_US)
    for i in lost:
        values[i] = _one(texts[i], utc, errors)
    out = pd.DatetimeIndex(values)
    return out.tz_localize("UTC") if utc else out


def _arrow_utc(texts: list[Any]) -> pd.DatetimeIndex | None:
    """*texts* read by Arrow's ISO 8601 parser when it reads every one, else None."""
    # Arrow's parser (C++) is 5-8x pandas 2's ISO8601 path (100 ms a column of 100,000). It is
    # stricter: naive times, dates alone, 7-9 fractional digits, odd spacing ... fail the whole
    # column over to pandas. Where both read a text they agree (tests/unit/test_compat.py).
    try:
        import pyarrow as pa
    except ImportError:  # an optional dependency: pandas reads them all then
        return None
    try:
        array = pa.array(texts, pa.string(), from_pandas=True)
        parsed = array.cast(pa.timestamp("us", tz="UTC"))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    return pd.DatetimeIndex(parsed.to_numpy(zero_copy_only=False)).tz_localize("UTC")


def _one(text: str, utc: bool, errors: str) -> np.datetime64:
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            if not utc:
                raise ValueError(f"{text!r} has a UTC offset; naive dates were expected")
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        if errors == "coerce":
            return _NAT
        raise ValueError(f"{text!r} is not an ISO 8601 date") from None
    return np.datetime64(moment, "us")


def epoch_us(micros: np.ndarray) -> pd.DatetimeIndex:
    """Microseconds since 1970 (float, NaN for missing) as tz-aware UTC; out of range → NaT.

    Example:
        >>> [str(t) for t in epoch_us(np.array([0.0, np.nan]))]
        ['1970-01-01 00:00:00+00:00', 'NaT']
    """
    micros = np.asarray(micros, dtype=np.float64)
    # datetime64[us] holds ±2.9e5 years; keep to Python's years 1..9999 like the text dates.
    ok = np.isfinite(micros) & (np.abs(micros) < 2.5e17)
    values = np.full(micros.shape, _NAT)
    values[ok] = micros[ok].astype(np.int64).astype(_US)
    return pd.DatetimeIndex(values).tz_localize("UTC")
