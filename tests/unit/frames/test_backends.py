"""dtype_backend on the converters: pandas' meaning, the same values as the default frame."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from posthog_frames import events_frame, hogql_frame, persons_frame
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.backends import check_backend, with_backend

# Every kind of value a persons page holds: text with gaps, ints with gaps (Int64), floats,
# booleans with gaps, timestamps with gaps, lists of distinct ids, and a property whose values
# are of mixed JSON types (PostHog's persons API gives such properties as they were sent).
PAGE = {
    "results": [
        {
            "id": "0190a",
            "uuid": "0190a",
            "name": "ada@x.io",
            "distinct_ids": ["ada@x.io", "0190-anon"],
            "created_at": "2025-01-02T10:00:00.123456Z",
            "last_seen_at": None,
            "is_identified": True,
            "properties": {"plan": "pro", "seats": 3, "mrr": 12.5, "beta": True, "zip": 7},
        },
        {
            "id": "0190b",
            "uuid": "0190b",
            "name": None,
            "distinct_ids": [],
            "created_at": None,
            "last_seen_at": "2025-03-01T00:00:00Z",
            "is_identified": None,
            "properties": {"mrr": None, "zip": "007"},
        },
    ]
}


def _missing(value: Any) -> bool:
    # None, NaN, NA and NaT alike; lists and dicts are values (pd.isna would answer per item).
    return not isinstance(value, list | dict) and bool(pd.isna(value))


def content(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Each column's values, every kind of missing value as None."""
    return {
        str(name): [None if _missing(v) else v for v in frame[name].tolist()]
        for name in frame.columns
    }


@pytest.mark.parametrize("backend", ["numpy_nullable", "pyarrow"])
def test_persons_frame_has_the_default_frames_values(backend: str) -> None:
    default = persons_frame(PAGE)
    converted = persons_frame(PAGE, dtype_backend=backend)
    assert list(converted.columns) == list(default.columns)
    assert content(converted) == content(default)
    assert converted["distinct_ids"][0] == ["ada@x.io", "0190-anon"]


def test_pyarrow_gives_arrow_types_for_text_numbers_flags_times_and_lists() -> None:
    dtypes = persons_frame(PAGE, dtype_backend="pyarrow").dtypes.astype(str).to_dict()
    assert dtypes["name"] == "string[pyarrow]"
    assert dtypes["properties.seats"] == "int64[pyarrow]"
    assert dtypes["properties.mrr"] == "double[pyarrow]"
    assert dtypes["is_identified"] == dtypes["properties.beta"] == "bool[pyarrow]"
    assert dtypes["created_at"] == "timestamp[us, tz=UTC][pyarrow]"
    assert dtypes["distinct_ids"] == "list<item: string>[pyarrow]"
    # 7 and "007": no Arrow type holds both, so the column keeps its Python objects.
    assert dtypes["properties.zip"] == "object"


def test_numpy_nullable_gives_pandas_nullable_dtypes() -> None:
    dtypes = persons_frame(PAGE, dtype_backend="numpy_nullable").dtypes.astype(str).to_dict()
    assert dtypes["name"] == "string"
    assert dtypes["properties.seats"] == "Int64"
    assert dtypes["properties.mrr"] == "Float64"
    assert dtypes["is_identified"] == "boolean"
    assert dtypes["created_at"] == "datetime64[us, UTC]"  # no nullable kind: as read_parquet
    assert dtypes["distinct_ids"] == dtypes["properties.zip"] == "object"


def test_properties_kept_as_dicts_stay_objects() -> None:
    # As an Arrow struct, the second person's missing keys would read back as nulls.
    frame = persons_frame(PAGE, flatten=False, dtype_backend="pyarrow")
    assert frame["properties"].dtype == object
    assert frame["properties"][1] == {"mrr": None, "zip": "007"}


def test_no_persons_gives_the_empty_frame_in_the_backend() -> None:
    frame = persons_frame([], dtype_backend="pyarrow")
    assert len(frame) == 0 and list(frame.columns)[:3] == ["id", "uuid", "name"]


@pytest.mark.parametrize("backend", ["numpy_nullable", "pyarrow"])
def test_sql_frame_with_a_repeated_column_name_keeps_both_columns(backend: str) -> None:
    answer = {
        "columns": ["n", "n", "day"],
        "types": [["n", "UInt64"], ["n", "Nullable(Float64)"], ["day", "Date"]],
        "results": [[1, 2.5, "2025-03-01"], [2, None, "2025-03-02"]],
    }
    default, converted = hogql_frame(answer), hogql_frame(answer, dtype_backend=backend)
    assert list(converted.columns) == ["n", "n", "day"]
    assert [c[1] for c in converted.items()][0].tolist() == [1, 2]
    assert content(converted.set_axis(["a", "b", "c"], axis=1)) == content(
        default.set_axis(["a", "b", "c"], axis=1)
    )
    assert converted.attrs["kind"] == "sql"


def test_events_frame_in_arrow() -> None:
    page = {
        "columns": ["uuid", "event", "timestamp", "properties"],
        "results": [
            ["e1", "$pageview", "2025-03-01T10:00:00Z", '{"$os": "iOS", "n": 1}'],
            ["e2", "$pageview", "2025-03-01T11:00:00Z", '{"$os": null}'],
        ],
    }
    default, arrow = events_frame(page), events_frame(page, dtype_backend="pyarrow")
    assert content(arrow) == content(default)
    assert str(arrow["properties.n"].dtype) == "int64[pyarrow]"
    assert str(arrow["timestamp"].dtype) == "timestamp[us, tz=UTC][pyarrow]"


@pytest.mark.parametrize("bad", ["arrow", "numpy", "", 1])
def test_an_unknown_backend_is_refused_saying_what_is_taken(bad: Any) -> None:
    with pytest.raises(ValidationError, match="must be 'numpy_nullable' or 'pyarrow'") as err:
        persons_frame(PAGE, dtype_backend=bad)
    assert isinstance(err.value, ValueError) and err.value.attr == "dtype_backend"
    with pytest.raises(ValidationError):
        events_frame({"columns": [], "results": []}, dtype_backend=bad)


def test_none_keeps_the_frame_itself() -> None:
    frame = persons_frame(PAGE)
    assert with_backend(frame, None) is frame
    assert check_backend(None) is None


def test_attrs_survive_the_conversion() -> None:
    frame = pd.DataFrame({"n": [1]})
    frame.attrs["kind"] = "sql"
    assert with_backend(frame, "pyarrow").attrs == {"kind": "sql"}


def test_lists_of_dicts_stay_objects_too() -> None:
    frame = pd.DataFrame({"steps": pd.Series([[{"a": 1}], [{"b": 2}]], dtype=object)})
    converted = with_backend(frame, "pyarrow")
    assert converted["steps"].dtype == object and converted["steps"][1] == [{"b": 2}]
