"""Any request copied from PostHog's network tab, run again and answered as the frame the
matching verb makes (see :meth:`posthog_frames.Client.run`).

A ``/query/`` body goes through the same code as the verbs: insight kinds through
:func:`~posthog_frames.client.analysis.run_insight` (the converters of
:func:`~posthog_frames.insight_frame`), ``HogQLQuery``, ``EventsQuery`` and ``ActorsQuery``
through :func:`~posthog_frames.client.query.post_query` and the SQL, events and persons
converters. A GET URL is read by :mod:`posthog_frames.queries.copied` and handed to the verb of
its path (:mod:`.run_url`).

Example:
    >>> run(client, '{"kind": "HogQLQuery", "query": "select 1 as one"}')["one"].tolist()
    [1]
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from posthog_frames.client.analysis import run_insight
from posthog_frames.client.base import BaseClient
from posthog_frames.client.events import event_types
from posthog_frames.client.properties import person_property_types
from posthog_frames.client.query import hogql_rejected, post_query, sql_frame
from posthog_frames.client.run_url import run_url
from posthog_frames.exceptions import UnsupportedQuery
from posthog_frames.frames import TruncatedResult
from posthog_frames.frames.events import events_frame
from posthog_frames.frames.persons import actors_frame
from posthog_frames.queries import insight_source
from posthog_frames.queries.copied import copied_body, is_url, query_source

__all__ = ["INSIGHT_KINDS", "ROW_KINDS", "run", "run_body"]

INSIGHT_KINDS = (
    "TrendsQuery",
    "FunnelsQuery",
    "RetentionQuery",
    "LifecycleQuery",
    "StickinessQuery",
    "PathsQuery",
)
ROW_KINDS = ("HogQLQuery", "EventsQuery", "ActorsQuery")
_PERSON_COLUMNS = ("actor", "person")


def run(client: BaseClient, copied: Any, *, refresh: bool = False) -> Any:
    """A copied ``/query/`` body (or query) as its frame, or a copied GET URL as the frame of
    the matching verb (see :meth:`posthog_frames.Client.run`).

    Example:
        >>> run(client, {"query": {"kind": "InsightVizNode", "source": {"kind": "TrendsQuery",
        ...     "series": [{"kind": "EventsNode", "event": "signed up"}]}}}).attrs["kind"]
        'trends'
    """
    if is_url(copied):
        return run_url(client, copied, refresh=refresh)
    return run_body(client, copied_body(copied), refresh=refresh)


def run_body(client: BaseClient, body: dict[str, Any], *, refresh: bool = False) -> pd.DataFrame:
    """Run one checked ``/query/`` body (:func:`~posthog_frames.queries.copied.copied_body`).

    Example:
        >>> run_body(client, {"query": {"kind": "DataTableNode", "source": {"kind":
        ...     "HogQLQuery", "query": "select 2 as two"}}})["two"].tolist()
        [2]
    """
    extra = {key: value for key, value in body.items() if key != "query"}
    node = query_source(body["query"])
    source = insight_source(node)
    kind = source.get("kind")
    if kind in INSIGHT_KINDS:
        # The verbs send (and keep in attrs) the InsightVizNode; PostHog answers both alike.
        viz = node if node is not source else {"kind": "InsightVizNode", "source": source}
        return run_insight(client, viz, refresh=refresh, extra=extra)
    if node is not source or kind not in ROW_KINDS:
        raise _unsupported(kind)
    mode = "force_blocking" if refresh else "blocking"
    rejected = hogql_rejected if kind == "HogQLQuery" else None
    answer = post_query(client, source, mode, extra=extra or None, rejected=rejected)
    if kind == "EventsQuery":
        frame = events_frame(answer, event_types(client))
    elif kind == "ActorsQuery" and set(_PERSON_COLUMNS) & set(answer.get("columns") or []):
        frame = actors_frame(answer, property_types=person_property_types(client))
    else:  # HogQL, or actors selected without the person object: typed rows
        frame = sql_frame(answer)
    if answer.get("hasMore") and kind != "HogQLQuery":  # hogql_frame warns by itself
        _warn_more(kind, len(frame))
    frame.attrs["query"] = source
    return frame


def _warn_more(kind: str, rows: int) -> None:
    verb = "client.events(...)" if kind == "EventsQuery" else "client.actors(...)"
    warnings.warn(
        f"PostHog answered the first {rows:,} rows of this {kind} and has more: set its "
        f"'limit' (at most 50,000), or use {verb}, which pages through every row.",
        TruncatedResult,
        stacklevel=4,
    )


def _unsupported(kind: Any) -> UnsupportedQuery:
    return UnsupportedQuery(
        f"client.run() makes no frame of a {kind!r} query: it converts the insight kinds "
        f"({', '.join(INSIGHT_KINDS)}) and {', '.join(ROW_KINDS)}. For SQL use client.query(); "
        "for other kinds client.post('query/', {'query': ...}) returns PostHog's JSON, and "
        "client.get(url) any copied GET request.",
        kind=str(kind),
        attr="query",
    )
