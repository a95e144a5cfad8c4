"""SQL plot: bars of a HogQL result's first numeric column by its first text column."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import check_frame, floats, new_axes, ranked_bars, set_title
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import DATA_COLORS, display_text, number_text, truncate

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
    """Bars of the first numeric column by the first text column, for the first *limit* rows.

    Rows keep the query's order. When the first text column repeats (a query grouped by several
    columns), bars are labelled with all text columns joined by " · " so each reads uniquely.

    Args:
        {params.df}
        {params.ax}
        limit: how many rows to draw, from the top; the title says when rows were left out.
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


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_sql": plot_sql}
