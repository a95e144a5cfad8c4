"""Insight queries on the demo's ``/query/``: TrendsQuery, FunnelsQuery, RetentionQuery,
PathsQuery, StickinessQuery and LifecycleQuery, computed from the same event log as the saved
insights (:mod:`posthog_frames.demo.analytics`), answered in PostHog's cached-response envelope.

PostHog's insight endpoint and ``/query/`` run the same query runners, so a saved insight's
``result`` and the ``results`` of its query posted here are the same list. The envelope is the
``Cached*QueryResponse`` of ``posthog/schema.py`` (reference §10): ``results``, ``is_cached``,
``last_refresh``, ``next_allowed_client_refresh``, ``cache_key``, ``timezone``, ``timings`` …,
plus ``hasMore`` for trends ("more breakdown values are available").

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> from posthog_frames.demo import DEMO_NOW
    >>> status, body = answer_insight({"kind": "LifecycleQuery", "series": [
    ...     {"kind": "EventsNode", "event": "$pageview"}]}, ctx, now=DEMO_NOW, key="k")
    >>> status, [item["status"] for item in body["results"]]
    (200, ['new', 'dormant', 'resurrecting', 'returning'])
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from posthog_frames.demo.analytics import Context, compute
from posthog_frames.demo.analytics._common import BREAKDOWN_OTHER
from posthog_frames.demo.clock import iso_z
from posthog_frames.demo.errors import DemoValidationError, invalid

__all__ = ["answer_insight", "envelope", "page_bounds"]

# EventsQuery and ActorsQuery page alike: HogQLHasMorePaginator's default and
# LimitContext.QUERY's ceiling.
DEFAULT_LIMIT, MAX_LIMIT = 100, 50_000


def envelope(results: Any, ctx: Context, *, now: datetime, key: str) -> dict[str, Any]:
    """PostHog's cached-response envelope around *results*.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> ctx = demo.app.insight_store().context()
        >>> sorted(envelope([], ctx, now=DEMO_NOW, key="k"))[:4]
        ['cache_key', 'cache_target_age', 'calculation_trigger', 'error']
    """
    return {
        "cache_key": key,
        "cache_target_age": None,
        "calculation_trigger": None,
        "error": None,
        "hogql": None,
        "is_cached": False,
        "last_refresh": iso_z(now).replace(".000000Z", "Z"),
        "modifiers": {},
        "next_allowed_client_refresh": iso_z(now + timedelta(minutes=1)),
        "query_status": None,
        "results": results,
        "timezone": ctx.timezone,
        "timings": [],
    }


def page_bounds(source: dict) -> tuple[int, int]:
    """``(limit, offset)`` of a paged query: PostHog's default for a missing or non-positive
    limit, its ceiling for a larger one; a value that is not a whole number is refused.

    Example:
        >>> page_bounds({"limit": 0}), page_bounds({"limit": 10**6, "offset": -3})
        ((100, 0), (50000, 0))
    """
    limit = _whole(source.get("limit"), DEFAULT_LIMIT, "limit")
    limit = min(MAX_LIMIT, DEFAULT_LIMIT if limit <= 0 else limit)
    return limit, max(0, _whole(source.get("offset"), 0, "offset"))


def _whole(value: Any, default: int, name: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise DemoValidationError(f"{name} must be a whole number.", attr=name)
    return value


def answer_insight(
    source: dict, ctx: Context, *, now: datetime, key: str
) -> tuple[int, dict[str, Any]]:
    """``(status, body)`` for an insight query source (400 for what the demo refuses)."""
    try:
        computed = compute(source, ctx)
    except DemoValidationError as err:
        return invalid(err.message, err.attr)
    body = envelope(computed.result, ctx, now=now, key=key)
    if source.get("kind") == "TrendsQuery":
        body["hasMore"] = any(
            isinstance(item, dict) and item.get("breakdown_value") == BREAKDOWN_OTHER
            for item in computed.result
        )
    return 200, body
