"""A saved insight as PostHog's ``InsightSerializer`` (and ``InsightBasicSerializer``) shows it.

Example:
    >>> filters_hash({"kind": "TrendsQuery"})[:6]
    'cache_'
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from posthog_frames.demo.analytics.legacy import derived_name
from posthog_frames.demo.clock import iso
from posthog_frames.demo.data.saved_insights import SavedInsight

__all__ = ["filters_hash", "represent"]


def filters_hash(query: dict) -> str:
    """The cache key PostHog exposes as ``filters_hash``: ``cache_<md5 of the query>``."""
    return "cache_" + hashlib.md5(json.dumps(query, sort_keys=True).encode()).hexdigest()


_BASIC_FIELDS = tuple(
    "id short_id name derived_name filters query dashboards dashboard_tiles description"
    " last_refresh refreshing saved tags updated_at created_by created_at last_modified_at"
    " favorited user_access_level last_viewed_at search_match_type".split()
)


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else iso(value)


def represent(
    insight: SavedInsight,
    *,
    user: dict,
    timezone: str,
    basic: bool = False,
    query: dict | None = None,
    computed: Any = None,
    last_refresh: datetime | None = None,
    is_cached: bool = False,
    stale_after: timedelta = timedelta(hours=6),
    query_status: dict | None = None,
    cache_key: str | None = None,
) -> dict:
    """The insight as PostHog's ``InsightSerializer`` (or ``InsightBasicSerializer``) shows it.

    *computed* is an ``analytics.Computed`` (None on a cache miss → ``result: null``).

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> from posthog_frames.demo.data.saved_insights import build_saved_insights
        >>> body = represent(build_saved_insights(DEMO_NOW)[0], user={}, timezone="UTC")
        >>> body["result"], body["is_cached"]
        (None, False)
    """
    stored = insight.query
    modified = insight.created_at + timedelta(hours=1)
    body: dict[str, Any] = {
        "id": insight.id,
        "short_id": insight.short_id,
        "name": insight.name,
        "derived_name": derived_name(stored),
        # New-style insights answer filters {}; legacy ones keep theirs and derive `query`.
        "filters": {} if insight.stored_query is not None else insight.filters,
        "query": stored,
        "order": None,
        "deleted": False,
        "dashboards": list(insight.dashboards),
        "dashboard_tiles": [
            {"id": 100 + insight.id, "dashboard_id": d, "deleted": None} for d in insight.dashboards
        ],
        "last_refresh": _stamp(last_refresh),
        "cache_target_age": _stamp(last_refresh + stale_after) if last_refresh else None,
        "next_allowed_client_refresh": _stamp(last_refresh + timedelta(minutes=15))
        if last_refresh
        else None,
        "result": computed.result if computed is not None else None,
        "hasMore": computed.has_more if computed is not None else None,
        "columns": computed.columns if computed is not None else None,
        "created_at": _stamp(insight.created_at),
        "created_by": user,
        "description": insight.description,
        "updated_at": _stamp(modified),
        "tags": list(insight.tags),
        "favorited": insight.favorited,
        "saved": insight.saved,
        "last_modified_at": _stamp(modified),
        "last_modified_by": user,
        "is_sample": False,
        "effective_restriction_level": 21,
        "effective_privilege_level": 37,
        "user_access_level": "editor",
        "timezone": timezone,
        "is_cached": is_cached,
        "query_status": query_status,
        "hogql": computed.hogql if computed is not None else None,
        "types": computed.types if computed is not None else None,
        "resolved_date_range": computed.resolved_date_range if computed is not None else None,
        "alerts": [],
        "last_viewed_at": _stamp(modified + timedelta(days=1)),
        "filters_hash": cache_key or filters_hash(query or stored),
        "refreshing": False,
        # SearchMatchTypeSerializerMixin: "exact"/"similar" on ?search= results only.
        "search_match_type": None,
    }
    if basic:
        return {k: body[k] for k in _BASIC_FIELDS}
    return body
