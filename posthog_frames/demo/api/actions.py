"""``/actions/`` and ``/actions/:id/`` as ``products/actions/backend/api/action.py`` answers them.

The list is **not paginated**: ``ActionViewSet.list`` answers ``{"results": [every action]}``
with no ``count`` or ``next`` (PostHog's OpenAPI says ``PaginatedActionList``; the code does not
page), ordered ``-last_calculated_at, name``, deleted actions left out. Retrieve serves deleted
actions too. Fields are ``ActionSerializer``'s; ``is_calculating`` is always false.

Example:
    >>> body = list_actions(user={}, team_id=1)
    >>> list(body), [a["name"] for a in body["results"]][:2]
    (['results'], ['Big purchase', 'Showed buying intent'])
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from posthog_frames.demo.clock import DEMO_NOW, iso_z
from posthog_frames.demo.data.actions import SavedAction, build_actions
from posthog_frames.demo.errors import NOT_FOUND

__all__ = ["list_actions", "retrieve_action"]


def _serialize(action: SavedAction, user: dict[str, Any], team_id: int) -> dict[str, Any]:
    return {
        "id": action.id,
        "name": action.name,
        "description": action.description,
        "tags": list(action.tags),
        "post_to_slack": False,
        "slack_message_format": "",
        "steps": [dict(step) for step in action.steps],
        "created_at": iso_z(action.created_at),
        "created_by": user,
        "deleted": action.deleted,
        "is_calculating": False,
        "last_calculated_at": iso_z(action.last_calculated_at),
        "team_id": team_id,
        "is_action": True,
        "bytecode_error": None,
        "pinned_at": iso_z(action.created_at) if action.pinned else None,
        "creation_context": None,
        "user_access_level": "editor",
    }


def list_actions(*, user: dict[str, Any], team_id: int, now: datetime = DEMO_NOW) -> dict:
    """``GET /actions/``: every action that is not deleted, in one answer."""
    alive = [a for a in build_actions(now) if not a.deleted]
    alive.sort(key=lambda a: a.name)
    alive.sort(key=lambda a: a.last_calculated_at, reverse=True)
    return {"results": [_serialize(a, user, team_id) for a in alive]}


def retrieve_action(
    key: str, *, user: dict[str, Any], team_id: int, now: datetime = DEMO_NOW
) -> tuple[int, dict]:
    """``GET /actions/:id/`` (deleted actions included)."""
    for action in build_actions(now):
        if key.isdigit() and action.id == int(key):
            return 200, _serialize(action, user, team_id)
    return 404, dict(NOT_FOUND)
