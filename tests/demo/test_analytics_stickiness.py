"""Stickiness insights (``analytics.stickiness``) against the event log."""

from __future__ import annotations

from tests.demo.analytics_helpers import LAST30, ev, in_range, run


def test_stickiness_formats(ctx):
    item = run(ctx, "StickinessQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    assert item["labels"][:2] == ["1 day", "2 days"] and item["days"][:3] == [1, 2, 3]


def test_stickiness_total_is_unique_active_persons(ctx, log):
    item = run(ctx, "StickinessQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    rows = in_range(log, "$pageview")
    assert item["count"] == rows["person_id"].nunique()
    days = rows.groupby("person_id")["timestamp"].apply(lambda t: t.dt.date.nunique())
    assert item["data"][0] == int((days == 1).sum())
