"""Ad-hoc insights: a query written from keyword arguments, run on ``/query/``, returned as the
frame of its kind, with the query in ``df.attrs["query"]`` and the URL that opens it.

The query is built and checked in :mod:`posthog_frames.queries` (every argument against
PostHog's schema); here the property names it uses are checked against the project's property
definitions, still before the query is sent: a breakdown on a property no event (or person) has
is refused naming the closest names, as is a filter on an event property written as a person
one. PostHog answers ``/query/`` with the insight kind's ``results``, the same list its insight
endpoint answers for a saved insight of that definition (both run the same query runner), so
the converters make the same frame of either. Insight queries count against PostHog's
ClickHouse budget (240 a minute, 1,200 an hour), not HogQL's 120 an hour.

Example:
    >>> from posthog_frames.queries import trends_query
    >>> run_insight(client, trends_query("signed up", date_from="-3d")).shape
    (4, 5)
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterator
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.properties import property_definitions
from posthog_frames.client.query import post_query
from posthog_frames.exceptions import (
    InvalidArgument,
    PermissionDenied,
    ValidationError,
)
from posthog_frames.frames import insight_frame
from posthog_frames.insight import Insight
from posthog_frames.queries import (
    funnel_query,
    insight_source,
    lifecycle_query,
    paths_query,
    retention_query,
    stickiness_query,
    trends_query,
)
from posthog_frames.queries.urls import insight_url

__all__ = [
    "check_properties",
    "funnel",
    "lifecycle",
    "paths",
    "query_of",
    "retention",
    "run_insight",
    "stickiness",
    "trends",
    "url_for",
]

_TYPED = ("event", "person")  # the property types with definitions to check names against
_A = {"event": "an", "person": "a"}


def _used(source: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(what, key, type) for every property the query names: its breakdown and filters."""
    breakdown = source.get("breakdownFilter") or {}
    if isinstance(breakdown.get("breakdown"), str):
        yield "breakdown", breakdown["breakdown"], breakdown.get("breakdown_type") or "event"
    nodes = [source, *(source.get("series") or [])]
    retention = source.get("retentionFilter") or {}
    nodes += [retention.get("targetEntity") or {}, retention.get("returningEntity") or {}]
    for node in nodes:
        for f in node.get("properties") or []:
            if isinstance(f, dict) and isinstance(f.get("key"), str):
                yield "properties", f["key"], f.get("type") or "event"


def check_properties(client: BaseClient, source: dict[str, Any]) -> None:
    """Refuse a breakdown on a property the project does not have, or a filter on a property
    of the other type; warn about a filter on a property of neither type (it matches nothing).

    Without the ``property_definition:read`` scope nothing is checked.

    Example:
        >>> check_properties(client, {"breakdownFilter": {"breakdown": "$brwoser"}})
        Traceback (most recent call last):
        ...
        posthog_frames.ValidationError: No event property is named '$brwoser' ... '$browser'? ...
    """
    used = [u for u in _used(source) if u[2] in _TYPED]
    if not used:
        return
    names: dict[str, list[str]] = {}
    try:
        for kind in _TYPED:
            frame = property_definitions(client, kind)
            names[kind] = [str(n) for n in frame["name"].dropna()]
    except PermissionDenied:
        return
    for what, key, kind in used:
        if key in names[kind]:
            continue
        other = "person" if kind == "event" else "event"
        if key in names[other]:
            fix = "breakdown_type" if what == "breakdown" else "type"
            raise ValidationError(
                f"{key!r} is {_A[other]} {other} property, not {_A[kind]} {kind} property: pass "
                f"{fix}={other!r} (for a filter: PropertyFilter({key!r}, ..., type={other!r})).",
                attr=what,
            )
        close = difflib.get_close_matches(key, names[kind], n=3)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        message = (
            f"No {kind} property is named {key!r} in this project's property definitions.{hint}"
            f" List them with client.property_definitions({kind!r})."
        )
        if what == "breakdown":
            raise ValidationError(message, attr="breakdown")
        warnings.warn(message + " The filter matches nothing.", UserWarning, stacklevel=5)


def run_insight(
    client: BaseClient,
    query: dict[str, Any],
    *,
    refresh: bool = False,
    extra: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Run an insight *query* (an ``InsightVizNode``) on ``/query/``: the frame of its kind.

    ``df.attrs`` holds the query exactly as sent (``query``), PostHog's ``timezone``,
    ``last_refresh`` and ``is_cached``. ``refresh=True`` asks PostHog again instead of the
    local cache. *extra* adds keys to the request body (PostHog's ``filters_override``).
    """
    source = insight_source(query)
    check_properties(client, source)
    answer = post_query(client, query, extra=extra, expect=_expect_rows, fresh=refresh)
    insight = {
        "query": query,
        "result": answer["results"],
        "timezone": answer.get("timezone"),
        "last_refresh": answer.get("last_refresh"),
        "is_cached": answer.get("is_cached"),
    }
    return insight_frame(insight)


def query_of(value: Any) -> dict[str, Any]:
    """The insight query a frame (``df.attrs["query"]``), an Insight or a query dict stands for.

    Example:
        >>> query_of(client.insight_frame("U6hMkMoa"))["source"]["kind"]
        'TrendsQuery'
    """
    if isinstance(value, pd.DataFrame):
        query = value.attrs.get("query")
        where = "this frame's attrs"
    elif isinstance(value, Insight):
        query = value.raw.get("query")
        where = "this insight"
    else:
        query, where = value, "the value given"
    if not isinstance(query, dict) or not isinstance(query.get("kind"), str):
        raise InvalidArgument(
            f"No PostHog insight query in {where}: pass a frame from client.trends(...) (or "
            "another analysis verb) or client.insight_frame(...), an Insight, or a query dict.",
            attr="query",
        )
    return query


def url_for(client: BaseClient, value: Any) -> str:
    """The PostHog URL that opens the insight behind *value* (see
    :meth:`posthog_frames.Client.url_for`).

    Example:
        >>> url_for(client, client.insight_frame("U6hMkMoa"))
        'http://127.0.0.1:.../project/1/insights/U6hMkMoa'
    """
    short_id = value.attrs.get("short_id") if isinstance(value, pd.DataFrame) else None
    if isinstance(value, Insight):
        short_id = value.short_id
    query = None if short_id else query_of(value)
    team = client.me().get("team") or {}
    team_id = team.get("id") or client.project_id
    return insight_url(client.host, team_id, query, short_id)


def _expect_rows(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("results"), list | dict):
        return None
    got = f"keys {sorted(body)[:8]}" if isinstance(body, dict) else type(body).__name__
    return f"expected a /query/ answer with 'results', got {got}"


def trends(
    client: BaseClient, series: Any, *, refresh: bool = False, **options: Any
) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.trends_query` run (see :meth:`posthog_frames.Client.trends`).

    Example:
        >>> trends(client, "signed up", date_from="-2d")["value"].tolist()
        [4, 5, 9]
    """
    return run_insight(client, trends_query(series, **options), refresh=refresh)


def funnel(
    client: BaseClient, steps: Any, *, refresh: bool = False, **options: Any
) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.funnel_query` run (see :meth:`posthog_frames.Client.funnel`).

    Example:
        >>> funnel(client, ["signed up", "purchased"], date_from="-30d")["count"].tolist()
        [203, 37]
    """
    return run_insight(client, funnel_query(steps, **options), refresh=refresh)


def retention(
    client: BaseClient, target: Any, returning: Any = None, *, refresh: bool = False, **options: Any
) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.retention_query` run (see
    :meth:`posthog_frames.Client.retention`).

    Example:
        >>> retention(client, "signed up", "$pageview", intervals=4).shape
        (4, 4)
    """
    return run_insight(client, retention_query(target, returning, **options), refresh=refresh)


def lifecycle(
    client: BaseClient, event: Any, *, refresh: bool = False, **options: Any
) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.lifecycle_query` run (see
    :meth:`posthog_frames.Client.lifecycle`).

    Example:
        >>> sorted(set(lifecycle(client, "$pageview")["status"]))
        ['dormant', 'new', 'resurrecting', 'returning']
    """
    return run_insight(client, lifecycle_query(event, **options), refresh=refresh)


def stickiness(
    client: BaseClient, series: Any, *, refresh: bool = False, **options: Any
) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.stickiness_query` run (see
    :meth:`posthog_frames.Client.stickiness`).

    Example:
        >>> stickiness(client, "$pageview")["days"].tolist()
        [1, 2, 3, 4, 5, 6, 7, 8]
    """
    return run_insight(client, stickiness_query(series, **options), refresh=refresh)


def paths(client: BaseClient, *, refresh: bool = False, **options: Any) -> pd.DataFrame:
    """:func:`~posthog_frames.queries.paths_query` run (see :meth:`posthog_frames.Client.paths`).

    Example:
        >>> paths(client, start="/pricing")["source"].iloc[0]
        '1_/pricing'
    """
    return run_insight(client, paths_query(**options), refresh=refresh)
