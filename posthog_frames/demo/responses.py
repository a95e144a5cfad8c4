"""JSON responses: bodies serialised with orjson, or bytes that already hold JSON.

Example:
    >>> json_response({"ok": True}).get_data()
    b'{"ok":true}'
"""

from __future__ import annotations

from typing import Any

import orjson
from werkzeug.wrappers import Response

__all__ = ["json_response", "raw_json_response"]


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
