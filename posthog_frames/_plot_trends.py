"""Trends-shaped plots: lines over time, aggregated values, the big number, stickiness, lifecycle.

Example:
    >>> import posthog_frames as phf
    >>> df = phf.frames.insight_frame(client.insight("abc12345"))
    >>> ax = plot_trends(df)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from posthog_frames._plot_common import (
    MAX_BAR_LABELS,
    BarGroup,
    check_frame,
    floats,
    format_date_axis,
    grouped_bars,
    naive_dates,
    new_axes,
    pad_value_axis,
    place_legend,
    set_title,
    style_axes,
    with_names,
)
from posthog_frames._plot_style import (
    LIFECYCLE_COLORS,
    LIFECYCLE_ORDER,
    color_for,
    number_text,
    percent_text,
)
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.trends import AGGREGATED_VIEWS  # one total per series, no dates

__all__ = ["draw_time_lines", "plot_lifecycle", "plot_number", "plot_stickiness", "plot_trends"]

# The legend shows PostHog's label, extended only where two series share one (a breakdown value,
# then the series' display name, e.g. its custom name).
_NAME_COLUMNS = ("label", "breakdown_value", "series")
_MARKER_MAX_POINTS = 60
_UP, _DOWN = "▲", "▼"


def draw_time_lines(
    ax: Axes, df: pd.DataFrame, y: str, name_columns: tuple[str, ...], default: str, **kw: Any
) -> list[Line2D]:
    """One line per series over ``date``; a previous period is dashed in its current's colour.

    Previous-period points are drawn at the current period's dates (position by position, or
    shifted by the period offset when lengths differ) so the two periods overlay as in PostHog.
    """
    data = with_names(df, name_columns, default)
    data["_x"] = naive_dates(data["date"])
    keys = list(dict.fromkeys(data["_key"]))
    parts = [
        (key, prev, part.sort_values("_x"))
        for (key, prev), part in data.groupby(["_key", "_previous"], sort=False)
    ]
    current_x = {key: part["_x"].to_numpy() for key, prev, part in parts if not prev}
    lines = []
    for key, prev, part in parts:
        x = part["_x"].to_numpy()
        if prev and key in current_x:
            x = _overlay(x, current_x[key])
        name = str(part["_name"].iloc[0])
        style: dict[str, Any] = {
            "color": color_for(keys.index(key)),
            "linestyle": "--" if prev else "-",
            "linewidth": 2,
            "label": f"{name} (previous)" if prev else name,
        }
        if len(x) <= _MARKER_MAX_POINTS:
            style.update(marker="o", markersize=3)
        style.update(kw)
        (line,) = ax.plot(x, floats(part[y]), **style)
        lines.append(line)
    format_date_axis(ax)
    return lines


def _overlay(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    if len(previous) == len(current):
        return current
    return previous + (current[0] - previous[0])


def _floor_zero(ax: Axes, values: np.ndarray) -> None:
    if np.isfinite(values).any() and np.nanmin(values) >= 0:
        ax.set_ylim(bottom=0)


def plot_trends(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Plot a trends frame: lines over time, or bars/pie/number for aggregated views.

    Extra keywords go to the drawing call (``ax.plot`` for lines, ``ax.barh`` for bars).

    Example:
        >>> ax = plot_trends(df)  # df from insight_frame() on a trends insight
        >>> ax.figure.savefig("trends.png")
    """
    check_frame(df, ["value"], "plot_trends", "trends")
    view = df.attrs.get("view")
    if view == "number":
        return plot_number(df, ax, title=title, figsize=figsize, **kw)
    if "date" in df.columns and view not in AGGREGATED_VIEWS:
        ax = new_axes(ax, figsize)
        lines = draw_time_lines(ax, df, "value", _NAME_COLUMNS, "value", **kw)
        _floor_zero(ax, np.concatenate([line.get_ydata() for line in lines]))
        style_axes(ax)
        place_legend(ax)
        set_title(ax, df, title)
        return ax
    if view == "pie":
        return _plot_pie(df, ax, title=title, figsize=figsize, **kw)
    return _plot_value_bars(df, ax, title=title, figsize=figsize, **kw)


def _totals(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """Current totals per series (``name``, ``value``) and, when compared, previous totals."""
    data = with_names(df, _NAME_COLUMNS, "value")
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


def plot_number(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Show the insight's total as a big number with the change versus the previous period.

    Extra keywords style the number's text (e.g. ``color=``, ``fontsize=``).

    Example:
        >>> ax = plot_number(df)  # "1,234" and "▲ 12.5% vs previous period" when compared
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


def plot_stickiness(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Bars of how many users were active on exactly N days, grouped per series.

    Example:
        >>> ax = plot_stickiness(df)  # df from insight_frame() on a stickiness insight
    """
    check_frame(df, ["days", "value"], "plot_stickiness", "stickiness")
    data = with_names(df, _NAME_COLUMNS, "value")
    days = sorted(pd.unique(pd.to_numeric(data["days"])))
    keys = list(dict.fromkeys(data["_key"]))
    groups = []
    for (key, prev), part in data.groupby(["_key", "_previous"], sort=False):
        by_day = pd.Series(floats(part["value"]), index=pd.to_numeric(part["days"]).to_numpy())
        values = by_day.groupby(level=0).sum().reindex(days).to_numpy(dtype="float64")
        name = str(part["_name"].iloc[0])
        label = f"{name} (previous)" if prev else name
        groups.append(BarGroup(label, values, color_for(keys.index(key)), previous=bool(prev)))
    ax = new_axes(ax, figsize)
    containers = grouped_bars(ax, groups, **kw)
    if len(days) * len(groups) <= MAX_BAR_LABELS:
        for container, group in zip(containers, groups, strict=True):
            labels = [number_text(v) for v in group.values]
            ax.bar_label(container, labels=labels, padding=2, fontsize="small")
    step = max(1, -(-len(days) // 31))
    ticks = np.arange(0, len(days), step)
    ax.set_xticks(ticks, labels=[str(days[i]) for i in ticks])
    interval = df.attrs.get("interval") or "day"
    ax.set_xlabel(f"{interval}s active")
    pad_value_axis(ax, [g.values for g in groups])
    style_axes(ax)
    place_legend(ax)
    set_title(ax, df, title)
    return ax


def _bar_width(dates: np.ndarray) -> np.timedelta64:
    """80% of the smallest gap between dates (a day when there is a single date)."""
    gaps = np.diff(dates).astype("timedelta64[ns]")
    gaps = gaps[gaps > np.timedelta64(0, "ns")]
    step = gaps.min() if len(gaps) else np.timedelta64(1, "D").astype("timedelta64[ns]")
    return (step * 0.8).astype("timedelta64[ns]")


def plot_lifecycle(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Stacked bars per date in PostHog's lifecycle colours, dormant below a zero line.

    Example:
        >>> ax = plot_lifecycle(df)  # df from insight_frame() on a lifecycle insight
    """
    check_frame(df, ["date", "status", "value"], "plot_lifecycle", "lifecycle")
    data = pd.DataFrame(
        {
            "date": naive_dates(df["date"]),
            "status": df["status"].astype(str).to_numpy(),
            "value": floats(df["value"]),
        }
    )
    table = data.pivot_table(index="date", columns="status", values="value", aggfunc="sum")
    table = table.sort_index().fillna(0.0)
    known = [s for s in LIFECYCLE_ORDER if s in table.columns]
    statuses = known + sorted(set(table.columns) - set(known))
    dates = table.index.to_numpy(dtype="datetime64[ns]")
    width = _bar_width(dates)
    ax = new_axes(ax, figsize)
    above = np.zeros(len(dates))
    below = np.zeros(len(dates))
    for i, status in enumerate(statuses):
        values = table[status].to_numpy(dtype="float64")
        bottom = np.where(values >= 0, above, below)
        color = LIFECYCLE_COLORS.get(status, color_for(len(LIFECYCLE_ORDER) + i))
        ax.bar(dates, values, width=width, bottom=bottom, color=color, label=status, **kw)
        above += np.where(values >= 0, values, 0)
        below += np.where(values < 0, values, 0)
    ax.axhline(0, color="#5f5f5f", linewidth=0.8)
    format_date_axis(ax)
    style_axes(ax)
    place_legend(ax)
    set_title(ax, df, title)
    return ax
