"""Retention matrices, paths parsing and HogQL typing."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import hogql_frame, paths_frame, retention_frame
from posthog_frames.frames.sql import TruncatedResult
from tests.conftest import load_fixture


def cohort(date: str, counts: list) -> dict:
    return {"date": date, "label": "Day", "values": [{"count": n} for n in counts]}


def test_retention_percent_divides_by_period_zero() -> None:
    df = retention_frame(
        [cohort("2024-01-01", [10, 5, 2]), cohort("2024-01-02", [4, 1])], percent=True
    )
    assert df.loc[pd.Timestamp("2024-01-01")].tolist() == pytest.approx([1.0, 0.5, 0.2])
    assert df.loc[pd.Timestamp("2024-01-02")].tolist()[:2] == pytest.approx([1.0, 0.25])
    assert np.isnan(df.iloc[1, 2])  # the period has not happened yet


def test_retention_zero_cohort_stays_missing_in_percent() -> None:
    insight = load_fixture("insights/insight-retention.json")
    df = retention_frame(insight, percent=True)
    empty = [i for i, row in enumerate(insight["result"]) if row["values"][0]["count"] == 0]
    assert empty and df.iloc[empty].isna().all().all()
    full = next(i for i, row in enumerate(insight["result"]) if row["values"][0]["count"] > 0)
    counts = [v["count"] for v in insight["result"][full]["values"]]
    assert df.iloc[full, : len(counts)].tolist() == pytest.approx([n / counts[0] for n in counts])


def test_retention_full_matrix_is_int_and_sizes_in_attrs() -> None:
    df = retention_frame([cohort("2024-01-01", [3, 2]), cohort("2024-01-08", [5, 1])])
    assert (df.dtypes == np.int64).all()
    assert df.attrs["cohort_sizes"] == [3, 5]
    assert list(df.columns) == [0, 1]


def test_retention_attrs_survive_to_parquet(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    df = retention_frame([cohort("2024-01-01", [3, 2]), cohort("2024-01-08", [5, 1])])
    df.columns = df.columns.astype(str)  # parquet wants string column names
    df.to_parquet(tmp_path / "r.parquet")
    back = pd.read_parquet(tmp_path / "r.parquet")
    assert back.attrs["cohort_sizes"] == [3, 5]


def test_retention_dates_keep_wall_clock_when_offset_given() -> None:
    df = retention_frame([cohort("2024-01-01T00:00:00-05:00", [1])])
    assert df.index[0] == pd.Timestamp("2024-01-01")


@pytest.mark.parametrize(
    "bad", [[{"date": "2024-01-01"}], [{"values": [{"count": 1}]}], [cohort("x", [1])]]
)
def test_retention_wrong_shapes(bad) -> None:
    with pytest.raises(InvalidResponse):
        retention_frame(bad)


def test_paths_split_on_first_underscore_only() -> None:
    df = paths_frame(
        [{"source": "1_/a_b", "target": "2_/c__d", "value": 3, "average_conversion_time": 1}]
    )
    assert df.loc[0, ["source_step", "source_path", "target_step", "target_path"]].tolist() == [
        1,
        "/a_b",
        2,
        "/c__d",
    ]


def test_paths_fixture_steps_are_consecutive() -> None:
    df = paths_frame(load_fixture("insights/insight-paths.json"))
    assert (df["target_step"] - df["source_step"] == 1).all()


@pytest.mark.parametrize("node", ["nounderscore", "x_/page", 5])
def test_paths_bad_node_names(node) -> None:
    with pytest.raises(InvalidResponse, match="<step>_<path>"):
        paths_frame([{"source": node, "target": "2_/b", "value": 1}])


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
    assert str(df["s"].dtype) == "str" and str(df["u"].dtype) == "str"
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


def test_retention_cohort_sizes_follow_rows_with_breakdowns() -> None:
    rows = [
        {"date": "2024-01-01", "breakdown_value": None, "values": [{"count": 3}, {"count": 1}]},
        {"date": "2024-01-01", "breakdown_value": [["a"]], "values": [{"count": 2}]},
    ]
    df = retention_frame(rows)
    assert df.attrs["cohort_sizes"] == [3, 2]
    assert df.index.get_level_values("cohort").tolist() == [pd.Timestamp("2024-01-01")] * 2
