"""Stickiness plot: how many users were active on exactly N days (or weeks, months)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.plotting._common import (
    MAX_BAR_LABELS,
    SERIES_NAME_COLUMNS,
    BarGroup,
    check_frame,
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
from posthog_frames.plotting._style import color_for, number_text

__all__ = ["plot_stickiness"]


@fill_docstring
def plot_stickiness(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Bars of how many users were active on exactly N days, grouped per series.

    Empty bars carry no number, and a trailing run of days on which nobody was active is folded
    into one note ("12–31 days: nobody") instead of a row of empty bars.

    Args:
        {params.df}
        {params.ax}
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.bar``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_stickiness(client.insight_frame("89GO7nIg"))
        >>> ax.get_xlabel(), [bars.get_label() for bars in ax.containers]
        ('days active', ['$pageview'])
    """
    check_frame(df, ["days", "value"], "plot_stickiness", "stickiness")
    data = with_names(df, SERIES_NAME_COLUMNS, "value")
    days = sorted(pd.unique(pd.to_numeric(data["days"])))
    keys = list(dict.fromkeys(data["_key"]))
    groups = []
    for (key, prev), part in data.groupby(["_key", "_previous"], sort=False):
        by_day = pd.Series(floats(part["value"]), index=pd.to_numeric(part["days"]).to_numpy())
        values = by_day.groupby(level=0).sum().reindex(days).to_numpy(dtype="float64")
        name = str(part["_name"].iloc[0])
        label = f"{name} (previous)" if prev else name
        groups.append(BarGroup(label, values, color_for(keys.index(key)), previous=bool(prev)))
    interval = df.attrs.get("interval") or "day"
    shown = _last_active(groups) + 1
    folded = days[shown:] if len(days) - shown >= 2 else []
    if folded:
        days = days[:shown]
        for group in groups:
            group.values = group.values[:shown]
    ax = new_axes(ax, figsize)
    containers = grouped_bars(ax, groups, **kw)
    if len(days) * len(groups) <= MAX_BAR_LABELS:
        for container, group in zip(containers, groups, strict=True):
            labels = [number_text(v) if v else "" for v in group.values]
            ax.bar_label(container, labels=labels, padding=2, fontsize="small")
    step = max(1, -(-len(days) // 31))
    ticks = np.arange(0, len(days), step)
    ax.set_xticks(ticks, labels=[str(days[i]) for i in ticks])
    ax.set_xlabel(f"{interval}s active")
    if folded:
        ax.text(
            0.99,
            0.5,
            f"{folded[0]}–{folded[-1]} {interval}s: nobody",
            transform=ax.transAxes,
            ha="right",
            va="center",
            color="#5f5f5f",
            fontsize="small",
        )
    pad_value_axis(ax, [g.values for g in groups])
    style_axes(ax)
    place_legend(ax)
    set_title(ax, df, title)
    return ax


def _last_active(groups: list[BarGroup]) -> int:
    """Position of the last day on which any series has someone (0 when nobody ever is)."""
    active = np.zeros(len(groups[0].values), dtype=bool) if groups else np.zeros(0, dtype=bool)
    for group in groups:
        active |= np.nan_to_num(np.asarray(group.values, dtype="float64")) != 0
    found = np.flatnonzero(active)
    return int(found[-1]) if len(found) else 0


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_stickiness": plot_stickiness}
