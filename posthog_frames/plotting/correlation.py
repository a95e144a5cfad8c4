"""Funnel correlation plot: the odds ratio of each correlated event, by which way it points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import check_frame, floats, new_axes, set_title, style_axes
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import number_text, truncate

__all__ = ["plot_funnel_correlation"]

# PostHog's success and danger colours (frontend/src/styles/vars.scss).
_COLORS = {"success": "#388600", "failure": "#db3707"}
_MEANING = {"success": "more likely to convert", "failure": "more likely to drop off"}


@fill_docstring
def plot_funnel_correlation(
    df: pd.DataFrame,
    ax: Axes | None = None,
    top: int = 20,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    **kw: Any,
) -> Axes:
    """Bars of each event's odds ratio on a log axis: green when it goes with converting, red
    when it goes with dropping off, strongest first; each bar says "×ratio". A drop-off ratio
    below 1 (as PostHog computes them) is drawn as its inverse, how many times *less* likely
    converters were to do it, the way PostHog's own correlation table shows it.

    Args:
        {params.df}
        {params.ax}
        top: how many events to draw, strongest first.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.barh``.

    Returns:
        {returns.ax}

    Example:
        >>> df = pd.DataFrame({"event": ["score updated", "cancel shown"],
        ...                    "correlation_type": ["success", "failure"],
        ...                    "success_count": [472, 65], "failure_count": [9, 75],
        ...                    "odds_ratio": [3006.96, 0.25]})
        >>> df.attrs.update(kind="funnels", view="correlation")
        >>> ax = plot_funnel_correlation(df)
        >>> [t.get_text() for t in ax.texts]
        ['×3,006.96', '×4']
    """
    check_frame(
        df, ["event", "correlation_type", "odds_ratio"], "plot_funnel_correlation", "funnels"
    )
    ratios = floats(df["odds_ratio"])
    if not (np.isfinite(ratios) & (ratios > 0)).any():
        raise ValidationError("plot_funnel_correlation(): no positive odds ratio to plot.")
    strengths = _strengths(ratios)
    order = np.argsort(-np.nan_to_num(strengths, nan=0.0), kind="stable")[:top]
    shown = df.iloc[order]
    values = strengths[order]
    kinds = [str(k) for k in shown["correlation_type"]]
    ax = new_axes(ax, figsize or (10.0, max(2.5, 0.4 * len(shown) + 1.4)))
    positions = np.arange(len(shown))
    bars = ax.barh(positions, values, color=[_COLORS.get(k, "#5f5f5f") for k in kinds], **kw)
    ax.bar_label(bars, labels=[f"×{number_text(v)}" for v in values], padding=3, fontsize="small")
    ax.set_yticks(positions, labels=[truncate(str(e), 50) for e in shown["event"]])
    ax.invert_yaxis()
    ax.set_xscale("log")
    finite = values[np.isfinite(values) & (values > 0)]
    ax.set_xlim(min(1.0, float(finite.min())) * 0.8, float(finite.max()) * 6)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"×{number_text(value)}"))
    note = ""
    if df.attrs.get("skewed"):  # PostHog's own warning, kept next to the numbers it qualifies
        note = "\nskewed: one side of the funnel is much smaller, so read the ratios with care"
    ax.set_xlabel("odds ratio (log scale)" + note)
    style_axes(ax, "x", numbers=False)
    present = [k for k in _COLORS if k in kinds]
    handles = [Patch(color=_COLORS[k], label=_MEANING[k]) for k in present]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    set_title(ax, df, title)
    return ax


def _strengths(ratios: np.ndarray) -> np.ndarray:
    """How far each odds ratio is from 1, as a factor >= 1. PostHog's runner marks an event
    "failure" when its ratio is <= 1 (get_entity_odds_ratio) and its correlation view ranks
    those by 1 / ratio; a ratio above 1 is kept, so a mock's "failure" 35.4 still reads ×35.4."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / ratios
    return np.where((ratios > 0) & (ratios < 1), inverse, ratios)


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_funnel_correlation": plot_funnel_correlation}
