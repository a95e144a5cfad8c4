"""Errors raised by posthog-frames.

Every error derives from :class:`PostHogError`; where a built-in exception fits, the error
subclasses it too (``NotFound`` is a ``LookupError``, ``ValidationError`` a ``ValueError``), so
``except LookupError`` keeps working in code that does not know this library.

PostHog answers errors with ``{"type", "code", "detail", "attr"}`` (drf-exceptions-hog); those
fields are parsed onto the exception. Messages always say what to do next and never contain the
API key: :func:`redact` scrubs anything that looks like one before a message is built.

Example:
    >>> import posthog_frames as phf
    >>> try:
    ...     client.insight("nope1234")
    ... except phf.NotFound as err:
    ...     print(err.status, err.detail)
    404 Not found.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "PostHogError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "ValidationError",
    "RateLimited",
    "ServerError",
    "Timeout",
    "OfflineCacheMiss",
    "CassetteMiss",
    "InvalidResponse",
    "InsightNotComputed",
    "CohortCalculating",
    "QueryFailed",
    "IncompleteDataset",
    "ConfigurationError",
    "MissingDependency",
    "InvalidArgument",
    "UnsupportedInsight",
    "UnsupportedQuery",
    "redact",
]

# Personal keys are phx_, project tokens phc_, OAuth tokens pha_; scrub all of them from text.
_KEY_RE = re.compile(r"\b(ph[xca]_)[A-Za-z0-9_\-]{6,}")
_PARAM_RE = re.compile(r"(personal_api_key=)[^&\s\"']+")
_WAIT_RE = re.compile(r"available in (\d+(?:\.\d+)?) seconds?")


def redact(text: str, *secrets: str | None) -> str:
    """Return *text* with API keys (and any of *secrets*) replaced by a masked form.

    Example:
        >>> redact("Bearer phx_your_personal_api_key")
        'Bearer phx_…_key'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, mask_key(secret))
    text = _PARAM_RE.sub(r"\1REDACTED", text)
    return _KEY_RE.sub(lambda m: mask_key(m.group(0)), text)


def mask_key(key: str | None) -> str:
    """Mask a key for display: the prefix and the last four characters (``phx_…abcd``)."""
    if not key:
        return "<none>"
    prefix = key[:4] if key[:3] in ("phx", "phc", "pha") else ""
    return f"{prefix}…{key[-4:]}" if len(key) > 8 else "…"


class PostHogError(Exception):
    """Base class: an error answered by PostHog or met while talking to it.

    Attributes mirror PostHog's error body: ``status`` (HTTP status or None), ``type``, ``code``,
    ``detail``, ``attr``; ``endpoint`` is the path that was requested (never with the key).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        attr: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(redact(message))
        self.status = status
        self.type = type
        self.code = code
        self.detail = detail
        self.attr = attr
        self.endpoint = endpoint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigurationError(PostHogError, ValueError):
    """The client is set up wrongly (no key, a project token for a personal key, bad host)."""


class MissingDependency(ConfigurationError, ImportError):
    """An optional package a feature needs is not installed; the message gives the install."""


class AuthenticationError(PostHogError, PermissionError):
    """401: the key is missing or invalid."""


class PermissionDenied(PostHogError, PermissionError):
    """403: the key lacks a scope (``missing_scope``) or access to the project."""

    def __init__(self, message: str, *, missing_scope: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.missing_scope = missing_scope


class NotFound(PostHogError, LookupError):
    """404: no such insight, person, project or endpoint."""


class ValidationError(PostHogError, ValueError):
    """400: PostHog rejected a parameter; ``attr`` names it when PostHog does."""


class InvalidArgument(ValidationError, TypeError):
    """An option the function does not take (a ``TypeError`` too, as Python's own is)."""


class UnsupportedInsight(PostHogError, ValueError):
    """No converter fits the insight: a kind this library does not convert, a result of no known
    shape, or a ``kind=`` that does not fit the insight. Its JSON stays in ``Insight.raw``."""


class UnsupportedQuery(PostHogError, ValueError):
    """A copied query of a kind :meth:`~posthog_frames.Client.run` makes no frame of; ``kind``
    names it. ``client.post("query/", {"query": ...})`` still returns PostHog's JSON for it."""

    def __init__(self, message: str, *, kind: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.kind = kind


class RateLimited(PostHogError):
    """429: PostHog throttled the key; ``retry_after`` is the announced wait in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(PostHogError):
    """5xx (or a connection failure) that persisted after the retries."""


class Timeout(PostHogError, TimeoutError):
    """PostHog did not answer within the client's ``timeout``."""


class OfflineCacheMiss(PostHogError, LookupError):
    """``offline=True`` and the request is not in the cache."""


class CassetteMiss(OfflineCacheMiss):
    """A cassette in ``replay`` mode (or ``auto`` without a key) was asked for a request it
    never recorded; the message names the request and how to record it."""


class InvalidResponse(PostHogError, ValueError):
    """A body that is not the JSON expected (truncated, HTML from a proxy, wrong shape)."""


class InsightNotComputed(PostHogError, LookupError):
    """The insight has no result in PostHog's cache (``result: null``); it was never computed."""


class CohortCalculating(PostHogError, RuntimeError):
    """PostHog is still calculating the cohort (``is_calculating``): its members would come back
    incomplete, so they are not read. ``cohort`` is its id; wait and ask again."""

    def __init__(self, message: str, *, cohort: int | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.cohort = cohort


class IncompleteDataset(PostHogError, RuntimeError):
    """A Parquet dataset whose pull stopped before its last page (its checkpoint says so); run
    the same ``stream_to_parquet`` call again to resume it, or read it with
    ``allow_partial=True``."""


class QueryFailed(PostHogError, RuntimeError):
    """PostHog tried to compute a query or an insight and failed; ``error_message`` is what
    PostHog said (its ``query_status.error_message``)."""

    def __init__(self, message: str, *, error_message: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.error_message = error_message


def parse_wait(detail: str | None, header: str | None = None) -> float | None:
    """Seconds to wait, from a throttled body ("Expected available in 62 seconds.") or a header."""
    if detail:
        found = _WAIT_RE.search(detail)
        if found:
            return float(found.group(1))
    if header:
        try:
            return float(header)
        except ValueError:
            return None
    return None
