"""retention_frame: matrices, percentages, cohort sizes and dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import retention_frame
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


def test_retention_cohort_sizes_follow_rows_with_breakdowns() -> None:
    rows = [
        {"date": "2024-01-01", "breakdown_value": None, "values": [{"count": 3}, {"count": 1}]},
        {"date": "2024-01-01", "breakdown_value": [["a"]], "values": [{"count": 2}]},
    ]
    df = retention_frame(rows)
    assert df.attrs["cohort_sizes"] == [3, 2]
    assert df.index.get_level_values("cohort").tolist() == [pd.Timestamp("2024-01-01")] * 2


def _insight(date_to, last_refresh="2024-01-10T12:00:00Z", period="Week") -> dict:
    return {
        "query": {
            "kind": "InsightVizNode",
            "source": {
                "kind": "RetentionQuery",
                "dateRange": {"date_from": "-8w", "date_to": date_to},
                "retentionFilter": {"period": period},
            },
        },
        "last_refresh": last_refresh,
        "result": [
            {**cohort("2024-01-01", [5, 2]), "label": f"{period} 0"},
            {**cohort("2024-01-08", [3]), "label": f"{period} 1"},
        ],
    }


@pytest.mark.parametrize(
    ("date_to", "last_refresh", "period", "in_progress"),
    [
        (None, "2024-01-10T12:00:00Z", "Week", True),  # up to now: the last period is running
        ("2024-01-12", "2024-01-10T12:00:00Z", "Week", True),  # same week as the computation
        ("2023-12-20", "2024-01-10T12:00:00Z", "Week", False),  # ended before it
        ("2024-01-09", "2024-01-10T12:00:00Z", "Day", False),
        ("2024-01-10", "2024-01-10T12:00:00Z", "Day", True),
        ("2024-01-12", None, "Week", False),  # nothing tells when it was computed
    ],
)
def test_retention_says_whether_each_cohorts_last_period_is_still_running(
    date_to, last_refresh, period, in_progress
) -> None:
    # frontend/src/scenes/retention/retentionTableLogic.ts (`periodIsLatest`): PostHog marks each
    # row's last cell when date_to is unset or falls in the current period.
    df = retention_frame(_insight(date_to, last_refresh, period))
    assert df.attrs["in_progress"] is in_progress
