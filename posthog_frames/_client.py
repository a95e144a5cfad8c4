"""The PostHog client: configuration, the cached session, and the low-level ``get``/``paginate``.

Higher-level methods live in mixins, one module per concern (``_persons_api``,
``_insights_api``, ``_query_api``); they all go through :meth:`Client.get` and friends, so
caching, pacing, retries and error mapping happen in exactly one place (``_http``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import requests
import requests_cache

from posthog_frames._http import Transport
from posthog_frames._insights_api import InsightsMixin
from posthog_frames._paging import expect_page, iter_pages
from posthog_frames._persons_api import PersonsMixin
from posthog_frames._query_api import QueryMixin
from posthog_frames._session import MAX_CONNECTIONS, build_session
from posthog_frames._settings import Settings, resolve_host, resolve_key, resolve_project_id
from posthog_frames.exceptions import ConfigurationError, InvalidResponse, ValidationError

__all__ = ["Client"]


class Client(PersonsMixin, InsightsMixin, QueryMixin):
    """A PostHog API client that answers with DataFrames, through a requests-cache session.

    Args:
        api_key: a personal API key (``phx_…``); default ``POSTHOG_PERSONAL_API_KEY``.
        host: ``"us"``, ``"eu"``, a URL, or a self-hosted instance; default ``POSTHOG_HOST``,
            else ``https://us.posthog.com``. Ingestion hosts (``us.i.posthog.com``) are mapped.
        project_id: default ``POSTHOG_PROJECT_ID``, else the key's current project
            (``/api/users/@me/`` → ``team.project_id``), discovered on first use.
        session: any ``requests.Session`` to send with (a ``CachedSession`` is made safe).
        cache: a sqlite path, ``"memory"``, ``False`` for none; default a sqlite file in the
            user's cache directory. Only successful answers are cached, never the key.
        expire_after: how long cached answers stay fresh (default one hour).
        timeout: seconds to wait for PostHog to answer one request.
        offline: answer only from the cache; a miss raises :class:`OfflineCacheMiss`.
        max_wait: the longest wait a 429 may announce that is slept through (seconds);
            a longer one raises :class:`RateLimited` at once.
        page_size: persons per request when paging (default 1,000; at most 50,000).
        progress: progress bars for multi-page pulls (default: on, unless the environment
            sets ``POSTHOG_FRAMES_PROGRESS=0``).
        requests_per_minute: client-side pacing (default 230, under PostHog's 240 per key);
            lower it when other programs use the same key at the same time.
        concurrency: pages requested at once while paging by offset (1 to 16, default 4):
            1 fetches one page after the other; more hides latency, still under the pacing.

    Example:
        >>> import posthog_frames as phf
        >>> client = phf.Client()            # key, host and project from the environment
        >>> client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
    """

    def __init__(
        self,
        api_key: str | None = None,
        host: str | None = None,
        project_id: int | str | None = None,
        *,
        session: requests.Session | None = None,
        cache: Any = None,
        expire_after: timedelta | int | None = timedelta(hours=1),
        timeout: float = 60.0,
        offline: bool = False,
        max_wait: float = 60.0,
        page_size: int = 1000,
        progress: bool | None = None,
        requests_per_minute: int = 230,
        concurrency: int = 4,
    ) -> None:
        if session is not None and not isinstance(session, requests.Session):
            raise ConfigurationError(
                f"session must be a requests.Session, got {type(session).__name__}."
            )
        _check_options(timeout, max_wait, requests_per_minute, page_size, concurrency)
        self.settings = Settings(
            host=resolve_host(host),
            api_key=resolve_key(api_key),
            project_id=resolve_project_id(project_id),
            timeout=float(timeout),
            expire_after=expire_after,
            offline=offline,
            max_wait=float(max_wait),
            page_size=page_size,
            requests_per_minute=requests_per_minute,
            concurrency=concurrency,
        )
        self.progress = progress
        self._transport = Transport(self.settings, build_session(session or cache, expire_after))
        self._project_id = self.settings.project_id
        self._me: dict[str, Any] | None = None
        self._lock = threading.Lock()

    # -- identity -----------------------------------------------------------------------------

    def __repr__(self) -> str:
        project = self._project_id if self._project_id is not None else "<discovered on use>"
        return (
            f"Client(host={self.settings.host!r}, project_id={project}, "
            f"key='{self.settings.masked_key}')"
        )

    @property
    def host(self) -> str:
        """The PostHog address requests go to (``https://us.posthog.com`` by default).

        Example:
            >>> phf.Client(api_key, host="https://eu.posthog.com").host
            'https://eu.posthog.com'
        """
        return self.settings.host

    @property
    def session(self) -> requests.Session:
        """The session every request goes through (a ``CachedSession`` unless cache=False).

        Example:
            >>> client.session.cache.responses.count()   # answers cached so far
        """
        return self._transport.session

    @property
    def requests_sent(self) -> int:
        """How many requests reached the network (cache hits not counted).

        Example:
            >>> n = client.requests_sent
            >>> client.insights(); client.requests_sent - n    # 0 when answered from the cache
        """
        return self._transport.requests_sent

    @property
    def project_id(self) -> int:
        """The project in use; discovered from ``/api/users/@me/`` when not given.

        Example:
            >>> phf.Client(api_key).project_id     # the key's current project
            12345
        """
        if self._project_id is None:
            with self._lock:
                if self._project_id is None:
                    team = self.me().get("team") or {}
                    found = team.get("project_id") or team.get("id")
                    if not isinstance(found, int):
                        raise InvalidResponse(
                            "/api/users/@me/ has no team.project_id: pass project_id= to Client()."
                        )
                    self._project_id = found
        return self._project_id

    def me(self, *, refresh: bool = False) -> dict[str, Any]:
        """The user the key belongs to (``/api/users/@me/``), with ``team`` and ``organization``.

        Example:
            >>> client.me()["team"]["project_id"]
        """
        if self._me is None or refresh:
            self._me = self.get("/api/users/@me/", refresh=refresh, expect=_expect_user)
        return self._me

    def projects(self) -> pd.DataFrame:
        """The organization's projects: ``id``, ``name``, ``timezone``, … one row each.

        Example:
            >>> client.projects()[["id", "name"]]
        """
        rows = [row for page in self.paginate("/api/projects/") for row in page["results"]]
        frame = pd.DataFrame(rows)
        frame.attrs["kind"] = "projects"
        return frame

    # -- low level ----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The absolute URL of *path*: ``/api/...`` as is, anything else under the project.

        Absolute URLs are pinned to this client's host, so the key never goes elsewhere.

        Example:
            >>> client.url("persons/")
            'https://us.posthog.com/api/projects/12345/persons/'
        """
        if path.startswith(("http://", "https://")):
            return self._pin(path)
        if path.startswith("/"):
            return self.settings.host + path
        return f"{self.settings.host}/api/projects/{self.project_id}/{path}"

    def get(
        self,
        path: str,
        *,
        refresh: bool = False,
        offline: bool | None = None,
        hint: str = "",
        expect: Callable[[Any], str | None] | None = None,
        **params: Any,
    ) -> Any:
        """GET *path* and return the parsed JSON.

        ``refresh=True`` bypasses the local cache; ``offline=True`` answers from it only.
        PostHog's own ``refresh`` query parameter goes in ``params={"refresh": "blocking"}``.
        *path* is relative to the project (``"insights/"``) unless it starts with ``/api/``.
        ``hint`` is appended to a 404's message (say where valid ids are listed). ``expect`` is
        an optional check, ``expect(body) -> None`` when the answer is right, else a short
        description of what is wrong: such an answer raises :class:`InvalidResponse` and is not
        kept in the local cache, so the next call asks PostHog again.

        Example:
            >>> client.get("insights/", short_id="Abc12345")["results"]
            >>> client.get("/api/users/@me/")["email"]
        """
        extra = params.pop("params", None) or {}
        query = _clean({**extra, **params})
        return self._transport.request(
            "GET",
            self.url(path),
            params=query,
            refresh=refresh,
            offline=offline,
            hint=hint,
            expect=expect,
        )

    def post(
        self,
        path: str,
        json: Any,
        *,
        refresh: bool = False,
        offline: bool | None = None,
        expect: Callable[[Any], str | None] | None = None,
    ) -> Any:
        """POST a JSON body (used for ``/query/``; answers are cached keyed on the body).

        *refresh*, *offline* and *expect* work as in :meth:`get`.

        Example:
            >>> client.post("query/", {"query": {"kind": "HogQLQuery", "query": "select 1"}})
        """
        return self._transport.request(
            "POST", self.url(path), json_body=json, refresh=refresh, offline=offline, expect=expect
        )

    def paginate(
        self, path: str, *, refresh: bool = False, ahead: int = 0, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Yield each page (the JSON dict) of a paginated endpoint, following every ``next``.

        Never stops on a short page: PostHog sometimes returns fewer rows than ``limit`` with a
        ``next`` link. ``ahead`` pages (0 to 15) are fetched concurrently beyond the current one
        when the endpoint pages by offset. A page that is not ``{"results": [{...}, ...]}``
        raises :class:`InvalidResponse` and is not kept in the local cache; a cached page older
        than one already read (its ``count`` differs) is fetched again from PostHog, so a pull
        never mixes pages from before and after a change.

        Example:
            >>> for page in client.paginate("insights/", limit=100):
            ...     print(len(page["results"]))
        """
        if not _whole(ahead, 0, MAX_CONNECTIONS - 1):
            raise ValidationError(f"ahead must be 0 to {MAX_CONNECTIONS - 1}, got {ahead!r}.")
        first = requests.Request("GET", self.url(path), params=_clean(params)).prepare().url
        latest: dict[str, int] = {}

        def fetch(url: str, fresh: bool = refresh) -> dict[str, Any]:
            page = self._transport.request("GET", url, refresh=fresh, expect=expect_page)
            if isinstance(page.get("count"), int):
                latest["count"] = page["count"]
            return page

        yield from iter_pages(
            fetch,
            first,
            ahead=ahead,
            total=lambda: latest.get("count"),
            rewrite=self._pin,
            refetch=lambda url: fetch(url, True),
        )

    def _pin(self, url: str) -> str:
        # A `next` link naming another host (a proxy's view of PostHog) must not receive the key.
        parts, mine = urlsplit(url), urlsplit(self.settings.host)
        return urlunsplit((mine.scheme, mine.netloc, parts.path, parts.query, ""))

    def clear_cache(self) -> None:
        """Delete every cached answer of this client's session (the sqlite file stays).

        Example:
            >>> client.clear_cache()  # the next client.persons() asks PostHog again
        """
        if isinstance(self.session, requests_cache.CachedSession):
            self.session.cache.clear()
        self._me = None

    def _progress_enabled(self, explicit: bool | None) -> bool:
        choice = explicit if explicit is not None else self.progress
        if choice is not None:
            return bool(choice)
        return os.environ.get("POSTHOG_FRAMES_PROGRESS", "1").lower() not in ("0", "false", "no")


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    """Drop None values and spell booleans as PostHog's query strings expect."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def _check_options(
    timeout: Any, max_wait: Any, requests_per_minute: Any, page_size: Any, concurrency: Any
) -> None:
    """Refuse option values that would fail later, mid-pull, with an unrelated error."""
    if not _seconds(timeout) or timeout == 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds: {timeout!r}")
    if not _seconds(max_wait):
        raise ConfigurationError(
            "max_wait must be seconds >= 0 (the longest announced 429 wait to sleep through), "
            f"got {max_wait!r}."
        )
    if not _whole(requests_per_minute, 1, None):
        raise ConfigurationError(
            "requests_per_minute must be a whole number >= 1 (PostHog allows 240 per key); "
            f"got {requests_per_minute!r}."
        )
    if not _whole(page_size, 1, 50_000):
        raise ConfigurationError("page_size must be between 1 and 50,000 (PostHog's cap).")
    if not _whole(concurrency, 1, MAX_CONNECTIONS):
        raise ConfigurationError(
            f"concurrency must be a whole number from 1 (one page at a time) to "
            f"{MAX_CONNECTIONS}; got {concurrency!r}."
        )


def _seconds(value: Any) -> bool:
    """Whether *value* is a number of seconds >= 0 (not a bool, not NaN)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and value >= 0  # NaN compares False


def _whole(value: Any, low: int, high: int | None) -> bool:
    """Whether *value* is an int (not a bool) from *low* to *high* (None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return low <= value and (high is None or value <= high)


def _expect_user(body: dict[str, Any]) -> str | None:
    # /api/users/@me/ is a user: a later project_id lookup reads its team.
    if "team" in body and ("email" in body or "uuid" in body):
        return None
    return f"expected the user object {{'email', 'team', ...}}, got keys {sorted(body)[:8]}"
