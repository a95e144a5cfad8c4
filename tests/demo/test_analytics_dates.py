"""Date ranges of the insights (``analytics._dates``): PostHog's relative-date grammar counted
back from the demo's clock.
"""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.demo.clock import DEMO_NOW
from tests.demo.analytics_helpers import ev, in_range, run


@pytest.mark.parametrize(
    ("date_range", "first", "last"),  # calendar days counted by hand back from 2025-03-31 12:00
    [
        ({"date_from": "-1dStart", "date_to": "-1dEnd"}, "2025-03-30", "2025-03-30"),
        ({"date_from": "-2wEnd", "date_to": "-2wEnd"}, "2025-03-17", "2025-03-17"),  # no w snap
        ({"date_from": "-1m"}, "2025-02-28", "2025-03-31"),  # 31 March minus a month, clamped
        ({"date_from": "-1q", "date_to": "-1dEnd"}, "2024-12-30", "2025-03-30"),  # 13 weeks
    ],
)
def test_relative_date_ranges_follow_posthogs_grammar(ctx, log, date_range, first, last):
    item = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=date_range)[0]
    assert item["days"] == pd.date_range(first, last).strftime("%Y-%m-%d").tolist()
    end = pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    rows = in_range(log, "$pageview", pd.Timestamp(first, tz="UTC"), min(end, DEMO_NOW))
    assert item["count"] == len(rows) > 0
