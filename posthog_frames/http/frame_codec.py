"""Finished DataFrames as Arrow IPC bytes and back, every dtype kept: no pickle in the cache.

Arrow IPC is a data-only format (pyarrow since 14.0.1 refuses the one extension type that
unpickled), fast to read back, and keeps ``Int64``, ``boolean``, tz-aware datetimes and pandas'
text dtypes through pyarrow's pandas metadata. What it cannot hold exactly is handled here:

- ``object`` columns of text with NaN gaps (pandas 2's text) are Arrow strings, read back with
  NaN (Arrow would give None);
- any other ``object`` column (``distinct_ids``' lists, mixed JSON values) stores each value as
  its JSON text, NaN as null, so lists, dicts, None and NaN come back as they were. A value JSON
  cannot hold exactly (a Timestamp, a numpy scalar, an int past 64 bits) means the frame is not
  encoded (:func:`encode` answers None) rather than kept changed;
- Arrow-backed columns (``pd.ArrowDtype``, from ``dtype_backend="pyarrow"``) are stored as
  they are and read back without pyarrow's pandas metadata, which cannot name a nested type
  (``list<item: string>[pyarrow]``) and would read ``string[pyarrow]`` as pandas' own string;
- ``df.attrs`` travel as JSON in the schema metadata, with each column's dtype: a frame whose
  dtypes do not come back the same (written by another pandas or pyarrow) is refused on reading.

Without pyarrow nothing is encoded (:func:`available` is False): no frame cache rather than pickle.

Example:
    >>> frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "ids": [["a"], []]})
    >>> back = decode(encode(frame))
    >>> back.dtypes.astype(str).tolist(), back["ids"].tolist()
    (['Int64', 'object'], [['a'], []])
"""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson
import pandas as pd

__all__ = ["CONTENT_TYPE", "available", "decode", "encode"]

CONTENT_TYPE = "application/vnd.apache.arrow.stream"
_META = b"posthog_frames"
_FORMAT = 1
_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
# Uncompressed: a warm 20,000-person pull reads its frame in the time unpickling took; lz4 would
# halve the stored frame (6 of 11.6 MiB) but decode it ~50% slower (benchmarks/RESULTS.md).
_COMPRESSION = None


def available() -> bool:
    """Whether frames can be encoded here (pyarrow is installed).

    Example:
        >>> available()
        True
    """
    return importlib.util.find_spec("pyarrow") is not None


def encode(frame: pd.DataFrame) -> bytes | None:
    """*frame* as Arrow IPC stream bytes, or None when it cannot be kept exactly.

    Example:
        >>> encode(pd.DataFrame({"when": [pd.Timestamp("2024-01-01")]}, dtype=object)) is None
        True
    """
    import pyarrow as pa

    names = list(frame.columns)
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        return None
    kinds: dict[str, str] = {}
    replaced: dict[str, Any] = {}
    try:
        for name in names:
            column = frame[name]
            if isinstance(column.dtype, np.dtype) and column.dtype.kind == "O":
                kinds[name], stored = _encode_objects(column.to_numpy())
                if stored is not None:
                    replaced[name] = pd.Series(stored, index=frame.index, dtype=object)
        meta = {
            "format": _FORMAT,
            "dtypes": [str(dtype) for dtype in frame.dtypes],
            "index": str(frame.index.dtype),
            "objects": kinds,
            "attrs": frame.attrs,
        }
        header = orjson.dumps(meta, option=_STRICT)
        source = frame
        if replaced:
            source = frame.copy(deep=False)  # the caller's frame keeps its columns
            for name, stored in replaced.items():
                source[name] = stored
        table = pa.Table.from_pandas(source, preserve_index=None)
    except (TypeError, ValueError, pa.ArrowException):
        return None  # a value Arrow or JSON cannot hold exactly: not kept rather than changed
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META: header})
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=_COMPRESSION)
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _encode_objects(values: np.ndarray) -> tuple[str, list[bytes | None] | None]:
    """How one object column is stored: ``text`` (str with NaN gaps: as it is) or ``json`` (the
    JSON of each value, None for NaN)."""
    missing = pd.isna(values)
    gaps_are_nan = all(type(v) is float for v in values[missing])
    if gaps_are_nan and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return "text", None
    out: list[bytes | None] = []
    for value in values:
        if type(value) is float and value != value:
            out.append(None)  # NaN (JSON would read it back as None)
        else:
            out.append(orjson.dumps(value, option=_STRICT))
    return "json", out


def decode(blob: bytes) -> pd.DataFrame:
    """The frame :func:`encode` stored in *blob*; ``ValueError`` when it is not one, or its
    dtypes would not come back the same.

    Example:
        >>> decode(b"not arrow")
        Traceback (most recent call last):
        ...
        ValueError: not a stored frame (ArrowInvalid)
    """
    import pyarrow as pa

    try:
        table = pa.ipc.open_stream(pa.py_buffer(blob)).read_all()
        meta = orjson.loads((table.schema.metadata or {})[_META])
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise ValueError("another format")
        kinds = meta["objects"]
        json_columns = [name for name, kind in kinds.items() if kind == "json"]
        arrow_columns = [
            name
            for name, dtype in zip(table.column_names, meta["dtypes"], strict=False)
            if dtype.endswith("[pyarrow]")
        ]
        # Text is left to to_pandas (it converts columns in parallel); JSON columns are parsed
        # here from Arrow, which pandas would otherwise turn into bytes objects first.
        frame = _without(table, json_columns, arrow_columns).to_pandas()
        if frame.shape[1] == 0 and len(frame) != table.num_rows:
            frame = pd.DataFrame(index=_range_index(table))  # no column was left to pandas
        for name, kind in kinds.items():
            if kind == "text":
                _gaps_as_nan(frame, name, _gaps(table.column(name)))
            elif kind != "json":
                raise ValueError(f"unknown column kind {kind!r}")
        for position, name in enumerate(table.column_names):
            if name in json_columns:
                values = _parse_json(table.column(name))
                frame.insert(position, name, pd.Series(values, index=frame.index, dtype=object))
            elif name in arrow_columns:
                values = pd.arrays.ArrowExtensionArray(table.column(name))
                frame.insert(position, name, pd.Series(values, index=frame.index))
    except (KeyError, TypeError, ValueError, pa.ArrowException) as err:
        raise ValueError(f"not a stored frame ({type(err).__name__})") from err
    if [str(d) for d in frame.dtypes] != meta["dtypes"] or str(frame.index.dtype) != meta["index"]:
        raise ValueError("stored frame's dtypes differ here (another pandas or pyarrow wrote it)")
    frame.attrs = meta["attrs"]
    return frame


def _without(table: Any, json_columns: list[str], arrow_columns: list[str]) -> Any:
    """*table* without the columns decoded here, nor their pandas metadata (see the module)."""
    table = table.drop_columns([*json_columns, *arrow_columns])
    if not arrow_columns:
        return table
    pandas_meta = orjson.loads(table.schema.metadata[b"pandas"])
    pandas_meta["columns"] = [
        c for c in pandas_meta["columns"] if c.get("field_name", c["name"]) not in arrow_columns
    ]
    return table.replace_schema_metadata(
        {**table.schema.metadata, b"pandas": orjson.dumps(pandas_meta)}
    )


def _range_index(table: Any) -> pd.RangeIndex:
    """The RangeIndex pyarrow's pandas metadata describes (a table with no column left)."""
    pandas_meta = orjson.loads(table.schema.metadata[b"pandas"])
    found = pandas_meta["index_columns"][0]
    if not isinstance(found, dict) or found.get("kind") != "range":
        raise ValueError("the index is stored as a column")
    return pd.RangeIndex(found["start"], found["stop"], found["step"], name=found.get("name"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Tens of thousands of new small lists would set off the garbage collector several times,
    # each pass walking every live object (the user's frames too): half the decoding time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _gaps(column: Any) -> np.ndarray:
    return column.is_null().to_numpy(zero_copy_only=False)


def _gaps_as_nan(frame: pd.DataFrame, name: str, gaps: np.ndarray) -> None:
    """Stored nulls of a text column back to NaN (Arrow gives None), as an object column."""
    column = frame[name]
    if column.dtype == object and not gaps.any():
        return
    values = np.array(column.to_numpy(dtype=object), dtype=object)  # ours to write to
    values[gaps] = np.nan
    # dtype=object, said: pandas 3 would read an array of text as its str dtype
    frame[name] = pd.Series(values, index=frame.index, dtype=object)


def _parse_json(column: Any) -> np.ndarray:
    """A column stored as the JSON text of each value (null for NaN) as its objects again."""
    raw = column.to_numpy(zero_copy_only=False)  # bytes, None where null
    # One parse of the whole column (as one JSON array) is several times faster than one
    # parse per value.
    text = b"[" + b",".join(b"null" if v is None else v for v in raw) + b"]"
    with _collector_paused():
        parsed = orjson.loads(text)
    values = np.empty(len(parsed), dtype=object)
    for i, value in enumerate(parsed):  # numpy would read a list of lists as 2-D
        values[i] = value
    values[_gaps(column)] = np.nan  # stored nulls were NaN (JSON's null, None, came back None)
    return values
