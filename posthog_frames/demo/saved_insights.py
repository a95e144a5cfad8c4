"""The demo project's saved insights: one or more of each kind, some stored the legacy way
(``filters`` filled, ``query`` derived) and some the new way (``filters: {}``, ``query`` set).

Example:
    >>> from posthog_frames.demo.saved_insights import build_saved_insights
    >>> insights = build_saved_insights(DEMO_NOW)
    >>> len(insights[0].short_id), insights[0].kind
    (8, 'TRENDS')
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .analytics import insight_kind
from .analytics._legacy import derived_name, filters_to_query

__all__ = [
    "SavedInsight",
    "build_saved_insights",
    "derived_name",
    "filters_hash",
    "filters_to_query",
]

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def short_id_for(seed: str) -> str:
    """A deterministic 8-character base62 short id, like PostHog's ``4kLpQ2xZ``.

    Example:
        >>> len(short_id_for("demo-1"))
        8
    """
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, 62)
        chars.append(_B62[rest])
    return "".join(chars)


def filters_hash(query: dict) -> str:
    """The cache key PostHog exposes as ``filters_hash``: ``cache_<md5 of the query>``."""
    return "cache_" + hashlib.md5(json.dumps(query, sort_keys=True).encode()).hexdigest()


@dataclass
class SavedInsight:
    """One saved insight's stored definition and metadata (not its cached result)."""

    id: int
    name: str
    description: str
    created_at: datetime
    filters: dict = field(default_factory=dict)
    stored_query: dict | None = None
    tags: list[str] = field(default_factory=list)
    dashboards: list[int] = field(default_factory=list)
    saved: bool = True
    favorited: bool = False
    cache_age: timedelta | None = timedelta(hours=2)  # None: never computed

    @property
    def short_id(self) -> str:
        return short_id_for(f"posthog-frames-demo-insight-{self.id}")

    @property
    def query(self) -> dict:
        """The new-style query: stored, or derived from the legacy filters."""
        return (
            self.stored_query if self.stored_query is not None else filters_to_query(self.filters)
        )

    @property
    def kind(self) -> str:
        return insight_kind(self.query)


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


def _definitions() -> list[dict]:
    last30 = {"date_from": "-30d"}
    return [
        {
            "name": "Daily traffic and signups",
            "description": "Pageviews, daily visitors and signups over the last 30 days.",
            "tags": ["traffic"],
            "dashboards": [1],
            "stored_query": _viz(
                "TrendsQuery",
                series=[
                    _ev("$pageview", custom_name="Pageviews", math="total"),
                    _ev("$pageview", math="dau"),
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
            "dashboards": [1],
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
            "dashboards": [1],
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
            "name": "Visitors by operating system",
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
            "dashboards": [1],
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
            "dashboards": [1],
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
            "dashboards": [1],
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


def build_saved_insights(now: datetime) -> list[SavedInsight]:
    """The demo project's insights, ids 1..N, created over the weeks before *now*.

    Example:
        >>> [i.kind for i in build_saved_insights(DEMO_NOW)][:2]
        ['TRENDS', 'TRENDS']
    """
    specs = _definitions()
    return [
        SavedInsight(id=i + 1, created_at=now - timedelta(days=45 - 2 * i, hours=3), **spec)
        for i, spec in enumerate(specs)
    ]


_BASIC_FIELDS = (
    "id", "short_id", "name", "derived_name", "filters", "query", "dashboards", "dashboard_tiles",
    "description", "last_refresh", "refreshing", "saved", "tags", "updated_at", "created_by",
    "created_at", "last_modified_at", "favorited", "user_access_level", "last_viewed_at",
)  # fmt: skip


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
        "alerts": [],
        "last_viewed_at": _stamp(modified + timedelta(days=1)),
        "filters_hash": cache_key or filters_hash(query or stored),
        "refreshing": False,
    }
    if basic:
        return {k: body[k] for k in _BASIC_FIELDS}
    return body
