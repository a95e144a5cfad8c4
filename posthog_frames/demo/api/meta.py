"""The account endpoints: ``users/@me``, projects and property definitions, the lists paginated
like DRF's ``LimitOffsetPagination`` (:mod:`._pages`).

Example:
    >>> from posthog_frames.demo.data.account import Account
    >>> me(Account.create(seed=0, timezone="UTC")).status_code
    200
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from posthog_frames.demo.api._pages import paginate
from posthog_frames.demo.data.account import Account
from posthog_frames.demo.data.project import DemoData, virtual_definitions
from posthog_frames.demo.errors import ApiError, error_response, validation_error
from posthog_frames.demo.responses import json_response

__all__ = ["list_projects", "me", "property_definitions", "retrieve_project"]

_DEFINITION_TYPES = ("event", "person", "group", "session")


def me(account: Account) -> Response:
    """``GET /api/users/@me/``: the user, with their organization and current project."""
    return json_response(account.me())


def list_projects(request: Request, account: Account) -> Response:
    """``GET /api/projects/``: the organization's projects."""
    return paginate(request, [account.project(pid) for pid in account.project_ids])


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

    return paginate(request, list(filter(wanted, items)), list(filter(wanted, virtual)))
