"""posthog_frames.plotting._style: how numbers, percents and durations read on the charts."""

from __future__ import annotations

import pytest

from posthog_frames.plotting._style import human_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1.38, "1.4s"),
        (45, "45s"),
        (90, "1min 30s"),
        (3600, "1h"),
        (5400, "1h 30min"),
        (108000, "1d 6h"),
        (7199, "2h"),
    ],
)
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text
