"""Matrix- and table-shaped plots: the retention heatmap, top path flows, and SQL results.

Example:
    >>> ax = plot_retention(df)  # df from insight_frame() on a retention insight
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from posthog_frames._plot_common import (
    check_frame,
    floats,
    new_axes,
    pad_value_axis,
    set_title,
    style_axes,
)
from posthog_frames._plot_style import (
    DATA_COLORS,
    display_text,
    human_duration,
    number_text,
    percent_text,
    truncate,
)
from posthog_frames.exceptions import ValidationError

__all__ = ["plot_paths", "plot_retention", "plot_sql"]

_DARK_CELL = 55.0  # percent above which annotations switch to white text


def _period_columns(df: pd.DataFrame) -> list[Any]:
    """The retention frame's period columns (0..N), as ints or digit strings, in order."""
    found = [(int(c), c) for c in df.columns if isinstance(c, (int, np.integer))]
    found += [(int(c), c) for c in df.columns if isinstance(c, str) and c.isdigit()]
    return [c for _, c in sorted(found)]


def _cohort_sizes(df: pd.DataFrame, first: np.ndarray) -> np.ndarray | None:
    """Cohort sizes from ``attrs["cohort_sizes"]`` (sequence or mapping by cohort)."""
    sizes = df.attrs.get("cohort_sizes")
    if sizes is None:
        return None if df.attrs.get("percent") else first
    if isinstance(sizes, Mapping):
        by_key = {_size_key(k): v for k, v in sizes.items()}
        sizes = [by_key.get(_size_key(c)) for c in df.index]
    elif isinstance(sizes, pd.Series) and not sizes.index.equals(pd.RangeIndex(len(sizes))):
        sizes = sizes.reindex(df.index)
    sizes = floats(list(sizes))
    if len(sizes) != len(df):
        raise ValidationError(
            f"plot_retention(): attrs['cohort_sizes'] has {len(sizes)} values for {len(df)} "
            "cohorts; it needs one size per row."
        )
    return sizes


def _size_key(key: Any) -> Any:
    """A cohort key comparable across attrs and index: a MultiIndex shows a None level as NaN."""
    if isinstance(key, tuple):
        return tuple(None if isinstance(part, float) and part != part else part for part in key)
    return key


def _cohort_text(cohort: Any, fmt: str) -> str:
    if isinstance(cohort, tuple):  # (breakdown_value, cohort) rows of a breakdown
        *breakdown, start = cohort
        return " · ".join([*(display_text(b) for b in breakdown), _cohort_text(start, fmt)])
    if isinstance(cohort, str):
        return cohort
    try:
        stamp = pd.Timestamp(cohort)
    except (TypeError, ValueError):
        return display_text(cohort)
    return str(cohort) if pd.isna(stamp) else stamp.strftime(fmt)


def _cohort_labels(df: pd.DataFrame, sizes: np.ndarray | None) -> list[str]:
    unit = str(df.attrs.get("period") or df.attrs.get("interval") or "day").lower()
    fmt = "%Y-%m-%d %H:%M" if unit.startswith("hour") else "%Y-%m-%d"
    labels = []
    for i, cohort in enumerate(df.index):
        text = _cohort_text(cohort, fmt)
        if sizes is not None and np.isfinite(sizes[i]):
            text = f"{text}  ({number_text(sizes[i])})"
        labels.append(text)
    return labels


def plot_retention(
    df: pd.DataFrame,
    ax: Axes | None = None,
    annotate: bool | Literal["percent", "count"] = True,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    cmap: str = "Blues",
    **kw: Any,
) -> Axes:
    """Heatmap of retention in percent (0–100): cohorts as rows, periods as columns.

    Cells are annotated with percents (``annotate="count"`` for counts, ``False`` for none);
    periods that have not happened yet (NaN) stay blank. Row labels show the cohort size.

    Example:
        >>> ax = plot_retention(df, annotate="count")
    """
    columns = _period_columns(check_frame(df, [], "plot_retention", "retention"))
    if not columns:
        raise ValidationError(
            "plot_retention() needs period columns 0..N (one row per cohort), which the frame "
            f"lacks (it has {list(df.columns)}); such frames come from "
            "posthog_frames.frames.insight_frame() on a retention insight."
        )
    if annotate not in (True, False, "percent", "count"):
        raise ValidationError(
            "plot_retention(): annotate must be True, False, 'percent' or 'count'."
        )
    matrix = np.column_stack([floats(df[c]) for c in columns])
    sizes = _cohort_sizes(df, matrix[:, 0])
    if df.attrs.get("percent"):
        percent = matrix * 100
        counts = matrix * sizes[:, None] if sizes is not None else None
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            percent = np.where(sizes[:, None] > 0, matrix / sizes[:, None] * 100, np.nan)
        counts = matrix
    if annotate == "count" and counts is None:
        raise ValidationError(
            "plot_retention(annotate='count') needs counts: this is a percent frame without "
            "attrs['cohort_sizes']; pass the count frame instead."
        )
    rows, cols = percent.shape
    ax = new_axes(ax, figsize or (max(6.0, 0.8 * cols + 3.0), max(3.0, 0.42 * rows + 1.5)))
    colormap = mpl.colormaps[cmap].with_extremes(bad=(0, 0, 0, 0))
    ax.imshow(
        np.ma.masked_invalid(percent),
        cmap=colormap,
        vmin=0,
        vmax=100,
        aspect="auto",
        interpolation="nearest",
        **kw,
    )
    if annotate:
        size = max(5.0, min(10.0, 140.0 / max(rows, cols)))
        shown = counts if annotate == "count" else percent
        for (r, c), value in np.ndenumerate(shown):
            if not np.isfinite(value):
                continue
            text = number_text(round(value)) if annotate == "count" else percent_text(value / 100)
            dark = np.isfinite(percent[r, c]) and percent[r, c] > _DARK_CELL
            ax.text(
                c,
                r,
                text,
                ha="center",
                va="center",
                fontsize=size,
                color="white" if dark else "#2d2d2d",
            )
    unit = str(df.attrs.get("period") or df.attrs.get("interval") or "period").capitalize()
    ax.set_xticks(np.arange(cols), labels=[f"{unit} {c}" for c in columns])
    ax.set_yticks(np.arange(rows), labels=_cohort_labels(df, sizes))
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    set_title(ax, df, title, pad=12)
    return ax


def _ranked_bars(
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

    Example:
        >>> ax = plot_paths(df, top=10)
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
    _ranked_bars(ax, labels, data["_value"].to_numpy(), notes, DATA_COLORS[0], **kw)
    ax.set_xlabel("people")
    set_title(ax, df, title)
    return ax


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

    Example:
        >>> ax = plot_sql(df)  # e.g. count() by event, in the query's row order
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
    _ranked_bars(ax, labels, values, [number_text(v) for v in values], DATA_COLORS[0], **kw)
    ax.set_xlabel(str(numeric[0]))
    ax.set_ylabel(" · ".join(str(c) for c in shown))
    if len(df) > len(data) and title is None:
        title = f"{df.attrs.get('name') or 'SQL'} (first {len(data)} of {len(df)} rows)"
    set_title(ax, df, title)
    return ax
