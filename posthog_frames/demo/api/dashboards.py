"""``/dashboards/``, ``/dashboards/:id/`` and ``/insights/:id/?from_dashboard=`` as
``products/dashboards/backend/api/dashboard.py`` and the insight API answer them.

- list: ``DashboardBasicSerializer`` rows (no tiles), LimitOffset, pinned first then by name;
  deleted dashboards left out; ``search`` (name, description, tags; over 200 characters is
  PostHog's 400) and ``tags`` (repeatable);
- retrieve: ``DashboardSerializer``, with ``tiles`` sorted by their sm layout (``order``), each
  insight serialized in the dashboard's context: the dashboard's ``filters`` (or a
  ``filters_override``) apply to its query, and ``refresh`` works as on the insight itself (by
  default only PostHog's cache is read, so a tile never computed under these filters has
  ``result: null``). Retrieving sets ``last_accessed_at``;
- an insight read ``from_dashboard`` a dashboard it is on gets that dashboard's filters and
  the tile's ``color`` and ``layouts``; any other dashboard id is ignored, as PostHog does.

Demo tiles carry no ``filters_overrides`` of their own.

Example:
    >>> from posthog_frames.demo.data.persons import generate_persons
    >>> from posthog_frames.demo import DEMO_NOW
    >>> store = InsightStore(generate_persons(50), seed=0, now=DEMO_NOW, timezone="UTC",
    ...                      project_id=1, user={})
    >>> status, body = DashboardStore(store, user={}, now=DEMO_NOW).retrieve("1", {})
    >>> status, [tile["order"] for tile in body["tiles"]][:3]
    (200, [0, 1, 2])
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from posthog_frames.demo.api.insights import InsightStore
from posthog_frames.demo.clock import iso_z
from posthog_frames.demo.data.dashboards import SavedDashboard, Tile, tile_layouts
from posthog_frames.demo.errors import NOT_FOUND, invalid

__all__ = ["DashboardStore"]

MAX_SEARCH_LENGTH = 200  # posthog/helpers/trigram_search.py
_BASIC = (
    "id name description pinned created_at created_by last_accessed_at last_viewed_at is_shared "
    "deleted creation_mode tags restriction_level effective_restriction_level "
    "effective_privilege_level user_access_level access_control_version last_refresh team_id "
    "search_match_type"
).split()


# DASHBOARD_SHARED_FIELDS, then tiles: what DashboardSerializer answers, in its order.
_FULL = (
    "id name description pinned created_at created_by last_accessed_at last_viewed_at is_shared "
    "deleted creation_mode filters variables breakdown_colors data_color_theme_id tags "
    "restriction_level effective_restriction_level effective_privilege_level user_access_level "
    "access_control_version last_refresh persisted_filters persisted_variables team_id "
    "quick_filter_ids tiles"
).split()


class DashboardStore:
    """The demo project's dashboards, their tiles served through the saved insights."""

    def __init__(
        self, insights: InsightStore, *, user: dict[str, Any], now: datetime, team_id: int = 1
    ) -> None:
        self._insights = insights
        self._user = user
        self._now = now
        self._team_id = team_id
        self._dashboards = insights.dashboards
        self._accessed: dict[int, datetime] = {}  # retrieving sets last_accessed_at
        self._lock = threading.Lock()

    def listing(self, params: Mapping[str, Any], tags: list[str]) -> list[dict] | tuple[int, dict]:
        """The rows ``GET /dashboards/`` pages through, or PostHog's 400 for a bad search."""
        raw = params.get("search") or ""
        if len(raw) > MAX_SEARCH_LENGTH:
            return invalid(
                f"Search query must be {MAX_SEARCH_LENGTH} characters or fewer.", "search"
            )
        search = raw.strip().lower()
        rows = []
        for dashboard in sorted(self._dashboards.values(), key=lambda d: (not d.pinned, d.name)):
            text = "\n".join([dashboard.name, dashboard.description, *dashboard.tags]).lower()
            if dashboard.deleted or (search and search not in text):
                continue
            if tags and not set(tags) & set(dashboard.tags):
                continue
            body = self._basic(dashboard)
            rows.append({key: body[key] for key in _BASIC})
        return rows

    def retrieve(self, key: str, params: Mapping[str, str]) -> tuple[int, dict]:
        """``GET /dashboards/:id/`` with its tiles (deleted dashboards are a 404)."""
        dashboard = self._dashboards.get(int(key)) if key.isdigit() else None
        if dashboard is None or dashboard.deleted:
            return 404, dict(NOT_FOUND)
        with self._lock:
            self._accessed[dashboard.id] = self._now
        filters = dict(dashboard.filters)
        override = params.get("filters_override")
        tiles = []
        ordered = sorted(dashboard.tiles, key=lambda t: (t.layout[1], t.layout[0]))
        for order, tile in enumerate(ordered):
            status, insight = self._tile_insight(tile, params, dashboard)
            if status != 200 and insight is not None:  # PostHog's 400 for a bad parameter
                return status, insight
            tiles.append(self._tile(tile, dashboard, order, insight))
        body = {
            **self._basic(dashboard),
            "filters": _override_filters(override, filters),
            "variables": {},
            "breakdown_colors": [],
            "data_color_theme_id": None,
            "persisted_filters": filters or None,
            "persisted_variables": None,
            "quick_filter_ids": [],
            "tiles": tiles,
        }
        return 200, {key: body[key] for key in _FULL}

    def insight(self, key: str, params: Mapping[str, str]) -> tuple[int, dict]:
        """``GET /insights/:id/?from_dashboard=<id>``: in that dashboard's context when the
        insight is on it (its filters, the tile's color and layouts), else as usual."""
        found = self._insights.find(key)
        if found is None:
            return 404, dict(NOT_FOUND)
        wanted = (params.get("from_dashboard") or "").strip()
        for tile_id, dashboard_id in found.tiles:
            if wanted == str(dashboard_id):
                dashboard = self._dashboards[dashboard_id]
                tile = next(t for t in dashboard.tiles if t.id == tile_id)
                status, body = self._insights.resolve(found, params, dashboard)
                if status == 200:
                    body.update({"color": tile.color, "layouts": tile_layouts(tile, dashboard)})
                return status, body
        return self._insights.resolve(found, params)

    def _tile_insight(
        self, tile: Tile, params: Mapping[str, str], dashboard: SavedDashboard
    ) -> tuple[int, dict | None]:
        if tile.insight is None:
            return 200, None
        found = self._insights.find(str(tile.insight))
        if found is None:
            return 200, None
        return self._insights.resolve(found, params, dashboard)

    def _basic(self, dashboard: SavedDashboard) -> dict[str, Any]:
        accessed = self._accessed.get(dashboard.id)
        return {
            "id": dashboard.id,
            "name": dashboard.name,
            "description": dashboard.description,
            "pinned": dashboard.pinned,
            "created_at": iso_z(dashboard.created_at),
            "created_by": self._user,
            "last_accessed_at": iso_z(accessed) if accessed else None,
            "last_viewed_at": None,
            "is_shared": False,
            "deleted": dashboard.deleted,
            "creation_mode": "default",
            "tags": list(dashboard.tags),
            "restriction_level": 21,
            "effective_restriction_level": 21,
            "effective_privilege_level": 37,
            "user_access_level": "editor",
            "access_control_version": "v2",
            "last_refresh": None,
            "team_id": self._team_id,
            "search_match_type": None,
        }

    def _tile(
        self, tile: Tile, dashboard: SavedDashboard, order: int, insight: dict | None
    ) -> dict[str, Any]:
        text = None
        if tile.text is not None:
            text = {
                "id": tile.id * 10,
                "body": tile.text,
                "created_by": self._user,
                "last_modified_at": iso_z(dashboard.created_at),
                "last_modified_by": None,
                "team": self._team_id,
                "dashboard_tiles": [{"id": tile.id, "dashboard_id": dashboard.id, "deleted": None}],
            }
        return {
            "id": tile.id,
            "insight": insight,
            "text": text,
            "button_tile": None,
            "widget": None,
            "layouts": tile_layouts(tile, dashboard),
            "color": tile.color,
            "filters_overrides": {},
            "show_description": None,
            "transparent_background": None,
            "order": order,
            "last_refresh": (insight or {}).get("last_refresh"),
            "is_cached": (insight or {}).get("is_cached", False),
        }


def _override_filters(raw: str | None, stored: dict) -> dict:
    # The dashboard's `filters` show a ?filters_override= when one is sent (JSON object).
    if raw:
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if isinstance(found, dict):
            return found
    return stored
