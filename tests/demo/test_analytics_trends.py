"""Trends insights (``analytics.trends``): counts, breakdowns, compare and time zones against
the event log.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from posthog_frames.demo.analytics import Context
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.persons import persons_table
from tests.demo.analytics_helpers import LAST30, ev, in_range, run


def test_trends_total_counts_matching_events(ctx, log):
    item = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    rows = in_range(log, "$pageview")
    assert item["count"] == sum(item["data"]) == len(rows)
    per_day = rows.groupby(rows["timestamp"].dt.strftime("%Y-%m-%d")).size()
    assert dict(zip(item["days"], item["data"], strict=True)) == {
        d: int(per_day.get(d, 0)) for d in item["days"]
    }


def test_breakdown_items_add_up_to_the_series(ctx):
    base = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    split = run(
        ctx,
        "TrendsQuery",
        series=[ev("$pageview")],
        dateRange=LAST30,
        breakdownFilter={"breakdown": "$initial_os", "breakdown_type": "person"},
    )
    assert all(i["label"] == f"$pageview - {i['breakdown_value']}" for i in split)
    assert [sum(col) for col in zip(*(i["data"] for i in split), strict=True)] == base["data"]


def test_compare_previous_period_counts_the_window_before(ctx, log):
    items = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up")],
        dateRange={"date_from": "-7d"},
        compareFilter={"compare": True},
    )
    assert [(i["compare"], i["compare_label"]) for i in items] == [
        (True, "current"),
        (True, "previous"),
    ]
    start = pd.Timestamp("2025-03-24", tz="UTC")
    prev_start = start - (pd.Timestamp(DEMO_NOW) - start)
    assert items[0]["count"] == len(in_range(log, "signed up", start, DEMO_NOW))
    previous = in_range(log, "signed up", prev_start, start - timedelta(microseconds=1))
    assert items[1]["count"] == len(previous)


def test_buckets_follow_the_project_timezone(persons, log):
    tz = "America/Los_Angeles"
    local = Context(log, persons_table(persons), DEMO_NOW, tz, 7)
    item = run(local, "TrendsQuery", series=[ev("$pageview")], dateRange={"date_from": "-14d"})[0]
    views = log[log["event"] == "$pageview"]
    stamps = views["timestamp"].dt.tz_convert(tz)
    start = pd.Timestamp(DEMO_NOW).tz_convert(tz).normalize() - pd.Timedelta(days=14)
    per_day = stamps[stamps >= start].dt.strftime("%Y-%m-%d").value_counts()
    assert item["days"][0] == start.strftime("%Y-%m-%d")
    assert item["data"] == [int(per_day.get(d, 0)) for d in item["days"]]
