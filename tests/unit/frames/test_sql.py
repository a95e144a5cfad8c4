"""hogql_frame: PostHog's types as dtypes, datetimes as instants, truncated answers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from posthog_frames._compat import text_dtype
from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import hogql_frame
from posthog_frames.frames.sql import TruncatedResult


def test_hogql_types_pairs() -> None:
    response = {
        "columns": ["n", "f", "s", "ts", "d", "b", "arr", "u", "maybe"],
        "types": [
            ["n", "UInt64"],
            ["f", "Float64"],
            ["s", "LowCardinality(String)"],
            ["ts", "DateTime64(6, 'UTC')"],
            ["d", "Date"],
            ["b", "Bool"],
            ["arr", "Array(String)"],
            ["u", "UUID"],
            ["maybe", "Nullable(Int32)"],
        ],
        "results": [
            [1, 1.5, "a", "2024-01-01T10:00:00Z", "2024-01-02", True, ["x"], "0188-aa", None],
            [2, None, None, "2024-01-01T11:30:00+01:00", "2024-01-03", False, [], "0188-bb", 4],
        ],
    }
    df = hogql_frame(response)
    assert df["n"].dtype == np.int64 and df["f"].dtype == np.float64
    # pandas' text dtype: str on pandas 3, object on pandas 2; a missing text stays missing.
    assert df["s"].dtype == text_dtype() and df["u"].dtype == text_dtype()
    assert df["s"].tolist()[0] == "a" and pd.isna(df["s"].tolist()[1])
    # Instants, in the column's zone (UTC): 11:30+01:00 is 10:30 UTC.
    assert df["ts"].tolist() == [pd.Timestamp("2024-01-01 10:00"), pd.Timestamp("2024-01-01 10:30")]
    assert df["d"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert df["b"].dtype == bool and df["arr"].tolist() == [["x"], []]
    assert str(df["maybe"].dtype) == "Int64" and df["maybe"].isna().tolist() == [True, False]
    assert str(hogql_frame(response, tz=True)["ts"].dt.tz) == "UTC"


def test_hogql_bare_type_list_and_sql_insight_shape() -> None:
    df = hogql_frame({"columns": ["a"], "types": ["Int8"], "result": [[1], [2]]})
    assert df["a"].tolist() == [1, 2] and df["a"].dtype == np.int64
    assert list(hogql_frame({"columns": ["a", "a"], "results": [[1, 2]]}).columns) == ["a", "a"]


@pytest.mark.parametrize(
    "bad",
    [
        {"results": [[1]]},
        {"columns": ["a", "b"], "results": [[1]]},
        {"columns": ["a"], "results": [1]},
        {"columns": ["a"], "types": ["Int8", "Int8"], "results": [[1]]},
        {"columns": ["a"], "types": [["a", "Int64"]], "results": [["x"]]},
        {"columns": ["a"], "types": ["DateTime"], "results": [[5]]},
    ],
)
def test_hogql_wrong_shapes(bad) -> None:
    with pytest.raises(InvalidResponse):
        hogql_frame(bad)


def test_hogql_datetimes_are_instants_converted_to_the_column_zone() -> None:
    response = {
        "columns": ["a"],
        "results": [["2024-01-01T10:00:00+02:00"], [None]],
        "types": [["a", "DateTime('Europe/Paris')"]],
    }
    aware = hogql_frame(response, tz=True)["a"]
    # 10:00 at UTC+2 is 08:00 UTC, which is 09:00 in Paris (UTC+1 in January).
    assert aware.iloc[0] == pd.Timestamp("2024-01-01 08:00", tz="UTC")
    assert str(aware.dt.tz) == "Europe/Paris" and aware.iloc[0].hour == 9
    naive = hogql_frame(response)["a"]
    assert naive.dt.tz is None and naive.iloc[0] == pd.Timestamp("2024-01-01 09:00")
    assert pd.isna(naive.iloc[1])


def test_hogql_has_more_is_kept_and_warns_how_to_get_every_row() -> None:
    rows = [[i] for i in range(100)]
    with pytest.warns(TruncatedResult, match=r"LIMIT.*50,000.*paginate=True"):
        df = hogql_frame({"columns": ["n"], "results": rows, "hasMore": True})
    assert df.attrs["has_more"] is True and len(df) == len(rows)
    assert issubclass(TruncatedResult, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete answer warns nothing
        done = hogql_frame({"columns": ["n"], "results": rows, "hasMore": False})
    assert done.attrs["has_more"] is False
    assert "has_more" not in hogql_frame({"columns": ["n"], "results": rows}).attrs
