"""The demo project's dashboards: saved insights laid out as tiles, with text between them.

- 1 "Product overview" (pinned): a text tile heading six insights, no filters of its own;
- 2 "Paying customers, last 14 days": four insights under the dashboard's own date range and
  property filter (``filters``), which apply to every tile as PostHog's ``from_dashboard``
  does; a text tile closes it;
- 3 "Launch war room": deleted (the list leaves it out; retrieving it is a 404).

Tiles are written here in no particular order; PostHog answers them sorted by their desktop
(``sm``) layout, top to bottom then left to right, on a 12-column grid. The saved insights'
``dashboards`` and ``dashboard_tiles`` come from here (:func:`tiles_by_insight`).

Example:
    >>> [d.name for d in build_dashboards() if not d.deleted]
    ['Product overview', 'Paying customers, last 14 days']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from posthog_frames.demo.clock import DEMO_NOW

__all__ = ["SavedDashboard", "Tile", "build_dashboards", "tile_layouts", "tiles_by_insight"]


@dataclass(frozen=True)
class Tile:
    """One tile: an insight (by id) or a markdown text, at ``(x, y, w, h)`` on the sm grid."""

    id: int
    layout: tuple[int, int, int, int]
    insight: int | None = None
    text: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class SavedDashboard:
    """One dashboard as stored: its tiles and its own ``filters`` (a ``DashboardFilter``)."""

    id: int
    name: str
    description: str
    created_at: datetime
    tiles: tuple[Tile, ...]
    pinned: bool = False
    filters: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    deleted: bool = False


_OVERVIEW_TEXT = (
    "## Hogflix at a glance\n"
    "Traffic and signups, where visitors come from, and how many of them buy. "
    "Each chart keeps its own date range."
)
_PAYING_TEXT = "Filtered to **pro** and **enterprise** plans, last 14 days (dashboard filters)."


def build_dashboards(now: datetime = DEMO_NOW) -> list[SavedDashboard]:
    """The demo's dashboards, ids 1..3 (saved insights are numbered as
    :func:`~posthog_frames.demo.data.saved_insights.build_saved_insights` numbers them).

    Example:
        >>> overview = build_dashboards()[0]
        >>> [t.insight for t in overview.tiles if t.insight][:3]
        [2, 1, 3]
    """
    day = timedelta(days=1)
    return [
        SavedDashboard(
            1,
            "Product overview",
            "The numbers the team looks at every Monday.",
            now - 44 * day,
            pinned=True,
            tags=("weekly",),
            tiles=(
                Tile(102, (6, 1, 6, 5), insight=2),
                Tile(101, (0, 1, 6, 5), insight=1),
                Tile(100, (0, 0, 12, 1), text=_OVERVIEW_TEXT),
                Tile(103, (0, 6, 4, 5), insight=3, color="blue"),
                Tile(104, (4, 6, 8, 5), insight=6),
                Tile(105, (0, 11, 6, 6), insight=10),
                Tile(106, (6, 11, 6, 6), insight=14),
            ),
        ),
        SavedDashboard(
            2,
            "Paying customers, last 14 days",
            "How paying customers use Hogflix.",
            now - 20 * day,
            tags=("revenue", "weekly"),
            filters={
                "date_from": "-14d",
                "date_to": None,
                "properties": [
                    {
                        "key": "plan",
                        "value": ["pro", "enterprise"],
                        "operator": "exact",
                        "type": "person",
                    }
                ],
            },
            tiles=(
                Tile(201, (0, 0, 6, 5), insight=1),
                Tile(202, (6, 0, 6, 5), insight=4),
                Tile(204, (6, 5, 6, 5), insight=13),
                Tile(203, (0, 5, 6, 5), insight=6),
                Tile(205, (0, 10, 12, 1), text=_PAYING_TEXT),
            ),
        ),
        SavedDashboard(
            3,
            "Launch war room",
            "Watched during the February launch.",
            now - 52 * day,
            tiles=(Tile(301, (0, 0, 12, 5), insight=3),),
            deleted=True,
        ),
    ]


def tiles_by_insight(dashboards: list[SavedDashboard]) -> dict[int, list[tuple[int, int]]]:
    """Insight id → its ``(tile id, dashboard id)`` pairs on dashboards that are not deleted.

    Example:
        >>> tiles_by_insight(build_dashboards())[6]
        [(104, 1), (203, 2)]
    """
    found: dict[int, list[tuple[int, int]]] = {}
    for dashboard in dashboards:
        if dashboard.deleted:
            continue
        for tile in dashboard.tiles:
            if tile.insight is not None:
                found.setdefault(tile.insight, []).append((tile.id, dashboard.id))
    return found


def tile_layouts(tile: Tile, dashboard: SavedDashboard) -> dict[str, dict[str, int]]:
    """A tile's ``layouts``: ``sm`` as saved, ``xs`` (the one-column phone grid) stacking the
    dashboard's tiles in their sm order.

    Example:
        >>> overview = build_dashboards()[0]
        >>> tile_layouts(overview.tiles[0], overview)["sm"]
        {'x': 6, 'y': 1, 'w': 6, 'h': 5}
    """
    x, y, w, h = tile.layout
    above = [t for t in dashboard.tiles if (t.layout[1], t.layout[0]) < (y, x)]
    return {
        "sm": {"x": x, "y": y, "w": w, "h": h},
        "xs": {"x": 0, "y": sum(t.layout[3] for t in above), "w": 1, "h": h},
    }
