"""The demo project's saved insights, as a table of definitions: name, description, tags and
the stored insight, either the legacy way (``filters`` filled) or the new way (``query`` set);
which dashboards show them is in :mod:`.dashboards`.
:func:`~posthog_frames.demo.data.saved_insights.build_saved_insights` numbers them.

Example:
    >>> sorted({"filters" in d for d in insight_definitions()})
    [False, True]
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

__all__ = ["insight_definitions"]


def _viz(kind: str, **source: Any) -> dict:
    return {"kind": "InsightVizNode", "source": {"kind": kind, **source}, "full": True}


def _ev(event: str, **extra: Any) -> dict:
    return {"kind": "EventsNode", "event": event, "name": event, **extra}


def _legacy_ev(event: str, order: int, **extra: Any) -> dict:
    return {"id": event, "type": "events", "order": order, "name": event, **extra}


_PURCHASE_STEPS = [_ev("signed up"), _ev("viewed product"), _ev("added to cart"), _ev("purchased")]
_CART_STEPS = ("viewed product", "added to cart", "purchased")
_SQL = (
    "select properties.$browser as browser, count() as pageviews from events "
    "where event = '$pageview' group by browser order by pageviews desc"
)


def insight_definitions() -> list[dict]:
    """Each saved insight's fields but ``id`` and ``created_at``, in id order (fresh dicts).

    Example:
        >>> [d["name"] for d in insight_definitions()][:2]
        ['Daily traffic and signups', 'Pageviews by browser']
    """
    last30 = {"date_from": "-30d"}
    return [
        {
            "name": "Daily traffic and signups",
            "description": "Pageviews, daily visitors and signups over the last 30 days.",
            "tags": ["traffic"],
            "stored_query": _viz(
                "TrendsQuery",
                series=[
                    _ev("$pageview", custom_name="Pageviews", math="total"),
                    _ev("$pageview", custom_name="Daily visitors", math="dau"),
                    _ev("signed up", math="total"),
                ],
                interval="day",
                dateRange=last30,
                trendsFilter={"display": "ActionsLineGraph"},
            ),
        },
        {
            "name": "Pageviews by browser",
            "description": "Daily pageviews split by the browser they came from.",
            "filters": {
                "insight": "TRENDS",
                "display": "ActionsLineGraph",
                "events": [_legacy_ev("$pageview", 0)],
                "interval": "day",
                "date_from": "-14d",
                "breakdown": "$browser",
                "breakdown_type": "event",
            },
        },
        {
            "name": "Signups this week",
            "description": "Unique persons who signed up in the last 7 days.",
            "stored_query": _viz(
                "TrendsQuery",
                series=[_ev("signed up", math="dau")],
                interval="day",
                dateRange={"date_from": "-7d"},
                trendsFilter={"display": "BoldNumber"},
            ),
            "favorited": True,
        },
        {
            "name": "Revenue vs previous period",
            "description": "Daily revenue from purchases, compared with the 14 days before.",
            "filters": {
                "insight": "TRENDS",
                "display": "ActionsLineGraph",
                "events": [_legacy_ev("purchased", 0, math="sum", math_property="revenue")],
                "interval": "day",
                "date_from": "-14d",
                "compare": True,
            },
            "tags": ["revenue"],
            "cache_age": timedelta(hours=9),
        },
        {
            "name": "Pageviews by operating system",
            "description": "Share of pageviews per initial operating system (last 30 days).",
            "stored_query": _viz(
                "TrendsQuery",
                series=[_ev("$pageview")],
                dateRange=last30,
                breakdownFilter={"breakdown": "$initial_os", "breakdown_type": "person"},
                trendsFilter={"display": "ActionsPie"},
            ),
        },
        {
            "name": "Purchase funnel",
            "description": "From signup to first purchase within 14 days.",
            "stored_query": _viz(
                "FunnelsQuery",
                series=_PURCHASE_STEPS,
                dateRange=last30,
                funnelsFilter={
                    "funnelVizType": "steps",
                    "funnelWindowInterval": 14,
                    "funnelWindowIntervalUnit": "day",
                },
            ),
            "tags": ["conversion"],
        },
        {
            "name": "Checkout funnel by browser",
            "description": "Product view to purchase, per browser.",
            "filters": {
                "insight": "FUNNELS",
                "display": "FunnelViz",
                "funnel_viz_type": "steps",
                "events": [_legacy_ev(e, i) for i, e in enumerate(_CART_STEPS)],
                "date_from": "-30d",
                "breakdown": "$browser",
                "breakdown_type": "event",
            },
            "tags": ["conversion"],
        },
        {
            "name": "Time to purchase",
            "description": "How long it takes from viewing a product to buying it.",
            "stored_query": _viz(
                "FunnelsQuery",
                series=[_ev(e) for e in _CART_STEPS],
                dateRange=last30,
                funnelsFilter={"funnelVizType": "time_to_convert", "layout": "horizontal"},
            ),
        },
        {
            "name": "Cart conversion trend",
            "description": "Daily conversion from product view to purchase.",
            "filters": {
                "insight": "FUNNELS",
                "display": "ActionsLineGraph",
                "funnel_viz_type": "trends",
                "events": [_legacy_ev(e, i) for i, e in enumerate(_CART_STEPS)],
                "interval": "day",
                "date_from": "-30d",
            },
            "cache_age": timedelta(hours=9),
        },
        {
            "name": "Weekly retention after signup",
            "description": "Share of new signups who come back to view a page, week by week.",
            "stored_query": _viz(
                "RetentionQuery",
                retentionFilter={
                    "period": "Week",
                    "retentionType": "retention_first_time",
                    "totalIntervals": 11,
                    "targetEntity": {"id": "signed up", "name": "signed up", "type": "events"},
                    "returningEntity": {"id": "$pageview", "name": "$pageview", "type": "events"},
                },
            ),
            "tags": ["retention"],
        },
        {
            "name": "Journeys through the shop",
            "description": "The most common page-to-page paths (first five steps of a session).",
            "stored_query": _viz(
                "PathsQuery",
                dateRange=last30,
                pathsFilter={
                    "includeEventTypes": ["$pageview"],
                    "stepLimit": 5,
                    "excludeEvents": [],
                    "pathGroupings": [],
                },
            ),
        },
        {
            "name": "How sticky is the site",
            "description": "Persons by number of days with a pageview in the last 30 days.",
            "filters": {
                "insight": "STICKINESS",
                "shown_as": "Stickiness",
                "events": [_legacy_ev("$pageview", 0)],
                "interval": "day",
                "date_from": "-30d",
            },
        },
        {
            "name": "Visitor lifecycle",
            "description": "New, returning, resurrecting and dormant visitors per day.",
            "stored_query": _viz(
                "LifecycleQuery", series=[_ev("$pageview")], interval="day", dateRange=last30
            ),
            "tags": ["retention"],
        },
        {
            "name": "Pageviews per browser (SQL)",
            "description": "All-time pageviews per browser, straight from SQL.",
            "stored_query": {
                "kind": "DataTableNode",
                "full": True,
                "source": {"kind": "HogQLQuery", "query": _SQL},
            },
        },
        {
            "name": "Draft: weekly signups by plan",
            "description": "Work in progress, never run.",
            "stored_query": _viz(
                "TrendsQuery",
                series=[_ev("signed up", math="dau")],
                interval="week",
                dateRange={"date_from": "-8w"},
                breakdownFilter={"breakdown": "plan", "breakdown_type": "person"},
                trendsFilter={"display": "ActionsBar"},
            ),
            "saved": False,
            "cache_age": None,
        },
    ]
