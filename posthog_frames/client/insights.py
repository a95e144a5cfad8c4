"""Insights: the project's saved insights as a DataFrame, and one insight computed on demand.

Example:
    >>> insights(client)[["short_id", "name"]].head(2)
       short_id                       name
    0  U6hMkMoa  Daily traffic and signups
    1  DjOdARqv       Pageviews by browser
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.polling import await_query
from posthog_frames.exceptions import (
    InsightNotComputed,
    InvalidResponse,
    PostHogError,
    QueryFailed,
    RateLimited,
    ValidationError,
)
from posthog_frames.filters import normalize_filters
from posthog_frames.frames.listings import insights_frame
from posthog_frames.http.transport import expect_object
from posthog_frames.insight import Insight

__all__ = [
    "LIST_FILTERS",
    "REFRESH_MODES",
    "insight",
    "insight_frame",
    "insights",
    "refresh_mode",
    "split_frame_options",
]

# The ExecutionMode values the insight endpoint reads (refresh_requested_by_client, reference
# §4); True/False are the legacy spellings. It reads async_except_on_cache_miss as force_cache,
# so that mode is refused here rather than silently never computing.
REFRESH_MODES = (
    "force_cache",
    "blocking",
    "async",
    "lazy_async",
    "force_blocking",
    "force_async",
)
CONCURRENCY_LIMIT = "concurrency_limit_exceeded"  # InsightSerializer's error_message
CONCURRENCY_RETRIES = 3
_LEGACY_REFRESH = {
    True: "force_blocking",
    False: "force_cache",
    "true": "force_blocking",
    "false": "force_cache",
}
_ASYNC = {"async", "lazy_async", "force_async", "async_except_on_cache_miss"}
_LIST_KINDS = ("TRENDS", "FUNNELS", "RETENTION", "PATHS", "STICKINESS", "LIFECYCLE", "SQL", "JSON")
_SHORT_ID = re.compile(r"^[A-Za-z0-9]{8}$")
# PostHog's insight-list filters (reference §4); anything else would be silently ignored.
LIST_FILTERS = (
    "short_id",
    "saved",
    "favorited",
    "user",
    "search",
    "tags",
    "dashboards",
    "insight",
    "created_by",
    "date_from",
    "date_to",
    "created_date_from",
    "created_date_to",
    "last_viewed_date_from",
    "last_viewed_date_to",
    "order",
    "basic",
    "limit",
    "offset",
    "format",
)
_FRAME_FETCH_OPTIONS = ("refresh", "date_from", "date_to", "properties")
_NOT_FOUND_HINT = "List the project's insights (id, short_id, name) with client.insights()."


def insights(client: BaseClient, *, refresh: bool = False, **filters: Any) -> pd.DataFrame:
    """All pages of the project's insights (see :meth:`posthog_frames.Client.insights`).

    Example:
        >>> insights(client, kind="funnels")["name"].tolist()[:2]
        ['Purchase funnel', 'Checkout funnel by browser']
    """
    if not isinstance(refresh, bool):
        raise ValidationError(
            f"insights(refresh=...) only bypasses the local cache (True/False), got "
            f"{refresh!r}; PostHog's refresh modes apply to client.insight(id, refresh=...)."
        )
    params = _list_params(filters)
    pages = client.paginate("insights/", refresh=refresh, **params)
    rows = [row for page in pages for row in page["results"]]
    frame = insights_frame(rows)
    frame.attrs["project_id"] = client.project_id
    return frame


def insight(
    client: BaseClient,
    id_or_short_id: int | str | Insight,
    refresh: str | bool = "blocking",
    date_from: str | None = None,
    date_to: str | None = None,
    properties: Any = None,
    *,
    dashboard: int | None = None,
) -> Insight:
    """One insight with its result (see :meth:`posthog_frames.Client.insight`); *dashboard*
    reads it in that dashboard's context (PostHog's ``from_dashboard``: the dashboard's date
    range and filters apply, when the insight is on it).

    Example:
        >>> insight(client, "U6hMkMoa").name
        'Daily traffic and signups'
    """
    wanted = _insight_id(id_or_short_id)
    key = _insight_key(wanted)
    mode = refresh_mode(refresh)
    params: dict[str, Any] = {"refresh": mode}
    if dashboard is not None:
        params["from_dashboard"] = dashboard
    override = _override(date_from, date_to, properties)
    if override:
        params["filters_override"] = override
    # Forced and async answers must come from PostHog: a locally cached "still computing"
    # status or an old result would defeat the point of asking.
    bypass = mode in _ASYNC or mode == "force_blocking"
    raw = _fetch(client, key, params, refresh=bypass)
    if raw.get("result") is None and not bypass:
        # A cache miss kept by the local cache may be outdated: PostHog may have computed it.
        raw = _fetch(client, key, params, refresh=True)
    for attempt in range(CONCURRENCY_RETRIES + 1):
        if _failure(raw) != CONCURRENCY_LIMIT or attempt == CONCURRENCY_RETRIES:
            break
        # PostHog ran too many of the team's queries at once: a moment later there is room.
        client.pause(client.settings.backoff * 2**attempt)
        raw = _fetch(client, key, params, refresh=True)
    failure = _failure(raw)
    if failure is not None:
        raise _calculation_error(key, failure)
    status = raw.get("query_status")
    if isinstance(status, dict) and status.get("complete") is False:
        raw = _await(client, key, status, params)
    if raw.get("result") is None:
        still = "" if mode == "force_cache" else " or is still computing"
        raise InsightNotComputed(
            f"Insight {key} has no result in PostHog's cache (it was never computed{still} "
            f"for these dates/filters). Compute it with client.insight({wanted!r}, "
            f"refresh={'blocking'!r}).",
            endpoint=f"insights/{key}/",
        )
    return Insight(raw)


def split_frame_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``insight_frame`` keywords split into fetch options (for :func:`insight`) and the rest
    (for the converter).

    Example:
        >>> split_frame_options({"date_from": "-7d", "wide": True})
        ({'date_from': '-7d'}, {'wide': True})
    """
    fetch = {k: v for k, v in options.items() if k in _FRAME_FETCH_OPTIONS}
    return fetch, {k: v for k, v in options.items() if k not in _FRAME_FETCH_OPTIONS}


def insight_frame(
    client: BaseClient, id_or_short_id: int | str | Insight, **options: Any
) -> pd.DataFrame:
    """``insight(...).frame(...)`` (see :meth:`posthog_frames.Client.insight_frame`).

    Example:
        >>> insight_frame(client, "U6hMkMoa").attrs["kind"]
        'trends'
    """
    fetch, convert = split_frame_options(options)
    return insight(client, id_or_short_id, **fetch).frame(**convert)


def _failure(raw: dict[str, Any]) -> str | None:
    """PostHog's error_message when it could not calculate the insight, else None.

    InsightSerializer answers ``result: null`` with an errored ``query_status`` when the query
    hit the team's concurrency limit or crashed (reference §4); that is no query to poll.
    """
    status = raw.get("query_status")
    if raw.get("result") is None and isinstance(status, dict) and status.get("error"):
        return str(status.get("error_message") or "no reason given")
    return None


def _calculation_error(key: str, failure: str) -> PostHogError:
    endpoint = f"insights/{key}/"
    if failure == CONCURRENCY_LIMIT:
        return RateLimited(
            f"PostHog was running too many of this project's queries at once and could not "
            f"calculate insight {key} ({failure}) after {CONCURRENCY_RETRIES + 1} tries. Try "
            "again in a minute, or fetch fewer insights at the same time.",
            detail=failure,
            endpoint=endpoint,
        )
    return QueryFailed(
        f"PostHog failed calculating insight {key}: {failure}. Try again later; if it keeps "
        "failing, open the insight in PostHog to see the error.",
        error_message=failure,
        endpoint=endpoint,
    )


def _fetch(client: BaseClient, key: str, params: dict[str, Any], *, refresh: bool) -> dict:
    # A wrong-shaped answer raises InvalidResponse and leaves the local cache (expect=).
    return client.get(
        f"insights/{key}/",
        refresh=refresh,
        hint=_NOT_FOUND_HINT,
        expect=_expect_insight,
        params=params,
    )


def _await(
    client: BaseClient, key: str, status: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    if not status.get("id"):
        raise InvalidResponse(
            f"insights/{key}/ answered a query_status without an id, so it cannot be polled.",
            endpoint=f"insights/{key}/",
        )
    advice = f"read insight {key} later with refresh='force_cache'"
    status = await_query(client, status, client.settings.timeout, advice)
    if status.get("error"):
        raise PostHogError(
            f"PostHog failed computing insight {key}: {status.get('error_message')}",
            endpoint=f"insights/{key}/",
        )
    # The computed result now sits in PostHog's cache under this very request's key.
    return _fetch(client, key, {**params, "refresh": "force_cache"}, refresh=True)


def _list_params(filters: dict[str, Any]) -> dict[str, Any]:
    """PostHog's list filters as query parameters (basic listing, JSON arrays, upper kinds)."""
    filters = dict(filters)
    if "kind" in filters:
        if "insight" in filters:
            raise ValidationError(
                "insights(): give kind= or insight= (they are the same filter), not both.",
                attr="kind",
            )
        filters["insight"] = filters.pop("kind")
    unknown = sorted(set(filters) - set(LIST_FILTERS))
    if unknown:
        raise ValidationError(
            f"insights() got {', '.join(map(repr, unknown))}, which PostHog's insight list does "
            "not filter on (it would be ignored); use kind= or one of: "
            f"{', '.join(LIST_FILTERS)}.",
            attr=unknown[0],
        )
    params: dict[str, Any] = {"basic": True, "limit": 100, **filters}
    kind = params.get("insight")
    if kind is not None:
        word = str(kind).strip().upper()
        word = {"FUNNEL": "FUNNELS", "TREND": "TRENDS", "PATH": "PATHS", "HOGQL": "SQL"}.get(
            word, word
        )
        if word not in _LIST_KINDS:
            raise ValidationError(
                f"insight={kind!r} is not an insight kind; use one of {', '.join(_LIST_KINDS)}.",
                attr="insight",
            )
        params["insight"] = word
    for name, value in params.items():
        if isinstance(value, list | tuple | dict):
            params[name] = json.dumps(list(value) if isinstance(value, tuple) else value)
    return params


def _insight_id(value: Any) -> Any:
    """An Insight object's id (else its short id); any other value unchanged."""
    raw = getattr(value, "raw", None)
    if isinstance(raw, Mapping) and not isinstance(value, str | int):
        found = raw.get("id") if raw.get("id") is not None else raw.get("short_id")
        if found is None:
            raise ValidationError(
                "This Insight has neither an id nor a short_id, so it cannot be fetched; "
                "convert it directly with ins.frame()."
            )
        return found
    return value


def _insight_key(value: int | str) -> str:
    if isinstance(value, bool):
        raise ValidationError("An insight id is a number or an 8-character short id, not a bool.")
    # Ids read back from client.insights() arrive as numpy integers.
    text = str(int(value)) if isinstance(value, numbers.Integral) else ""
    text = value.strip() if isinstance(value, str) else text
    if text.isdigit() or _SHORT_ID.match(text):
        return text
    raise ValidationError(
        f"{value!r} is neither an insight's numeric id nor its 8-character short id (the part "
        "after /insights/ in PostHog's URL). List both with client.insights()."
    )


def refresh_mode(refresh: str | bool) -> str:
    """PostHog's execution mode for an insight's ``refresh=`` (legacy booleans mapped); a mode
    the insight endpoint does not read is refused.

    Example:
        >>> refresh_mode(True), refresh_mode("blocking")
        ('force_blocking', 'blocking')
    """
    if isinstance(refresh, bool) or refresh in ("true", "false"):
        return _LEGACY_REFRESH[refresh]
    if refresh == "async_except_on_cache_miss":
        raise ValidationError(
            "The insight endpoint reads refresh='async_except_on_cache_miss' as 'force_cache' "
            "(it never computes). Use 'blocking' (compute when stale) or 'async'."
        )
    if not isinstance(refresh, str) or refresh not in REFRESH_MODES:
        raise ValidationError(
            f"refresh={refresh!r} is not one of PostHog's modes: {', '.join(REFRESH_MODES)} "
            '(or True for "force_blocking"). Use "blocking" to compute when stale.'
        )
    return refresh


def _override(date_from: Any, date_to: Any, properties: Any) -> str | None:
    override: dict[str, Any] = {}
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None:
            # date, datetime and Timestamp as ISO text; "-7d" and "2025-03-01" pass unchanged.
            override[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if properties:
        override["properties"] = [f.to_dict() for f in normalize_filters(properties)]
    return json.dumps(override) if override else None


def _expect_insight(body: Any) -> str | None:
    # PostHog's InsightSerializer always has "result" (null when not computed); a body without
    # it is not an insight (a proxy's JSON, a list endpoint, another API).
    if not isinstance(body, dict):
        return expect_object(body)
    if "result" in body:
        return None
    return f"expected an insight object with a 'result' key, got keys {sorted(body)[:8]}"
