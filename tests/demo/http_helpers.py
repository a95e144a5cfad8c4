"""Plain ``requests`` against a running demo server, as any client would send them."""

from __future__ import annotations

import requests

NOT_FOUND = {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None}


def get(demo, path: str, key: str | None = "full", **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if key is not None:
        token = demo.api_key if key == "full" else demo.limited_api_key if key == "limited" else key
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(demo.url + path, headers=headers, timeout=30, **kwargs)
