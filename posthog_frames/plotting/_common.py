"""Plumbing shared by the plot functions: input checks, axes, legends, dates, lines and bars.

Nothing here touches global matplotlib state: figures come from ``plt.subplots`` with an explicit
size and layout, and every style is set on the artists themselves.

Example:
    >>> from posthog_frames.plotting._common import new_axes
    >>> ax = new_axes(None)
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._style import PREVIOUS_ALPHA, color_for, display_text, number_text

__all__ = [
    "MAX_BAR_LABELS",
    "SERIES_NAME_COLUMNS",
    "BarGroup",
    "check_frame",
    "draw_time_lines",
    "floats",
    "format_date_axis",
    "grouped_bars",
    "is_previous",
    "naive_dates",
    "new_axes",
    "pad_value_axis",
    "place_legend",
    "ranked_bars",
    "set_title",
    "style_axes",
    "with_names",
]

DEFAULT_FIGSIZE = (10.0, 5.0)
MAX_BAR_LABELS = 40  # beyond this many bars, value labels collide
_MAX_LEGEND_INSIDE = 4
_TITLE_CHARS_PER_INCH = 8.5  # bold 12pt DejaVu Sans, measured on the gallery
_MARKER_MAX_POINTS = 60
# The legend shows PostHog's label, extended only where two series share one (a breakdown value,
# then the series' display name, e.g. its custom name).
SERIES_NAME_COLUMNS = ("label", "breakdown_value", "series")


def new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """Return *ax*, or the Axes of a new constrained-layout figure when *ax* is None."""
    if ax is not None:
        return ax
    # plt.subplots (not a bare Figure) so notebooks display the figure inline.
    _, new = plt.subplots(figsize=figsize or DEFAULT_FIGSIZE, layout="constrained")
    return new


def check_frame(df: Any, required: Iterable[str], func: str, kind: str) -> pd.DataFrame:
    """Raise a clear :class:`ValidationError` unless *df* is a non-empty frame with *required*."""
    source = f"posthog_frames.frames.insight_frame() on a {kind} insight"
    if not isinstance(df, pd.DataFrame):
        raise ValidationError(
            f"{func}() needs a pandas DataFrame, got {type(df).__name__}; pass the frame {source} "
            "returns."
        )
    missing = [c for c in required if c not in df.columns]
    if missing and isinstance(df.index, pd.DatetimeIndex):
        raise ValidationError(
            f"{func}() draws the long frame, but this one is wide (dates as the index, one column "
            f"per series: wide=True). Plot the long frame instead: insight_frame(insight) with "
            "wide=False, the default; or draw this one with pandas: df.plot().",
            attr=missing[0],
        )
    if missing:
        raise ValidationError(
            f"{func}() needs columns {missing}, which the frame lacks (it has {list(df.columns)}); "
            f"such frames come from {source}.",
            attr=missing[0],
        )
    if df.empty:
        raise ValidationError(f"{func}(): nothing to plot, the frame is empty.")
    return df


def floats(values: Any) -> np.ndarray:
    """Numbers as a float array with NaN for missing (works for nullable and object columns)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").to_numpy()


def naive_dates(values: Any) -> np.ndarray:
    """Dates as naive ``datetime64`` in the frame's own wall time (tz-aware stays local)."""
    dates = pd.to_datetime(pd.Series(values))
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        # Keep the insight's wall-clock time: ticks must read as in PostHog, not in UTC.
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy(dtype="datetime64[ns]")


def set_title(ax: Axes, df: pd.DataFrame, title: str | None, pad: float | None = None) -> None:
    """Title from *title*, else the insight's ``df.attrs["name"]`` when it has one."""
    text = title if title is not None else df.attrs.get("name")
    if text:
        # Long insight names wrap to the figure width instead of running off the canvas.
        # A subfigure has no width of its own: its .figure is the root (matplotlib 3.8 and up).
        parent = ax.get_figure()
        figure: Any = getattr(parent, "figure", parent)
        inches = figure.get_figwidth() if figure is not None else DEFAULT_FIGSIZE[0]
        width = max(30, int(inches * _TITLE_CHARS_PER_INCH))
        ax.set_title(textwrap.fill(str(text), width), loc="left", fontweight="bold", pad=pad)


def place_legend(ax: Axes, minimum: int = 2) -> None:
    """A legend inside at the best spot for a few entries, outside on the right for many.

    No legend below *minimum* labelled entries (a lone series needs none).
    """
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) < minimum:
        return
    if len(handles) <= _MAX_LEGEND_INSIDE:
        ax.legend(loc="best", frameon=False)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")


def style_axes(ax: Axes, value_axis: Literal["x", "y"] = "y", numbers: bool = True) -> None:
    """PostHog-like chrome: no top/right spines, a light grid and 12,345-style value ticks."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis=value_axis, color="#dddddd", linewidth=0.8)
    if numbers:
        target = ax.yaxis if value_axis == "y" else ax.xaxis
        target.set_major_formatter(FuncFormatter(lambda value, _pos: number_text(value)))


def pad_value_axis(ax: Axes, values: Any, horizontal: bool = False, room: float = 0.12) -> None:
    """Value axis from 0 (or the lowest negative) to the top plus *room*, for end-of-bar labels."""
    parts = values if isinstance(values, (list, tuple)) else [values]
    data = np.concatenate([np.ravel(np.asarray(v, dtype="float64")) for v in parts])
    data = data[np.isfinite(data)]
    low = min(0.0, float(data.min())) if len(data) else 0.0
    high = max(0.0, float(data.max())) if len(data) else 1.0
    high = high * (1 + room) if high > 0 else 1.0
    (ax.set_xlim if horizontal else ax.set_ylim)(low, high)


def format_date_axis(ax: Axes, axis: str = "x") -> None:
    """Concise date ticks that never crowd: AutoDateLocator + ConciseDateFormatter."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))


def is_previous(value: Any) -> bool:
    """Whether a ``compare_label`` value marks the previous period."""
    return isinstance(value, str) and value.lower() == "previous"


def with_names(df: pd.DataFrame, columns: Sequence[str], default: str) -> pd.DataFrame:
    """Copy of *df* with grouping helpers for one drawn series per row group.

    ``_name`` is the text of the first present of *columns* (what the legend shows), ``_key``
    joins all present ones (so two series sharing a label stay apart) and ``_previous`` flags
    previous-period rows.
    """
    out = df.copy()
    present = [c for c in columns if c in out.columns]
    texts = [[display_text(v) for v in out[c]] for c in present]
    out["_key"] = ["\x1f".join(parts) for parts in zip(*texts, strict=True)] if texts else default
    out["_name"] = _unique_names(texts, out["_key"].tolist()) if texts else default
    if "compare_label" in out.columns:
        out["_previous"] = [is_previous(v) for v in out["compare_label"]]
    else:
        out["_previous"] = False
    return out


def _unique_names(texts: list[list[str]], keys: list[str]) -> list[str]:
    """The first column's text, extended with the next columns (" - ") only where two
    different series would otherwise share a legend entry."""
    names = list(texts[0])
    for more in texts[1:]:
        owners: dict[str, set[str]] = {}
        for name, key in zip(names, keys, strict=True):
            owners.setdefault(name, set()).add(key)
        ambiguous = {name for name, found in owners.items() if len(found) > 1}
        if not ambiguous:
            break
        names = [
            f"{name} - {extra}" if name in ambiguous and extra and extra != name else name
            for name, extra in zip(names, more, strict=True)
        ]
    return names


@dataclass
class BarGroup:
    """One set of bars across the categories (a series, breakdown value or compare period)."""

    label: str | None
    values: np.ndarray
    color: str | Sequence[str]
    previous: bool = False


def grouped_bars(
    ax: Axes, groups: Sequence[BarGroup], *, horizontal: bool = False, width: float = 0.8, **kw: Any
) -> list[BarContainer]:
    """Draw *groups* side by side at category positions 0..n-1; returns one container per group."""
    count = max(len(groups), 1)
    size = width / count
    containers = []
    for i, group in enumerate(groups):
        positions = np.arange(len(group.values)) - width / 2 + size * (i + 0.5)
        style: dict[str, Any] = {}
        if group.previous:
            style = {"alpha": PREVIOUS_ALPHA, "hatch": "//", "edgecolor": group.color}
        style.update(kw)
        if horizontal:
            bars = ax.barh(
                positions, group.values, height=size, color=group.color, label=group.label, **style
            )
        else:
            bars = ax.bar(
                positions, group.values, width=size, color=group.color, label=group.label, **style
            )
        containers.append(bars)
    return containers


def draw_time_lines(
    ax: Axes,
    df: pd.DataFrame,
    y: str,
    name_columns: tuple[str, ...],
    default: str,
    suffix: str | None = None,
    **kw: Any,
) -> list[Line2D]:
    """One line per series over ``date``; a previous period is dashed in its current's colour.

    Previous-period points are drawn at the current period's dates (position by position, or
    shifted by the period offset when lengths differ) so the two periods overlay as in PostHog.
    *suffix* names a column whose value is added to each legend entry, ``"name (value)"``.
    """
    data = with_names(df, name_columns, default)
    data["_x"] = naive_dates(data["date"])
    keys = list(dict.fromkeys(data["_key"]))
    parts = [
        (key, prev, part.sort_values("_x"))
        for (key, prev), part in data.groupby(["_key", "_previous"], sort=False)
    ]
    current_x = {key: part["_x"].to_numpy() for key, prev, part in parts if not prev}
    lines = []
    for key, prev, part in parts:
        x = part["_x"].to_numpy()
        if prev and key in current_x:
            x = _overlay(x, current_x[key])
        name = str(part["_name"].iloc[0])
        if suffix is not None:
            name = f"{name} ({part[suffix].iloc[0]})"
        style: dict[str, Any] = {
            "color": color_for(keys.index(key)),
            "linestyle": "--" if prev else "-",
            "linewidth": 2,
            "label": f"{name} (previous)" if prev else name,
        }
        if len(x) <= _MARKER_MAX_POINTS:
            style.update(marker="o", markersize=3)
        style.update(kw)
        (line,) = ax.plot(x, floats(part[y]), **style)
        lines.append(line)
    format_date_axis(ax)
    return lines


def _overlay(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    if len(previous) == len(current):
        return current
    return previous + (current[0] - previous[0])


def ranked_bars(
    ax: Axes, labels: list[str], values: np.ndarray, notes: list[str], color: str, **kw: Any
) -> None:
    """Horizontal bars top to bottom in the given order, each labelled at its end."""
    positions = np.arange(len(values))
    bars = ax.barh(positions, values, color=color, **kw)
    ax.bar_label(bars, labels=notes, padding=3, fontsize="small")
    ax.set_yticks(positions, labels=labels)
    ax.invert_yaxis()
    pad_value_axis(ax, values, horizontal=True, room=0.2)
    style_axes(ax, "x")
