"""The demo's clock (``clock``): PostHog's relative dates counted back from the fixed ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)  # the demo's documented fixed clock


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1dStart", datetime(2025, 3, 30, tzinfo=UTC)),
        ("dStart", datetime(2025, 3, 31, tzinfo=UTC)),
        ("-1dEnd", datetime(2025, 3, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        ("-2hStart", datetime(2025, 3, 31, 10, tzinfo=UTC)),
        ("mStart", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("-1mEnd", datetime(2025, 2, 28, 12, tzinfo=UTC)),  # day 31, clamped to February
        ("-1m", datetime(2025, 2, 28, 12, tzinfo=UTC)),
        ("-30M", datetime(2025, 3, 31, 11, 30, tzinfo=UTC)),  # upper-case M: minutes
        ("-10s", datetime(2025, 3, 31, 11, 59, 50, tzinfo=UTC)),
        ("-1q", NOW - timedelta(weeks=13)),  # PostHog's quarter is 13 weeks
        ("-1yStart", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("-7D", NOW),  # PostHog's regex admits D, but no branch gives it a meaning
    ],
)
def test_relative_dates_follow_posthog_from_the_fixed_clock(text, expected):
    from posthog_frames.demo import DEMO_NOW
    from posthog_frames.demo.clock import parse_when

    assert DEMO_NOW == NOW
    assert parse_when(text, now=DEMO_NOW) == expected


def test_relative_dates_snap_in_the_project_zone():
    from zoneinfo import ZoneInfo

    from posthog_frames.demo.clock import parse_when

    zone = ZoneInfo("America/New_York")  # 12:00 UTC is 08:00 EDT on 2025-03-31
    assert parse_when("-1dStart", now=NOW, tz=zone) == datetime(2025, 3, 30, tzinfo=zone)
