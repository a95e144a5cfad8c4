"""Paths plot: the busiest links between two steps of user paths, as ranked bars."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import check_frame, floats, new_axes, ranked_bars, set_title
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import DATA_COLORS, human_duration, number_text, truncate

__all__ = ["plot_paths"]


@fill_docstring
def plot_paths(
    df: pd.DataFrame,
    ax: Axes | None = None,
    top: int = 15,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """The *top* busiest path links as horizontal bars labelled "source → target".

    Each bar is labelled with its people count, and the average time between the two steps
    when the frame has it.

    Args:
        {params.df}
        {params.ax}
        top: how many links to draw, busiest first.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.barh``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_paths(client.insight_frame("IhaMPlRs"), top=2)
        >>> [label.get_text() for label in ax.get_yticklabels()]
        ['1_/ → 2_/pricing', '1_/ → 2_/docs']
    """
    check_frame(df, ["source", "target", "value"], "plot_paths", "paths")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValidationError(f"plot_paths(): top must be a positive integer, not {top!r}.")
    data = df.assign(_value=floats(df["value"]))
    data = data.sort_values("_value", ascending=False, kind="stable").head(int(top))
    labels = [
        truncate(f"{s} → {t}", 70) for s, t in zip(data["source"], data["target"], strict=True)
    ]
    notes = [number_text(v) for v in data["_value"]]
    if "average_conversion_time" in data.columns:
        times = floats(data["average_conversion_time"])
        notes = [
            note if np.isnan(t) else f"{note} · avg {human_duration(t)}"
            for note, t in zip(notes, times, strict=True)
        ]
    ax = new_axes(ax, figsize or (11.0, max(2.5, 0.38 * len(data) + 1.2)))
    ranked_bars(ax, labels, data["_value"].to_numpy(), notes, DATA_COLORS[0], **kw)
    ax.set_xlabel("people")
    set_title(ax, df, title)
    return ax


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_paths": plot_paths}
