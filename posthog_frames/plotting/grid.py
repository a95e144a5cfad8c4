"""Several charts in one figure: a dashboard's tiles, placed as PostHog places them, or a grid.

PostHog lays a dashboard out on a 12-column grid (each tile's ``layouts.sm``: ``x, y, w, h``);
:func:`plot_grid` draws each panel in the same place, so the figure reads like the dashboard.
Without layouts (or with overlapping ones) panels go *cols* to a row. A text panel (markdown)
is drawn as text, its first line bold.

Example:
    >>> fig = plot_grid([client.insight_frame(1), "## Notes\\nTraffic doubled at launch."])
    >>> len(fig.axes)
    2
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from posthog_frames.exceptions import ValidationError

__all__ = ["plot_grid"]

Layout = Mapping[str, int]  # {"x", "y", "w", "h"} on PostHog's 12-column grid
_COLUMNS = 12
_WIDTH = 16.0  # inches for PostHog's 12 columns
_ROW = 0.8  # inches per PostHog grid row
_PANEL = (6.4, 4.2)  # inches per panel without layouts
_MARKDOWN = re.compile(r"(^#+\s*|\*\*|__|`)", re.MULTILINE)


def plot_grid(
    panels: Sequence[pd.DataFrame | str],
    *,
    layouts: Sequence[Layout | None] | None = None,
    cols: int | None = None,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """One figure with a chart per frame (drawn by ``phf.plot``) and a text panel per string.

    *layouts* (one per panel) places them as PostHog's dashboard does; *cols* (or layouts that
    are missing or overlap) lays them out *cols* to a row instead (default 2). Returns the
    Figure; each chart keeps its own title (the insight's name).
    """
    from posthog_frames.plotting import plot  # the package imports its modules, not this one

    if cols is not None and (isinstance(cols, bool) or not isinstance(cols, int) or cols < 1):
        raise ValidationError(f"cols must be a whole number >= 1, got {cols!r}.")
    if not panels:
        raise ValidationError("Nothing to draw: there are no tiles.")
    places = _places(layouts, len(panels)) if cols is None else None
    if places is not None:
        # The grid's lines are the tiles' edges: bands of rows and columns (ratios keep their
        # sizes), so constrained layout has a handful of cells to fit, not 12 x N.
        xs = sorted({e for x, _, w, _ in places for e in (x, x + w)})
        ys = sorted({e for _, y, _, h in places for e in (y, y + h)})
        size = figsize or (_WIDTH, max(3.0, ys[-1] * _ROW))
        fig = plt.figure(figsize=size, layout="constrained")
        spec = fig.add_gridspec(
            len(ys) - 1,
            len(xs) - 1,
            width_ratios=[b - a for a, b in zip(xs, xs[1:], strict=False)],
            height_ratios=[b - a for a, b in zip(ys, ys[1:], strict=False)],
        )
        axes = [
            fig.add_subplot(spec[ys.index(y) : ys.index(y + h), xs.index(x) : xs.index(x + w)])
            for x, y, w, h in places
        ]
    else:
        per_row = min(cols or 2, len(panels))
        rows = -(-len(panels) // per_row)
        size = figsize or (_PANEL[0] * per_row, _PANEL[1] * rows)
        # plt.subplots (not a bare Figure) so notebooks display the figure inline.
        fig, grid = plt.subplots(rows, per_row, figsize=size, layout="constrained", squeeze=False)
        axes = list(grid.ravel())
        for ax in axes[len(panels) :]:
            ax.remove()
    for ax, panel in zip(axes, panels, strict=False):
        if isinstance(panel, str):
            _text(ax, panel)
        else:
            plot(panel, ax=ax)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig


def _places(
    layouts: Sequence[Layout | None] | None, count: int
) -> list[tuple[int, int, int, int]] | None:
    """Each panel's ``(x, y, w, h)`` when every one has a layout and none overlap."""
    if layouts is None or len(layouts) != count:
        return None
    places: list[tuple[int, int, int, int]] = []
    taken: set[tuple[int, int]] = set()
    for layout in layouts:
        if layout is None:
            return None
        try:
            x, y, w, h = (int(layout[k]) for k in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            return None
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > _COLUMNS:
            return None
        cells = {(col, row) for col in range(x, x + w) for row in range(y, y + h)}
        if cells & taken:
            return None
        taken |= cells
        places.append((x, y, w, h))
    return places


def _text(ax: Axes, body: str) -> None:
    ax.axis("off")
    lines = _MARKDOWN.sub("", body).strip().splitlines()
    if not lines:
        return
    rest = "\n".join(textwrap.fill(line, 110) if line else "" for line in lines[1:])
    ax.text(0.0, 1.0, lines[0], va="top", ha="left", transform=ax.transAxes, fontsize=12)
    ax.texts[-1].set_fontweight("bold")
    if rest:
        ax.text(0.0, 0.55, rest, va="top", ha="left", fontsize=10, transform=ax.transAxes)
