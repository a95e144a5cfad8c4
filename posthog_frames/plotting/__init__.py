"""matplotlib plots for every PostHog insight kind, drawn from posthog_frames DataFrames.

``phf.plot`` is :data:`plot`, a :class:`Plotter`: called, it picks the chart that fits from
``df.attrs["kind"]`` / ``df.attrs["view"]``; its attributes reach one chart, by short name
(``phf.plot.funnel(df)``, as pandas' ``df.plot.bar()``) or by the function's own name
(``phf.plot.plot_funnel(df)``). Every function draws into ``ax=`` when given (else a new
figure), returns the Axes, titles it from ``df.attrs["name"]`` and leaves global matplotlib
state (rcParams, styles) untouched.

Example:
    >>> ax = phf.plot(client.insight_frame("U6hMkMoa"))
    >>> ax.get_title(loc="left")
    'Daily traffic and signups'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pandas as pd
from matplotlib.axes import Axes

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting.boxplot import plot_boxplot
from posthog_frames.plotting.calendar import plot_calendar_heatmap
from posthog_frames.plotting.correlation import plot_funnel_correlation
from posthog_frames.plotting.funnels import plot_funnel, plot_funnel_trends, plot_time_to_convert
from posthog_frames.plotting.lifecycle import plot_lifecycle
from posthog_frames.plotting.paths import plot_paths
from posthog_frames.plotting.retention import plot_retention
from posthog_frames.plotting.sql import plot_sql
from posthog_frames.plotting.stickiness import plot_stickiness
from posthog_frames.plotting.trends import plot_number, plot_trends


class Framed(Protocol):
    """What plot() draws besides a frame: an object that converts itself, as
    :class:`~posthog_frames.Insight` does (named by shape, so plotting imports no insight code).
    """

    @property
    def raw(self) -> Any: ...

    def frame(self, **options: Any) -> pd.DataFrame: ...


__all__ = [
    "SUPPORTED_KINDS",
    "Plotter",
    "plot",
    "plot_boxplot",
    "plot_calendar_heatmap",
    "plot_funnel",
    "plot_funnel_correlation",
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
    "correlation": plot_funnel_correlation,
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
    "plot_trends, plot_number, plot_boxplot, plot_calendar_heatmap, plot_stickiness, "
    "plot_lifecycle, plot_funnel, plot_time_to_convert, plot_funnel_trends, "
    "plot_funnel_correlation, plot_retention, plot_paths or plot_sql"
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


class Plotter:
    """``phf.plot``: call it for the chart that fits a frame, or reach one chart by name.

    Calling dispatches on ``df.attrs["kind"]`` (and ``df.attrs["view"]`` for funnels and
    trends); keywords go to the specific function (e.g. ``top=`` for paths, ``annotate=`` for
    retention). An :class:`~posthog_frames.Insight` is drawn from its frame.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        >>> left = phf.plot(client.insight_frame("U6hMkMoa"), ax=axes[0])
        >>> right = phf.plot.funnel(client.insight_frame("C6VbrwPs"), ax=axes[1])
        >>> [ax.get_title(loc="left") for ax in axes]
        ['Daily traffic and signups', 'Purchase funnel']
    """

    SUPPORTED_KINDS = SUPPORTED_KINDS

    trends = staticmethod(plot_trends)
    number = staticmethod(plot_number)
    boxplot = staticmethod(plot_boxplot)
    calendar_heatmap = staticmethod(plot_calendar_heatmap)
    stickiness = staticmethod(plot_stickiness)
    lifecycle = staticmethod(plot_lifecycle)
    funnel = staticmethod(plot_funnel)
    time_to_convert = staticmethod(plot_time_to_convert)
    funnel_trends = staticmethod(plot_funnel_trends)
    funnel_correlation = staticmethod(plot_funnel_correlation)
    retention = staticmethod(plot_retention)
    paths = staticmethod(plot_paths)
    sql = staticmethod(plot_sql)

    # The names phf.plot had when it was a module, so code written against it keeps working.
    plot_trends = trends
    plot_number = number
    plot_boxplot = boxplot
    plot_calendar_heatmap = calendar_heatmap
    plot_stickiness = stickiness
    plot_lifecycle = lifecycle
    plot_funnel = funnel
    plot_time_to_convert = time_to_convert
    plot_funnel_trends = funnel_trends
    plot_funnel_correlation = funnel_correlation
    plot_retention = retention
    plot_paths = paths
    plot_sql = sql

    @fill_docstring
    def __call__(self, df: pd.DataFrame | Framed, ax: Axes | None = None, **kw: Any) -> Axes:
        """Draw the chart that fits a posthog_frames insight frame.

        Args:
            df: a frame from a posthog_frames converter, or an :class:`~posthog_frames.Insight`
                (drawn from its frame, as ``ins.plot()`` does).
            {params.ax}
            kw: passed on to the chart's function: ``title=`` and ``figsize=`` for every one,
                ``orientation=`` for funnel steps, ``annotate=`` for retention, ``top=`` for
                paths, ``limit=`` for SQL.

        Returns:
            {returns.ax}

        Example:
            >>> ax = phf.plot(client.insight("sY43mSt7"))  # an Insight: plots ins.frame()
            >>> ax.get_title(loc="left")
            'Weekly retention after signup'
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
                "plot() cannot tell what this frame holds: df.attrs['kind'] is missing. Pass a "
                "frame straight from a posthog_frames converter "
                "(posthog_frames.frames.insight_frame(); some pandas operations such as merge drop "
                f"attrs) or call a specific function: {_SPECIFIC}.",
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

    plot = __call__  # phf.plot.plot(df), as when phf.plot was a module

    def __repr__(self) -> str:
        return "<posthog_frames.plot: plot(df) draws the chart that fits; plot.trends(df), ...>"


plot = Plotter()
