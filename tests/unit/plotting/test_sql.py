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
