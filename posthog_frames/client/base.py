"""What every request needs: settings, the transport, the project, and the low-level verbs.

:class:`BaseClient` talks to PostHog (``get``, ``post``, ``paginate``, ``me``); the resource
modules beside it (``persons``, ``insights``, ``query`` …) are plain functions that use only
these public verbs, so caching, pacing, retries and error mapping happen in one place
(:mod:`posthog_frames.http`). :class:`~posthog_frames.Client` adds the analyst's verbs on top.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Generator, Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import requests_cache

from posthog_frames._settings import (
    MAX_CONNECTIONS,
    Settings,
    check_options,
    resolve_host,
    resolve_key,
    resolve_project_id,
)
from posthog_frames.exceptions import ConfigurationError, InvalidResponse, ValidationError
from posthog_frames.http.cassette import Cassette, open_cassette
from posthog_frames.http.cassette_adapter import use_cassette
from posthog_frames.http.paging import expect_page, iter_pages
from posthog_frames.http.session import DEFAULT_MAX_CACHE_MB, build_session
from posthog_frames.http.sqlite_cache import SQLiteCache
from posthog_frames.http.transport import Expect, Transport, expect_object

__all__ = ["BaseClient", "clean_params"]

log = logging.getLogger("posthog_frames")


class BaseClient:
    """Configuration, the cached session and the low-level verbs (see :class:`Client`)."""

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
        requests_per_minute: int | None = None,
        concurrency: int = 4,
        rate_limits: Mapping[str, Sequence[tuple[int, float]]] | None = None,
        max_cache_mb: float | None = DEFAULT_MAX_CACHE_MB,
        cassette: str | os.PathLike[str] | Cassette | None = None,
        cassette_mode: str | None = None,
    ) -> None:
        if session is not None and not isinstance(session, requests.Session):
            raise ConfigurationError(
                f"session must be a requests.Session, got {type(session).__name__}."
            )
        check_options(timeout, max_wait, requests_per_minute, page_size, concurrency, rate_limits)
        tape = open_cassette(cassette, cassette_mode)
        replay_only = tape is not None and tape.replays_without(api_key)
        self.settings = Settings(
            host=resolve_host(tape.default_host(host) if tape is not None else host),
            api_key="" if replay_only else resolve_key(api_key),
            project_id=resolve_project_id(project_id),
            timeout=float(timeout),
            expire_after=expire_after,
            offline=offline,
            max_wait=float(max_wait),
            page_size=page_size,
            requests_per_minute=requests_per_minute,
            concurrency=concurrency,
            rate_limits=dict(rate_limits or {}),
        )
        self.progress = progress
        # A cassette is the file; answers are cached in memory for the run, so every one the
        # notebook needs reaches the cassette and a replay never depends on a cache file.
        keep = cache if tape is None or cache is False else "memory"
        http = build_session(
            session or keep, expire_after, max_cache_mb=max_cache_mb, offline=offline
        )
        #: The :class:`Cassette` answers are recorded to or replayed from, or None.
        self.cassette = tape
        if tape is not None:
            use_cassette(http, tape, self.settings.host, can_record=not replay_only)
        self._transport = Transport(self.settings, http)
        self._transport.paced = not replay_only
        self._transport.on_wait = self._budget_wait
        self._bars: weakref.WeakSet[Any] = weakref.WeakSet()
        self._project_id = self.settings.project_id
        self._me: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        project = self._project_id if self._project_id is not None else "<discovered on use>"
        return (
            f"{type(self).__name__}(host={self.settings.host!r}, project_id={project}, "
            f"key='{self.settings.masked_key}')"
        )

    # -- identity -----------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The PostHog address requests go to (``https://us.posthog.com`` by default).

        Example:
            >>> client.host
            'http://127.0.0.1:...'
        """
        return self.settings.host

    @property
    def session(self) -> requests.Session:
        """The session every request goes through (a ``CachedSession`` unless cache=False).

        Example:
            >>> type(client.session).__name__
            'CachedSession'
        """
        return self._transport.session

    @property
    def requests_sent(self) -> int:
        """How many requests reached the network (cache hits not counted).

        Example:
            >>> n = client.requests_sent
            >>> _ = client.insights(); _ = client.insights()   # the second is a cache hit
            >>> client.requests_sent - n <= 1
            True
        """
        return self._transport.requests_sent

    @property
    def project_id(self) -> int:
        """The project in use; discovered from ``/api/users/@me/`` when not given.

        Example:
            >>> client.project_id     # the key's current project
            1
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

    def adopt_project(self, project_id: int) -> int:
        """Use *project_id* when no project was given or discovered yet (a copied URL names
        one); the project in use, which stays as it was when one was set.

        Example:
            >>> client.adopt_project(2)   # the demo client already reads project 1
            1
        """
        with self._lock:
            if self._project_id is None:
                self._project_id = project_id
        return self.project_id

    def me(self, *, refresh: bool = False) -> dict[str, Any]:
        """The user the key belongs to (``/api/users/@me/``), with ``team`` and ``organization``.

        Example:
            >>> client.me()["team"]["project_id"]
            1
        """
        if self._me is None or refresh:
            self._me = self.get("/api/users/@me/", refresh=refresh, expect=_expect_user)
        return self._me

    # -- the low-level verbs ------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The absolute URL of *path*: ``/api/...`` as is, anything else under the project.

        Absolute URLs are pinned to this client's host, so the key never goes elsewhere.

        Example:
            >>> client.url("persons/")
            'http://127.0.0.1:.../api/projects/1/persons/'
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
        expect: Expect | None = None,
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
            >>> client.get("insights/", short_id="U6hMkMoa")["results"][0]["name"]
            'Daily traffic and signups'
            >>> client.get("/api/users/@me/")["email"]
            '...@...'
        """
        extra = params.pop("params", None) or {}
        query = clean_params({**extra, **params})
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
        expect: Expect | None = None,
    ) -> Any:
        """POST a JSON body (used for ``/query/``; answers are cached keyed on the body).

        *refresh*, *offline* and *expect* work as in :meth:`get`.

        Example:
            >>> client.post("query/", {"query": {"kind": "HogQLQuery", "query": "select 1"}})[
            ...     "results"]
            [[1]]
        """
        return self._transport.request(
            "POST", self.url(path), json_body=json, refresh=refresh, offline=offline, expect=expect
        )

    def paginate(
        self,
        path: str,
        *,
        refresh: bool = False,
        ahead: int = 0,
        first_only: Sequence[str] = (),
        **params: Any,
    ) -> Generator[dict[str, Any], None, None]:
        """Yield each page (the JSON dict) of a paginated endpoint, following every ``next``.

        Never stops on a short page: PostHog sometimes returns fewer rows than ``limit`` with a
        ``next`` link. ``ahead`` pages (0 to 15) are fetched concurrently beyond the current one
        when the endpoint pages by offset. A page that is not ``{"results": [{...}, ...]}``
        raises :class:`InvalidResponse` and is not kept in the local cache; a cached page older
        than one already read (its ``count`` differs) is fetched again from PostHog, so a pull
        never mixes pages from before and after a change. Query parameters named in
        *first_only* are sent with the first request only (``next`` links repeat them all).

        Example:
            >>> [len(page["results"]) for page in client.paginate("insights/", limit=10)]
            [10, 5]
        """
        if (
            isinstance(ahead, bool)
            or not isinstance(ahead, int)
            or not 0 <= ahead < MAX_CONNECTIONS
        ):
            raise ValidationError(f"ahead must be 0 to {MAX_CONNECTIONS - 1}, got {ahead!r}.")
        first = str(
            requests.Request("GET", self.url(path), params=clean_params(params)).prepare().url
        )
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
            rewrite=lambda url: _without(self._pin(url), first_only),
            refetch=lambda url: fetch(url, True),
        )

    def _pin(self, url: str) -> str:
        # A `next` link naming another host (a proxy's view of PostHog) must not receive the key.
        parts, mine = urlsplit(url), urlsplit(self.settings.host)
        return urlunsplit((mine.scheme, mine.netloc, parts.path, parts.query, ""))

    def _budget_wait(self, family: str, seconds: float, until: float) -> None:
        # A long pull says why it pauses, and until when, in its progress bar.
        clock = time.strftime("%H:%M:%S", time.localtime(until))
        text = f"waiting for PostHog's {family} budget until {clock}"
        for bar in list(self._bars):
            bar.set_postfix_str(text, refresh=True)
        if not self._bars and seconds >= 30:
            log.warning("%s (%.0f s)", text, seconds)

    def pause(self, seconds: float) -> None:
        """Sleep *seconds* between retries (the transport's clock, so tests can fake time).

        Example:
            >>> client.pause(0)
        """
        self._transport.sleep(seconds)

    def clear_cache(self, *, expired: bool = False) -> None:
        """Delete every cached answer of this client's session (the sqlite file stays, smaller);
        ``expired=True`` deletes only the answers past ``expire_after``.

        Example:
            >>> client.clear_cache(expired=True)  # what an offline client could still read
            >>> client.clear_cache()  # the next client.persons() asks PostHog again
        """
        if not expired:
            self._me = None
        if not isinstance(self.session, requests_cache.CachedSession):
            return
        cache = self.session.cache
        if not expired:
            cache.clear()
        elif isinstance(cache, SQLiteCache):
            cache.sweep(expired=True)
        else:  # memory, or a user's own backend
            cache.delete(expired=True)


def _without(url: str, names: Sequence[str]) -> str:
    if not names:
        return url
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit((*parts[:3], urlencode(kept), ""))


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    """Drop None values and spell booleans as PostHog's query strings expect.

    Example:
        >>> clean_params({"search": None, "basic": True, "limit": 10})
        {'basic': 'true', 'limit': 10}
    """
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def _expect_user(body: Any) -> str | None:
    # /api/users/@me/ is a user: a later project_id lookup reads its team.
    if not isinstance(body, dict):
        return expect_object(body)
    if "team" in body and ("email" in body or "uuid" in body):
        return None
    return f"expected the user object {{'email', 'team', ...}}, got keys {sorted(body)[:8]}"
