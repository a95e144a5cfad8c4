"""Legacy insight ``filters`` → new-style queries, and PostHog's auto-generated names.

Example:
    >>> derived_name(filters_to_query({"insight": "TRENDS", "events": [{"id": "$pageview"}]}))
    '$pageview count'
"""

from __future__ import annotations

from typing import Any

from posthog_frames.demo.analytics import query_source

__all__ = ["derived_name", "filters_to_query"]

_LEGACY_KINDS = {
    "TRENDS": "TrendsQuery",
    "FUNNELS": "FunnelsQuery",
    "RETENTION": "RetentionQuery",
    "PATHS": "PathsQuery",
    "STICKINESS": "StickinessQuery",
    "LIFECYCLE": "LifecycleQuery",
}


def _events_node(entity: dict) -> dict:
    node = {
        "kind": "EventsNode",
        "event": entity.get("id"),
        "name": entity.get("name") or entity.get("id"),
    }
    for key in ("custom_name", "math", "math_property", "properties"):
        if entity.get(key):
            node[key] = entity[key]
    return node


def filters_to_query(filters: dict) -> dict:
    """Derive the new-style ``InsightVizNode`` from a legacy ``filters`` dict.

    Example:
        >>> q = filters_to_query({"insight": "TRENDS", "events": [{"id": "$pageview"}]})
        >>> q["source"]["kind"]
        'TrendsQuery'
    """
    insight = filters.get("insight") or "TRENDS"
    source: dict[str, Any] = {"kind": _LEGACY_KINDS[insight]}
    if filters.get("events"):
        source["series"] = [_events_node(e) for e in filters["events"]]
    if filters.get("date_from") or filters.get("date_to"):
        source["dateRange"] = {
            "date_from": filters.get("date_from"),
            "date_to": filters.get("date_to"),
        }
    if filters.get("interval"):
        source["interval"] = filters["interval"]
    if filters.get("properties"):
        source["properties"] = filters["properties"]
    if filters.get("breakdown"):
        source["breakdownFilter"] = {
            "breakdown": filters["breakdown"],
            "breakdown_type": filters.get("breakdown_type") or "event",
        }
    if filters.get("compare"):
        source["compareFilter"] = {"compare": True}
    if insight == "TRENDS":
        source["trendsFilter"] = {"display": filters.get("display") or "ActionsLineGraph"}
    elif insight == "FUNNELS":
        source["funnelsFilter"] = {
            "funnelVizType": filters.get("funnel_viz_type") or "steps",
            "funnelWindowInterval": filters.get("funnel_window_interval") or 14,
            "funnelWindowIntervalUnit": filters.get("funnel_window_interval_unit") or "day",
        }
    elif insight == "RETENTION":
        source["retentionFilter"] = {
            "period": filters.get("period") or "Day",
            "retentionType": filters.get("retention_type") or "retention_first_time",
            "totalIntervals": filters.get("total_intervals") or 11,
            "targetEntity": filters.get("target_entity"),
            "returningEntity": filters.get("returning_entity"),
        }
    elif insight == "PATHS":
        source["pathsFilter"] = {
            "includeEventTypes": filters.get("include_event_types") or ["$pageview"],
            "stepLimit": filters.get("step_limit") or 5,
        }
    elif insight == "STICKINESS":
        source["stickinessFilter"] = {}
    return {"kind": "InsightVizNode", "source": source, "full": True}


def derived_name(query: dict) -> str:
    """PostHog-style auto name ("Pageview count", "A → B user conversion rate", ...)."""
    source = query_source(query)
    kind = source.get("kind")
    names = [
        n.get("custom_name") or n.get("name") or n.get("event") for n in source.get("series") or []
    ]
    if kind == "HogQLQuery":
        return "SQL query"
    if kind == "FunnelsQuery":
        viz = (source.get("funnelsFilter") or {}).get("funnelVizType") or "steps"
        tail = {"steps": "rate", "time_to_convert": "time", "trends": "trend"}[viz]
        return " → ".join(names) + f" user conversion {tail}"
    if kind == "RetentionQuery":
        rf = source.get("retentionFilter") or {}
        target = (rf.get("targetEntity") or {}).get("name", "$pageview")
        back = (rf.get("returningEntity") or {}).get("name", target)
        return (
            f"Retention of users based on doing {target} for the first time and returning "
            f"with {back}"
        )
    if kind == "PathsQuery":
        return "User paths based on page views"
    if kind in ("StickinessQuery", "LifecycleQuery"):
        word = "stickiness" if kind == "StickinessQuery" else "lifecycle"
        return f"User {word} based on {names[0] if names else 'events'}"
    name = " & ".join(names) + " count"
    breakdown = (source.get("breakdownFilter") or {}).get("breakdown")
    return f"{name} by {breakdown}" if breakdown else name
