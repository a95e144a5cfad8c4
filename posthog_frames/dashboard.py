"""A PostHog dashboard: its tiles' insights (read with the dashboard's filters), its text tiles,
its frames and one figure of its charts.

Example:
    >>> board = client.dashboard("Product overview")
    >>> board.name, len(board.insights), board.texts[0].splitlines()[0]
    ('Product overview', 6, '## Hogflix at a glance')
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.insight import Insight

__all__ = ["Dashboard", "DashboardTile"]


@dataclass(frozen=True)
class DashboardTile:
    """One tile, in PostHog's order: an insight (with the dashboard's filters applied), a text
    (markdown), or another kind this library does not read (a button or a widget: ``kind`` says
    which). ``layout`` is its place on PostHog's 12-column desktop grid (``x, y, w, h``)."""

    id: int | None
    kind: str
    insight: Insight | None = None
    text: str | None = None
    layout: Mapping[str, int] | None = None


class Dashboard:
    """One dashboard as PostHog answered it, its insight tiles read in its context.

    Built by :meth:`posthog_frames.Client.dashboard`; read-only. ``raw`` is the dashboard's
    JSON (a copy), ``tiles`` every tile in PostHog's order, ``insights`` the tiles' insights in
    that order, ``texts`` the text tiles' markdown.

    Example:
        >>> board = client.dashboard(2)
        >>> board.filters["date_from"], [ins.name for ins in board.insights][:2]
        ('-14d', ['Daily traffic and signups', 'Revenue vs previous period'])
    """

    __slots__ = ("_raw", "_tiles")
    _raw: MappingProxyType[str, Any]
    _tiles: tuple[DashboardTile, ...]

    def __init__(self, raw: Mapping[str, Any], tiles: Sequence[DashboardTile]) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidResponse(
                f"A dashboard must be a JSON object (dict), got {type(raw).__name__}. Pass the "
                "body of GET /api/projects/:id/dashboards/:id/."
            )
        object.__setattr__(self, "_raw", MappingProxyType(dict(raw)))
        object.__setattr__(self, "_tiles", tuple(tiles))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Dashboard is read-only; fetch it again with client.dashboard()")

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the dashboard's JSON as PostHog answered it (a plain dict)."""
        return copy.deepcopy(dict(self._raw))

    @property
    def id(self) -> int | None:
        """The dashboard's numeric id (the number in its PostHog URL)."""
        return self._raw.get("id")

    @property
    def name(self) -> str:
        """Its name (``"Untitled"`` when it has none)."""
        return self._raw.get("name") or "Untitled"

    @property
    def description(self) -> str:
        """Its description (``""`` when it has none)."""
        return self._raw.get("description") or ""

    @property
    def filters(self) -> dict[str, Any]:
        """The dashboard's own filters (PostHog's ``DashboardFilter``: ``date_from``,
        ``date_to``, ``properties`` …), applied to every tile; ``{}`` when it has none."""
        return copy.deepcopy(dict(self._raw.get("filters") or {}))

    @property
    def tiles(self) -> tuple[DashboardTile, ...]:
        """Every tile, in PostHog's order (top to bottom, left to right)."""
        return self._tiles

    @property
    def insights(self) -> list[Insight]:
        """The tiles' insights, in tile order."""
        return [tile.insight for tile in self._tiles if tile.insight is not None]

    @property
    def texts(self) -> list[str]:
        """The text tiles' markdown, in tile order."""
        return [tile.text for tile in self._tiles if tile.text is not None]

    def frames(self, **options: Any) -> dict[str, pd.DataFrame]:
        """``{insight name: frame}`` for every insight tile, in tile order; *options* go to each
        :meth:`Insight.frame` (``tz=``, ``wide=`` …). A name shown twice gets its short id.

        Example:
            >>> list(client.dashboard(2).frames())[:2]
            ['Daily traffic and signups', 'Revenue vs previous period']
        """
        names = [ins.name for ins in self.insights]
        out: dict[str, pd.DataFrame] = {}
        for ins, name in zip(self.insights, names, strict=True):
            key = name if names.count(name) == 1 else f"{name} ({ins.short_id or ins.id})"
            out[key] = ins.frame(**options)
        return out

    def plot(
        self,
        *,
        cols: int | None = None,
        figsize: tuple[float, float] | None = None,
        text: bool = True,
    ) -> Any:
        """One matplotlib figure with every tile's chart, placed as on the dashboard (PostHog's
        12-column layout); ``cols=`` lays them out that many to a row instead. Text tiles are
        shown as text (``text=False`` leaves them out). Returns the Figure.

        Example:
            >>> fig = client.dashboard("Product overview").plot(text=False)
            >>> len(fig.axes) >= 6
            True
        """
        from posthog_frames.plotting.grid import plot_grid

        panels: list[pd.DataFrame | str] = []
        layouts: list[Mapping[str, int] | None] = []
        for tile in self._tiles:
            if tile.insight is not None:
                panels.append(tile.insight.frame())
            elif tile.text is not None and text:
                panels.append(tile.text)
            else:
                continue
            layouts.append(tile.layout)
        return plot_grid(panels, layouts=layouts, cols=cols, figsize=figsize, title=self.name)

    def __repr__(self) -> str:
        kinds = [tile.kind for tile in self._tiles]
        counts = ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds)) or "no tiles"
        filtered = f" filters={self.filters!r}" if self.filters else ""
        return f"<Dashboard {self.name!r} id={self.id!r} ({counts}){filtered}>"

    def _repr_html_(self) -> str:
        esc = html.escape
        head = f"<div><b>{esc(self.name)}</b> &middot; dashboard {esc(str(self.id))}</div>"
        if self.filters:
            head += f"<div>filters: <code>{esc(str(self.filters))}</code></div>"
        items = []
        for tile in self._tiles:
            if tile.insight is not None:
                ins = tile.insight
                items.append(f"<li>{esc(ins.name)} <i>({esc(ins.kind)}/{esc(ins.view)})</i></li>")
            elif tile.text is not None:
                first = tile.text.strip().splitlines()[0] if tile.text.strip() else ""
                items.append(f"<li><i>text:</i> {esc(first)}</li>")
            else:
                items.append(f"<li><i>{esc(tile.kind)} tile (not read)</i></li>")
        return head + "<ol>" + "".join(items) + "</ol>"
