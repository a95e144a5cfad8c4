"""``dtype_backend=``: the same frame with nullable or Arrow-backed columns, as pandas means it.

pandas' readers (``pd.read_parquet``, ``pd.read_csv`` …) take ``dtype_backend``, and so do
the verbs that make wide frames here (``persons()``, ``events()``, ``query()``) and their
converters. ``None`` (the default) keeps the frames this library always made; otherwise:

- ``"numpy_nullable"``: every column with a nullable pandas dtype gets it: integers →
  ``Int64``, floats → ``Float64``, booleans → ``boolean``, text → ``string``, gaps as
  ``pd.NA``; timestamps stay ``datetime64`` and other values (lists …) stay ``object``;
- ``"pyarrow"``: every column as ``pd.ArrowDtype``: text → ``string``, integers → ``int64``,
  booleans → ``bool``, timestamps → ``timestamp[us, tz=UTC]``, lists of distinct ids →
  ``list<string>``. A column Arrow cannot hold exactly stays ``object``: values of mixed types
  (``3`` and ``"3"`` under one property), or dicts (as a struct a missing key would read back
  as a null). Needs pyarrow.

Either way the values are the same as the default frame's (only missing ones may be ``pd.NA``
where the default has NaN or None).

Example:
    >>> df = pd.DataFrame({"plan": ["pro", None], "seats": [3, 4]})
    >>> with_backend(df, "pyarrow").dtypes.astype(str).tolist()
    ['string[pyarrow]', 'int64[pyarrow]']
    >>> with_backend(df, "numpy_nullable").dtypes.astype(str).tolist()
    ['string', 'Int64']
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from posthog_frames.exceptions import MissingDependency, ValidationError

__all__ = [
    "DTYPE_BACKENDS",
    "DtypeBackend",
    "arrow_series",
    "check_backend",
    "to_arrow_column",
    "with_backend",
]

DtypeBackend = Literal["numpy_nullable", "pyarrow"]
DTYPE_BACKENDS: tuple[str, ...] = ("numpy_nullable", "pyarrow")
_NULLABLE = {"i": "Int", "u": "UInt", "f": "Float"}


def check_backend(dtype_backend: Any) -> DtypeBackend | None:
    """*dtype_backend* checked: None, ``"numpy_nullable"`` or ``"pyarrow"`` (installed).

    Example:
        >>> check_backend("numpy_nullable")
        'numpy_nullable'
    """
    if dtype_backend is None:
        return None
    if dtype_backend not in DTYPE_BACKENDS:
        raise ValidationError(
            f"dtype_backend must be 'numpy_nullable' or 'pyarrow' (pandas' meaning, as in "
            f"pd.read_parquet), or None for the default dtypes; got {dtype_backend!r}.",
            attr="dtype_backend",
        )
    if dtype_backend == "pyarrow":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependency(
                'dtype_backend="pyarrow" needs pyarrow: pip install "posthog-frames[parquet]" '
                '(or pip install pyarrow), then restart the kernel; or use "numpy_nullable".'
            ) from None
    return dtype_backend


def with_backend(frame: pd.DataFrame, dtype_backend: Any) -> pd.DataFrame:
    """*frame* with the columns of *dtype_backend* (see the module), its attrs kept; *frame*
    itself when the backend is None.

    Example:
        >>> with_backend(pd.DataFrame({"n": [1.5, None]}), "numpy_nullable")["n"].tolist()
        [1.5, <NA>]
    """
    backend = check_backend(dtype_backend)
    if backend is None:
        return frame
    convert = to_arrow_column if backend == "pyarrow" else _to_nullable
    # By position: a SQL answer may repeat a column name.
    columns = {i: convert(frame.iloc[:, i]) for i in range(frame.shape[1])}
    out = pd.DataFrame(columns, index=frame.index)
    out.columns = frame.columns
    out.attrs = dict(frame.attrs)
    return out


def _is_text(col: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(col.dtype) and not _is_object(col.dtype):
        return True  # pandas' str / string dtypes
    if not _is_object(col.dtype) or not col.notna().any():
        return False
    return pd.api.types.infer_dtype(col, skipna=True) == "string"


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _to_nullable(col: pd.Series) -> pd.Series:
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _NULLABLE:
        return col.astype(f"{_NULLABLE[dtype.kind]}{dtype.itemsize * 8}")
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return col.astype("boolean")
    if _is_text(col):
        return col.astype(pd.StringDtype())
    return col


def to_arrow_column(col: pd.Series) -> pd.Series:
    """*col* as the ``"pyarrow"`` backend has it (see the module).

    Example:
        >>> to_arrow_column(pd.Series(["pro", None], name="plan")).dtype
        string[pyarrow]
    """
    import pyarrow as pa

    try:
        array = pa.Array.from_pandas(col)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        # Mixed types (3 and "3"), or ints past int64: no Arrow type holds them, so they stay
        # objects.
        return col
    if _has_struct(array.type):
        return col  # dicts: as a struct a missing key would read back as a null
    if pa.types.is_large_string(array.type):
        # pandas 3's str is large_string; one Arrow type for text on pandas 2 and 3 alike.
        array = array.cast(pa.string())
    elif pa.types.is_null(array.type) and _is_object(col.dtype):
        return col  # nothing but gaps: no type to choose
    return arrow_series(array, col.name, col.index)


def arrow_series(array: Any, name: Any, index: Any = None) -> pd.Series:
    """A pyarrow *array* as an Arrow-backed Series (``pd.ArrowDtype``), without a copy.

    Example:
        >>> import pyarrow as pa
        >>> arrow_series(pa.array([3, None]), "seats").tolist()
        [3, <NA>]
    """
    return pd.Series(pd.arrays.ArrowExtensionArray(array), index=index, name=name, copy=False)


def _has_struct(arrow_type: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_struct(arrow_type) or pa.types.is_map(arrow_type):
        return True
    nested = pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type)
    return nested and _has_struct(arrow_type.value_type)
