"""posthog_frames.plotting.sql: bars of a query's first numeric column by its text columns."""

from __future__ import annotations

import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting import plot
from posthog_frames.plotting.sql import plot_sql
from tests.unit.plotting._frames import frame


def test_sql_bars_first_numeric_by_first_text():
    df = frame(
        {"event": ["a", "b", "c"], "browser": ["x", "y", "z"], "count()": [3, 9, 1]}, kind="sql"
    )
    ax = plot(df)
    assert [p.get_width() for p in ax.patches] == [3, 9, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValidationError, match="numeric"):
        plot_sql(frame({"event": ["a"]}, kind="sql"))


def test_sql_repeated_labels_join_the_text_columns_and_limit_rows():
    df = frame(
        {"event": ["a", "a", "b"], "browser": ["x", "y", "x"], "count()": [3, 9, 1]}, kind="sql"
    )
    ax = plot_sql(df, limit=2)
    assert [p.get_width() for p in ax.patches] == [3, 9]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a · x", "a · y"]
    assert "first 2 of 3 rows" in ax.get_title(loc="left")


def test_sql_with_a_date_column_draws_a_line_per_numeric_column():
    import numpy as np

    from posthog_frames.frames import insight_frame

    # frontend/src/mocks/fixtures/api/projects/team_id/insights/sqlLineChart.json: a month
    # column and nullable counts, drawn by PostHog as a line chart.
    insight = {
        "query": {
            "kind": "DataVisualizationNode",
            "source": {"kind": "HogQLQuery", "query": "select month, s0, s1 …"},
            "display": "ActionsLineGraph",
            "chartSettings": {"xAxis": {"column": "month"}},
        },
        "result": [
            ["2025-11-01", 6775, None],
            ["2025-10-01", 152, 152],
            ["2025-12-01", 21162, 42324],
        ],
        "columns": ["month", "s0", "s1"],
        "types": [["month", "Date"], ["s0", "UInt64"], ["s1", "Nullable(UInt64)"]],
    }
    ax = plot(insight_frame(insight))
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"s0", "s1"}
    np.testing.assert_array_equal(lines["s0"].get_ydata(), [152, 6775, 21162])  # by month
    assert np.isnan(lines["s1"].get_ydata()[1])  # a null is a gap, not a zero
    assert ax.get_xlabel() == "month"
    assert ax.get_legend() is not None


def test_sql_without_a_date_column_still_draws_bars():
    df = frame({"browser": ["a", "b"], "n": [3, 1]}, kind="sql", view="line")
    ax = plot_sql(df)
    assert [p.get_width() for p in ax.patches] == [3, 1]
