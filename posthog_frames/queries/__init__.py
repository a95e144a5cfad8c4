"""PostHog queries written from Python values: insight queries and their series. Pure: no I/O.

The :class:`~posthog_frames.Client` verbs (``client.trends(...)``, ``client.funnel(...)`` …) build
their query here and send it to ``/query/``; the same builders are handy to look at (or store)
the exact JSON PostHog receives.

Example:
    >>> from posthog_frames.queries import trends_query
    >>> trends_query(phf.Event("$pageview", math="dau"))["source"]["series"][0]["math"]
    'dau'
"""

from posthog_frames.queries.insights import (
    funnel_query,
    insight_source,
    lifecycle_query,
    paths_query,
    retention_query,
    stickiness_query,
    trends_query,
)
from posthog_frames.queries.series import Action, Event, series_nodes

__all__ = [
    "Action",
    "Event",
    "funnel_query",
    "insight_source",
    "lifecycle_query",
    "paths_query",
    "retention_query",
    "series_nodes",
    "stickiness_query",
    "trends_query",
]
