"""posthog_frames.plotting.funnels: funnel steps, time to convert and conversion over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting import plot
from posthog_frames.plotting.funnels import plot_funnel
from tests.unit.plotting._frames import frame, funnel_frame


def test_funnel_bar_heights_and_percent_annotations():
    df = funnel_frame()
    ax = plot(df)
    assert [p.get_height() for p in ax.patches] == [100, 42, 10]
    assert [t.get_text() for t in ax.texts] == ["100", "42%", "10%"]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["1. $pageview", "2. signup", "3. purchase"]


def test_funnel_breakdown_grouped_with_legend():
    df = funnel_frame("breakdown_value")
    ax = plot_funnel(df)
    assert [c.get_label() for c in ax.containers] == ["Chrome", "Safari"]
    assert [p.get_height() for p in ax.containers[1]] == [50, 25, 5]
    assert [t.get_text() for t in ax.texts] == ["100", "42%", "10%", "50", "50%", "10%"]
    assert {t.get_rotation() for t in ax.texts} == {90.0}  # upright beside each other
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Chrome", "Safari"]


def test_funnel_compare_and_horizontal():
    df = funnel_frame("compare_label")
    ax = plot_funnel(df, orientation="horizontal")
    assert [c.get_label() for c in ax.containers] == ["current", "previous"]
    assert [p.get_width() for p in ax.containers[1]] == [80, 40, 8]
    assert ax.containers[1].patches[0].get_alpha() < 1
    assert ax.yaxis_inverted()
    with pytest.raises(ValidationError, match="orientation"):
        plot_funnel(df, orientation="diagonal")


def test_time_to_convert_bars_and_average():
    df = frame(
        {"seconds": [0, 3600, 7200, 10800], "count": [40, 12, 5, 1]},
        kind="funnels",
        view="time_to_convert",
        average_conversion_time=2700.0,
    )
    ax = plot(df)
    assert [p.get_height() for p in ax.patches] == [40, 12, 5, 1]
    assert [p.get_x() for p in ax.patches] == [0, 3600, 7200, 10800]
    averages = [line for line in ax.get_lines() if line.get_label().startswith("average")]
    assert len(averages) == 1 and averages[0].get_xdata()[0] == 2700.0
    assert averages[0].get_label() == "average 45min"
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "1h" in ticks and all(t[-1] in "shdn" for t in ticks)


def test_time_to_convert_compare_uses_average_per_period():
    df = frame(
        {
            "seconds": [0, 100, 0, 100],
            "count": [5, 2, 4, 3],
            "compare_label": ["current", "current", "previous", "previous"],
        },
        kind="funnels",
        view="time_to_convert",
        average_conversion_time={"current": 60.0, "previous": 90.0},
    )
    ax = plot(df)
    assert [p.get_height() for p in ax.patches] == [5, 2, 4, 3]
    marks = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()}
    assert marks == {"average 1min": 60.0, "average 1min 30s (previous)": 90.0}


def test_funnel_trends_lines_in_percent():
    df = frame(
        {"date": pd.date_range("2024-01-01", periods=4), "conversion_rate": [0.1, 0.2, 0.15, 0.3]},
        kind="funnels",
        view="trends",
    )
    ax = plot(df)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [0.1, 0.2, 0.15, 0.3])
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"


def _label_boxes_overlap(ax) -> bool:
    import itertools

    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    return any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_funnel_step_one_shows_how_many_entered_not_a_redundant_100_percent():
    ax = plot(funnel_frame())
    assert [t.get_text() for t in ax.texts] == ["100", "42%", "10%"]


def test_funnel_breakdown_labels_never_overlap():
    # Seven browsers side by side, as in the demo's "Checkout funnel by browser".
    browsers = ["Chrome", "Mobile Safari", "Firefox", "Edge", "Safari", "Chrome iOS", "Samsung"]
    counts = [[147, 99, 43], [36, 24, 7], [33, 18, 3], [27, 16, 6], [23, 13, 7], [11, 7, 1]]
    counts.append([4, 3, 1])
    parts = []
    for browser, c in zip(browsers, counts, strict=True):
        part = pd.DataFrame({"step": [1, 2, 3], "name": ["viewed", "added", "bought"], "count": c})
        parts.append(part.assign(conversion_rate=part["count"] / c[0], breakdown_value=browser))
    df = pd.concat(parts, ignore_index=True)
    df.attrs.update(kind="funnels", view="steps", name="Checkout funnel by browser")
    ax = plot(df)
    assert not _label_boxes_overlap(ax)
    texts = [t.get_text() for t in ax.texts]
    assert "100%" not in texts and "147" in texts and "67.3%" in texts
