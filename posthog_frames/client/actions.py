"""Actions and event definitions: what there is to count in a project.

``GET /actions/`` answers every action at once (``{"results": [...]}``; PostHog does not page
it, whatever its OpenAPI says), ``GET /event_definitions/`` pages the project's events with a
capped count. Current PostHog sends no event volumes, so :func:`event_definitions` counts each
event's last 30 days with one HogQL query (``volume=False`` skips it).

Example:
    >>> actions(client)[["id", "name", "events"]]
       id                  name                      events
    0   3          Big purchase                 [purchased]
    1   2  Showed buying intent  [added to cart, $pageview]
    2   1        Viewed pricing                 [$pageview]
"""

from __future__ import annotations

import warnings

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.query import run_query
from posthog_frames.exceptions import PermissionDenied
from posthog_frames.frames.listings import actions_frame, event_definitions_frame

__all__ = ["VOLUME_SQL", "actions", "event_definitions"]

# One row per event seen in the last 30 days; the events table's own `now()` and interval.
VOLUME_SQL = (
    "SELECT event, count() AS volume FROM events WHERE timestamp >= now() - INTERVAL 30 DAY "
    "GROUP BY event ORDER BY volume DESC LIMIT 10000"
)
# A warning points at the user's line, past this module and the Client method.
_USER_FRAME = 3


def actions(client: BaseClient, *, refresh: bool = False) -> pd.DataFrame:
    """The project's actions, one row each, in PostHog's order (most recently calculated first).

    Columns: ``id``, ``name``, ``description``, ``events`` (each step's event: an action
    matches an event when any of its steps does), ``steps`` (the steps as JSON text, with
    their URL, text and property conditions), ``tags``, ``created_at`` (UTC). Deleted actions
    are left out. ``refresh=True`` bypasses the local cache. Needs the ``action:read`` scope.

    Example:
        >>> client.actions().set_index("name").loc["Viewed pricing", "steps"]
        '[{"event": "$pageview", "url": "/pricing", "url_matching": "contains"}]'
    """
    # One answer normally; any `next` PostHog may one day add is followed all the same.
    pages = client.paginate("actions/", refresh=refresh)
    frame = actions_frame([row for page in pages for row in page["results"]])
    frame.attrs["project_id"] = client.project_id
    return frame


def event_definitions(
    client: BaseClient,
    search: str | None = None,
    *,
    volume: bool = True,
    refresh: bool = False,
) -> pd.DataFrame:
    """The project's events, all pages, in PostHog's order (last seen first, then by name).

    Columns: ``name``, ``volume_30_day`` (how many times each happened in the last 30 days),
    ``last_seen_at``, ``created_at`` (first seen; UTC), ``tags``, ``id``, then
    ``description``/``verified``/``hidden`` where PostHog sends them. *search* keeps events
    whose name holds every word of it.

    Current PostHog sends no volume, so with ``volume=True`` one HogQL query counts the last
    30 days of every event (it counts against PostHog's HogQL budget, and needs
    ``query:read``; without that scope the column stays empty and a warning says so).
    ``volume=False`` sends no query. Needs ``event_definition:read``.

    Example:
        >>> events = client.event_definitions()
        >>> events[["name", "volume_30_day"]].head(2)
                    name  volume_30_day
        0      $pageview           3704
        1  added to cart            327
    """
    pages = client.paginate("event_definitions/", refresh=refresh, search=search, limit=100)
    frame = event_definitions_frame([row for page in pages for row in page["results"]])
    if volume and frame["volume_30_day"].isna().all() and len(frame):
        counts = _volumes(client, refresh)
        if counts is not None:
            frame["volume_30_day"] = frame["name"].map(counts).fillna(0).astype("Int64")
    frame.attrs["project_id"] = client.project_id
    return frame


def _volumes(client: BaseClient, refresh: bool) -> dict[str, int] | None:
    try:
        answer = run_query(client, VOLUME_SQL, None, "force_blocking" if refresh else "blocking")
    except PermissionDenied as err:
        warnings.warn(
            f"Event volumes are missing: they are counted with HogQL, which this key may not run "
            f"({err.detail or err}). Pass volume=False to skip them.",
            UserWarning,
            stacklevel=_USER_FRAME + 1,
        )
        return None
    return {str(event): int(count) for event, count in answer["results"]}
