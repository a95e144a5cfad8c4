"""posthog_frames.plotting.calendar: a weekday x hour heatmap of a calendar heatmap insight."""

from __future__ import annotations

import numpy as np
import pytest

import posthog_frames as phf
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames import insight_frame
from tests.unit.frames.test_posthog_shapes import CALENDAR_HEATMAP


def test_calendar_heatmap_cells_land_on_their_weekday_and_hour():
    ax = phf.plot(insight_frame(CALENDAR_HEATMAP))
    grid = ax.images[0].get_array()
    assert grid.shape == (7, 24)
    assert grid[0, 9] == 7 and grid[6, 23] == 5  # Monday 9:00, Sunday 23:00
    assert grid.sum() == 12  # the cells PostHog left out are empty, nothing invented
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["Mon", "Tue"]
    assert sorted(t.get_text() for t in ax.texts) == ["5", "7"]


def test_calendar_heatmap_of_several_series_asks_for_one():
    df = insight_frame(CALENDAR_HEATMAP)
    two = df.assign(series=np.array(["a", "b"], dtype=object))
    with pytest.raises(ValidationError, match="one series"):
        phf.plot.calendar_heatmap(two)
