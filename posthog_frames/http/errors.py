"""PostHog's answers turned into typed errors: status + error body (or a proxy's page) → exception.

Kept apart from :mod:`posthog_frames.http.transport`, which decides *when* to retry; this module
only says *what happened and what to do*. Every message goes through
:func:`posthog_frames.exceptions.redact`.

Example:
    >>> err = error_for(404, {"detail": "Not found."}, "/api/projects/1/insights/9/", "", "")
    >>> type(err).__name__
    'NotFound'
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import requests

from posthog_frames._settings import KEY_HELP
from posthog_frames.exceptions import (
    AuthenticationError,
    ConfigurationError,
    InvalidResponse,
    NotFound,
    PermissionDenied,
    PostHogError,
    RateLimited,
    ServerError,
    ValidationError,
    redact,
)

__all__ = [
    "error_body",
    "error_for",
    "not_json",
    "proxy_page",
    "rate_limited",
    "tls_failed",
    "wrong_shape",
]

_SCOPE_RE = re.compile(r"missing required scope '([^']+)'")
_PROJECT_RE = re.compile(r"/api/(?:projects|environments)/(\d+)/")
_TITLE_RE = re.compile(rb"<title>\s*([^<]{1,80}?)\s*</title>", re.IGNORECASE)


def tls_failed(url: str, host: str, err: Exception) -> ConfigurationError:
    """A TLS handshake that failed: retrying cannot help, the setup has to change.

    Example:
        >>> tls_failed("https://h:8000/api/users/@me/", "https://h:8000",
        ...            OSError("[SSL] record layer failure")).message
        "https://h:8000/api/users/@me/ did not answer HTTPS:... write the scheme, host='http://h:8000'..."
    """
    reason = redact(str(err))
    if "CERTIFICATE_VERIFY_FAILED" in reason or "certificate verify failed" in reason:
        what = (
            f"The TLS certificate of {host} is not trusted ({_clip(reason)}), for {url}. "
            "Behind a company proxy, point REQUESTS_CA_BUNDLE at its CA certificate file; "
            "otherwise check host=."
        )
    else:
        plain = "http://" + host.split("://", 1)[-1]
        what = (
            f"{url} did not answer HTTPS: the TLS handshake failed ({_clip(reason)}). The "
            f"server probably speaks plain HTTP, as local and many internal instances do: "
            f"write the scheme, host={plain!r} (a host without one is taken as https)."
        )
    return ConfigurationError(what, endpoint=url)


def _clip(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


def error_body(response: requests.Response) -> dict:
    """PostHog's ``{type, code, detail, attr}`` body, or ``{}`` when the body is not that."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def proxy_page(response: requests.Response) -> str:
    """A short description when *response* is an HTML page (a proxy's), else ``""``.

    Example:
        >>> r = requests.Response(); r._content = b"<html><title>502 Bad Gateway</title>"
        >>> proxy_page(r)
        "an HTML page ('502 Bad Gateway')"
    """
    kind = response.headers.get("Content-Type", "")
    head = response.content[:512].lstrip().lower()
    if "html" not in kind and not head.startswith((b"<!doctype html", b"<html")):
        return ""
    title = _TITLE_RE.search(response.content[:4096])
    name = redact(title.group(1).decode("utf-8", "replace")) if title else ""
    return f"an HTML page ({name!r})" if name else "an HTML page"


def not_json(response: requests.Response, endpoint: str, attempts: int) -> InvalidResponse:
    """A 2xx whose body is not JSON, after *attempts* tries: truncated, or an HTML page."""
    page = proxy_page(response)
    tries = f" {attempts} times" if attempts > 1 else ""
    if page:
        what = (
            f"{page} instead of JSON{tries}. Something between you and PostHog answered (a "
            "proxy, a login page, or the host is PostHog's web site rather than its API): check "
            "host= (e.g. 'https://us.posthog.com' or your instance's address)."
        )
    else:
        start = redact(response.content[:60].decode("utf-8", "replace"))
        length = len(response.content)
        what = (
            f"a body that is not valid JSON{tries} ({length} bytes, starting {start!r}): it was "
            "probably cut short in transit. Nothing was cached; retry in a moment."
        )
    return InvalidResponse(
        f"{endpoint} answered {response.status_code} with {what}",
        status=response.status_code,
        endpoint=endpoint,
    )


def wrong_shape(endpoint: str, problem: str) -> InvalidResponse:
    """Valid JSON that is not what the endpoint answers (*problem* says what was expected)."""
    return InvalidResponse(
        f"{endpoint} answered with JSON of the wrong shape: {problem}. Nothing was cached. Check "
        "that host= is PostHog's API (not a proxy that rewrites answers) and the path is right.",
        status=200,
        endpoint=endpoint,
    )


def rate_limited(
    body: dict, endpoint: str, wait: float | None, budget: str, long_wait: bool
) -> RateLimited:
    """The error for a 429 we will not (or no longer) wait out; *budget* is PostHog's budget
    for the endpoint in words."""
    when = f"in {wait:g} s" if wait is not None else "later"
    why = "asks for a longer wait than max_wait allows" if long_wait else "kept throttling"
    return RateLimited(
        f"PostHog throttled {endpoint} and {why}: try again {when}. PostHog allows {budget} "
        "per key here, and the client paces under it; cached re-runs cost none. Another "
        "program may share the key (lower Client(requests_per_minute=)), or your plan has other "
        "budgets (Client(rate_limits=...)).",
        status=429,
        retry_after=wait,
        type=body.get("type"),
        code=body.get("code"),
        detail=body.get("detail"),
        endpoint=endpoint,
    )


def error_for(
    status: int, body: dict, endpoint: str, hint: str, page: str, attempts: int = 1
) -> PostHogError:
    """The typed error for an HTTP error *status*; *page* describes a proxy's HTML answer."""
    detail = body.get("detail") if isinstance(body.get("detail"), str) else None
    status_body = body.get("query_status")
    if detail is None and isinstance(status_body, dict):
        # A failed async query: PostHog answers {"query_status": {..., "error_message": ...}}.
        message = status_body.get("error_message")
        detail = str(message) if message else "the query failed without a message"
    fields: dict[str, Any] = {
        "status": status,
        "type": body.get("type"),
        "code": body.get("code"),
        "detail": detail,
        "attr": body.get("attr"),
        "endpoint": endpoint,
    }
    said = f" PostHog said: {detail}" if detail else ""
    if page:
        said = f" The answer was {page}, not PostHog's JSON: a proxy or load balancer answered."
    if status == 401:
        return AuthenticationError(
            f"PostHog rejected the API key (401).{said} {KEY_HELP}", **fields
        )
    if status == 403:
        scope = _SCOPE_RE.search(detail or "")
        if scope:
            return PermissionDenied(
                f"The personal API key lacks the '{scope.group(1)}' scope needed for {endpoint}. "
                "Edit the key in PostHog (Account settings → Personal API Keys) and add it.",
                missing_scope=scope.group(1),
                **fields,
            )
        return PermissionDenied(
            f"The API key may not use {endpoint} (403).{said} Check the key's scopes and "
            "project access in PostHog (Account settings → Personal API Keys).",
            **fields,
        )
    if status == 404:
        return NotFound(
            f"{endpoint} was not found (404).{said} {hint or _guess(endpoint)}", **fields
        )
    if status == 400:
        attr = f" (parameter {body.get('attr')!r})" if body.get("attr") else ""
        return ValidationError(f"PostHog rejected the request to {endpoint}{attr}.{said}", **fields)
    if status >= 500:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return ServerError(
            f"PostHog answered {status} for {endpoint}{tries}.{said} This is on PostHog's side "
            "(or a proxy's): try again in a minute.",
            **fields,
        )
    return PostHogError(f"PostHog answered {status} for {endpoint}.{said}", **fields)


def _guess(endpoint: str) -> str:
    found = _PROJECT_RE.search(endpoint)
    if not found:
        return "Check the host and the path."
    return (
        f"Check the id in the path, and project_id {found.group(1)}: client.projects() lists the "
        "projects this key can read (a key scoped to other projects gets 404 here)."
    )
