"""Lifecycle insights (``analytics.lifecycle``) against the event log."""

from __future__ import annotations

import pandas as pd

from tests.demo.analytics_helpers import ev, run


def test_lifecycle_identities(ctx, log):
    items = {i["status"]: i for i in run(ctx, "LifecycleQuery", series=[ev("$pageview")])}
    views = log[log["event"] == "$pageview"]
    dau = views.groupby(views["timestamp"].dt.strftime("%Y-%m-%d"))["person_id"].nunique()
    for n, d in enumerate(items["new"]["days"]):
        active = sum(items[s]["data"][n] for s in ("new", "returning", "resurrecting"))
        assert active == dau.get(d, 0)
        yesterday = (pd.Timestamp(d) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        assert items["returning"]["data"][n] - items["dormant"]["data"][n] == dau.get(yesterday, 0)
    assert all(v <= 0 for v in items["dormant"]["data"])
    assert items["new"]["label"] == "$pageview - new"
