"""Dashboards: the project's dashboards as a frame, and one dashboard with its tiles' insights.

A dashboard (``GET /dashboards/:id/``) holds tiles: insights, texts (and buttons or widgets,
which are kept but not read). Its own ``filters`` (date range, properties …) apply to every
tile: each insight tile is read with ``GET /insights/:id/?from_dashboard=<id>``, PostHog's way of
reading an insight in its dashboard's context (reference §4, §13), so it is computed (or polled)
exactly as :meth:`~posthog_frames.Client.insight` computes one.

Example:
    >>> dashboards(client)[["id", "name", "insights"]]
       id                            name  insights
    0   1                Product overview         6
    1   2  Paying customers, last 14 days         4
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import pandas as pd

from posthog_frames.client import insights as insights_api
from posthog_frames.client._named import object_id
from posthog_frames.client.base import BaseClient
from posthog_frames.client.progress import progress_bar
from posthog_frames.dashboard import Dashboard, DashboardTile
from posthog_frames.exceptions import InsightNotComputed, PermissionDenied
from posthog_frames.frames.listings import dashboards_frame
from posthog_frames.http.transport import expect_object
from posthog_frames.insight import Insight

__all__ = ["dashboard", "dashboards"]

_HINT = "List the project's dashboards (id, name) with client.dashboards()."
# A warning about a listing points at the user's line, past this module and the Client method.
_USER_FRAME = 3


def dashboards(
    client: BaseClient, search: str | None = None, *, refresh: bool = False
) -> pd.DataFrame:
    """The project's dashboards, all pages, one row each (pinned first, then by name).

    Columns: ``id``, ``name``, ``description``, ``tags``, ``pinned``, ``created_at``,
    ``last_accessed_at`` (UTC) and ``insights``: how many insights each shows. PostHog's list
    has no tiles, so that count comes from the insights list (``insight:read``; without that
    scope the column is empty and a warning says so). *search* matches names, descriptions and
    tags. ``refresh=True`` bypasses the local cache. Needs ``dashboard:read``.

    Example:
        >>> client.dashboards(search="paying")["name"].tolist()
        ['Paying customers, last 14 days']
    """
    pages = client.paginate("dashboards/", refresh=refresh, search=search, limit=100)
    rows = [row for page in pages for row in page["results"]]
    frame = dashboards_frame(rows, _insight_counts(client, refresh))
    frame.attrs["project_id"] = client.project_id
    return frame


def _names(client: BaseClient) -> pd.DataFrame:
    # Names only: the listing without the insight counts (one request fewer).
    pages = client.paginate("dashboards/", limit=100)
    return dashboards_frame([row for page in pages for row in page["results"]])


def _insight_counts(client: BaseClient, refresh: bool) -> dict[int, int] | None:
    try:
        pages = client.paginate("insights/", refresh=refresh, basic=True, limit=100)
        return Counter(d for page in pages for row in page["results"] for d in row["dashboards"])
    except PermissionDenied as err:
        warnings.warn(
            f"The dashboards' insight counts are missing: they come from the insights list, "
            f"which this key may not read ({err.detail or err}).",
            UserWarning,
            stacklevel=_USER_FRAME + 1,
        )
        return None


def dashboard(
    client: BaseClient,
    id_or_name: Any,
    refresh: str | bool = "blocking",
    *,
    progress: bool | None = None,
) -> Dashboard:
    """One dashboard, each insight tile read with the dashboard's filters applied.

    Args:
        id_or_name: the dashboard's id (the number in its URL; or a row of
            :meth:`dashboards`), or its name.
        refresh: PostHog's mode for the tiles, as for :meth:`insight`: ``"blocking"``
            computes a tile unless PostHog's cache is fresh, ``"force_cache"`` only reads the
            cache (a tile never computed raises InsightNotComputed, naming it), forced and
            async modes compute (and bypass the local cache).
        progress: a progress bar while the tiles are read (default: as the client's).

    Returns a :class:`~posthog_frames.Dashboard`: ``.insights`` (the tiles' insights, in tile
    order), ``.texts``, ``.tiles``, ``.filters``, ``.frames()`` (``{insight name: frame}``)
    and ``.plot()`` (one figure). Needs ``dashboard:read`` and ``insight:read``.

    Example:
        >>> board = client.dashboard("Paying customers, last 14 days")
        >>> frames = board.frames()
        >>> frames["Daily traffic and signups"]["date"].min()   # the dashboard's 14 days
        Timestamp('2025-03-17 00:00:00')
    """
    key = object_id(id_or_name, lambda: _names(client), "dashboard")
    mode = insights_api.refresh_mode(refresh)
    bypass = mode not in ("blocking", "force_cache")
    raw = client.get(f"dashboards/{key}/", refresh=bypass, hint=_HINT, expect=_expect)
    if mode == "force_cache" and not bypass and _uncomputed(raw):
        # A cache miss kept by the local cache may be outdated: PostHog may have computed it.
        raw = client.get(f"dashboards/{key}/", refresh=True, hint=_HINT, expect=_expect)
    tiles = sorted((t for t in raw["tiles"] if isinstance(t, dict)), key=_order)
    wanted = [t for t in tiles if isinstance(t.get("insight"), dict)]
    bar = progress_bar(client, progress, len(wanted), "tiles") if len(wanted) > 1 else None
    read: list[DashboardTile] = []
    missing: list[str] = []
    try:
        for tile in tiles:
            found = _tile(client, tile, key, mode, missing)
            read.append(found)
            if bar is not None and found.insight is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if missing:
        raise InsightNotComputed(
            f"Dashboard {key} ({raw.get('name')!r}): PostHog's cache has no result for "
            f"{', '.join(map(repr, missing))} under the dashboard's filters. Compute them with "
            f"client.dashboard({key}, refresh='blocking').",
            endpoint=f"dashboards/{key}/",
        )
    return Dashboard(raw, read)


def _tile(
    client: BaseClient, tile: dict[str, Any], key: int, mode: str, missing: list[str]
) -> DashboardTile:
    layout = (tile.get("layouts") or {}).get("sm")
    base: dict[str, Any] = {"id": tile.get("id"), "layout": layout}
    found = tile.get("insight")
    if isinstance(found, dict):
        if mode == "force_cache":  # the dashboard's answer already holds PostHog's cache
            insight = Insight(found)
            if not insight.computed:
                missing.append(insight.name)
        else:
            insight = insights_api.insight(client, found["id"], mode, dashboard=key)
        return DashboardTile(kind="insight", insight=insight, **base)
    text = tile.get("text")
    if isinstance(text, dict):
        return DashboardTile(kind="text", text=str(text.get("body") or ""), **base)
    kind = next((k for k in ("button_tile", "widget") if tile.get(k)), "empty")
    return DashboardTile(kind=kind.removesuffix("_tile"), **base)


def _uncomputed(raw: dict[str, Any]) -> bool:
    return any(
        isinstance(tile, dict)
        and isinstance(tile.get("insight"), dict)
        and tile["insight"].get("result") is None
        for tile in raw["tiles"]
    )


def _order(tile: dict[str, Any]) -> tuple[int, int, int]:
    # PostHog sends tiles sorted, with their `order`; the sm layout (y, then x) is the fallback.
    if isinstance(tile.get("order"), int):
        return (tile["order"], 0, 0)
    sm = (tile.get("layouts") or {}).get("sm") or {}
    return (10**9, sm.get("y", 0), sm.get("x", 0))


def _expect(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    if isinstance(body.get("tiles"), list) and "id" in body:
        return None
    return f"expected a dashboard {{'id', 'tiles', ...}}, got keys {sorted(body)[:8]}"
