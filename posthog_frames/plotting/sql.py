"""SQL plot: lines over a date column, else bars of the first numeric column by the text ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import (
    check_frame,
    floats,
    format_date_axis,
    naive_dates,
    new_axes,
    place_legend,
    ranked_bars,
    set_title,
    style_axes,
)
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import (
    DATA_COLORS,
    color_for,
    display_text,
    number_text,
    truncate,
)

__all__ = ["plot_sql"]


@fill_docstring
def plot_sql(
    df: pd.DataFrame,
    ax: Axes | None = None,
    limit: int = 30,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Lines over a date column, else bars of the first numeric column by the text columns.

    With a date or datetime column (the chart's x axis when the insight names one, else the
    first such column), every numeric column (the chart's y columns when named) is a line over
    it, as PostHog draws a SQL line chart; nulls leave gaps. Otherwise the first *limit* rows
    are bars of the first numeric column, in the query's order, labelled by the first text
    column (all text columns joined by " · " when the first one repeats).

    Args:
        {params.df}
        {params.ax}
        limit: how many rows to draw as bars, from the top; the title says when rows were
            left out. Lines draw every row.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.barh``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_sql(client.insight_frame("AMjOgY2v"), limit=3)
        >>> ax.get_xlabel(), [label.get_text() for label in ax.get_yticklabels()]
        ('pageviews', ['Chrome', 'Mobile Safari', 'Safari'])
        >>> ax.get_title(loc="left")
        'Pageviews per browser (SQL) (first 3 of 7 rows)'
    """
    check_frame(df, [], "plot_sql", "SQL")
    numeric = [
        c
        for c in df.columns
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
    ]
    x = _time_column(df)
    if x is not None and numeric:
        ys = [c for c in df.attrs.get("y_columns") or numeric if c in numeric]
        return _plot_lines(df, x, ys or numeric, ax, title=title, figsize=figsize, **kw)
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c])]
    if not numeric or not text:
        raise ValidationError(
            "plot_sql() draws the first numeric column by the first text column, but this frame "
            f"has numeric {numeric} and text {text} (columns {list(df.columns)}); choose the "
            "columns yourself, e.g. df.plot.barh(x='name', y='count')."
        )
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise ValidationError(f"plot_sql(): limit must be a positive integer, not {limit!r}.")
    data = df.head(int(limit))
    shown = text[:1] if df[text[0]].is_unique else text
    labels = [
        truncate(" · ".join(display_text(v) for v in row), 60)
        for row in data[shown].itertuples(index=False)
    ]
    values = floats(data[numeric[0]])
    ax = new_axes(ax, figsize or (10.0, max(2.5, 0.35 * len(data) + 1.2)))
    ranked_bars(ax, labels, values, [number_text(v) for v in values], DATA_COLORS[0], **kw)
    ax.set_xlabel(str(numeric[0]))
    ax.set_ylabel(" · ".join(str(c) for c in shown))
    if len(df) > len(data) and title is None:
        title = f"{df.attrs.get('name') or 'SQL'} (first {len(data)} of {len(df)} rows)"
    set_title(ax, df, title)
    return ax


def _time_column(df: pd.DataFrame) -> Any:
    """The chart's x column when it holds dates, else the first date or datetime column."""
    dated = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    named = df.attrs.get("x_column")
    return named if named in dated else (dated[0] if dated else None)


def _plot_lines(
    df: pd.DataFrame,
    x: Any,
    ys: list[Any],
    ax: Axes | None,
    *,
    title: str | None,
    figsize: Any,
    **kw: Any,
) -> Axes:
    data = df.assign(_x=naive_dates(df[x])).sort_values("_x", kind="stable")
    ax = new_axes(ax, figsize)
    values = []
    for i, column in enumerate(ys):
        y = floats(data[column])
        if not np.isfinite(y).any():
            continue  # an all-null column has no line to draw, so no legend entry either
        style: dict[str, Any] = {"color": color_for(i), "linewidth": 2, "label": str(column)}
        if len(data) <= 60:
            style.update(marker="o", markersize=3)
        ax.plot(data["_x"].to_numpy(), y, **(style | kw))
        values.append(y)
    if not values:
        raise ValidationError(
            f"plot_sql(): every numeric column ({', '.join(map(str, ys))}) is empty (null)."
        )
    everything = np.concatenate(values)
    if np.isfinite(everything).any() and np.nanmin(everything) >= 0:
        ax.set_ylim(bottom=0)
    format_date_axis(ax)
    ax.set_xlabel(str(x))
    if len(ys) == 1:
        ax.set_ylabel(str(ys[0]))
    style_axes(ax)
    place_legend(ax)
    set_title(ax, df, title)
    return ax


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_sql": plot_sql}
