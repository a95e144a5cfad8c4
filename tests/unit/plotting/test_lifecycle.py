"""posthog_frames.plotting.lifecycle: stacked bars in PostHog's lifecycle colours."""

from __future__ import annotations

from matplotlib.colors import to_rgba

from posthog_frames.plotting import plot
from tests.unit.plotting._frames import lifecycle_frame

# PostHog's lifecycle colours (frontend/src/styles/vars.scss), stated independently of the code.
LIFECYCLE = {
    "new": "#1d4aff",
    "returning": "#388600",
    "resurrecting": "#a56eff",
    "dormant": "#db3707",
}


def test_lifecycle_stacked_bars_heights_colours_and_zero_line():
    df = lifecycle_frame()
    ax = plot(df)
    by_status = {c.get_label(): c for c in ax.containers}
    assert set(by_status) == set(LIFECYCLE)
    for status, container in by_status.items():
        expected = df[df.status == status].sort_values("date")["value"].astype(float).tolist()
        assert [p.get_height() for p in container] == expected
        for patch in container:
            assert patch.get_facecolor() == to_rgba(LIFECYCLE[status])
    # dormant hangs below zero; positives stack: returning starts on top of new
    assert all(p.get_y() == 0 for p in by_status["dormant"])
    assert [p.get_y() for p in by_status["returning"]] == [5.0, 6.0, 7.0, 8.0]
    assert any(line.get_ydata()[0] == 0 for line in ax.get_lines())  # the zero line
