"""plot_grid: a dashboard's charts in one figure, placed as PostHog places the tiles."""

from __future__ import annotations

import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting.grid import plot_grid
from tests.unit.plotting._frames import trends_line


def _box(ax) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in ax.get_position().bounds)


def test_layouts_place_each_panel_where_the_dashboard_has_it():
    left, right, wide = (
        {"x": 0, "y": 1, "w": 6, "h": 5},
        {"x": 6, "y": 1, "w": 6, "h": 5},
        {"x": 0, "y": 6, "w": 12, "h": 5},
    )
    fig = plot_grid([trends_line(), trends_line(), trends_line()], layouts=[left, right, wide])
    a, b, c = (_box(ax) for ax in fig.axes)
    assert a[0] < b[0] and abs(a[1] - b[1]) < 0.05  # side by side
    assert c[1] < a[1] and c[2] > a[2] + b[2] * 0.8  # below, and as wide as both


def test_overlapping_or_missing_layouts_fall_back_to_a_grid():
    same = {"x": 0, "y": 0, "w": 6, "h": 5}
    for layouts in ([same, same], [same, None], None):
        fig = plot_grid([trends_line(), trends_line()], layouts=layouts)
        a, b = (_box(ax) for ax in fig.axes)
        assert a[0] < b[0] and abs(a[1] - b[1]) < 0.05  # two to a row


def test_text_panels_show_markdown_as_text():
    fig = plot_grid(["## Heading\nSome **bold** words."], cols=1)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["Heading", "Some bold words."] and not fig.axes[0].axison


@pytest.mark.parametrize("cols", [0, -1, 1.5, True])
def test_bad_columns_and_nothing_to_draw_are_refused(cols):
    with pytest.raises(ValidationError, match="cols"):
        plot_grid([trends_line()], cols=cols)
    with pytest.raises(ValidationError, match="Nothing to draw"):
        plot_grid([])
