"""posthog_frames.plotting: phf.plot, called, draws the chart that fits; its names reach one."""

from __future__ import annotations

import importlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import posthog_frames.plotting as plotting
from posthog_frames.exceptions import ValidationError
from posthog_frames.insight import Insight
from posthog_frames.plotting import plot
from tests.conftest import load_fixture
from tests.unit.plotting._frames import (
    aggregated,
    frame,
    funnel_frame,
    lifecycle_frame,
    paths_frame,
    retention_frame,
    trends_line,
)

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
    assert callable(phf.plot) and phf.plot is plot
    assert phf.plot(trends_line(), ax=ax) is ax and len(ax.get_lines()) == 1


def test_phf_plot_keeps_every_old_name_and_has_short_ones():
    import posthog_frames as phf

    for name in OLD_NAMES:
        assert hasattr(phf.plot, name), name
    for short, name in SHORT_NAMES.items():
        function = getattr(plotting, name)
        assert getattr(phf.plot, short) is function and getattr(phf.plot, name) is function
        assert getattr(phf, name) is function  # the top-level names too
    assert phf.plot.SUPPORTED_KINDS == plotting.SUPPORTED_KINDS
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
    ax = plot(df)
    assert len(getattr(ax, drawn)) > 0


def test_plot_infers_the_funnel_view_from_columns_when_view_is_missing():
    df = frame({"seconds": [0, 60], "count": [3, 1]}, kind="funnels")
    ax = plot(df)
    assert ax.get_xlabel() == "time to convert"
    assert [p.get_height() for p in ax.patches] == [3, 1]


def test_plot_without_attrs_explains_what_to_do():
    with pytest.raises(ValidationError, match=r"attrs\['kind'\].*plot_trends"):
        plot(pd.DataFrame({"value": [1]}))


def test_plot_unknown_kind_names_supported_kinds():
    with pytest.raises(ValueError, match="supported kinds: trends, stickiness, lifecycle"):
        plot(frame({"value": [1]}, kind="heatmap"))


def _drawn(ax) -> int:
    return len(ax.lines) + len(ax.patches) + len(ax.images) + len(ax.texts)


def test_every_recorded_insight_plots(insight_fixture):
    frames = pytest.importorskip("posthog_frames.frames")
    insight_frame = getattr(frames, "insight_frame", None)
    if insight_frame is None:
        pytest.skip("posthog_frames.frames.insight_frame is not available yet")
    df = insight_frame(insight_fixture)
    ax = plot(df)
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


def test_plot_accepts_an_insight_object() -> None:
    raw = load_fixture("insights/insight-trends-line.json")
    ax = plot(Insight(raw))
    assert len(ax.get_lines()) == len(raw["result"])
    with pytest.raises(ValueError, match=r"ins\.plot\(\)"):
        plot({"not": "a frame"})


def _shapes() -> dict[str, object]:
    """Every PostHog shape the shape tests convert (their hand-written payloads)."""
    from tests.unit.frames import test_posthog_shapes as shapes

    return {
        "experiment trends": shapes.EXPERIMENT_TRENDS,
        "experiment exposures": shapes.EXPOSURES,
        "legacy retention breakdown": shapes.LEGACY_RETENTION_BREAKDOWN,
        "retention labelled by week": shapes.WEEKS_LABELLED_UNDER_A_DAY_FILTER,
        "box plot (boxplot_data)": shapes.BOXPLOT_INSIGHT,
        "box plot (q1/q3)": shapes.OLD_BOXPLOT_RESPONSE,
        "box plot (statistics rows)": shapes.CURRENT_BOXPLOT_RESPONSE,
        "funnel correlation": shapes.CORRELATION,
        "SQL line chart": shapes.SQL_LINE_CHART,
        "calendar heatmap": shapes.CALENDAR_HEATMAP,
    }


@pytest.mark.parametrize("name", sorted(_shapes()))
def test_every_shape_the_converters_take_plots(name):
    from posthog_frames.frames import insight_frame

    df = insight_frame(_shapes()[name])
    ax = plot(df)
    assert _drawn(ax) > 0, f"{name}: nothing drawn"
