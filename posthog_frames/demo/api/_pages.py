"""DRF's ``LimitOffsetPagination`` as PostHog's list endpoints answer it, shared by the demo's
lists (projects, property and event definitions, cohorts, dashboards).

Example:
    >>> drf_link("http://h/api/projects/?limit=1", limit=1, offset=1)
    'http://h/api/projects/?limit=1&offset=1'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Request, Response

from posthog_frames.demo.api.persons import request_url
from posthog_frames.demo.responses import json_response

__all__ = ["PAGE_SIZE", "drf_link", "paginate"]

PAGE_SIZE = 100  # REST_FRAMEWORK["PAGE_SIZE"]


def drf_link(url: str, *, limit: int, offset: int) -> str:
    """DRF's ``replace_query_param`` for limit and offset (offset 0 removes the parameter)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["limit"] = str(limit)
    if offset > 0:
        query["offset"] = str(offset)
    else:
        query.pop("offset", None)
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def paginate(
    request: Request,
    items: list[Any],
    virtual: Sequence[Any] = (),
    *,
    count_cap: int | None = None,
) -> Response:
    """DRF's LimitOffsetPagination of *items*; *virtual* entries are PostHog's extras that are
    appended to the last page and counted on every page, but never move ``next``.

    *count_cap* is PostHog's ``CappedCountLimitOffsetPagination`` (event definitions): ``count``
    stops at the cap and ``count_is_capped`` says so, while ``next`` still follows the rows.
    """
    try:
        limit = int(request.args.get("limit") or PAGE_SIZE)
        offset = int(request.args.get("offset") or 0)
    except ValueError:
        limit, offset = PAGE_SIZE, 0  # DRF ignores unparseable limit/offset and uses defaults
    limit, offset = max(1, limit), max(0, offset)
    url = request_url(request)
    count = len(items)
    nxt = drf_link(url, limit=limit, offset=offset + limit) if offset + limit < count else None
    prev = drf_link(url, limit=limit, offset=max(0, offset - limit)) if offset > 0 else None
    page = items[offset : offset + limit]
    if virtual and offset + len(page) >= count:
        page = [*page, *virtual]
    body: dict[str, Any] = {"count": count + len(virtual)}
    if count_cap is not None:
        body = {"count": min(count, count_cap), "count_is_capped": count > count_cap}
    body.update({"next": nxt, "previous": prev, "results": page})
    return json_response(body)
