"""posthog_frames.plotting.trends: lines over time, value bars, the pie and the big number."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba

from posthog_frames.plotting import plot
from posthog_frames.plotting.trends import plot_number, plot_trends
from tests.unit.plotting._frames import aggregated, trends_line


def line_by_label(ax) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines()}


def test_trends_one_line_per_label_with_frame_values():
    df = trends_line(breakdown=True)
    ax = plot_trends(df)
    lines = line_by_label(ax)
    assert set(lines) == set(df["label"])
    for label, part in df.groupby("label"):
        np.testing.assert_array_equal(lines[label].get_ydata(), part["value"].to_numpy())
        assert lines[label].get_linestyle() == "-"
    assert ax.get_ylim()[0] == 0
    assert ax.get_title(loc="left") == "Pageviews"
    assert ax.get_legend() is not None


def test_trends_compare_previous_is_dashed_in_the_current_colour():
    df = trends_line(compare=True, breakdown=True)
    ax = plot_trends(df)
    lines = line_by_label(ax)
    assert len(lines) == df.groupby(["label", "compare_label"]).ngroups == 4
    for label in df["label"].unique():
        cur, prev = lines[label], lines[f"{label} (previous)"]
        expected = df[(df.label == label) & (df.compare_label == "previous")]["value"].to_numpy()
        np.testing.assert_array_equal(prev.get_ydata(), expected)
        assert prev.get_linestyle() == "--" and cur.get_linestyle() == "-"
        assert to_rgba(prev.get_color()) == to_rgba(cur.get_color())
        # previous is overlaid on the current period's dates
        np.testing.assert_array_equal(prev.get_xdata(), cur.get_xdata())
    colors = {to_rgba(lines[label].get_color()) for label in df["label"].unique()}
    assert len(colors) == 2


def test_trends_year_of_daily_data_has_no_overlapping_ticks():
    df = trends_line(days=365)
    ax = plot_trends(df)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert len(boxes) >= 3
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), "x tick labels overlap"


def test_trends_timezone_aware_dates_keep_wall_time():
    df = trends_line(days=3)
    df["date"] = df["date"].dt.tz_localize("America/New_York")
    ax = plot_trends(df)
    x = ax.get_lines()[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("2024-03-01")


def test_ax_is_respected_and_returned():
    fig, axes = plt.subplots(1, 2)
    assert plot_trends(trends_line(), ax=axes[1]) is axes[1]
    assert len(axes[1].get_lines()) == 1 and len(axes[0].get_lines()) == 0
    assert plot(trends_line(), ax=axes[0]) is axes[0]


def test_ax_given_creates_no_new_figure_and_kwargs_reach_the_artists():
    fig, ax = plt.subplots()
    before = plt.get_fignums()
    plot_trends(trends_line(), ax=ax, linewidth=5, title="Custom")
    assert plt.get_fignums() == before
    assert ax.get_lines()[0].get_linewidth() == 5
    assert ax.get_title(loc="left") == "Custom"


def test_bar_value_bars_sorted_descending_with_value_labels():
    df = aggregated("bar_value")
    ax = plot_trends(df)
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(df["value"], reverse=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Safari", "Chrome", "Firefox"]
    assert [t.get_text() for t in ax.texts] == ["50", "30", "20"]


def test_bar_value_compare_draws_previous_bars_faded():
    df = aggregated("table", compare=True)
    ax = plot_trends(df)
    assert len(ax.containers) == 2
    cur, prev = ax.containers
    assert [p.get_width() for p in cur] == [50.0, 30.0, 20.0]
    assert [p.get_width() for p in prev] == [40.0, 20.0, 20.0]
    assert prev.patches[0].get_alpha() < 1


def test_pie_view_draws_wedges_per_label():
    df = aggregated("pie")
    ax = plot(df)
    wedges = list(ax.patches)
    assert len(wedges) == 3
    angles = sorted(w.theta2 - w.theta1 for w in wedges)
    expected = sorted(v / df["value"].sum() * 360 for v in df["value"])
    np.testing.assert_allclose(angles, expected)


def test_number_shows_total_and_delta():
    df = aggregated("number", compare=True)
    ax = plot(df)
    texts = [t.get_text() for t in ax.texts]
    # current 30+50+20=100, previous 20+40+20=80 → +25%
    assert "100" in texts
    assert "▲ 25% vs previous period" in texts
    assert not ax.axison


def test_number_decrease_and_null_previous():
    df = aggregated("number", compare=True)
    df.loc[df.compare_label == "previous", "value"] = [100.0, 50.0, 10.0]  # 160 → 100: -37.5%
    texts = [t.get_text() for t in plot_number(df).texts]
    assert "▼ 37.5% vs previous period" in texts
    texts = [t.get_text() for t in plot_number(aggregated("number", True, True)).texts]
    assert "100" in texts and any("no data" in t for t in texts)


def test_number_without_compare_has_only_the_total():
    df = aggregated("number").assign(value=[1000.0, 234.0, 0.5])
    texts = [t.get_text() for t in plot_number(df).texts]
    assert texts == ["1,234.5"]


def test_series_sharing_a_label_get_distinct_legend_entries():
    # PostHog labels both series "$pageview"; one carries a custom name (the frame's `series`).
    dates = pd.to_datetime(["2025-01-01", "2025-01-02"])
    df = pd.DataFrame(
        {
            "series": ["Pageviews", "Pageviews", "$pageview", "$pageview"],
            "label": ["$pageview"] * 4,
            "date": list(dates) * 2,
            "value": [5, 6, 2, 3],
        }
    )
    df.attrs.update({"kind": "trends", "view": "line"})
    ax = plot_trends(df)
    names = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(names) == 2 and len(set(names)) == 2
    assert any("Pageviews" in n for n in names)


def test_experiment_exposures_draw_one_cumulative_line_per_variant():
    from posthog_frames.frames import insight_frame

    # frontend/src/mocks/fixtures/api/experiments/exposure_query_result.json
    days = ["2025-02-27", "2025-02-28", "2025-03-01"]
    response = {
        "kind": "ExperimentExposureQuery",
        "timeseries": [
            {"variant": "test", "days": days, "exposure_counts": [38, 179, 317]},
            {"variant": "control", "days": days, "exposure_counts": [45, 182, 347]},
        ],
        "total_exposures": {"test": 317, "control": 347},
    }
    ax = plot(insight_frame(response))
    lines = line_by_label(ax)
    assert set(lines) == {"test", "control"}
    np.testing.assert_array_equal(lines["control"].get_ydata(), [45, 182, 347])


def test_the_value_axis_says_what_the_series_count():
    df = trends_line().assign(math="sum of revenue")
    assert plot_trends(df).get_ylabel() == "Sum of revenue"
    both = trends_line(breakdown=True)
    both["math"] = np.where(both["label"].str.endswith("Chrome"), "count", "unique users")
    ax = plot_trends(both)
    assert ax.get_ylabel() == "Count · unique users"
    # series that count different things say which in the legend
    assert sorted(line_by_label(ax)) == [
        "$pageview - Chrome (count)",
        "$pageview - Safari (unique users)",
    ]
    cumulative = trends_line().assign(math="count")
    cumulative.attrs.update(view="cumulative")
    assert plot_trends(cumulative).get_ylabel() == "Count (cumulative)"
    bars = aggregated("bar_value").assign(math="unique users")
    assert plot_trends(bars).get_xlabel() == "Unique users"
