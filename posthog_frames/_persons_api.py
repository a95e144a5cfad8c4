"""Persons: every matching person as one DataFrame, page by page, nothing lost or repeated."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd
import requests

from ._paging import canonical, check_page, iter_pages
from ._query_api import check_via
from ._result_cache import ResultCache, result_key
from .exceptions import InvalidResponse, PermissionDenied, ValidationError
from .filters import filters_param, normalize_filters
from .persons import concat_person_pages, persons_frame

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["PersonsMixin"]

log = logging.getLogger("posthog_frames")
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


class PersonsMixin:
    """``client.persons()``, ``iter_persons()``, ``person()`` and property metadata."""

    def iter_persons(
        self: Client,
        properties: Any = None,
        search: str | None = None,
        distinct_id: str | None = None,
        email: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        progress: bool | None = None,
        *,
        refresh: bool = False,
        dtypes: bool = True,
        via: str = "rest",
    ) -> Iterator[pd.DataFrame]:
        """Yield one DataFrame per page of persons (see :meth:`persons` for the arguments).

        Example:
            >>> for page in client.iter_persons(page_size=500):
            ...     print(len(page))
        """
        if check_via(via) == "query":
            args = (properties, search, distinct_id, email, limit, page_size, progress)
            yield from self._iter_persons_query(*args, refresh=refresh, dtypes=dtypes)
            return
        url = self._persons_url(properties, search, distinct_id, email, limit, page_size)
        types = self._person_property_types() if dtypes else None
        yield from self._person_frames(url, types, limit, progress, refresh, counts=[])

    def persons(
        self: Client,
        properties: Any = None,
        search: str | None = None,
        distinct_id: str | None = None,
        email: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        progress: bool | None = None,
        *,
        refresh: bool = False,
        dtypes: bool = True,
        via: str = "rest",
    ) -> pd.DataFrame:
        """Every matching person, one row each, following every ``next`` link.

        Args:
            properties: person property filters: ``PropertyFilter``s, dicts or a JSON string.
            search: email (substring) or distinct_id (exact), as PostHog's search box.
            distinct_id, email: exact matches.
            limit: the most rows to return (default: all).
            page_size: rows per request (default 1,000; PostHog's own default is 100).
            progress: a progress bar for pulls of several pages (default on, unless
                ``POSTHOG_FRAMES_PROGRESS=0``).
            refresh: bypass the local cache.
            dtypes: use the project's property definitions to type property columns.
            via: ``"rest"`` (the persons API), or ``"query"``: HogQL pages of 50,000 rows
                (few requests for big projects; ``id`` is then the UUID and ``last_seen_at``
                empty, see :mod:`posthog_frames._query_persons`).

        Columns: ``id``, ``uuid``, ``name``, ``distinct_ids``, ``created_at``,
        ``last_seen_at`` (UTC) and ``properties.<key>`` for every person property.
        ``df.attrs["total"]`` is PostHog's count when it gave one.

        Persons changing during a pull: PostHog pages by offset over persons ordered newest
        first, so a person created mid-pull shifts every later row down by one. Each person who
        exists for the whole pull is returned exactly once (a row seen twice at a page boundary
        is kept once, and a page that predates the change is fetched again). Persons created
        after the pull started are not included, and a person deleted or merged mid-pull can make
        one other person at a page boundary go missing; either way a ``UserWarning`` says the
        count changed, and running again (``refresh=True``) gives a consistent result.

        A repeated call is answered from the cache (pages and the finished frame) while
        ``expire_after`` allows, without any request.

        Example:
            >>> linux = client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
        """
        if check_via(via) == "query":
            args = (properties, search, distinct_id, email, limit, page_size, progress)
            return self._persons_via_query(*args, refresh=refresh, dtypes=dtypes)
        url = self._persons_url(properties, search, distinct_id, email, limit, page_size)
        types = self._person_property_types() if dtypes else None
        store = ResultCache.of(self.session)
        key = result_key(
            self.settings.fingerprint, "persons", canonical(url), limit=limit, types=types
        )
        if store is not None and not refresh:
            cached = store.get(key, stale_ok=self.settings.offline)
            if cached is not None:
                return cached
        counts: list[int] = []
        frame = concat_person_pages(
            self._person_frames(url, types, limit, progress, refresh, counts=counts)
        )
        frame.attrs.update({"kind": "persons", "project_id": self.project_id})
        if counts:
            frame.attrs["total"] = counts[-1]
        if properties:
            frame.attrs["properties"] = [f.to_dict() for f in normalize_filters(properties)]
        if store is not None and len(set(counts)) <= 1:  # never keep a pull that saw changes
            store.put(key, url, frame)
        return frame

    def _persons_url(
        self: Client,
        properties: Any,
        search: str | None,
        distinct_id: str | None,
        email: str | None,
        limit: int | None,
        page_size: int | None,
    ) -> str:
        params = {
            "properties": filters_param(normalize_filters(properties)) if properties else None,
            "search": search,
            "distinct_id": distinct_id,
            "email": email,
            "limit": _page_size(page_size, limit, self.settings.page_size),
            "include_total": "true",
        }
        query = {k: v for k, v in params.items() if v is not None}
        return requests.Request("GET", self.url("persons/"), params=query).prepare().url

    def _person_frames(
        self: Client,
        url: str,
        types: dict[str, str] | None,
        limit: int | None,
        progress: bool | None,
        refresh: bool,
        counts: list[int],
    ) -> Iterator[pd.DataFrame]:
        """One frame per page from *url*, without repeats; *counts* gets each page's ``count``."""

        latest: dict[str, int] = {}

        def fetch(page_url: str, fresh: bool = refresh) -> dict[str, Any]:
            page = check_page(self._transport.request("GET", page_url, refresh=fresh), page_url)
            if isinstance(page.get("count"), int):
                latest["count"] = page["count"]
            return page

        pages = iter_pages(
            fetch,
            url,
            ahead=self.settings.concurrency - 1,
            total=lambda: latest.get("count"),
            rewrite=self._pin,
            refetch=lambda page_url: fetch(page_url, True),
        )
        seen: set[int] = set()
        remaining = limit
        bar = None
        try:
            for page in pages:
                if isinstance(page.get("count"), int):
                    counts.append(page["count"])
                if bar is None and page.get("next") and self._progress_enabled(progress):
                    bar = _progress_bar(page.get("count"), limit)
                frame = persons_frame(page["results"], property_types=types)
                # Offsets shift when persons are added mid-pull: the boundary row comes twice.
                fresh = ~frame["id"].isin(seen)
                if not fresh.all():
                    frame = frame.loc[fresh].reset_index(drop=True)
                seen.update(frame["id"].tolist())
                if remaining is not None:
                    frame = frame.iloc[:remaining]
                    remaining -= len(frame)
                if bar is not None:
                    bar.update(len(frame))
                yield frame
                if remaining is not None and remaining <= 0:
                    return
        finally:
            if bar is not None:
                bar.close()
        if len(set(counts)) > 1:
            warnings.warn(
                f"PostHog's person count changed during this pull (from {counts[0]:,} to "
                f"{counts[-1]:,}): persons created meanwhile are missing, and a deletion can "
                "hide a person at a page boundary. Run again with refresh=True for a consistent "
                "result.",
                UserWarning,
                stacklevel=3,
            )

    def person(self: Client, id_or_uuid: int | str, *, refresh: bool = False) -> pd.Series:
        """One person by numeric id or UUID, as a Series (properties flattened).

        A distinct_id is not a person id: use ``client.persons(distinct_id=...)`` for those.

        Example:
            >>> client.person(42)["properties.email"]
        """
        key = str(id_or_uuid).strip()
        if isinstance(id_or_uuid, bool) or not (key.isdigit() or _UUID_RE.match(key)):
            raise ValidationError(
                f"{id_or_uuid!r} is not a person id (a number) or UUID. If it is a distinct_id, "
                f"use client.persons(distinct_id={key!r}) instead."
            )
        raw = self.get(
            f"persons/{key}/", refresh=refresh, hint="Check the id with client.persons()."
        )
        if not isinstance(raw, dict) or "id" not in raw:
            raise InvalidResponse(f"persons/{key}/ did not answer with a person object.")
        row = persons_frame([raw], property_types=self._person_property_types()).iloc[0]
        row.name = raw["id"]
        return row

    def property_definitions(
        self: Client, type: str = "person", search: str | None = None, *, refresh: bool = False
    ) -> pd.DataFrame:
        """The project's property definitions: ``name``, ``property_type``, ``is_numerical``, …

        Example:
            >>> client.property_definitions()[["name", "property_type"]]
        """
        if type not in ("person", "event", "session", "group"):
            raise ValidationError(
                f"type must be one of person, event, session, group, not {type!r}."
            )
        pages = self.paginate(
            "property_definitions/", refresh=refresh, type=type, search=search, limit=1000
        )
        rows = [row for page in pages for row in page["results"]]
        columns = ["name", "property_type", "is_numerical", "id", "tags"]
        frame = pd.DataFrame(rows, columns=list(dict.fromkeys([*columns, *_keys(rows)])))
        frame.attrs.update({"kind": "property_definitions", "type": type})
        return frame.sort_values("name", ignore_index=True)

    def property_values(
        self: Client, key: str, search: str | None = None, *, refresh: bool = False
    ) -> pd.DataFrame:
        """The values a person property takes, most common first: ``value``, ``count``.

        Example:
            >>> client.property_values("$initial_os")
        """
        if not isinstance(key, str) or not key:
            raise ValidationError("property_values needs a property name, e.g. '$initial_os'.")
        body = self.get("persons/values/", refresh=refresh, key=key, value=search)
        items = body.get("results") if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise InvalidResponse(
                "persons/values/ did not answer with {'results': [{'name': ..., 'count': ...}]}."
            )
        rows = [(item.get("name"), item.get("count")) for item in body["results"]]
        frame = pd.DataFrame(rows, columns=["value", "count"])
        frame["count"] = frame["count"].astype("Int64")
        frame.attrs.update({"kind": "property_values", "key": key})
        return frame

    def _person_property_types(self: Client) -> dict[str, str] | None:
        try:
            definitions = self.property_definitions("person")
        except PermissionDenied:
            log.info("no property_definition:read scope; inferring person property dtypes")
            return None
        typed = definitions.dropna(subset=["property_type"])
        return dict(zip(typed["name"], typed["property_type"], strict=True))


def _page_size(page_size: int | None, limit: int | None, default: int) -> int:
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValidationError(f"limit must be a positive whole number, got {limit!r}.")
    size = default if page_size is None else page_size
    # PostHog caps a query at 50,000 rows and then drops the `next` link: never ask for more.
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 50_000:
        raise ValidationError(f"page_size must be between 1 and 50,000, got {page_size!r}.")
    return min(size, limit) if limit is not None else size


def _keys(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def _progress_bar(total: Any, limit: int | None) -> Any:
    from tqdm.auto import tqdm

    count = total if isinstance(total, int) else None
    if limit is not None:
        count = min(count, limit) if count is not None else limit
    return tqdm(total=count, unit="persons", desc="persons")
