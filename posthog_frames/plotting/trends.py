"""Trends plots: lines over time, aggregated values (bars, pie) and the big number.

Example:
    >>> ax = phf.plot.number(client.insight_frame("HbtKE1IY"))  # "Signups this week"
    >>> [text.get_text() for text in ax.texts]
    ['62']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.trends import AGGREGATED_VIEWS  # one total per series, no dates
from posthog_frames.plotting._common import (
    SERIES_NAME_COLUMNS,
    BarGroup,
    check_frame,
    draw_time_lines,
    floats,
    grouped_bars,
    new_axes,
    pad_value_axis,
    place_legend,
    set_title,
    style_axes,
    with_names,
)
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import color_for, number_text, percent_text
from posthog_frames.plotting.boxplot import plot_boxplot
from posthog_frames.plotting.calendar import plot_calendar_heatmap

__all__ = ["plot_number", "plot_trends"]

_UP, _DOWN = "▲", "▼"
_SPECIAL_VIEWS = {"box_plot": plot_boxplot, "calendar_heatmap": plot_calendar_heatmap}


def _floor_zero(ax: Axes, values: np.ndarray) -> None:
    if np.isfinite(values).any() and np.nanmin(values) >= 0:
        ax.set_ylim(bottom=0)


@fill_docstring
def plot_trends(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Plot a trends frame: lines over time, or bars/pie/number for aggregated views.

    Line views draw one line per series (a compared previous period dashed in its colour);
    the pie view draws a wedge per series, the number view is :func:`plot_number`, the box plot
    view is :func:`~posthog_frames.plotting.boxplot.plot_boxplot`, the calendar heatmap view
    :func:`~posthog_frames.plotting.calendar.plot_calendar_heatmap`, and other aggregated views
    (bar value, table) draw a bar per series total, largest first. The value axis says what
    the series count (the frame's ``math``).

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to the drawing call (``ax.plot`` for lines, ``ax.barh`` for bars).

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_trends(client.insight_frame("U6hMkMoa"))
        >>> ax.get_title(loc="left")
        'Daily traffic and signups'
        >>> ax.get_ylabel()
        'Count · unique users'
        >>> for line in ax.get_lines():  # series that count different things say which
        ...     print(line.get_label())
        $pageview - Pageviews (count)
        $pageview - Daily visitors (unique users)
        signed up (count)
    """
    special = _SPECIAL_VIEWS.get(df.attrs.get("view")) if isinstance(df, pd.DataFrame) else None
    if special is not None:  # statistics per bucket, or counts per weekday and hour
        return special(df, ax, title=title, figsize=figsize, **kw)
    check_frame(df, ["value"], "plot_trends", "trends")
    view = df.attrs.get("view")
    if view == "number":
        return plot_number(df, ax, title=title, figsize=figsize, **kw)
    if "date" in df.columns and view not in AGGREGATED_VIEWS:
        ax = new_axes(ax, figsize)
        # Series that count different things say which in the legend, the axis names them all.
        mixed = "math" in df.columns and df["math"].nunique() > 1
        suffix = "math" if mixed else None
        lines = draw_time_lines(ax, df, "value", SERIES_NAME_COLUMNS, "value", suffix, **kw)
        _floor_zero(ax, np.concatenate([line.get_ydata() for line in lines]))
        ax.set_ylabel(value_label(df))
        style_axes(ax)
        place_legend(ax)
        set_title(ax, df, title)
        return ax
    if view == "pie":
        return _plot_pie(df, ax, title=title, figsize=figsize, **kw)
    return _plot_value_bars(df, ax, title=title, figsize=figsize, **kw)


def value_label(df: pd.DataFrame) -> str:
    """What the values are, for the value axis: the frame's ``math`` ("Sum of revenue"; several
    joined by " · "), marked cumulative for a cumulative view; "" when the frame does not say.

    Example:
        >>> value_label(pd.DataFrame({"math": ["unique users"], "value": [3]}))
        'Unique users'
    """
    if "math" not in df.columns:
        return ""
    texts = [str(t) for t in dict.fromkeys(df["math"].dropna())]
    if not texts:
        return ""
    text = " · ".join(texts)
    text = text[0].upper() + text[1:]
    return f"{text} (cumulative)" if df.attrs.get("view") == "cumulative" else text


def _totals(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """Current totals per series (``name``, ``value``) and, when compared, previous totals."""
    data = with_names(df, SERIES_NAME_COLUMNS, "value")
    data["_value"] = floats(data["value"])
    is_prev = data["_previous"].to_numpy(dtype=bool)
    current = (
        data[~is_prev]
        .groupby("_key", sort=False)
        .agg(name=("_name", "first"), value=("_value", lambda s: s.sum(min_count=1)))
    )
    previous = None
    if is_prev.any():
        previous = data[is_prev].groupby("_key", sort=False)["_value"].sum(min_count=1)
    return current, previous


def _plot_value_bars(
    df: pd.DataFrame, ax: Axes | None, *, title: str | None, figsize: Any, **kw: Any
) -> Axes:
    current, previous = _totals(df)
    current = current.sort_values("value", ascending=False, na_position="last")
    count = len(current)
    ax = new_axes(ax, figsize or (10.0, max(2.5, 0.45 * count + 1.2)))
    colors = [color_for(i) for i in range(count)]
    values = current["value"].to_numpy()
    groups = [BarGroup("current" if previous is not None else None, values, colors)]
    if previous is not None:
        prev_values = previous.reindex(current.index).to_numpy(dtype="float64")
        groups.append(BarGroup("previous", prev_values, colors, previous=True))
    containers = grouped_bars(ax, groups, horizontal=True, **kw)
    for container, group in zip(containers, groups, strict=True):
        ax.bar_label(container, labels=[number_text(v) for v in group.values], padding=3)
    ax.set_yticks(np.arange(count), labels=list(current["name"]))
    ax.invert_yaxis()
    ax.set_xlabel(value_label(df))
    pad_value_axis(ax, [g.values for g in groups], horizontal=True, room=0.15)
    style_axes(ax, "x")
    place_legend(ax)
    set_title(ax, df, title)
    return ax


def _plot_pie(
    df: pd.DataFrame, ax: Axes | None, *, title: str | None, figsize: Any, **kw: Any
) -> Axes:
    current, _ = _totals(df)
    shown = current[current["value"] > 0]
    if shown.empty:
        raise ValidationError("plot_trends(): nothing to plot, no series has a positive value.")
    ax = new_axes(ax, figsize or (7.0, 6.0))
    ax.pie(
        shown["value"].to_numpy(),
        labels=list(shown["name"]),
        colors=[color_for(i) for i in range(len(shown))],
        autopct=lambda pct: percent_text(pct / 100),
        startangle=90,
        counterclock=False,
        wedgeprops={"edgecolor": "white"},
        textprops={"fontsize": "small"},
        **kw,
    )
    set_title(ax, df, title)
    return ax


@fill_docstring
def plot_number(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Show the insight's total as a big number with the change versus the previous period.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: style the number's text (e.g. ``color=``, ``fontsize=``).

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_number(client.insight_frame("HbtKE1IY"), color="#1d4aff")
        >>> ax.texts[0].get_text()  # with "▲ 12.5% vs previous period" below when compared
        '62'
    """
    check_frame(df, ["value"], "plot_number", "trends")
    current, previous = _totals(df)
    total = current["value"].sum(min_count=1)
    ax = new_axes(ax, figsize or (5.0, 3.0))
    ax.axis("off")
    style: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": 44, "fontweight": "bold"}
    ax.text(0.5, 0.58, number_text(total), transform=ax.transAxes, **(style | kw))
    if previous is not None:
        text, color = _delta_text(total, previous.sum(min_count=1))
        ax.text(
            0.5,
            0.25,
            text,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=13,
            color=color,
        )
    set_title(ax, df, title)
    return ax


def _delta_text(current: float, previous: float) -> tuple[str, str]:
    if pd.isna(previous):
        return "no data for the previous period", "#5f5f5f"
    if pd.isna(current):
        current = 0.0
    if previous == 0:
        return f"previous period: {number_text(previous)}", "#5f5f5f"
    change = (current - previous) / abs(previous)
    if change == 0:
        return "no change vs previous period", "#5f5f5f"
    arrow, color = (_UP, "#388600") if change > 0 else (_DOWN, "#db3707")
    return f"{arrow} {percent_text(abs(change))} vs previous period", color


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_trends": plot_trends, "plot_number": plot_number, "value_label": value_label}
