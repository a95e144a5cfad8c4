"""How the insight endpoints read their query parameters, as ``posthog/api/insight.py`` does:
``refresh`` (``refresh_requested_by_client``), the list's filters and links, ``filters_override``.

Example:
    >>> refresh_mode("blocking"), refresh_mode("BLOCKING")   # mode names are case-sensitive
    ('blocking', 'force_cache')
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from urllib.parse import urlencode

from posthog_frames.demo.analytics import query_source
from posthog_frames.demo.data.saved_insights import SavedInsight
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["KINDS", "apply_override", "flag", "matches", "page_url", "refresh_mode", "whole"]

# refresh_requested_by_client (posthog/utils.py): these names, case-sensitive; "true", "1",
# "yes" and a bare "?refresh" mean force_blocking; anything else (async_except_on_cache_miss
# included) reads the cache only.
_MODES = {
    "force_cache": "force_cache",
    "blocking": "blocking",
    "force_blocking": "force_blocking",
    "async": "async",
    "lazy_async": "async",
    "force_async": "force_async",
}
_TRUE = ("true", "1", "yes", "")


def refresh_mode(raw: str | None) -> str:
    """The execution mode the insight endpoint reads from ``?refresh=``.

    Example:
        >>> refresh_mode("async_except_on_cache_miss"), refresh_mode(""), refresh_mode(None)
        ('force_cache', 'force_blocking', 'force_cache')
    """
    if raw is None:
        return "force_cache"
    if raw.lower() in _TRUE:
        return "force_blocking"
    return _MODES.get(raw, "force_cache")


KINDS = ("TRENDS", "FUNNELS", "RETENTION", "PATHS", "STICKINESS", "LIFECYCLE", "SQL")


def flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "on", "t", "y")


def whole(value: str | None, default: int, minimum: int) -> int:
    # DRF's LimitOffsetPagination falls back to the default on a non-integer, it never errors.
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number >= minimum else default


def matches(insight: SavedInsight, params: Mapping[str, str]) -> bool:
    if params.get("short_id") and insight.short_id != params["short_id"]:
        return False
    saved = flag(params.get("saved"))
    if saved is True and not (insight.saved or insight.dashboards):
        return False
    if saved is False and (insight.saved or insight.dashboards):
        return False
    search = (params.get("search") or "").lower()
    if search and search not in f"{insight.name}\n{insight.description}".lower():
        return False
    kind = params.get("insight")
    if kind and insight.kind != kind.upper():
        return False
    return _on_dashboards(insight, params.get("dashboards"))


def _on_dashboards(insight: SavedInsight, raw: str | None) -> bool:
    """``dashboards=[1, 2]`` (JSON): insights on every one of them."""
    try:
        wanted = json.loads(raw) if raw else []
    except ValueError:
        wanted = []
    ids = [w for w in wanted if isinstance(w, int)] if isinstance(wanted, list) else []
    return all(dashboard in insight.dashboards for dashboard in ids)


def page_url(base_url: str, params: Mapping[str, str], limit: int, offset: int) -> str:
    query = {k: v for k, v in params.items() if k not in ("limit", "offset")}
    query["limit"] = str(limit)
    if offset:
        query["offset"] = str(offset)
    return f"{base_url}?{urlencode(query)}"


# Query kinds with a breakdownFilter / an interval, which dashboard filters may replace.
_BREAKDOWN_KINDS = ("TrendsQuery", "FunnelsQuery", "RetentionQuery")
_INTERVAL_KINDS = ("TrendsQuery", "FunnelsQuery", "StickinessQuery", "LifecycleQuery")


def apply_override(query: dict, override: dict) -> dict:
    """The query with a ``DashboardFilter`` applied (a copy): an insight's
    ``filters_override``, or its dashboard's ``filters`` (``from_dashboard``), as
    ``QueryRunner.apply_dashboard_filters`` applies them: dates replace the insight's range,
    properties are AND-ed with its own, a breakdown or interval replaces its own."""
    query = copy.deepcopy(query)
    source = query_source(query)
    if source.get("kind") == "HogQLQuery":
        return query
    if override.get("date_from") or override.get("date_to"):
        # QueryRunner.apply_dashboard_filters: the two bounds are one range, set together (a
        # date_from alone clears the insight's own date_to).
        span = {**(source.get("dateRange") or {}), "date_from": override.get("date_from")}
        span["date_to"] = override.get("date_to")
        if override.get("explicitDate") is not None:
            span["explicitDate"] = override["explicitDate"]
        source["dateRange"] = {k: v for k, v in span.items() if v is not None}
    if override.get("breakdown_filter") and source.get("kind") in _BREAKDOWN_KINDS:
        source["breakdownFilter"] = override["breakdown_filter"]
    if override.get("interval") and source.get("kind") in _INTERVAL_KINDS:
        source["interval"] = override["interval"]
    extra = override.get("properties")
    if extra:
        if isinstance(extra, dict) and "values" not in extra:
            extra = [extra]
        if not isinstance(extra, list | dict):
            raise DemoValidationError(
                "filters_override.properties must be a list.", attr="filters_override"
            )
        existing = source.get("properties")
        source["properties"] = {"type": "AND", "values": [existing, extra]} if existing else extra
    return query
