"""Tests for posthog_frames.plotting: drawn artists checked against hand-built frames (Agg)."""

from __future__ import annotations

import copy
import importlib
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from posthog_frames.exceptions import ValidationError  # noqa: E402

# By module path: the package may re-export the plot() function under the same name.
P = importlib.import_module("posthog_frames.plotting")

# PostHog's lifecycle colours (frontend/src/styles/vars.scss), stated independently of the code.
LIFECYCLE = {
    "new": "#1d4aff",
    "returning": "#388600",
    "resurrecting": "#a56eff",
    "dormant": "#db3707",
}


@pytest.fixture(autouse=True)
def _rc_unchanged_and_closed():
    """Every test: global rcParams are the same afterwards, and its figures are closed."""
    before = copy.deepcopy(dict(matplotlib.rcParams))
    yield
    after = dict(matplotlib.rcParams)
    changed = [k for k in before if str(before[k]) != str(after[k])]
    plt.close("all")
    assert not changed, f"rcParams changed: {changed}"


def frame(data: dict, **attrs) -> pd.DataFrame:
    df = pd.DataFrame(data)
    df.attrs.update(attrs)
    return df


def trends_line(days: int = 5, compare: bool = False, breakdown: bool = False) -> pd.DataFrame:
    dates = pd.date_range("2024-03-01", periods=days, freq="D")
    rows = []
    labels = ["$pageview - Chrome", "$pageview - Safari"] if breakdown else ["$pageview"]
    for k, label in enumerate(labels):
        periods = [("current", dates), ("previous", dates - pd.Timedelta(days=days))]
        for period, ds in periods if compare else periods[:1]:
            for i, d in enumerate(ds):
                row = {
                    "series": "$pageview",
                    "label": label,
                    "date": d,
                    "value": float(10 * (k + 1) + i + (5 if period == "previous" else 0)),
                }
                if breakdown:
                    row["breakdown_value"] = label.split(" - ")[1]
                if compare:
                    row["compare_label"] = period
                rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs.update(kind="trends", view="line", name="Pageviews", interval="day")
    return df


def line_by_label(ax) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines()}


# ---------------------------------------------------------------- trends (time series)


def test_trends_one_line_per_label_with_frame_values():
    df = trends_line(breakdown=True)
    ax = P.plot_trends(df)
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
    ax = P.plot_trends(df)
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
    ax = P.plot_trends(df)
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
    ax = P.plot_trends(df)
    x = ax.get_lines()[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("2024-03-01")


def test_ax_is_respected_and_returned():
    fig, axes = plt.subplots(1, 2)
    assert P.plot_trends(trends_line(), ax=axes[1]) is axes[1]
    assert len(axes[1].get_lines()) == 1 and len(axes[0].get_lines()) == 0
    assert P.plot(trends_line(), ax=axes[0]) is axes[0]


def test_ax_given_creates_no_new_figure_and_kwargs_reach_the_artists():
    fig, ax = plt.subplots()
    before = plt.get_fignums()
    P.plot_trends(trends_line(), ax=ax, linewidth=5, title="Custom")
    assert plt.get_fignums() == before
    assert ax.get_lines()[0].get_linewidth() == 5
    assert ax.get_title(loc="left") == "Custom"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1.38, "1.4s"),
        (45, "45s"),
        (90, "1min 30s"),
        (3600, "1h"),
        (5400, "1h 30min"),
        (108000, "1d 6h"),
        (7199, "2h"),
    ],
)
def test_human_duration(seconds, text):
    from posthog_frames.plotting._style import human_duration

    assert human_duration(seconds) == text


# ---------------------------------------------------------------- trends (aggregated)


def aggregated(view: str, compare: bool = False, previous_null: bool = False) -> pd.DataFrame:
    rows = [("Chrome", 30.0), ("Safari", 50.0), ("Firefox", 20.0)]
    data = {
        "series": ["$pageview"] * 3,
        "label": [r[0] for r in rows],
        "value": [r[1] for r in rows],
    }
    df = pd.DataFrame(data)
    if compare:
        prev = df.assign(value=[pd.NA] * 3 if previous_null else [20.0, 40.0, 20.0])
        df = pd.concat([df.assign(compare_label="current"), prev.assign(compare_label="previous")])
        df["value"] = df["value"].astype("Float64")
    df.attrs.update(kind="trends", view=view, name="Browsers")
    return df.reset_index(drop=True)


def test_bar_value_bars_sorted_descending_with_value_labels():
    df = aggregated("bar_value")
    ax = P.plot_trends(df)
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(df["value"], reverse=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Safari", "Chrome", "Firefox"]
    assert [t.get_text() for t in ax.texts] == ["50", "30", "20"]


def test_bar_value_compare_draws_previous_bars_faded():
    df = aggregated("table", compare=True)
    ax = P.plot_trends(df)
    assert len(ax.containers) == 2
    cur, prev = ax.containers
    assert [p.get_width() for p in cur] == [50.0, 30.0, 20.0]
    assert [p.get_width() for p in prev] == [40.0, 20.0, 20.0]
    assert prev.patches[0].get_alpha() < 1


def test_pie_view_draws_wedges_per_label():
    df = aggregated("pie")
    ax = P.plot(df)
    wedges = list(ax.patches)
    assert len(wedges) == 3
    angles = sorted(w.theta2 - w.theta1 for w in wedges)
    expected = sorted(v / df["value"].sum() * 360 for v in df["value"])
    np.testing.assert_allclose(angles, expected)


def test_number_shows_total_and_delta():
    df = aggregated("number", compare=True)
    ax = P.plot(df)
    texts = [t.get_text() for t in ax.texts]
    # current 30+50+20=100, previous 20+40+20=80 → +25%
    assert "100" in texts
    assert "▲ 25% vs previous period" in texts
    assert not ax.axison


def test_number_decrease_and_null_previous():
    df = aggregated("number", compare=True)
    df.loc[df.compare_label == "previous", "value"] = [100.0, 50.0, 10.0]  # 160 → 100: -37.5%
    texts = [t.get_text() for t in P.plot_number(df).texts]
    assert "▼ 37.5% vs previous period" in texts
    texts = [t.get_text() for t in P.plot_number(aggregated("number", True, True)).texts]
    assert "100" in texts and any("no data" in t for t in texts)


def test_number_without_compare_has_only_the_total():
    df = aggregated("number").assign(value=[1000.0, 234.0, 0.5])
    texts = [t.get_text() for t in P.plot_number(df).texts]
    assert texts == ["1,234.5"]


# ---------------------------------------------------------------- stickiness / lifecycle


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
    ax = P.plot(df)
    assert len(ax.containers) == 2
    for container, label in zip(ax.containers, ["A", "B"], strict=True):
        assert container.get_label() == label
        heights = [p.get_height() for p in container]
        assert heights == df[df.label == label]["value"].astype(float).tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]


def lifecycle_frame() -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=4, freq="W")
    values = {
        "new": [5, 6, 7, 8],
        "returning": [10, 9, 8, 7],
        "resurrecting": [1, 2, 1, 2],
        "dormant": [-3, -4, -2, -5],
    }
    rows = [(d, s, v) for s, vs in values.items() for d, v in zip(dates, vs, strict=True)]
    return frame(
        {
            "date": [r[0] for r in rows],
            "status": [r[1] for r in rows],
            "value": [r[2] for r in rows],
        },
        kind="lifecycle",
        name="Lifecycle",
    )


def test_lifecycle_stacked_bars_heights_colours_and_zero_line():
    df = lifecycle_frame()
    ax = P.plot(df)
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


# ---------------------------------------------------------------- funnels


def funnel_frame(group: str | None = None) -> pd.DataFrame:
    base = {"step": [1, 2, 3], "name": ["$pageview", "signup", "purchase"]}
    counts = {"Chrome": [100, 42, 10], "Safari": [50, 25, 5]}
    keys = list(counts) if group == "breakdown_value" else ["current", "previous"]
    parts = []
    for key in keys if group else ["Chrome"]:
        c = counts.get(key, counts["Chrome"] if key == "current" else [80, 40, 8])
        part = pd.DataFrame(base | {"count": c})
        part["conversion_rate"] = part["count"] / c[0]
        if group:
            part[group] = key
        parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    df.attrs.update(kind="funnels", view="steps", name="Signup funnel")
    return df


def test_funnel_bar_heights_and_percent_annotations():
    df = funnel_frame()
    ax = P.plot(df)
    assert [p.get_height() for p in ax.patches] == [100, 42, 10]
    assert [t.get_text() for t in ax.texts] == ["100%", "42%", "10%"]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["1. $pageview", "2. signup", "3. purchase"]


def test_funnel_breakdown_grouped_with_legend():
    df = funnel_frame("breakdown_value")
    ax = P.plot_funnel(df)
    assert [c.get_label() for c in ax.containers] == ["Chrome", "Safari"]
    assert [p.get_height() for p in ax.containers[1]] == [50, 25, 5]
    assert [t.get_text() for t in ax.texts] == ["100%", "42%", "10%", "100%", "50%", "10%"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Chrome", "Safari"]


def test_funnel_compare_and_horizontal():
    df = funnel_frame("compare_label")
    ax = P.plot_funnel(df, orientation="horizontal")
    assert [c.get_label() for c in ax.containers] == ["current", "previous"]
    assert [p.get_width() for p in ax.containers[1]] == [80, 40, 8]
    assert ax.containers[1].patches[0].get_alpha() < 1
    assert ax.yaxis_inverted()
    with pytest.raises(ValidationError, match="orientation"):
        P.plot_funnel(df, orientation="diagonal")


def test_time_to_convert_bars_and_average():
    df = frame(
        {"seconds": [0, 3600, 7200, 10800], "count": [40, 12, 5, 1]},
        kind="funnels",
        view="time_to_convert",
        average_conversion_time=2700.0,
    )
    ax = P.plot(df)
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
    ax = P.plot(df)
    assert [p.get_height() for p in ax.patches] == [5, 2, 4, 3]
    marks = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()}
    assert marks == {"average 1min": 60.0, "average 1min 30s (previous)": 90.0}


def test_funnel_trends_lines_in_percent():
    df = frame(
        {"date": pd.date_range("2024-01-01", periods=4), "conversion_rate": [0.1, 0.2, 0.15, 0.3]},
        kind="funnels",
        view="trends",
    )
    ax = P.plot(df)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [0.1, 0.2, 0.15, 0.3])
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"


# ---------------------------------------------------------------- retention / paths / sql


def retention_frame(percent: bool = False) -> pd.DataFrame:
    counts = np.array([[100, 40, 20], [50, 10, np.nan], [0, np.nan, np.nan]])
    df = pd.DataFrame(counts, index=pd.date_range("2024-01-01", periods=3, name="cohort"))
    df.attrs.update(kind="retention", period="Day", name="Retention")
    sizes = dict(zip(df.index, counts[:, 0], strict=True))
    df.attrs["cohort_sizes"] = sizes
    if percent:
        df = df.div(counts[:, 0], axis=0)
        df.attrs.update(kind="retention", percent=True, cohort_sizes=sizes)
    return df


def test_retention_image_is_percent_matrix_with_blank_nan():
    df = retention_frame()
    ax = P.plot(df)
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    expected = np.array([[100, 40, 20], [100, 20, np.nan], [np.nan, np.nan, np.nan]])
    got = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_array_equal(got, expected)
    assert [t.get_text() for t in ax.texts] == ["100%", "40%", "20%", "100%", "20%"]
    assert ax.get_yticklabels()[0].get_text().startswith("2024-01-01")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Day 0", "Day 1", "Day 2"]


def test_retention_percent_frame_and_count_annotations():
    ax = P.plot_retention(retention_frame(percent=True), annotate="count")
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    np.testing.assert_allclose(
        np.ma.filled(image.get_array().astype(float), np.nan)[0], [100, 40, 20]
    )
    assert [t.get_text() for t in ax.texts][:3] == ["100", "40", "20"]
    assert len(P.plot_retention(retention_frame(), annotate=False).texts) == 0


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
    ax = P.plot(convert(rows))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "Chrome · 2024-01-01  (10)",
        "Chrome · 2024-01-02  (4)",
        "(none) · 2024-01-01  (8)",
    ]
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    got = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_allclose(got[:, 1], [5 / 10 * 100, np.nan, 2 / 8 * 100])


def test_plot_of_a_wide_trends_frame_says_to_plot_the_long_frame():
    from posthog_frames.frames import trends_frame

    items = [{"label": "x", "data": [1, 2], "days": ["2024-01-01", "2024-01-02"]}]
    wide = trends_frame(items, wide=True)
    with pytest.raises(ValidationError, match=r"wide=True.*long frame.*wide=False"):
        P.plot(wide)


def paths_frame() -> pd.DataFrame:
    values = [5, 30, 12, 30, 1, 8]
    return frame(
        {
            "source": [f"1_/p{i}" for i in range(6)],
            "target": [f"2_/q{i}" for i in range(6)],
            "value": values,
            "average_conversion_time": [1.0, 2.0, 3.0, 4.0, 5.0, 90.0],
        },
        kind="paths",
    )


def test_paths_top_n_widths_in_order_with_arrow_labels():
    df = paths_frame()
    ax = P.plot(df, top=4)
    assert [p.get_width() for p in ax.patches] == [30, 30, 12, 8]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1_/p1 → 2_/q1", "1_/p3 → 2_/q3", "1_/p2 → 2_/q2", "1_/p5 → 2_/q5"]
    assert ax.texts[-1].get_text() == "8 · avg 1min 30s"
    with pytest.raises(ValidationError, match="top"):
        P.plot_paths(df, top=0)


def test_sql_bars_first_numeric_by_first_text():
    df = frame(
        {"event": ["a", "b", "c"], "browser": ["x", "y", "z"], "count()": [3, 9, 1]}, kind="sql"
    )
    ax = P.plot(df)
    assert [p.get_width() for p in ax.patches] == [3, 9, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValidationError, match="numeric"):
        P.plot_sql(frame({"event": ["a"]}, kind="sql"))


def test_sql_repeated_labels_join_the_text_columns_and_limit_rows():
    df = frame(
        {"event": ["a", "a", "b"], "browser": ["x", "y", "x"], "count()": [3, 9, 1]}, kind="sql"
    )
    ax = P.plot_sql(df, limit=2)
    assert [p.get_width() for p in ax.patches] == [3, 9]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a · x", "a · y"]
    assert "first 2 of 3 rows" in ax.get_title(loc="left")


# ---------------------------------------------------------------- dispatch and errors


@pytest.mark.parametrize(
    ("df", "drawn"),
    [
        (trends_line(), "lines"),
        (aggregated("bar_value"), "patches"),
        (lifecycle_frame(), "patches"),
        (funnel_frame(), "patches"),
        (retention_frame(), "images"),
        (paths_frame(), "patches"),
    ],
)
def test_plot_dispatches_on_kind(df, drawn):
    ax = P.plot(df)
    assert len(getattr(ax, drawn)) > 0


def test_plot_infers_the_funnel_view_from_columns_when_view_is_missing():
    df = frame({"seconds": [0, 60], "count": [3, 1]}, kind="funnels")
    ax = P.plot(df)
    assert ax.get_xlabel() == "time to convert"
    assert [p.get_height() for p in ax.patches] == [3, 1]


# The names phf.plot answered to when it was a module (its __all__ then).
OLD_NAMES = [
    "SUPPORTED_KINDS",
    "plot",
    "plot_funnel",
    "plot_funnel_trends",
    "plot_lifecycle",
    "plot_number",
    "plot_paths",
    "plot_retention",
    "plot_sql",
    "plot_stickiness",
    "plot_time_to_convert",
    "plot_trends",
]
SHORT_NAMES = {
    "trends": "plot_trends",
    "number": "plot_number",
    "stickiness": "plot_stickiness",
    "lifecycle": "plot_lifecycle",
    "funnel": "plot_funnel",
    "time_to_convert": "plot_time_to_convert",
    "funnel_trends": "plot_funnel_trends",
    "retention": "plot_retention",
    "paths": "plot_paths",
    "sql": "plot_sql",
}


def test_phf_plot_is_callable_and_draws():
    import posthog_frames as phf

    fig, ax = plt.subplots()
    assert callable(phf.plot) and phf.plot is P.plot
    assert phf.plot(trends_line(), ax=ax) is ax and len(ax.get_lines()) == 1


def test_phf_plot_keeps_every_old_name_and_has_short_ones():
    import posthog_frames as phf

    for name in OLD_NAMES:
        assert hasattr(phf.plot, name), name
    for short, name in SHORT_NAMES.items():
        function = getattr(P, name)
        assert getattr(phf.plot, short) is function and getattr(phf.plot, name) is function
        assert getattr(phf, name) is function  # the top-level names too
    assert phf.plot.SUPPORTED_KINDS == P.SUPPORTED_KINDS
    assert len(phf.plot.plot(trends_line()).get_lines()) == 1


def test_posthog_frames_plot_is_no_module():
    import sys
    import types

    import posthog_frames as phf

    assert not isinstance(phf.plot, types.ModuleType)
    assert "posthog_frames.plot" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("posthog_frames.plot")
    assert callable(phf.plot)  # the failed import left phf.plot alone


def test_plot_without_attrs_explains_what_to_do():
    with pytest.raises(ValidationError, match=r"attrs\['kind'\].*plot_trends"):
        P.plot(pd.DataFrame({"value": [1]}))


def test_plot_unknown_kind_names_supported_kinds():
    with pytest.raises(ValueError, match="supported kinds: trends, stickiness, lifecycle"):
        P.plot(frame({"value": [1]}, kind="heatmap"))


def test_missing_columns_are_named_with_their_source():
    with pytest.raises(ValueError, match=r"\['status'\].*lifecycle insight"):
        P.plot_lifecycle(frame({"date": [pd.Timestamp("2024-01-01")], "value": [1]}))


def test_empty_frame_has_nothing_to_plot():
    empty = frame({"source": [], "target": [], "value": []}, kind="paths")
    with pytest.raises(ValidationError, match="nothing to plot"):
        P.plot(empty)


def test_non_frame_input_is_rejected():
    with pytest.raises(ValidationError, match="DataFrame"):
        P.plot_trends([1, 2, 3])


# ---------------------------------------------------------------- recorded fixtures


def _drawn(ax) -> int:
    return len(ax.lines) + len(ax.patches) + len(ax.images) + len(ax.texts)


def test_every_recorded_insight_plots(insight_fixture):
    frames = pytest.importorskip("posthog_frames.frames")
    insight_frame = getattr(frames, "insight_frame", None)
    if insight_frame is None:
        pytest.skip("posthog_frames.frames.insight_frame is not available yet")
    df = insight_frame(insight_fixture)
    ax = P.plot(df)
    assert _drawn(ax) > 0
    kind, view = df.attrs["kind"], df.attrs.get("view")
    if kind == "trends" and "date" in df.columns:
        groups = [c for c in ("series", "label", "breakdown_value", "compare_label") if c in df]
        assert len(ax.get_lines()) == df.groupby(groups, dropna=False).ngroups
    elif kind == "funnels" and view == "steps":
        assert sorted(p.get_height() for p in ax.patches) == sorted(df["count"].astype(float))
    elif kind == "paths":
        assert [p.get_width() for p in ax.patches] == sorted(df["value"], reverse=True)[:15]
    elif kind == "lifecycle":
        assert sorted(p.get_height() for p in ax.patches) == sorted(df["value"].astype(float))


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
    ax = P.plot_trends(df)
    names = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(names) == 2 and len(set(names)) == 2
    assert any("Pageviews" in n for n in names)
