"""Sending through the session (:mod:`.session`), retries, and PostHog's errors, once.

Why a hand-written retry loop on top of urllib3's ``Retry``: PostHog announces how long to wait
after a 429 in the JSON body ("Expected available in 62 seconds.") rather than in a
``Retry-After`` header, and urllib3 cannot read bodies. urllib3 retries failed connects (and
nothing else); this module handles statuses and broken bodies.

What each fault ends in (never a partial answer passed on as complete, never an endless wait):

- 429: the announced wait is slept when it is at most ``max_wait``, else :class:`RateLimited`.
- 5xx (PostHog's JSON or a proxy's HTML page), a connection reset or a body cut short against its
  Content-Length: retried ``max_retries`` times with jittered backoff, then :class:`ServerError`.
- No answer, or a body stalled, for ``timeout`` seconds: :class:`Timeout` at once.
- A 200 whose body is not JSON (cut short with a matching Content-Length, an HTML page): a
  transport fault, re-fetched up to twice, then :class:`InvalidResponse`. JSON of the wrong shape
  is not retried (PostHog would answer the same): :class:`InvalidResponse` at once. Neither is ever
  left in the cache.
- The cache file locked by another process, or damaged under us: requests go uncached for
  ``CACHE_BYPASS_SECONDS``, with one warning; a lock is waited for
  ``sqlite_cache.SQLITE_TIMEOUT`` at most.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import requests
import requests_cache
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from posthog_frames._settings import Settings
from posthog_frames.exceptions import (
    OfflineCacheMiss,
    ServerError,
    Timeout,
    mask_key,
    parse_wait,
    redact,
)
from posthog_frames.http.errors import (
    error_body,
    error_for,
    not_json,
    proxy_page,
    rate_limited,
    tls_failed,
    wrong_shape,
)
from posthog_frames.http.pacing import RateLimiter, describe_budget, shared_pacer
from posthog_frames.http.session import FINGERPRINT_HEADER

__all__ = ["CACHE_BYPASS_SECONDS", "Expect", "Transport", "expect_object"]

log = logging.getLogger("posthog_frames")

RETRY_STATUSES = frozenset({500, 502, 503, 504})
BODY_RETRIES = 2  # extra fetches of a 200 whose body is not JSON (cut short in transit)
CACHE_BYPASS_SECONDS = 60.0  # after a cache failure, how long requests skip the cache

Expect = Callable[[Any], str | None]  # a parsed body → what is wrong with it, or None


class _BearerAuth(requests.auth.AuthBase):
    """Adds the key when a request is prepared, so no dict of ours holds it: tracebacks that
    show locals (``%xmode Verbose``, pytest ``-l``) display this object's masked repr instead."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._key}"
        return request

    def __repr__(self) -> str:
        return f"<BearerAuth {mask_key(self._key)}>"


def expect_object(body: Any) -> str | None:
    """The default check of a body: almost every endpoint answers a JSON object. An ``expect=``
    check replaces it, so it starts with this one unless it accepts more.

    Example:
        >>> expect_object([1])
        'expected a JSON object, got list'
    """
    return None if isinstance(body, dict) else f"expected a JSON object, got {type(body).__name__}"


class Transport:
    """Sends requests for one client: auth, pacing, retries, error mapping and JSON parsing."""

    def __init__(self, settings: Settings, session: requests.Session) -> None:
        self.settings = settings
        self.session = session
        self.pacer = shared_pacer(
            settings.fingerprint, settings.rate_limits, settings.requests_per_minute
        )
        # Told (family, seconds, until) before a wait for PostHog's budget; progress bars listen.
        self.on_wait: Callable[[str, float, float], None] | None = None
        # Retry waits; None: the pacer's clock, so a fake clock shared with a test server covers
        # both the pacing and the waits PostHog announces.
        self.sleep_with: Callable[[float], None] | None = None
        self._auth = _BearerAuth(settings.api_key)
        self._lock = threading.Lock()
        self._plain: requests.Session | None = None
        self._bypass_until = 0.0
        self.requests_sent = 0  # real network requests (cache hits excluded)
        self.paced = True  # False when nothing reaches PostHog (a cassette's replay)

    @property
    def cached(self) -> bool:
        return isinstance(self.session, requests_cache.CachedSession)

    def headers(self, offline: bool) -> dict[str, str]:
        """Headers of every request; the key is added by ``auth`` and is not among them."""
        headers = {"Accept": "application/json", FINGERPRINT_HEADER: self.settings.fingerprint}
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
        expect: Expect | None = None,
    ) -> Any:
        """Send, retry within bounds, map errors, and return the parsed JSON body.

        *expect* checks the parsed body (returning what is wrong, or None); a body that fails
        it raises :class:`InvalidResponse` and is removed from the cache.
        """
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
            "auth": self._auth,
        }
        if json_body is not None:
            kwargs["data"] = orjson.dumps(json_body)
            kwargs["headers"]["Content-Type"] = "application/json"
        if self.cached:
            kwargs["force_refresh"] = refresh and not offline
        family = self.pacer.family(method, url, json_body)
        limiter = self.pacer.limiters[family]
        attempt = bad_bodies = 0
        while True:
            response = self._send(method, url, endpoint, kwargs, attempt, offline, limiter, family)
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
                try:
                    body = orjson.loads(response.content)
                except orjson.JSONDecodeError:
                    self._forget(response)
                    if bad_bodies >= BODY_RETRIES:
                        raise not_json(response, endpoint, bad_bodies + 1) from None
                    log.info("%s answered a body that is not JSON; fetching it again", endpoint)
                    self.sleep(self._backoff(bad_bodies))
                    bad_bodies += 1
                    continue
                problem = (expect or expect_object)(body)
                if problem:
                    self._forget(response)
                    raise wrong_shape(endpoint, problem)
                return body
            body = error_body(response)
            wait = self._retry_wait(status, body, response, attempt, endpoint, method, json_body)
            if wait is None:
                page = proxy_page(response)
                raise error_for(status, body, endpoint, hint, page, attempt + 1)
            log.info("PostHog answered %s for %s; retrying in %.1f s", status, endpoint, wait)
            self.sleep(wait)
            attempt += 1

    def sleep(self, seconds: float) -> None:
        """Wait *seconds* before a retry (on the pacer's clock unless ``sleep_with`` is set)."""
        (self.sleep_with or self.pacer.sleep)(seconds)

    def _send(
        self,
        method: str,
        url: str,
        endpoint: str,
        kwargs: dict,
        attempt: int,
        offline: bool,
        limiter: RateLimiter,
        family: str,
    ) -> requests.Response | None:
        slot = None
        if not offline and self.paced:
            slot = limiter.acquire_slot(lambda seconds: self._waiting(family, seconds))[0]
        try:
            response = self._transmit(method, url, kwargs, offline, endpoint)
        except requests.ConnectTimeout:
            raise Timeout(
                f"Could not connect to {self.settings.host} within {self.settings.timeout:g} s "
                f"(for {endpoint}). Check host= and your network, then retry.",
                endpoint=endpoint,
            ) from None
        except requests.Timeout:
            raise self._timed_out(endpoint, mid_body=False) from None
        except requests.exceptions.SSLError as err:  # the same on every try: say what to fix
            raise tls_failed(endpoint, self.settings.host, err) from None
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as err:
            self._transport_fault(err, endpoint, attempt)
            self.sleep(self._backoff(attempt))
            return None
        if getattr(response, "from_cache", False) or getattr(response, "from_cassette", False):
            if slot is not None:
                limiter.refund(slot)
        else:
            with self._lock:
                self.requests_sent += 1
        return response

    def _transport_fault(self, err: Exception, endpoint: str, attempt: int) -> None:
        """Raise for a transport error that must not (or no longer) be retried."""
        cause = err.args[0] if err.args else None
        if isinstance(cause, ReadTimeoutError):  # no byte of the body for `timeout` seconds
            raise self._timed_out(endpoint, mid_body=True) from None
        cause = getattr(cause, "reason", cause)  # MaxRetryError wraps what urllib3 gave up on
        if isinstance(cause, ReadTimeoutError):  # no answer at all (urllib3 read retries: 0)
            raise self._timed_out(endpoint, mid_body=False) from None
        if isinstance(cause, NewConnectionError):  # urllib3 has retried the connect already
            raise ServerError(
                f"Could not connect to {self.settings.host} (for {endpoint}): "
                f"{redact(str(cause.args[-1] if cause.args else cause))[:160]}. "
                "Check host= and your network, then retry.",
                endpoint=endpoint,
            ) from None
        if attempt >= self.settings.max_retries:
            raise ServerError(
                f"The connection to {endpoint} broke {attempt + 1} times, mid-answer or before "
                f"it ({type(err).__name__}). Check your network or proxy, then retry.",
                endpoint=endpoint,
            ) from None

    def _timed_out(self, endpoint: str, mid_body: bool) -> Timeout:
        what = "stopped sending its answer for" if mid_body else "did not answer within"
        return Timeout(
            f"{endpoint} {what} {self.settings.timeout:g} s. PostHog may be busy computing, or "
            "the network is slow: retry, or pass a larger timeout= to Client().",
            endpoint=endpoint,
        )

    def _transmit(
        self, method: str, url: str, kwargs: dict, offline: bool, endpoint: str
    ) -> requests.Response:
        if not self.cached:
            return self.session.request(method, url, **kwargs)
        if time.monotonic() >= self._bypass_until:
            try:
                return self.session.request(method, url, **kwargs)
            except sqlite3.Error as err:  # locked by another process, or damaged under us
                self._start_bypass(err)
        if offline:
            raise OfflineCacheMiss(
                f"{endpoint}: the cache cannot be read right now (see the warning) and the "
                "client is offline. Close other programs using the cache file, or go online.",
                endpoint=endpoint,
            )
        if self._plain is None:
            self._plain = requests.Session()
            for prefix, adapter in self.session.adapters.items():
                self._plain.mount(prefix, adapter)
        plain = {k: v for k, v in kwargs.items() if k != "force_refresh"}
        return self._plain.request(method, url, **plain)

    def _start_bypass(self, err: sqlite3.Error) -> None:
        with self._lock:
            first = time.monotonic() >= self._bypass_until
            self._bypass_until = time.monotonic() + CACHE_BYPASS_SECONDS
        if first:
            where = getattr(getattr(self.session, "cache", None), "db_path", "the cache")
            warnings.warn(
                f"The HTTP cache ({where}) failed: {type(err).__name__}: {redact(str(err))}. "
                f"Requests skip the cache for {CACHE_BYPASS_SECONDS:g} s. Another process may "
                "hold the file locked (close it), or it is damaged: delete the file to rebuild.",
                RuntimeWarning,
                stacklevel=2,
            )

    def _forget(self, response: requests.Response) -> None:
        """Remove *response* from the cache: requests-cache stores a 200 before we parse it."""
        key = getattr(response, "cache_key", None)
        if not key or not isinstance(self.session, requests_cache.CachedSession):
            return
        try:
            self.session.cache.delete(key)
        except sqlite3.Error as err:
            self._start_bypass(err)

    def _backoff(self, attempt: int) -> float:
        # Full jitter keeps concurrent page fetchers from retrying in lock step.
        return self.settings.backoff * (2**attempt) * (0.5 + random.random() / 2)

    def _retry_wait(
        self,
        status: int,
        body: dict,
        response: requests.Response,
        attempt: int,
        endpoint: str,
        method: str,
        json_body: Any,
    ) -> float | None:
        if status == 429:
            wait = parse_wait(body.get("detail"), response.headers.get("Retry-After"))
            too_long = wait is not None and wait > self.settings.max_wait
            if too_long or attempt >= self.settings.max_retries:
                family = self.pacer.family(method, response.url or "", json_body)
                budget = f"{describe_budget(self.pacer.budgets[family])} ({family})"
                raise rate_limited(body, endpoint, wait, budget, long_wait=too_long)
            return max(wait if wait is not None else self._backoff(attempt), 0.0)
        if isinstance(body.get("query_status"), dict):
            return None  # a query that failed: asking again gives the same answer
        if status in RETRY_STATUSES and attempt < self.settings.max_retries:
            return self._backoff(attempt)
        return None

    def _waiting(self, family: str, seconds: float) -> None:
        until = time.time() + seconds
        log.info("waiting %.0f s for PostHog's %s budget", seconds, family)
        if self.on_wait is not None:
            self.on_wait(family, seconds, until)


def _endpoint(url: str) -> str:
    return redact(url.split("?", 1)[0])
