"""The demo's user, organization and projects, shaped like PostHog's serializers (reference §3).

Project 1 ("Hogflix Demo") holds the persons; project 2 ("Hogflix Staging") is empty. For both,
``team.id == team.project_id`` (a single-environment project), as for older PostHog projects.

Example:
    >>> account = Account.create(seed=0, timezone="UTC")
    >>> account.me()["team"]["project_id"]
    1
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["Account"]

_CREATED = "2024-11-04T10:21:33.512000Z"
_PROJECT_NAMES = {1: "Hogflix Demo", 2: "Hogflix Staging"}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class Account:
    """Fixed identities derived from the seed (stable across restarts for the same seed)."""

    user_uuid: str
    org_uuid: str
    team_uuids: dict[int, str]
    tokens: dict[int, str]
    timezone: str

    @classmethod
    def create(cls, *, seed: int, timezone: str) -> Account:
        rng = random.Random(f"account/{seed}")
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return cls(
            user_uuid=_uuid(rng),
            org_uuid=_uuid(rng),
            team_uuids={pid: _uuid(rng) for pid in _PROJECT_NAMES},
            # Project tokens are public (they ship in every web page); phc_ marks them as such.
            tokens={pid: "phc_" + "".join(rng.choices(alphabet, k=43)) for pid in _PROJECT_NAMES},
            timezone=timezone,
        )

    @property
    def project_ids(self) -> list[int]:
        return sorted(_PROJECT_NAMES)

    def user_basic(self) -> dict[str, Any]:
        """``UserBasicSerializer``: the shape of ``created_by`` / ``last_modified_by``."""
        return {
            "id": 1,
            "uuid": self.user_uuid,
            "distinct_id": f"demo-user-{self.user_uuid[:8]}",
            "first_name": "Max",
            "last_name": "Hedgehog",
            "email": "max@hogflix.example.com",
            "is_email_verified": True,
            "hedgehog_config": None,
            "role_at_organization": "engineering",
        }

    def team_basic(self, pid: int) -> dict[str, Any]:
        """``TeamBasicSerializer``."""
        return {
            "id": pid,
            "uuid": self.team_uuids[pid],
            "organization": self.org_uuid,
            "project_id": pid,
            "api_token": self.tokens[pid],
            "name": _PROJECT_NAMES[pid],
            "completed_snippet_onboarding": True,
            "has_completed_onboarding_for": {"product_analytics": True},
            "ingested_event": pid == 1,
            "is_demo": True,
            "timezone": self.timezone,
            "access_control": False,
        }

    def project(self, pid: int) -> dict[str, Any] | None:
        """One project as ``GET /api/projects/:id/`` answers, or None if it does not exist."""
        if pid not in _PROJECT_NAMES:
            return None
        return {
            **self.team_basic(pid),
            "product_description": None,
            "created_at": _CREATED,
            "updated_at": _CREATED,
            "effective_membership_level": 15,
            "has_group_types": False,
            "group_types": [],
            "live_events_token": None,
            "app_urls": ["https://hogflix.example.com"],
            "anonymize_ips": False,
            "test_account_filters": [],
            "test_account_filters_default_checked": False,
            "path_cleaning_filters": [],
            "data_attributes": ["data-attr"],
            "person_display_name_properties": ["email", "name", "username"],
            "week_start_day": 1,
            "primary_dashboard": None,
        }

    def organization(self) -> dict[str, Any]:
        """The full ``OrganizationSerializer`` subset the client may read (teams and projects)."""
        return {
            "id": self.org_uuid,
            "name": "Hogflix",
            "slug": "hogflix",
            "logo_media_id": None,
            "created_at": _CREATED,
            "updated_at": _CREATED,
            "membership_level": 15,
            "plugins_access_level": 9,
            "teams": [self.team_basic(pid) for pid in self.project_ids],
            "projects": [
                {"id": pid, "name": _PROJECT_NAMES[pid], "organization_id": self.org_uuid}
                for pid in self.project_ids
            ],
            "available_product_features": [],
            "is_member_join_email_enabled": True,
            "metadata": {},
            "customer_id": None,
            "enforce_2fa": None,
            "member_count": 1,
            "is_active": True,
            "is_not_active_reason": None,
        }

    def me(self) -> dict[str, Any]:
        """``GET /api/users/@me/`` (``UserSerializer``)."""
        basic = self.user_basic()
        return {
            "date_joined": _CREATED,
            "uuid": basic["uuid"],
            "distinct_id": basic["distinct_id"],
            "first_name": basic["first_name"],
            "last_name": basic["last_name"],
            "email": basic["email"],
            "pending_email": None,
            "is_email_verified": True,
            "notification_settings": {"plugin_disabled": True},
            "anonymize_data": False,
            "allow_impersonation": False,
            "toolbar_mode": "toolbar",
            "has_password": True,
            "id": basic["id"],
            "is_staff": False,
            "is_impersonated": False,
            "is_impersonated_until": None,
            "is_impersonated_read_only": False,
            # Set from the browser session's start; a personal API key has no session.
            "sensitive_session_expires_at": None,
            "team": self.team_basic(1),
            "organization": self.organization(),
            "organizations": [
                {
                    "id": self.org_uuid,
                    "name": "Hogflix",
                    "slug": "hogflix",
                    "logo_media_id": None,
                    "membership_level": 15,
                    "members_can_use_personal_api_keys": True,
                    "is_active": True,
                    "is_not_active_reason": None,
                    "is_pending_deletion": False,
                }
            ],
            "events_column_config": {"active": "DEFAULT"},
            "is_2fa_enabled": False,
            "has_social_auth": False,
            "has_sso_enforcement": False,
            "has_seen_product_intro_for": None,
            "scene_personalisation": [],
            "theme_mode": None,
            "hedgehog_config": None,
            "role_at_organization": "engineering",
        }
