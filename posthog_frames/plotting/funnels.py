"""Funnel plots: conversion steps, time to convert, and conversion over time."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MultipleLocator

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import (
    MAX_BAR_LABELS,
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
from posthog_frames.plotting._style import (
    PREVIOUS_ALPHA,
    color_for,
    human_duration,
    nice_duration_step,
    number_text,
    percent_text,
)

__all__ = ["plot_funnel", "plot_funnel_trends", "plot_time_to_convert"]

_GROUP_COLUMNS = ("breakdown_value",)
_TICK_WIDTH = 18


def _groups(df: pd.DataFrame) -> list[tuple[str, bool, str, pd.DataFrame]]:
    """(label, previous, colour, rows) per breakdown value / compare period, in frame order."""
    data = with_names(df, _GROUP_COLUMNS, "")
    keys = list(dict.fromkeys(data["_key"]))
    out = []
    for (key, prev), part in data.groupby(["_key", "_previous"], sort=False):
        name = str(part["_name"].iloc[0])
        if "compare_label" in data.columns:
            period = "previous" if prev else "current"
            name = f"{name} ({period})" if name else period
        out.append((name, bool(prev), color_for(keys.index(key)), part))
    return out


@fill_docstring
def plot_funnel(
    df: pd.DataFrame,
    ax: Axes | None = None,
    orientation: Literal["vertical", "horizontal"] = "vertical",
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Bars of people per funnel step: step 1 says how many entered, every later step its
    conversion from step 1.

    Breakdown values and compare periods are drawn side by side with a legend; their labels
    stand upright above the bars so neighbours never run into each other (beyond
    ``MAX_BAR_LABELS`` bars, labels are left out).

    Args:
        {params.df}
        {params.ax}
        orientation: ``"vertical"`` (the default) or ``"horizontal"`` bars.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.bar`` (``ax.barh`` when horizontal).

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_funnel(client.insight_frame("C6VbrwPs"), orientation="horizontal")
        >>> [text.get_text() for text in ax.texts]
        ['203', '84.2%', '49.3%', '18.2%']
    """
    check_frame(df, ["step", "name", "count"], "plot_funnel", "funnels")
    if orientation not in ("vertical", "horizontal"):
        raise ValidationError(
            f"plot_funnel(): orientation must be 'vertical' or 'horizontal', not {orientation!r}."
        )
    steps = sorted(pd.unique(pd.to_numeric(df["step"])))
    step_names = df.assign(_step=pd.to_numeric(df["step"])).groupby("_step")["name"].first()
    horizontal = orientation == "horizontal"
    bars, rates = [], []
    for label, prev, color, part in _groups(df):
        indexed = part.assign(_step=pd.to_numeric(part["step"])).set_index("_step")
        counts = pd.Series(floats(indexed["count"]), index=indexed.index).reindex(steps)
        if "conversion_rate" in indexed.columns:
            rate = pd.Series(floats(indexed["conversion_rate"]), index=indexed.index)
            rate = rate.reindex(steps)
        else:
            rate = counts / counts.iloc[0]
        bars.append(BarGroup(label or None, counts.to_numpy(), color, previous=prev))
        rates.append(rate.to_numpy())
    height = 1.0 + len(steps) * max(0.9, 0.3 * len(bars))
    ax = new_axes(ax, figsize or ((9.0, height) if horizontal else None))
    containers = grouped_bars(ax, bars, horizontal=horizontal, **kw)
    upright = len(bars) > 1 and not horizontal  # side-by-side bars are narrower than a label
    if len(bars) * len(steps) <= MAX_BAR_LABELS:
        for container, group, group_rates in zip(containers, bars, rates, strict=True):
            # Step 1 is 100% of itself by definition; how many entered says more.
            texts = [number_text(group.values[0])] + [percent_text(r) for r in group_rates[1:]]
            ax.bar_label(
                container,
                labels=texts,
                padding=3,
                fontsize="small",
                rotation=90 if upright else 0,
            )
    labels = [
        textwrap.fill(f"{s}. {step_names.get(s, '')}", _TICK_WIDTH if not horizontal else 40)
        for s in steps
    ]
    if horizontal:
        ax.set_yticks(np.arange(len(steps)), labels=labels)
        ax.invert_yaxis()
    else:
        ax.set_xticks(np.arange(len(steps)), labels=labels)
    pad_value_axis(
        ax, [b.values for b in bars], horizontal=horizontal, room=0.22 if upright else 0.12
    )
    style_axes(ax, "x" if horizontal else "y")
    place_legend(ax)
    set_title(ax, df, title)
    return ax


def _averages(df: pd.DataFrame, label: str, part: pd.DataFrame) -> float | None:
    """The average conversion time of one group: from a column, or attrs (number or per period)."""
    if "average_conversion_time" in part.columns:
        values = floats(part["average_conversion_time"])
        values = values[np.isfinite(values)]
        return float(values[0]) if len(values) else None
    value = df.attrs.get("average_conversion_time")
    if isinstance(value, Mapping):
        value = value.get("previous" if "previous" in label else "current")
    return None if value is None or pd.isna(value) else float(value)


@fill_docstring
def plot_time_to_convert(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Histogram of conversions by time to convert, on a human time axis, with the average marked.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.bar``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_time_to_convert(client.insight_frame("C81YBdeD"))
        >>> [line.get_label() for line in ax.get_lines()]  # x ticks read "1d", "2d", ...
        ['average 3d 4h']
    """
    check_frame(df, ["seconds", "count"], "plot_time_to_convert", "funnels (time to convert)")
    groups = _groups(df)
    ax = new_axes(ax, figsize)
    ends = []
    for i, (label, prev, color, part) in enumerate(groups):
        seconds = floats(part["seconds"])
        order = np.argsort(seconds)
        seconds, counts = seconds[order], floats(part["count"])[order]
        gaps = np.diff(seconds)
        bin_width = float(gaps[gaps > 0].min()) if (gaps > 0).any() else max(seconds[0], 1.0)
        width = bin_width * 0.9 / len(groups)
        style: dict[str, Any] = {"alpha": PREVIOUS_ALPHA, "hatch": "//", "edgecolor": color}
        bars = ax.bar(
            seconds + i * width,
            counts,
            width=width,
            align="edge",
            color=color,
            label=label or None,
            **(style if prev else {}),
            **kw,
        )
        if len(seconds) * len(groups) <= MAX_BAR_LABELS:
            ax.bar_label(bars, labels=[number_text(c) for c in counts], fontsize="x-small")
        ends.append(seconds[-1] + bin_width)
        average = _averages(df, label, part)
        if average is not None:
            ax.axvline(
                average,
                color="#2d2d2d" if not prev else color,
                linestyle=":",
                linewidth=1.5,
                label=f"average {human_duration(average)}" + (" (previous)" if prev else ""),
            )
    span = max(ends)
    ax.set_xlim(0, span)
    ax.xaxis.set_major_locator(MultipleLocator(nice_duration_step(span)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: human_duration(value)))
    ax.set_xlabel("time to convert")
    ax.set_ylabel("conversions")
    pad_value_axis(ax, floats(df["count"]))
    style_axes(ax)
    place_legend(ax, minimum=1)
    set_title(ax, df, title)
    return ax


@fill_docstring
def plot_funnel_trends(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Conversion rate over time, one line per breakdown value, on a 0–100% axis.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.plot``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_funnel_trends(client.insight_frame("LcRc4wfJ"))
        >>> ax.get_ylabel(), ax.yaxis.get_major_formatter()(0.25, 0)
        ('conversion rate', '25%')
    """
    check_frame(df, ["date", "conversion_rate"], "plot_funnel_trends", "funnels (trends)")
    ax = new_axes(ax, figsize)
    draw_time_lines(ax, df, "conversion_rate", _GROUP_COLUMNS, "conversion rate", **kw)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: percent_text(value)))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("conversion rate")
    style_axes(ax, numbers=False)
    place_legend(ax)
    set_title(ax, df, title)
    return ax


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {
    "plot_funnel": plot_funnel,
    "plot_time_to_convert": plot_time_to_convert,
    "plot_funnel_trends": plot_funnel_trends,
}
