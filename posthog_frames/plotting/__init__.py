"""matplotlib plots for every PostHog insight kind, drawn from posthog_frames DataFrames.

:func:`plot` picks the right chart from ``df.attrs["kind"]`` / ``df.attrs["view"]``; the
specific functions can be called directly. Every function draws into ``ax=`` when given (else a
new figure), returns the Axes, titles it from ``df.attrs["name"]`` and leaves global matplotlib
state (rcParams, styles) untouched.

Example:
    >>> import posthog_frames as phf
    >>> ax = phf.plot(client.insight_frame("U6hMkMoa"))
    >>> ax.figure.savefig("insight.png", dpi=150)
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting.funnels import plot_funnel, plot_funnel_trends, plot_time_to_convert
from posthog_frames.plotting.lifecycle import plot_lifecycle
from posthog_frames.plotting.paths import plot_paths
from posthog_frames.plotting.retention import plot_retention
from posthog_frames.plotting.sql import plot_sql
from posthog_frames.plotting.stickiness import plot_stickiness
from posthog_frames.plotting.trends import plot_number, plot_trends

__all__ = [
    "SUPPORTED_KINDS",
    "plot",
    "plot_funnel",
    "plot_funnel_trends",
    "plot_lifecycle",
    "plot_number",
    "plot_paths",
    "plot_retention",
    "plot_sql",
    "plot_stickiness",
    "plot_time_to_convert",
    "plot_trends",
]

_FUNNEL_VIEWS: dict[str, Callable[..., Axes]] = {
    "steps": plot_funnel,
    "time_to_convert": plot_time_to_convert,
    "trends": plot_funnel_trends,
}
_BY_KIND: dict[str, Callable[..., Axes]] = {
    "trends": plot_trends,
    "stickiness": plot_stickiness,
    "lifecycle": plot_lifecycle,
    "retention": plot_retention,
    "paths": plot_paths,
    "sql": plot_sql,
}
SUPPORTED_KINDS: tuple[str, ...] = (
    "trends",
    "stickiness",
    "lifecycle",
    "funnels",
    "retention",
    "paths",
    "sql",
)
_SPECIFIC = (
    "plot_trends, plot_number, plot_stickiness, plot_lifecycle, plot_funnel, "
    "plot_time_to_convert, plot_funnel_trends, plot_retention, plot_paths or plot_sql"
)


def _funnel_plotter(df: pd.DataFrame) -> Callable[..., Axes]:
    view = df.attrs.get("view")
    if view is None:
        # Frames that lost their view attr are still recognisable by their columns.
        view = "time_to_convert" if "seconds" in df.columns else "steps"
        view = "trends" if "date" in df.columns else view
    if view not in _FUNNEL_VIEWS:
        raise ValidationError(
            f"plot(): unknown funnel view {view!r}; supported views: {sorted(_FUNNEL_VIEWS)}.",
            attr="view",
        )
    return _FUNNEL_VIEWS[view]


def plot(df: pd.DataFrame, ax: Axes | None = None, **kw: Any) -> Axes:
    """Draw the chart that fits a posthog_frames insight frame; returns the Axes.

    Dispatches on ``df.attrs["kind"]`` (and ``df.attrs["view"]`` for funnels and trends);
    keywords go to the specific function (e.g. ``top=`` for paths, ``annotate=`` for retention).

    Example:
        >>> ax = plot(insight_frame(response))
        >>> ax = plot(client.insight("U6hMkMoa"))      # an Insight: plots ins.frame()
        >>> fig, axes = plt.subplots(1, 2); plot(df_a, ax=axes[0]); plot(df_b, ax=axes[1])
    """
    frame_of = getattr(df, "frame", None)
    if not isinstance(df, pd.DataFrame) and callable(frame_of) and hasattr(df, "raw"):
        df = frame_of()  # an Insight: draw its frame, as Insight.plot() does
    if not isinstance(df, pd.DataFrame):
        raise ValidationError(
            f"plot() needs a pandas DataFrame from a posthog_frames converter (e.g. "
            f"phf.plot(client.insight_frame(id)) or ins.plot()), got {type(df).__name__}."
        )
    kind = df.attrs.get("kind")
    if kind is None:
        raise ValidationError(
            "plot() cannot tell what this frame holds: df.attrs['kind'] is missing. Pass a frame "
            "straight from a posthog_frames converter (posthog_frames.frames.insight_frame(); "
            "some pandas operations such as merge drop attrs) or call a specific function: "
            f"{_SPECIFIC}.",
            attr="kind",
        )
    if kind == "funnels":
        return _funnel_plotter(df)(df, ax, **kw)
    if kind not in _BY_KIND:
        raise ValidationError(
            f"plot(): unknown insight kind {kind!r}; supported kinds: "
            f"{', '.join(SUPPORTED_KINDS)}.",
            attr="kind",
        )
    return _BY_KIND[kind](df, ax, **kw)


class _PlotModule(types.ModuleType):
    """``phf.plot`` is both this module and the dispatcher: ``phf.plot(df)`` draws,
    ``phf.plot.plot_funnel(df)`` reaches one chart."""

    def __call__(self, df: pd.DataFrame, ax: Axes | None = None, **kw: Any) -> Axes:
        return plot(df, ax=ax, **kw)


sys.modules[__name__].__class__ = _PlotModule
