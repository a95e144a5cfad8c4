"""Box plot trends: one box per date bucket (and series), from PostHog's own statistics.

PostHog computes the statistics (min, quartiles, median, max, mean); nothing is recomputed here:
the boxes are drawn with :meth:`matplotlib.axes.Axes.bxp`, which takes statistics, not samples.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.plotting._common import (
    SERIES_NAME_COLUMNS,
    check_frame,
    floats,
    format_date_axis,
    naive_dates,
    new_axes,
    place_legend,
    set_title,
    style_axes,
    with_names,
)
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import color_for

__all__ = ["plot_boxplot"]

_COLUMNS = ("date", "min", "p25", "median", "p75", "max")


@fill_docstring
def plot_boxplot(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Boxes over time: whiskers at min and max, the box from p25 to p75, the median as a line
    and the mean as a dot; several series stand side by side in each date bucket.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.bxp``.

    Returns:
        {returns.ax}

    Example:
        >>> days = pd.to_datetime(["2024-03-01", "2024-03-02"])
        >>> df = pd.DataFrame({"series": "revenue", "label": "revenue", "date": days,
        ...                    "min": [1, 2], "p25": [3, 4], "median": [5, 6], "p75": [7, 8],
        ...                    "max": [9, 10], "mean": [5.5, 6.5]})
        >>> df.attrs.update(kind="trends", view="box_plot", math_property="revenue")
        >>> ax = plot_boxplot(df)
        >>> medians = ax.get_lines()[4::6]  # per box: 2 whiskers, 2 caps, the median, the mean
        >>> ax.get_ylabel(), [float(line.get_ydata()[0]) for line in medians]
        ('revenue', [5.0, 6.0])
    """
    check_frame(df, _COLUMNS, "plot_boxplot", "trends (box plot)")
    data = with_names(df, SERIES_NAME_COLUMNS, "value")
    data["_x"] = mdates.date2num(naive_dates(data["date"]))
    keys = list(dict.fromkeys(data["_key"]))
    buckets = np.unique(data["_x"].to_numpy())
    step = float(np.diff(buckets).min()) if len(buckets) > 1 else 1.0
    width = step * 0.7 / len(keys)
    ax = new_axes(ax, figsize)
    for i, key in enumerate(keys):
        part = data[data["_key"] == key]
        stats = _statistics(part)
        if not stats:
            continue
        color = color_for(i)
        offset = (i - (len(keys) - 1) / 2) * width
        shown = part[np.isfinite(floats(part["median"]))]
        artists = ax.bxp(
            stats,
            positions=shown["_x"].to_numpy() + offset,
            widths=width * 0.9,
            patch_artist=True,
            showmeans=all("mean" in s for s in stats),
            showfliers=False,
            manage_ticks=False,
            boxprops={"facecolor": color, "edgecolor": color, "alpha": 0.45},
            medianprops={"color": color, "linewidth": 2},
            whiskerprops={"color": color},
            capprops={"color": color},
            meanprops={
                "marker": "o",
                "markerfacecolor": "white",
                "markeredgecolor": color,
                "markersize": 4,
            },
            **kw,
        )
        artists["boxes"][0].set_label(str(part["_name"].iloc[0]))
    ax.set_xlim(buckets.min() - step / 2, buckets.max() + step / 2)
    format_date_axis(ax)
    ax.set_ylabel(str(df.attrs.get("math_property") or "value"))
    style_axes(ax)
    place_legend(ax)
    set_title(ax, df, title)
    return ax


def _statistics(part: pd.DataFrame) -> list[dict[str, float]]:
    """``Axes.bxp`` statistics for the buckets of one series that have a median."""
    columns = {name: floats(part[name]) for name in ("min", "p25", "median", "p75", "max")}
    means = floats(part["mean"]) if "mean" in part.columns else np.full(len(part), np.nan)
    stats = []
    for j in range(len(part)):
        if not np.isfinite(columns["median"][j]):
            continue
        entry = {
            "whislo": columns["min"][j],
            "q1": columns["p25"][j],
            "med": columns["median"][j],
            "q3": columns["p75"][j],
            "whishi": columns["max"][j],
        }
        if np.isfinite(means[j]):
            entry["mean"] = means[j]
        stats.append(entry)
    return stats


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_boxplot": plot_boxplot}
