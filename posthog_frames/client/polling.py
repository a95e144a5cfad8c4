"""Waiting for a query PostHog runs asynchronously: polling ``query/:id/`` until it completes.

Shared by async ``/query/`` calls and async insight refreshes (reference §4, §8): a failed
query comes back as :class:`ValidationError` (400, a query to fix) or :class:`QueryFailed`.
"""

from __future__ import annotations

import time
from typing import Any

from posthog_frames.client.base import BaseClient
from posthog_frames.exceptions import (
    PostHogError,
    QueryFailed,
    ServerError,
    Timeout,
    ValidationError,
)
from posthog_frames.http.transport import expect_object

__all__ = ["HOGQL_HINT", "await_query", "expect_status"]

HOGQL_HINT = (
    "Check the HogQL (https://posthog.com/docs/sql); the demo server runs a documented subset "
    "(posthog_frames.demo.hogql)."
)


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
        if status.get("error"):
            raise _failed(query_id, status.get("error_message"), None)
        if time.monotonic() - started > deadline:
            raise Timeout(
                f"The async query {query_id} was still running after {deadline:g} s; poll "
                f"client.get('query/{query_id}/') later, or {advice}.",
                endpoint=f"query/{query_id}/",
            )
        time.sleep(wait)
        wait = min(wait * 2, 2.0)
        try:
            answer = client.get(f"query/{query_id}/", refresh=True, expect=expect_status)
        except (ValidationError, ServerError) as err:
            # A failed query answers 400 (with PostHog's message) or 500, with its status.
            raise _failed(query_id, err.detail, err) from None
        status = answer["query_status"]
    return status


def _failed(query_id: Any, message: str | None, err: PostHogError | None) -> PostHogError:
    """The error for an async query PostHog reports as failed (400: a query to fix)."""
    said = message or "no reason given"
    fields: dict[str, Any] = {"endpoint": f"query/{query_id}/"}
    if err is not None:
        fields.update(status=err.status, type=err.type, code=err.code, detail=err.detail)
    if err is not None and err.status == 400:
        return ValidationError(f"The async query {query_id} failed: {said}. {HOGQL_HINT}", **fields)
    return QueryFailed(
        f"PostHog could not compute the async query {query_id}: {said}. Try again later, or "
        "with refresh='blocking'.",
        error_message=message,
        **fields,
    )


def expect_status(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    status = body.get("query_status")
    if isinstance(status, dict) and status.get("id"):
        return None
    got = sorted(body)[:8]
    return f"expected {{'query_status': {{'id': ..., 'complete': ...}}}}, got keys {got}"
