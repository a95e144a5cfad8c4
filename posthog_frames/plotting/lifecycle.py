"""Lifecycle plot: stacked bars of new, returning, resurrecting and dormant users per date."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.plotting._common import (
    check_frame,
    floats,
    format_date_axis,
    naive_dates,
    new_axes,
    place_legend,
    set_title,
    style_axes,
)
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import LIFECYCLE_COLORS, LIFECYCLE_ORDER, color_for

__all__ = ["plot_lifecycle"]


def _bar_width(dates: np.ndarray) -> np.timedelta64:
    """80% of the smallest gap between dates (a day when there is a single date)."""
    gaps = np.diff(dates).astype("timedelta64[ns]")
    gaps = gaps[gaps > np.timedelta64(0, "ns")]
    step = gaps.min() if len(gaps) else np.timedelta64(1, "D").astype("timedelta64[ns]")
    return (step * 0.8).astype("timedelta64[ns]")


@fill_docstring
def plot_lifecycle(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Stacked bars per date in PostHog's lifecycle colours, dormant below a zero line.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.bar``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_lifecycle(client.insight_frame("cW54vhj6"))
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['new', 'returning', 'resurrecting', 'dormant']
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


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_lifecycle": plot_lifecycle}
