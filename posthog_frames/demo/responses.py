"""JSON responses and PostHog's error bodies (drf-exceptions-hog: ``{type, code, detail, attr}``).

Example:
    >>> not_found().status_code
    404
"""

from __future__ import annotations

from typing import Any

import orjson
from werkzeug.wrappers import Response

__all__ = [
    "ApiError",
    "error_response",
    "json_response",
    "not_found",
    "raw_json_response",
    "validation_error",
]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise *body* with orjson into an ``application/json`` response."""
    return raw_json_response(orjson.dumps(body), status, headers)


def raw_json_response(
    payload: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Wrap bytes that already hold JSON (pre-serialised persons pages)."""
    response = Response(payload, status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(
    status: int, type: str, code: str, detail: str, attr: str | None = None
) -> Response:
    """PostHog's error body. No ``WWW-Authenticate`` / ``Retry-After``: its handler adds none."""
    return json_response({"type": type, "code": code, "detail": detail, "attr": attr}, status)


def not_found() -> Response:
    """DRF's NotFound as PostHog renders it."""
    return error_response(404, "invalid_request", "not_found", "Not found.")


def validation_error(detail: str, attr: str | None = None) -> Response:
    """A 400 ``validation_error`` (DRF's code ``invalid`` becomes ``invalid_input``)."""
    return error_response(400, "validation_error", "invalid_input", detail, attr)


class ApiError(Exception):
    """Raised inside a handler to answer with an error body; the app turns it into a response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response
