"""Retention insights (``analytics.retention``) against the event log."""

from __future__ import annotations

import pandas as pd

from tests.demo.analytics_helpers import run


def test_retention_rows_are_triangular_and_labelled(ctx):
    rows = run(ctx, "RetentionQuery", retentionFilter={"period": "Week", "totalIntervals": 6})
    assert [len(r["values"]) for r in rows] == [6, 5, 4, 3, 2, 1]
    assert [r["label"] for r in rows] == [f"Week {i}" for i in range(6)]
    assert rows[-1]["date"] == "2025-03-30T00:00:00Z"  # Sunday of the week holding `now`


def test_retention_cohorts_are_first_occurrences(ctx, log):
    rows = run(
        ctx,
        "RetentionQuery",
        retentionFilter={
            "period": "Week",
            "targetEntity": {"id": "signed up", "type": "events"},
            "returningEntity": {"id": "$pageview", "type": "events"},
        },
    )
    first = log[log["event"] == "signed up"].groupby("person_id")["timestamp"].min()
    day = first.dt.tz_localize(None).dt.normalize()
    week = (day - pd.to_timedelta((day.dt.day_of_week + 1) % 7, unit="D")).dt.strftime("%Y-%m-%d")
    views = log[log["event"] == "$pageview"]
    vday = views["timestamp"].dt.tz_localize(None).dt.normalize()
    vweek = (vday - pd.to_timedelta((vday.dt.day_of_week + 1) % 7, unit="D")).dt.strftime(
        "%Y-%m-%d"
    )
    for n, row in enumerate(rows):
        members = set(week[week == row["date"][:10]].index)
        assert row["values"][0]["count"] == len(members)
        if n + 1 < len(rows):  # back one week later: a pageview in the next row's week
            back = set(views["person_id"][(vweek == rows[n + 1]["date"][:10]).to_numpy()])
            assert row["values"][1]["count"] == len(members & back)
    assert all(v["count"] <= row["values"][0]["count"] for row in rows for v in row["values"])
