"""HogQL on ``/query/``: one query as a DataFrame, its pages, and polling async queries.

Every query is ``POST /api/projects/:id/query/`` with ``{"query": {"kind": "HogQLQuery",
"query": sql, "values": {...}}, "refresh": ...}``; blocking answers are cached locally, keyed
on that body. PostHog answers at most 100 rows without a LIMIT and at most 50,000 with one;
``paginate=True`` pages through everything (see :func:`posthog_frames.client.hogql.page_sql`).

Example:
    >>> query(client, "select event, count() as n from events group by event order by n desc"
    ...       ).columns.tolist()
    ['event', 'n']
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.hogql import MAX_ROWS, page_sql, with_limit
from posthog_frames.exceptions import InvalidResponse, Timeout, ValidationError
from posthog_frames.frames.sql import hogql_frame

__all__ = [
    "POLL_SECONDS",
    "REFRESH_MODES",
    "await_query",
    "check_limit",
    "check_sql",
    "no_cache",
    "query",
    "query_pages",
    "run_query",
]

# PostHog's ExecutionMode values (reference §4) that /query/ takes.
REFRESH_MODES = (
    "blocking",
    "force_blocking",
    "force_cache",
    "async",
    "lazy_async",
    "force_async",
    "async_except_on_cache_miss",
)
_ASYNC = ("async", "lazy_async", "force_async", "async_except_on_cache_miss")
POLL_SECONDS = 600.0  # how long an async query is polled before Timeout
_HINT = (
    "Check the HogQL (https://posthog.com/docs/sql); the demo server runs a documented subset "
    "(posthog_frames.demo.hogql)."
)


def check_sql(sql: Any) -> str:
    """*sql* stripped of white space and a trailing semicolon; empty or not text is refused.

    Example:
        >>> check_sql(" select 1; ")
        'select 1'
    """
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError("query() needs HogQL text, e.g. 'select count() from events'.")
    return sql.strip().rstrip(";").rstrip()


def check_limit(limit: Any, *, paginate: bool) -> int | None:
    """A row limit: a positive whole number, above 50,000 only when paginating.

    Example:
        >>> check_limit(60_000, paginate=True)
        60000
    """
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError(f"limit must be a positive whole number, got {limit!r}.")
    if limit > MAX_ROWS and not paginate:
        raise ValidationError(
            f"PostHog answers at most {MAX_ROWS:,} rows per query; pass paginate=True to fetch "
            f"{limit:,} rows in pages."
        )
    return limit


def query(
    client: BaseClient,
    sql: str,
    *,
    values: dict[str, Any] | None = None,
    limit: int | None = None,
    refresh: str = "blocking",
    paginate: bool = False,
) -> pd.DataFrame:
    """Run HogQL and return the typed frame (see :meth:`posthog_frames.Client.query`).

    Example:
        >>> query(client, "select 1 as one")["one"].tolist()
        [1]
    """
    sql = check_sql(sql)
    limit = check_limit(limit, paginate=paginate)
    if values is not None and not isinstance(values, dict):
        raise ValidationError(f"values must be a dict of placeholder values, got {values!r}.")
    if refresh not in REFRESH_MODES:
        raise ValidationError(
            f"refresh must be one of {', '.join(REFRESH_MODES)}, not {refresh!r}."
        )
    if paginate:
        pages = list(query_pages(client, sql, values, refresh=refresh, limit=limit))
        response = {**pages[-1], "results": [row for p in pages for row in p["results"]]}
        response["hasMore"] = False
    else:
        # hogql_frame warns (TruncatedResult) when PostHog says hasMore.
        response = run_query(client, with_limit(sql, limit) if limit else sql, values, refresh)
    frame = hogql_frame(response)
    for key in ("hogql", "is_cached", "last_refresh", "timezone", "columns"):
        if response.get(key) is not None:
            frame.attrs[key] = response[key]
    return frame


def run_query(
    client: BaseClient, sql: str, values: dict[str, Any] | None, refresh: str
) -> dict[str, Any]:
    """One POST /query/ (and its polling in async mode); HogQL errors as ValidationError.

    Example:
        >>> run_query(client, "select 1 + 1", None, "blocking")["results"]
        [[2]]
    """
    source: dict[str, Any] = {"kind": "HogQLQuery", "query": sql}
    if values:
        source["values"] = values
    body = {"query": source, "refresh": refresh}
    try:
        # Async answers are a moving status, and force_blocking asks for fresh rows.
        answer = client.post(
            "query/",
            body,
            refresh=refresh in (*_ASYNC, "force_blocking"),
            expect=_expect_answer,
        )
    except ValidationError as err:
        raise ValidationError(
            f"PostHog rejected the HogQL query: {err.detail or err.message} {_HINT}",
            status=err.status,
            type=err.type,
            code=err.code,
            detail=err.detail,
            attr=err.attr,
            endpoint=err.endpoint,
        ) from None
    if "results" in answer:
        return answer
    status = await_query(client, answer["query_status"], POLL_SECONDS, "use refresh='blocking'")
    if status.get("error"):
        raise ValidationError(
            f"The async query {status['id']} failed: {status.get('error_message')} {_HINT}"
        )
    results = status.get("results")
    problem = _expect_results(results)
    if problem is not None or not isinstance(results, dict):
        raise InvalidResponse(
            f"The async query {status['id']} completed without rows: {problem}.",
            endpoint=f"query/{status['id']}/",
        )
    return results


def await_query(
    client: BaseClient, status: dict[str, Any], deadline: float, advice: str
) -> dict[str, Any]:
    """Poll ``query/:id/`` until PostHog reports *status* complete; the final status.

    Shared by async queries and async insight refreshes; past *deadline* seconds a
    :class:`Timeout` says to poll later or to follow *advice*.

    Example:
        >>> started = client.post("query/", {"query": {"kind": "HogQLQuery",
        ...     "query": "select 2"}, "refresh": "async"}, refresh=True)["query_status"]
        >>> await_query(client, started, 10, "retry")["results"]["results"]
        [[2]]
    """
    query_id = status.get("id")
    started, wait = time.monotonic(), 0.1
    while not status.get("complete"):
        if time.monotonic() - started > deadline:
            raise Timeout(
                f"The async query {query_id} was still running after {deadline:g} s; poll "
                f"client.get('query/{query_id}/') later, or {advice}.",
                endpoint=f"query/{query_id}/",
            )
        time.sleep(wait)
        wait = min(wait * 2, 2.0)
        answer = client.get(f"query/{query_id}/", refresh=True, expect=_expect_status)
        status = answer["query_status"]
    return status


def query_pages(
    client: BaseClient,
    sql: str,
    values: dict[str, Any] | None,
    *,
    refresh: str = "blocking",
    limit: int | None = None,
    page_size: int = MAX_ROWS,
) -> Iterator[dict[str, Any]]:
    """Yield each page's answer (see :func:`~posthog_frames.client.hogql.page_sql`) until a
    short page, or until *limit* rows.

    Example:
        >>> [len(p["results"]) for p in query_pages(client, "select number from numbers(5)",
        ...                                         None, page_size=2)]
        [2, 2, 1]
    """
    offset = 0
    while True:
        size = page_size if limit is None else min(page_size, limit - offset)
        page = run_query(client, page_sql(sql, size, offset), values, refresh)
        yield page
        got = len(page["results"])
        offset += got
        if got < size or (limit is not None and offset >= limit):
            return


def no_cache(client: BaseClient) -> AbstractContextManager[Any]:
    """Keep streamed pages out of the local cache (a 10 GB export must not fill it).

    Example:
        >>> with no_cache(client):
        ...     pass
    """
    disabled = getattr(client.session, "cache_disabled", None)
    return disabled() if disabled is not None else nullcontext()


def _expect_results(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("results"), list) and "columns" in body:
        return None
    got = f"keys {sorted(body)[:8]}" if isinstance(body, dict) else type(body).__name__
    return f"expected a HogQL answer {{'results': [...], 'columns': [...]}}, got {got}"


def _expect_status(body: dict[str, Any]) -> str | None:
    status = body.get("query_status")
    if isinstance(status, dict) and status.get("id"):
        return None
    got = sorted(body)[:8]
    return f"expected {{'query_status': {{'id': ..., 'complete': ...}}}}, got keys {got}"


def _expect_answer(body: dict[str, Any]) -> str | None:
    """A /query/ answer: rows (blocking) or the status of a query still running (async)."""
    if "results" not in body and "query_status" in body:
        return _expect_status(body)
    return _expect_results(body)
