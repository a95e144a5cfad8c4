"""posthog_frames.plotting.stickiness: bars of users active on exactly N days, per series."""

from __future__ import annotations

from posthog_frames.plotting import plot
from tests.unit.plotting._frames import frame


def test_stickiness_bar_heights_per_series():
    df = frame(
        {
            "series": ["a"] * 3 + ["b"] * 3,
            "label": ["A"] * 3 + ["B"] * 3,
            "days": [1, 2, 3] * 2,
            "value": [10, 5, 2, 7, 3, 1],
        },
        kind="stickiness",
    )
    ax = plot(df)
    assert len(ax.containers) == 2
    for container, label in zip(ax.containers, ["A", "B"], strict=True):
        assert container.get_label() == label
        heights = [p.get_height() for p in container]
        assert heights == df[df.label == label]["value"].astype(float).tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
