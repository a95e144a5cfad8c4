"""``persons_frame(..., dtype_backend="pyarrow")`` built by pyarrow straight from the parsed
JSON: the same frame as converting the default one column by column
(:func:`~posthog_frames.frames.backends.with_backend`), without the numpy ``object`` columns in
between (on pandas 2 those cost more than parsing the JSON).

pyarrow reads all the properties in one pass (``pa.array`` of the property dicts infers one
struct) and the fixed columns in another (an explicit struct type, so a value of another type
fails it). Text, integers, floats and booleans become Arrow columns directly; whatever needs
the default frame's rules (a property that is only ever null, lists, dicts, a column whose
every value is missing, distinct ids missing for someone …) takes the general route for that
column alone, and a part pyarrow cannot read (a property with values of mixed types, a fixed
column of another type) takes it for that part. Either way the frame is the one
``with_backend(persons_frame(...), "pyarrow")`` gives (tests/unit/frames/test_persons_arrow.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pandas as pd

from posthog_frames.frames._person_columns import FIXED_COLUMNS, read_fixed
from posthog_frames.frames.backends import arrow_series, to_arrow_column
from posthog_frames.frames.dtypes import check_clashes, property_columns, values_of

__all__ = ["arrow_fixed_columns", "arrow_property_columns"]

_READ_FAILS: tuple[type[Exception], ...] = (TypeError, ValueError, OverflowError)


def arrow_property_columns(
    props: list[dict[str, Any]], prefix: str, reserved: Sequence[str]
) -> dict[str, pd.Series]:
    """One Arrow-backed column per property key of the *props* dicts (see the module)."""
    import pyarrow as pa

    try:
        struct = pa.array(props)
    except (pa.ArrowException, *_READ_FAILS):  # mixed types under one key (3 and "3"), …
        general = property_columns(props, prefix, reserved)
        return {name: to_arrow_column(col) for name, col in general.items()}
    keys = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    check_clashes(keys, prefix, reserved)
    columns, others = {}, []
    for i, key in enumerate(keys):
        array = _plain(struct.field(i), pa, partial(values_of, props, key))
        if array is None:
            others.append(key)
        else:
            columns[prefix + key] = arrow_series(array, prefix + key)
    if others:
        general = property_columns(props, prefix, reserved, others)
        columns.update({name: to_arrow_column(col) for name, col in general.items()})
    return {name: columns[name] for name in sorted(columns)}


def _plain(array: Any, pa: Any, values: Callable[[], list[Any]]) -> Any:
    """*array* as the default frame's conversion would give it, or None when only the general
    route can say (its type, or every value missing). *values* gives the key's JSON values."""
    kind = array.type
    if array.null_count == len(array):
        return None  # the default frame keeps it as objects, or types it: only it knows
    if pa.types.is_string(kind) or pa.types.is_int64(kind) or pa.types.is_boolean(kind):
        return array
    if pa.types.is_float64(kind):
        if bool in set(map(type, values())):
            return None  # pyarrow reads false as 0.0 beside floats; pandas keeps objects
        import pyarrow.compute as pc

        # NaN (from a Python caller; JSON has none) is a gap in the default frame, so null here.
        nan = pc.is_nan(array)
        return pc.if_else(nan, None, array) if pc.any(nan).as_py() else array
    return None  # lists, dicts, null …: the general route's inference and rules


def arrow_fixed_columns(persons: list[dict[str, Any]]) -> dict[str, pd.Series]:
    """The fixed columns of *persons*, Arrow-backed and checked as the default ones are."""
    arrays = read_fixed(persons, tuple(name for name in FIXED_COLUMNS if name != "id")) or {}
    columns = {}
    for name, build in FIXED_COLUMNS.items():
        array = arrays.get(name)
        if array is None or not _as_default(name, array):
            # The id (a number or a UUID text) always comes this way: its checks say which.
            columns[name] = to_arrow_column(build(persons).rename(name))
        else:
            columns[name] = arrow_series(array, name)
    return columns


def _as_default(name: str, array: Any) -> bool:
    if name == "distinct_ids":
        # Missing ids are [] in the default frame, and lists that are all empty hold no type.
        return array.null_count == 0 and len(array.flatten()) > 0
    if name == "is_identified":
        return True  # the default frame's `boolean` column is Arrow's bool, gaps and all
    return array.null_count < len(array)  # all missing: objects or a type, the default knows
