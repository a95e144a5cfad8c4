"""The demo's own errors and PostHog's error bodies (drf-exceptions-hog: ``{type, code, detail,
attr}``). The demo shares no code with the client, its exceptions included: a bug common to both
would hide itself.

Example:
    >>> not_found().status_code
    404
    >>> invalid("limit must be a number.", "limit")[1]["code"]
    'invalid_input'
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from posthog_frames.demo.responses import json_response

__all__ = [
    "NOT_FOUND",
    "ApiError",
    "DemoValidationError",
    "error_body",
    "error_response",
    "invalid",
    "not_found",
    "validation_error",
]


class DemoValidationError(ValueError):
    """Input a demo computation refuses; answered as PostHog's 400 ``validation_error``, with
    ``attr`` naming the parameter."""

    def __init__(self, message: str, *, attr: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.attr = attr


class ApiError(Exception):
    """Raised inside a handler to answer with an error body; the app turns it into a response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def error_body(type: str, code: str, detail: str, attr: str | None = None) -> dict:
    return {"type": type, "code": code, "detail": detail, "attr": attr}


NOT_FOUND = error_body("invalid_request", "not_found", "Not found.")


def error_response(
    status: int, type: str, code: str, detail: str, attr: str | None = None
) -> Response:
    """PostHog's error body. No ``WWW-Authenticate`` / ``Retry-After``: its handler adds none."""
    return json_response(error_body(type, code, detail, attr), status)


def not_found() -> Response:
    """DRF's NotFound as PostHog renders it."""
    return json_response(NOT_FOUND, 404)


def invalid(detail: str, attr: str | None = None, code: str = "invalid_input") -> tuple[int, dict]:
    """A 400 ``validation_error`` as the (status, body) pair the insight and query handlers
    answer (DRF's code ``invalid`` becomes ``invalid_input``; HogQL's errors carry their own
    ``code_name``, such as ``hogql_query_error``)."""
    return 400, error_body("validation_error", code, detail, attr)


def validation_error(detail: str, attr: str | None = None) -> Response:
    """:func:`invalid` as a response."""
    status, body = invalid(detail, attr)
    return json_response(body, status)
