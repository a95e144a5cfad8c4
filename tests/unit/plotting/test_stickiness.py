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


def test_stickiness_labels_no_empty_bars_and_folds_a_trailing_run_of_zeros():
    days = list(range(1, 32))
    values = [105, 62, 39, 27, 15, 0, 17, 12, 5, 2, 1] + [0] * 20
    df = frame(
        {"series": "$pageview", "label": "$pageview", "days": days, "value": values},
        kind="stickiness",
        interval="day",
    )
    ax = plot(df)
    texts = [t.get_text() for t in ax.texts]
    assert "0" not in texts  # an empty bar needs no number
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[-1] == "11" and len(ax.containers[0]) == 11
    assert any("12–31 days: nobody" in t for t in texts)
