"""PostHog's ``QueryStatus`` (posthog/schema.py) and the HTTP status a poll answers with.

Async queries and async insight refreshes are both polled with ``GET /query/:id/``; an insight
whose calculation failed carries an errored status too. One builder serves all three.

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> body = query_status_body("q1", team_id=1, now=DEMO_NOW, complete=False)
    >>> status_code(body), body["query_async"]
    (202, True)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from posthog_frames.demo.clock import iso_z

__all__ = ["query_status_body", "status_code"]


def query_status_body(
    query_id: str | None,
    *,
    team_id: int,
    now: datetime | None,
    complete: bool,
    error_message: str | None = None,
    failed: bool = False,
    insight_id: int | None = None,
    results: Any = None,
) -> dict[str, Any]:
    """A ``QueryStatus`` dict with every field PostHog sends (``now`` None: no times)."""
    started = iso_z(now) if now is not None else None
    return {
        "id": query_id,
        "team_id": team_id,
        "insight_id": insight_id,
        "dashboard_id": None,
        "complete": complete,
        "error": failed,
        "error_message": error_message,
        "query_async": True,
        "query_progress": None,
        "start_time": started,
        "pickup_time": started,
        "end_time": started if complete else None,
        "expiration_time": iso_z(now + timedelta(minutes=20)) if now is not None else None,
        "task_id": query_id,
        "labels": None,
        "results": results,
    }


def status_code(status: dict[str, Any]) -> int:
    """The HTTP status PostHog answers a poll with (posthog/api/query.py): 202 while running,
    200 when complete, 400 for a failure with a message, 500 for one without.

    Example:
        >>> status_code({"complete": True, "error": True, "error_message": None})
        500
    """
    if status.get("error"):
        return 400 if status.get("error_message") else 500
    return 200 if status.get("complete") else 202
