"""Personal API keys, their scopes, and PostHog's key lookup order.

``posthog/auth.py`` ``PersonalAPIKeyAuthentication``: only the first key candidate found is
tried, in the order Authorization header (``Bearer``), request body (``personal_api_key``),
query string. ``pha_`` bearer tokens are OAuth tokens, not personal keys, and are skipped.

Example:
    >>> keys = KeyRing.create()
    >>> keys.scopes(keys.full)
    frozenset({'*'})
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs

from werkzeug.wrappers import Request

from posthog_frames.demo.errors import ApiError, error_response

__all__ = ["KeyRing", "authenticate", "require_scope"]

_BEARER = re.compile(r"^Bearer\s+(\S.+)$")
# The catalogue (property and event definitions) without what analyses are made of: persons,
# insights, dashboards, cohorts and actions.
LIMITED_SCOPES = frozenset(
    {
        "user:read",
        "property_definition:read",
        "event_definition:read",
        "query:read",
        "project:read",
    }
)


def _demo_key() -> str:
    # An underscore right after "demo" keeps the key from looking like a real phx_ key
    # (phx_[A-Za-z0-9]{20,}) to secret scanners and to the client's redaction tests.
    return f"phx_demo_{secrets.token_hex(4)}_{secrets.token_hex(4)}"


@dataclass(frozen=True)
class KeyRing:
    """The server's two keys: ``full`` (scope ``*``) and ``limited`` (the catalogue only: no
    person, insight, dashboard, cohort or action reads)."""

    full: str
    limited: str

    @classmethod
    def create(cls) -> KeyRing:
        return cls(full=_demo_key(), limited=_demo_key())

    def scopes(self, key: str) -> frozenset[str] | None:
        """The key's scopes, or None for an unknown key."""
        if secrets.compare_digest(key, self.full):
            return frozenset({"*"})
        if secrets.compare_digest(key, self.limited):
            return LIMITED_SCOPES
        return None


def _body_key(request: Request) -> str | None:
    data = request.get_data(cache=True)
    if not data:
        return None
    if request.mimetype == "application/json":
        try:
            payload = json.loads(data)
        except ValueError:
            return None
        found = payload.get("personal_api_key") if isinstance(payload, dict) else None
        return str(found) if found is not None else None
    if request.mimetype == "application/x-www-form-urlencoded":
        values = parse_qs(data.decode("latin-1")).get("personal_api_key")
        return values[0] if values else None
    return None


def find_key(request: Request) -> tuple[str, str] | None:
    """The first key candidate and where it was found, in PostHog's order."""
    header = request.headers.get("Authorization")
    if header:
        found = _BEARER.match(header)
        if found:
            token = found.group(1).strip()
            if token.startswith("pha_"):
                return None  # an OAuth token: not a personal key
            return token, "Authorization header"
    body = _body_key(request)
    if body is not None:
        return body, "body"
    if "personal_api_key" in request.args:
        return request.args["personal_api_key"], "query string"
    return None


def authenticate(request: Request, keys: KeyRing) -> tuple[str, frozenset[str]]:
    """Return (key, scopes) or raise :class:`ApiError` with PostHog's 401 body."""
    candidate = find_key(request)
    if candidate is None:
        raise ApiError(
            error_response(
                401,
                "authentication_error",
                "not_authenticated",
                "Authentication credentials were not provided.",
            )
        )
    key, source = candidate
    scopes = keys.scopes(key)
    if scopes is None:
        raise ApiError(
            error_response(
                401,
                "authentication_error",
                "authentication_failed",
                f"Personal API key found in request {source} is invalid.",
            )
        )
    return key, scopes


def require_scope(scopes: frozenset[str], needed: str) -> None:
    """Raise PostHog's 403 unless *scopes* grant *needed* (``x:write`` also grants ``x:read``)."""
    if "*" in scopes or needed in scopes:
        return
    obj, _, action = needed.partition(":")
    if action == "read" and f"{obj}:write" in scopes:
        return
    raise ApiError(
        error_response(
            403,
            "authentication_error",
            "permission_denied",
            f"API key missing required scope '{needed}'",
        )
    )
