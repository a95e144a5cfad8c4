"""Persons: every matching person as one DataFrame, page by page, nothing lost or repeated."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
import requests

from posthog_frames._paging import canonical, expect_page
from posthog_frames._property_hints import filter_keys, warn_unknown_properties
from posthog_frames._result_cache import ResultCache, result_key
from posthog_frames.exceptions import PermissionDenied, ValidationError
from posthog_frames.filters import filters_param, normalize_filters
from posthog_frames.persons import concat_person_pages, persons_frame

if TYPE_CHECKING:
    from posthog_frames._client import Client

__all__ = [
    "PersonsMixin",
    "PersonsRequest",
    "check_via",
    "describe_persons",
    "drop_seen",
    "warn_if_changed",
]

log = logging.getLogger("posthog_frames")
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


class PersonsRequest(NamedTuple):
    """Which persons a pull asks for: the arguments ``persons()`` and ``iter_persons()`` share.

    Example:
        >>> PersonsRequest(properties=[PropertyFilter("plan", ["pro"])], limit=10).limit
        10
    """

    properties: Any = None
    search: str | None = None
    distinct_id: str | None = None
    email: str | None = None
    limit: int | None = None
    page_size: int | None = None

    def filters(self) -> list[dict[str, Any]]:
        """The property filters as PostHog's dicts (``[]`` without filters)."""
        return [f.to_dict() for f in normalize_filters(self.properties)] if self.properties else []


def check_via(via: Any) -> str:
    """Validate ``persons(via=...)``: ``"rest"`` or ``"query"``."""
    if via not in ("rest", "query"):
        raise ValidationError(
            f'via must be "rest" (the persons API) or "query" (HogQL), not {via!r}.'
        )
    return via


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

        Unlike :meth:`persons`, each page is yielded as it arrives (nothing is kept), so the
        frames of a pull that shifts while paging are already out when the warning comes.

        Example:
            >>> for page in client.iter_persons(page_size=500):
            ...     print(len(page))
        """
        request = PersonsRequest(properties, search, distinct_id, email, limit, page_size)
        if check_via(via) == "query":
            yield from self._iter_persons_query(request, progress, refresh=refresh, dtypes=dtypes)
            return
        url = self._persons_url(request)
        types = self._person_property_types(refresh=refresh) if dtypes else None
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
            refresh: bypass the local cache (pages, property definitions and the kept frame).
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
        ``expire_after`` allows, without any request; ``refresh=True`` replaces both.

        Example:
            >>> linux = client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
        """
        request = PersonsRequest(properties, search, distinct_id, email, limit, page_size)
        if check_via(via) == "query":
            frame = self._persons_via_query(request, progress, refresh=refresh, dtypes=dtypes)
            self._hint_unknown(frame, filter_keys(properties))
            return frame
        url = self._persons_url(request)
        types = self._person_property_types(refresh=refresh) if dtypes else None
        store = ResultCache.of(self.session)
        key = result_key(
            self.settings.fingerprint, "persons", canonical(url), limit=limit, types=types
        )
        if store is not None and not refresh:
            cached = store.get(key, stale_ok=self.settings.offline)
            if cached is not None:
                return cached
        counts: list[int] = []
        # list() first: the count-changed warning then points at the caller's line.
        pages = list(self._person_frames(url, types, limit, progress, refresh, counts=counts))
        frame = concat_person_pages(pages)
        describe_persons(frame, self.project_id, request, counts)
        self._hint_unknown(frame, filter_keys(properties))
        if store is not None and len(set(counts)) <= 1:
            store.put(key, url, frame)
        elif store is not None:
            # Never keep a pull that saw the count change, nor leave an older frame in its
            # place: the next call pulls again rather than answer from before this one.
            store.delete(key)
        return frame

    def _persons_url(self: Client, request: PersonsRequest) -> str:
        params = {
            "properties": filters_param(normalize_filters(request.properties))
            if request.properties
            else None,
            "search": request.search,
            "distinct_id": request.distinct_id,
            "email": request.email,
            "limit": _page_size(request.page_size, request.limit, self.settings.page_size),
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
        pages = self.paginate(url, refresh=refresh, ahead=self.settings.concurrency - 1)
        seen: set[int] = set()
        remaining = limit
        bar = None
        try:
            for page in pages:
                if isinstance(page.get("count"), int):
                    counts.append(page["count"])
                # A bar only when another page will be fetched (not for limit=1, say).
                more = remaining is None or remaining > len(page["results"])
                if bar is None and page.get("next") and more and self._progress_enabled(progress):
                    bar = _progress_bar(page.get("count"), limit)
                frame = drop_seen(persons_frame(page["results"], property_types=types), seen)
                if remaining is not None:
                    frame = frame.iloc[:remaining]
                    remaining -= len(frame)
                if bar is not None:
                    bar.update(len(frame))
                yield frame
                if remaining is not None and remaining <= 0:
                    return
        finally:
            pages.close()  # stop fetching ahead now, also when the caller stops early
            if bar is not None:
                bar.close()
        warn_if_changed(counts, stacklevel=4)

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
            f"persons/{key}/",
            refresh=refresh,
            hint=_person_hint(key),
            expect=_expect_person,
        )
        types = self._person_property_types(refresh=refresh)
        row = persons_frame([raw], property_types=types).iloc[0]
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
        body = self.get(
            "persons/values/", refresh=refresh, key=key, value=search, expect=_expect_values
        )
        rows = [(item.get("name"), item.get("count")) for item in body["results"]]
        frame = pd.DataFrame(rows, columns=["value", "count"])
        frame["count"] = frame["count"].astype("Int64")
        frame.attrs.update({"kind": "property_values", "key": key})
        self._hint_unknown(frame, [key])
        return frame

    def _hint_unknown(self: Client, frame: pd.DataFrame, keys: list[str]) -> None:
        # An empty answer is where a misspelt property name hides; the definitions are cached.
        if frame.empty and keys:
            warn_unknown_properties(keys, lambda: self.property_definitions("person"), stacklevel=3)

    def _person_property_types(self: Client, *, refresh: bool = False) -> dict[str, str] | None:
        try:
            definitions = self.property_definitions("person", refresh=refresh)
        except PermissionDenied:
            log.info("no property_definition:read scope; inferring person property dtypes")
            return None
        typed = definitions.dropna(subset=["property_type"])
        return dict(zip(typed["name"], typed["property_type"], strict=True))


def _person_hint(key: str) -> str:
    if _UUID_RE.match(key):
        # Anonymous distinct_ids are UUIDs too, so a UUID that is no person is likely one.
        return (
            f"{key!r} may be a distinct_id rather than a person's UUID (anonymous distinct_ids "
            f"are UUIDs): try client.persons(distinct_id={key!r}). Person ids and UUIDs are in "
            "client.persons()."
        )
    return "Check the id with client.persons()."


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


def _expect_person(body: dict[str, Any]) -> str | None:
    if "id" in body and isinstance(body.get("properties") or {}, dict):
        return None
    return f"expected a person object {{'id', 'properties', ...}}, got keys {sorted(body)[:8]}"


def _expect_values(body: dict[str, Any]) -> str | None:
    problem = expect_page(body)
    if problem is None and not all(_count(item.get("count")) for item in body["results"]):
        problem = "expected {'name': ..., 'count': <whole number>} items in 'results'"
    return problem


def _count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def describe_persons(
    frame: pd.DataFrame, project_id: int, request: PersonsRequest, counts: list
) -> None:
    """The attrs of a finished persons frame (REST or HogQL)."""
    frame.attrs.update({"kind": "persons", "project_id": project_id})
    if counts:
        frame.attrs["total"] = counts[-1]
    if request.properties:
        frame.attrs["properties"] = request.filters()


def drop_seen(frame: pd.DataFrame, seen: set) -> pd.DataFrame:
    """*frame* without persons in *seen*, which then holds this frame's ids too.

    Offsets shift when persons are added mid-pull, so the row at a page boundary comes twice.
    """
    fresh = ~frame["id"].isin(seen)
    if not fresh.all():
        frame = frame.loc[fresh].reset_index(drop=True)
    seen.update(frame["id"].tolist())
    return frame


def warn_if_changed(counts: list[int], stacklevel: int) -> None:
    """The documented warning when PostHog's person count changed between pages of a pull."""
    if len(set(counts)) > 1:
        warnings.warn(
            f"PostHog's person count changed during this pull (from {counts[0]:,} to "
            f"{counts[-1]:,}): persons created meanwhile are missing, and a deletion can hide a "
            "person at a page boundary. Run again with refresh=True for a consistent result.",
            UserWarning,
            stacklevel=stacklevel,
        )
