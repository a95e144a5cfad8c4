"""Helpers of the insight computation tests: running a query source, building series, counting
events of the log by hand.
"""

from __future__ import annotations

import re

import pandas as pd

from posthog_frames.demo.analytics import Context, compute
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.persons import persons_table

LABEL = re.compile(r"^\d{1,2}-[A-Z][a-z]{2}-\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LAST30 = {"date_from": "-30d"}
START30 = pd.Timestamp("2025-03-01", tz="UTC")  # 30 days before 2025-03-31, 00:00
CART = ["viewed product", "added to cart", "purchased"]


def run(ctx: Context, kind: str, **source):
    return compute({"kind": "InsightVizNode", "source": {"kind": kind, **source}}, ctx).result


def ev(event: str, **extra) -> dict:
    return {"kind": "EventsNode", "event": event, "name": event, **extra}


def in_range(log: pd.DataFrame, event: str, start=START30, end=DEMO_NOW) -> pd.DataFrame:
    rows = log[log["event"] == event]
    return rows[(rows["timestamp"] >= start) & (rows["timestamp"] <= pd.Timestamp(end))]


def in_range_all(log: pd.DataFrame) -> pd.DataFrame:
    return log[(log["timestamp"] >= START30) & (log["timestamp"] <= pd.Timestamp(DEMO_NOW))]


def ctx_for(log: pd.DataFrame) -> Context:
    return Context(log, persons_table([]), DEMO_NOW, "UTC", 7)


def assert_shape(ours, theirs, path: str = "result") -> None:
    """Same nesting and types as the fixture; dicts may carry extra keys (newer PostHog)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        missing = set(theirs) - set(ours)
        assert not missing, f"{path} lacks {sorted(missing)}"
        for key, value in theirs.items():
            if key != "filter" and value is not None and ours[key] is not None:
                assert_shape(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list), path
        if theirs and ours:
            assert_shape(ours[0], theirs[0], f"{path}[0]")
    elif isinstance(theirs, bool):
        assert isinstance(ours, bool), path
    elif isinstance(theirs, int | float):
        assert isinstance(ours, int | float) and not isinstance(ours, bool), path
    else:
        assert type(ours) is type(theirs), f"{path}: {type(ours)} vs {type(theirs)}"
