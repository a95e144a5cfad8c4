"""Calendar heatmap plot: a series' counts per weekday (rows) and hour of day (columns)."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import check_frame, floats, new_axes, set_title
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import number_text

__all__ = ["plot_calendar_heatmap"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # ClickHouse toDayOfWeek 1..7
_DARK_SHARE = 0.55  # share of the maximum above which a cell's number turns white


@fill_docstring
def plot_calendar_heatmap(
    df: pd.DataFrame,
    ax: Axes | None = None,
    *,
    cmap: str = "Blues",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Heatmap of one series per weekday (Monday first) and hour of day, each cell annotated;
    cells PostHog left out had nothing in them and show as 0.

    Args:
        {params.df}
        {params.ax}
        cmap: the matplotlib colormap name.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.imshow``.

    Returns:
        {returns.ax}

    Example:
        >>> df = pd.DataFrame({"series": "$pageview", "weekday": [1, 7], "hour": [9, 23],
        ...                    "value": [7, 5]})
        >>> df.attrs.update(kind="trends", view="calendar_heatmap")
        >>> ax = plot_calendar_heatmap(df)
        >>> int(ax.images[0].get_array()[0, 9]), int(ax.images[0].get_array()[6, 23])
        (7, 5)
    """
    check_frame(df, ["weekday", "hour", "value"], "plot_calendar_heatmap", "trends (calendar)")
    if "series" in df.columns and df["series"].nunique() > 1:
        raise ValidationError(
            "plot_calendar_heatmap() draws one series; this frame has "
            f"{df['series'].nunique()}. Pick one: df[df['series'] == name]."
        )
    grid = np.zeros((7, 24))
    weekdays = floats(df["weekday"]).astype(int)
    hours = floats(df["hour"]).astype(int)
    np.add.at(grid, (weekdays - 1, hours), np.nan_to_num(floats(df["value"])))
    ax = new_axes(ax, figsize or (12.0, 4.2))
    image = ax.imshow(grid, cmap=mpl.colormaps[cmap], aspect="auto", vmin=0, **kw)
    top = grid.max() or 1.0
    for (r, h), value in np.ndenumerate(grid):
        if value:
            ax.text(
                h,
                r,
                number_text(value),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if value > _DARK_SHARE * top else "#2d2d2d",
            )
    ax.set_yticks(np.arange(7), labels=list(WEEKDAYS))
    ax.set_xticks(np.arange(24), labels=[str(h) for h in range(24)])
    ax.set_xlabel(f"hour of day ({df.attrs.get('timezone') or 'UTC'})")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    if "math" in df.columns and df["math"].notna().any():
        bar.set_label(str(df["math"].dropna().iloc[0]))
    set_title(ax, df, title)
    return ax


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_calendar_heatmap": plot_calendar_heatmap}
