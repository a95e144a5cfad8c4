"""posthog_frames.plotting.paths: the busiest path links as ranked bars."""

from __future__ import annotations

import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting import plot
from posthog_frames.plotting.paths import plot_paths
from tests.unit.plotting._frames import paths_frame


def test_paths_top_n_widths_in_order_with_arrow_labels():
    df = paths_frame()
    ax = plot(df, top=4)
    assert [p.get_width() for p in ax.patches] == [30, 30, 12, 8]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1_/p1 → 2_/q1", "1_/p3 → 2_/q3", "1_/p2 → 2_/q2", "1_/p5 → 2_/q5"]
    assert ax.texts[-1].get_text() == "8 · avg 1min 30s"
    with pytest.raises(ValidationError, match="top"):
        plot_paths(df, top=0)
