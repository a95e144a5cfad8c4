"""posthog_frames.plotting.retention: the cohort heatmap in percent, with annotated cells."""

from __future__ import annotations

import numpy as np
from matplotlib.image import AxesImage

from posthog_frames.plotting import plot
from posthog_frames.plotting.retention import plot_retention
from tests.unit.plotting._frames import retention_frame


def test_retention_image_is_percent_matrix_with_blank_nan():
    df = retention_frame()
    ax = plot(df)
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    expected = np.array([[100, 40, 20], [100, 20, np.nan], [np.nan, np.nan, np.nan]])
    got = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_array_equal(got, expected)
    assert [t.get_text() for t in ax.texts] == ["100%", "40%", "20%", "100%", "20%"]
    assert ax.get_yticklabels()[0].get_text().startswith("2024-01-01")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Day 0", "Day 1", "Day 2"]


def test_retention_percent_frame_and_count_annotations():
    ax = plot_retention(retention_frame(percent=True), annotate="count")
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    np.testing.assert_allclose(
        np.ma.filled(image.get_array().astype(float), np.nan)[0], [100, 40, 20]
    )
    assert [t.get_text() for t in ax.texts][:3] == ["100", "40", "20"]
    assert len(plot_retention(retention_frame(), annotate=False).texts) == 0


def test_retention_with_breakdown_labels_rows_by_breakdown_and_cohort():
    from posthog_frames.frames import retention_frame as convert

    rows = [
        {
            "date": "2024-01-01",
            "breakdown_value": "Chrome",
            "values": [{"count": 10}, {"count": 5}],
        },
        {"date": "2024-01-02", "breakdown_value": "Chrome", "values": [{"count": 4}]},
        {"date": "2024-01-01", "breakdown_value": None, "values": [{"count": 8}, {"count": 2}]},
    ]
    ax = plot(convert(rows))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "Chrome · 2024-01-01  (10)",
        "Chrome · 2024-01-02  (4)",
        "(none) · 2024-01-01  (8)",
    ]
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    got = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_allclose(got[:, 1], [5 / 10 * 100, np.nan, 2 / 8 * 100])


def test_legacy_breakdown_retention_rows_are_labelled_by_their_breakdown_value():
    from posthog_frames.frames import retention_frame as convert

    # posthog/queries/retention/retention.py (`process_breakdown_table_result`): no dates.
    rows = [
        {"values": [{"count": 10}, {"count": 6}], "breakdown_values": ["Chrome", 96]},
        {"values": [{"count": 4}, {"count": 1}], "breakdown_values": ["Safari", 15]},
    ]
    ax = plot(convert({"filters": {"insight": "RETENTION", "period": "Week"}, "result": rows}))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Chrome, 96  (10)", "Safari, 15  (4)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Week 0", "Week 1"]


def test_periods_still_in_progress_are_hatched_and_said_so():
    from matplotlib.patches import Rectangle

    df = retention_frame()
    df.attrs["in_progress"] = True  # each cohort's last period had not ended when computed
    ax = plot(df)
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    # the last period with a value in each row: (0, 2), (1, 1), (2, 0)
    assert sorted((round(p.get_y() + 0.5), round(p.get_x() + 0.5)) for p in hatched) == [
        (0, 2),
        (1, 1),
        (2, 0),
    ]
    assert "in progress" in ax.get_xlabel()
    done = retention_frame()
    done.attrs["in_progress"] = False
    ax = plot(done)
    assert not [p for p in ax.patches if p.get_hatch()] and ax.get_xlabel() == ""
