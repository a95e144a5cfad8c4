"""Retention plot: the cohort heatmap, in percent, with counts or percents in the cells."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from posthog_frames.exceptions import ValidationError
from posthog_frames.plotting._common import check_frame, floats, new_axes, set_title
from posthog_frames.plotting._docstrings import fill_docstring
from posthog_frames.plotting._style import display_text, number_text, percent_text

__all__ = ["plot_retention"]

_DARK_CELL = 55.0  # percent above which annotations switch to white text


def _period_columns(df: pd.DataFrame) -> list[Any]:
    """The retention frame's period columns (0..N), as ints or digit strings, in order."""
    found: list[tuple[int, Any]] = [
        (int(c), c) for c in df.columns if isinstance(c, (int, np.integer))
    ]
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


def _cohort_text(cohort: Any, fmt: str, dated: bool = True) -> str:
    if not dated:  # legacy breakdown rows: the index is the breakdown value alone
        return display_text(cohort)
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
    dated = df.index.nlevels > 1 or df.index.name != "breakdown_value"
    labels = []
    for i, cohort in enumerate(df.index):
        text = _cohort_text(cohort, fmt, dated)
        if sizes is not None and np.isfinite(sizes[i]):
            text = f"{text}  ({number_text(sizes[i])})"
        labels.append(text)
    return labels


@fill_docstring
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

    Periods that have not happened yet (NaN) stay blank. Periods still in progress when PostHog
    computed the result (``df.attrs["in_progress"]``: each cohort's last one) are hatched, their
    numbers in italics, as PostHog marks them: their counts are partial. Row labels show the
    cohort size.

    Args:
        {params.df}
        {params.ax}
        annotate: what the cells say: percents for ``True`` (the default) or ``"percent"``,
            people for ``"count"``, nothing for ``False``.
        {params.title}
        {params.figsize}
        kw: passed on to ``ax.imshow``.

    Returns:
        {returns.ax}

    Example:
        >>> ax = plot_retention(client.insight_frame("sY43mSt7"), annotate="count")
        >>> [label.get_text() for label in ax.get_xticklabels()][:3]
        ['Week 0', 'Week 1', 'Week 2']
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
        assert sizes is not None  # a count frame's sizes default to its first period
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
    running = _running_cells(matrix) if df.attrs.get("in_progress") else set()
    for r, c in sorted(running):
        ax.add_patch(
            Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#8a8a8a", lw=0)
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
                fontstyle="italic" if (r, c) in running else "normal",
                color="white" if dark else "#2d2d2d",
            )
    if running:
        ax.set_xlabel(
            "hatched: periods still in progress when PostHog computed this (partial counts)",
            color="#5f5f5f",
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


def _running_cells(matrix: np.ndarray) -> set[tuple[int, int]]:
    """(row, column) of each row's last period with a value: the one still in progress."""
    cells = set()
    for r, row in enumerate(matrix):
        found = np.flatnonzero(np.isfinite(row))
        if len(found):
            cells.add((r, int(found[-1])))
    return cells


# posthog_frames/__init__ gives re-exported functions its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"plot_retention": plot_retention}
