"""The HTTP layer: a requests-cache session, retries and PostHog's error bodies, once.

Why a hand-written retry loop on top of urllib3's ``Retry``: PostHog announces how long to wait
after a 429 in the JSON body ("Expected available in 62 seconds.") rather than in a
``Retry-After`` header, and urllib3 cannot read bodies. urllib3 still retries what it can see
(connection failures before a response), and this module handles statuses.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache.policy.settings import DEFAULT_IGNORED_PARAMS
from urllib3.util.retry import Retry

from ._pacing import RateLimiter
from ._settings import KEY_HELP, Settings
from .exceptions import (
    AuthenticationError,
    InvalidResponse,
    NotFound,
    OfflineCacheMiss,
    PermissionDenied,
    PostHogError,
    RateLimited,
    ServerError,
    Timeout,
    ValidationError,
    parse_wait,
    redact,
)

__all__ = ["Transport", "build_session", "FINGERPRINT_HEADER", "IGNORED_PARAMETERS"]

log = logging.getLogger("posthog_frames")

FINGERPRINT_HEADER = "X-PostHog-Frames-Key-Fingerprint"
# Passing ignored_parameters replaces requests-cache's defaults, which would then write the bearer
# token in clear: always extend them. PostHog also accepts the key as a query or body parameter.
IGNORED_PARAMETERS = (*DEFAULT_IGNORED_PARAMS, "personal_api_key")
RETRY_STATUSES = frozenset({500, 502, 503, 504})
_SCOPE_RE = re.compile(r"missing required scope '([^']+)'")
_CACHE_DIR_NAME = "posthog-frames"


def default_cache_path() -> Path:
    """Where the sqlite cache lives by default: the user's cache directory."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(_CACHE_DIR_NAME)) / "http_cache.sqlite"


def _cache_settings(expire_after: Any) -> dict[str, Any]:
    return {
        "expire_after": expire_after if expire_after is not None else -1,
        "allowable_codes": (200,),
        "allowable_methods": ("GET", "HEAD", "POST"),
        "ignored_parameters": IGNORED_PARAMETERS,
        "match_headers": [FINGERPRINT_HEADER],
    }


def build_session(cache: Any, expire_after: Any) -> requests.Session:
    """A session for *cache*: a path, ``"memory"``, ``None`` (default sqlite), ``False``
    (no cache) or any ``requests.Session`` (a ``CachedSession`` is made safe in place)."""
    if isinstance(cache, requests.Session):
        session = cache
        if isinstance(session, requests_cache.CachedSession):
            _secure(session)
        return session
    if cache is False:
        session = requests.Session()
    elif cache == "memory":
        session = requests_cache.CachedSession(backend="memory", **_cache_settings(expire_after))
    else:
        path = Path(cache) if cache not in (None, True) else default_cache_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        session = _sqlite_session(path, expire_after)
    retry = Retry(total=3, connect=3, read=0, status=0, backoff_factor=0.3, allowed_methods=None)
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _sqlite_session(path: Path, expire_after: Any) -> requests_cache.CachedSession:
    # WAL lets page-fetching threads read while one writes; a broken file is rebuilt, not fatal.
    try:
        session = requests_cache.CachedSession(
            str(path), backend="sqlite", wal=True, **_cache_settings(expire_after)
        )
        session.cache.responses.count()  # touch the file now rather than mid-pull
        return session
    except Exception as err:  # sqlite3.DatabaseError and friends, from a corrupted file
        warnings.warn(
            f"The HTTP cache at {path} could not be opened ({type(err).__name__}); rebuilding it.",
            RuntimeWarning,
            stacklevel=4,
        )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return requests_cache.CachedSession(
            str(path), backend="sqlite", wal=True, **_cache_settings(expire_after)
        )


def _secure(session: requests_cache.CachedSession) -> None:
    """Make a user's CachedSession safe: never store the key, never share across keys."""
    settings = session.settings
    current = tuple(settings.ignored_parameters or ())
    settings.ignored_parameters = tuple(dict.fromkeys((*current, *IGNORED_PARAMETERS)))
    headers = settings.match_headers
    if headers is not True:
        settings.match_headers = [*(headers or []), FINGERPRINT_HEADER]


class Transport:
    """Sends requests for one client: auth, pacing, retries, error mapping and JSON parsing."""

    def __init__(self, settings: Settings, session: requests.Session) -> None:
        self.settings = settings
        self.session = session
        self.limiter = RateLimiter(settings.requests_per_minute, 60.0)
        self.sleep: Callable[[float], None] = time.sleep
        self._lock = threading.Lock()
        self.requests_sent = 0  # real network requests (cache hits excluded)

    @property
    def cached(self) -> bool:
        return isinstance(self.session, requests_cache.CachedSession)

    def headers(self, offline: bool) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.settings.api_key}",
            "Accept": "application/json",
            FINGERPRINT_HEADER: self.settings.fingerprint,
        }
        if offline:
            # Offline work may use entries past their expiry: stale beats nothing.
            headers["Cache-Control"] = "only-if-cached,stale-if-error=31536000"
        return headers

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        refresh: bool = False,
        offline: bool | None = None,
        hint: str = "",
    ) -> Any:
        """Send, retry within bounds, map errors, and return the parsed JSON body."""
        offline = self.settings.offline if offline is None else offline
        endpoint = _endpoint(url)
        if offline and not self.cached:
            raise OfflineCacheMiss(
                "offline=True needs a cache, but this client was made with cache=False.",
                endpoint=endpoint,
            )
        kwargs: dict[str, Any] = {
            "params": params,
            "headers": self.headers(offline),
            "timeout": self.settings.timeout,
        }
        if json_body is not None:
            kwargs["data"] = orjson.dumps(json_body)
            kwargs["headers"]["Content-Type"] = "application/json"
        if self.cached:
            kwargs["force_refresh"] = refresh and not offline
        attempt = 0
        while True:
            response = self._send(method, url, endpoint, kwargs, attempt, offline)
            if response is None:
                attempt += 1
                continue
            status = response.status_code
            if offline and status == 504:  # requests-cache's answer to an only-if-cached miss
                raise OfflineCacheMiss(
                    f"{endpoint} is not in the cache and the client is offline. Run the same "
                    "call once online (offline=False) to cache it.",
                    status=504,
                    endpoint=endpoint,
                )
            if status < 400:
                return _parse(response, endpoint)
            body = _error_body(response)
            wait = self._retry_wait(status, body, response, attempt, endpoint)
            if wait is None:
                raise _error(status, body, endpoint, hint)
            log.info("PostHog answered %s for %s; retrying in %.1f s", status, endpoint, wait)
            self.sleep(wait)
            attempt += 1

    def _send(
        self, method: str, url: str, endpoint: str, kwargs: dict, attempt: int, offline: bool
    ) -> requests.Response | None:
        if not offline:
            self.limiter.acquire()
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.Timeout:
            raise Timeout(
                f"{endpoint} did not answer within {self.settings.timeout:g} s. PostHog may be "
                "busy computing: retry, or pass a larger timeout= to Client().",
                endpoint=endpoint,
            ) from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
            if attempt >= self.settings.max_retries:
                raise ServerError(
                    f"Could not reach {endpoint} after {attempt + 1} attempts "
                    f"({type(err).__name__}). Check the host and your network, then retry.",
                    endpoint=endpoint,
                ) from None
            self.sleep(self._backoff(attempt))
            return None
        if getattr(response, "from_cache", False):
            self.limiter.refund()
        else:
            with self._lock:
                self.requests_sent += 1
        return response

    def _backoff(self, attempt: int) -> float:
        # Full jitter keeps concurrent page fetchers from retrying in lock step.
        return self.settings.backoff * (2**attempt) * (0.5 + random.random() / 2)

    def _retry_wait(
        self, status: int, body: dict, response: requests.Response, attempt: int, endpoint: str
    ) -> float | None:
        if status == 429:
            wait = parse_wait(body.get("detail"), response.headers.get("Retry-After"))
            if wait is not None and wait > self.settings.max_wait:
                raise _rate_limited(body, endpoint, wait, long_wait=True)
            if attempt >= self.settings.max_retries:
                raise _rate_limited(body, endpoint, wait, long_wait=False)
            return max(wait if wait is not None else self._backoff(attempt), 0.0)
        if status in RETRY_STATUSES and attempt < self.settings.max_retries:
            return self._backoff(attempt)
        return None


def _endpoint(url: str) -> str:
    return redact(url.split("?", 1)[0])


def _parse(response: requests.Response, endpoint: str) -> Any:
    try:
        return orjson.loads(response.content)
    except (orjson.JSONDecodeError, requests.exceptions.ContentDecodingError):
        kind = response.headers.get("Content-Type", "unknown content type")
        start = redact(response.content[:80].decode("utf-8", "replace")).strip()
        raise InvalidResponse(
            f"{endpoint} answered {response.status_code} with a body that is not JSON "
            f"({kind}: {start!r}…). A proxy or an interrupted transfer may be in the way: retry, "
            "and check the host.",
            status=response.status_code,
            endpoint=endpoint,
        ) from None


def _error_body(response: requests.Response) -> dict:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def _rate_limited(body: dict, endpoint: str, wait: float | None, long_wait: bool) -> RateLimited:
    when = f"in {wait:g} s" if wait is not None else "later"
    why = "asks for a longer wait than max_wait allows" if long_wait else "kept throttling"
    return RateLimited(
        f"PostHog throttled {endpoint} and {why}: try again {when}. PostHog allows 240 "
        "requests a minute per key for insights, persons and queries; cached re-runs cost none.",
        status=429,
        retry_after=wait,
        type=body.get("type"),
        code=body.get("code"),
        detail=body.get("detail"),
        endpoint=endpoint,
    )


def _error(status: int, body: dict, endpoint: str, hint: str) -> PostHogError:
    detail = body.get("detail") if isinstance(body.get("detail"), str) else None
    fields = {
        "status": status,
        "type": body.get("type"),
        "code": body.get("code"),
        "detail": detail,
        "attr": body.get("attr"),
        "endpoint": endpoint,
    }
    said = f" PostHog said: {detail}" if detail else ""
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
        return NotFound(f"{endpoint} was not found (404).{said} {hint}".strip(), **fields)
    if status == 400:
        attr = f" (parameter {body.get('attr')!r})" if body.get("attr") else ""
        return ValidationError(f"PostHog rejected the request to {endpoint}{attr}.{said}", **fields)
    if status >= 500:
        return ServerError(
            f"PostHog answered {status} for {endpoint} after retries.{said} This is on "
            "PostHog's side: try again in a minute.",
            **fields,
        )
    return PostHogError(f"PostHog answered {status} for {endpoint}.{said}", **fields)
