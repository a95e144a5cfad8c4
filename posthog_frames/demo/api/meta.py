"""The account endpoints: ``users/@me``, projects and property definitions, the lists paginated
like DRF's ``LimitOffsetPagination``.

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
from posthog_frames.demo.data.account import Account
from posthog_frames.demo.data.project import DemoData, virtual_definitions
from posthog_frames.demo.errors import ApiError, error_response, validation_error
from posthog_frames.demo.responses import json_response

__all__ = ["drf_link", "list_projects", "me", "property_definitions", "retrieve_project"]

PAGE_SIZE = 100  # REST_FRAMEWORK["PAGE_SIZE"]
_DEFINITION_TYPES = ("event", "person", "group", "session")


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


def _paginate(request: Request, items: list[Any], virtual: Sequence[Any] = ()) -> Response:
    """DRF's LimitOffsetPagination of *items*; *virtual* entries are PostHog's extras that are
    appended to the last page and counted on every page, but never move ``next``."""
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
    body = {"count": count + len(virtual), "next": nxt, "previous": prev, "results": page}
    return json_response(body)


def me(account: Account) -> Response:
    """``GET /api/users/@me/``: the user, with their organization and current project."""
    return json_response(account.me())


def list_projects(request: Request, account: Account) -> Response:
    """``GET /api/projects/``: the organization's projects."""
    return _paginate(request, [account.project(pid) for pid in account.project_ids])


def retrieve_project(pid: int, account: Account) -> Response:
    """``GET /api/projects/:id/``."""
    project = account.project(pid)
    if project is None:
        return error_response(404, "invalid_request", "not_found", "Not found.")
    return json_response(project)


def _truthy(raw: str | None) -> bool | None:
    if raw is None or raw == "":
        return None
    return raw.lower() in ("1", "true", "yes", "t", "y", "on")


def property_definitions(request: Request, data: DemoData | None) -> Response:
    """``GET .../property_definitions/?type=person|event&search=&is_numerical=``."""
    kind = request.args.get("type") or "event"
    if kind not in _DEFINITION_TYPES:
        raise ApiError(
            error_response(
                400,
                "validation_error",
                "invalid_choice",
                f'"{kind}" is not a valid choice.',
                "type",
            )
        )
    if kind == "group" and not request.args.get("group_type_index"):
        raise ApiError(
            validation_error("group_type_index must be provided for group properties", "type")
        )
    items = data.property_definitions(kind) if data else []
    # posthog/api/property_definition.py: person (and group) definitions end with the virtual
    # $builtin_* properties, filtered like the rest.
    virtual = virtual_definitions() if kind == "person" else []
    search = (request.args.get("search") or "").lower()
    numerical = _truthy(request.args.get("is_numerical"))

    def wanted(definition: dict[str, Any]) -> bool:
        name = definition["name"].lower()
        if search and not all(word in name for word in search.split()):
            return False
        return numerical is None or definition["is_numerical"] is numerical

    return _paginate(request, list(filter(wanted, items)), list(filter(wanted, virtual)))
