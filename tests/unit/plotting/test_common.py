"""posthog_frames.plotting._common: the input checks every plot function makes first."""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting import plot
from posthog_frames.plotting.lifecycle import plot_lifecycle
from posthog_frames.plotting.trends import plot_trends
from tests.unit.plotting._frames import frame


def test_plot_of_a_wide_trends_frame_says_to_plot_the_long_frame():
    from posthog_frames.frames import trends_frame

    items = [{"label": "x", "data": [1, 2], "days": ["2024-01-01", "2024-01-02"]}]
    wide = trends_frame(items, wide=True)
    with pytest.raises(ValidationError, match=r"wide=True.*long frame.*wide=False"):
        plot(wide)


def test_missing_columns_are_named_with_their_source():
    with pytest.raises(ValueError, match=r"\['status'\].*lifecycle insight"):
        plot_lifecycle(frame({"date": [pd.Timestamp("2024-01-01")], "value": [1]}))


def test_empty_frame_has_nothing_to_plot():
    empty = frame({"source": [], "target": [], "value": []}, kind="paths")
    with pytest.raises(ValidationError, match="nothing to plot"):
        plot(empty)


def test_non_frame_input_is_rejected():
    with pytest.raises(ValidationError, match="DataFrame"):
        plot_trends([1, 2, 3])
