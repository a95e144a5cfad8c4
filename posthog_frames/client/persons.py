"""Persons: every matching person as one DataFrame, page by page, nothing lost or repeated.

Two paths give the same columns: ``via="rest"`` pages PostHog's persons API (``next`` links,
pages fetched ahead); ``via="query"`` pages a HogQL query of up to 50,000 persons a request
(SQL in :mod:`posthog_frames.client.hogql`). Both convert with
:func:`posthog_frames.frames.persons_frame` and drop a person seen twice at a page boundary.

Example:
    >>> request = PersonsRequest(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
    >>> len(persons(client, request)) == len(persons(client, request, via="query"))
    True
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pandas as pd
import requests

from posthog_frames.client.base import BaseClient
from posthog_frames.client.cohort_state import await_cohorts, cohort_filter_ids
from posthog_frames.client.hogql import MAX_ROWS
from posthog_frames.client.persons_hogql import query_person_pages
from posthog_frames.client.persons_request import PersonsRequest
from posthog_frames.client.progress import progress_bar
from posthog_frames.client.properties import filter_keys, hint_unknown, person_property_types
from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import filters_param, normalize_filters
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.persons import concat_person_pages, persons_frame
from posthog_frames.http.frame_cache import ResultCache, result_key
from posthog_frames.http.paging import canonical
from posthog_frames.http.transport import expect_object

__all__ = [
    "PersonsRequest",
    "check_via",
    "iter_persons",
    "page_size_for",
    "person",
    "persons",
    "rest_frames",
]

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# A warning about a pull points at the user's line, past this module's function, its page
# generator and the Client method that called it.
_USER_FRAME = 5


def check_via(via: Any) -> str:
    """Validate ``persons(via=...)``: ``"rest"`` or ``"query"``.

    Example:
        >>> check_via("query")
        'query'
    """
    if via not in ("rest", "query"):
        raise ValidationError(
            f'via must be "rest" (the persons API) or "query" (HogQL), not {via!r}.'
        )
    return via


def _query_frames(
    client: BaseClient, request: PersonsRequest, progress: bool | None, refresh: bool, dtypes: bool
) -> Iterator[pd.DataFrame]:
    pages = query_person_pages(client, request, progress, refresh=refresh, dtypes=dtypes)
    return (frame for frame, _ in pages)


def iter_persons(
    client: BaseClient,
    request: PersonsRequest,
    progress: bool | None = None,
    *,
    refresh: bool = False,
    dtypes: bool = True,
    via: str = "rest",
    dtype_backend: DtypeBackend | None = None,
) -> Iterator[pd.DataFrame]:
    """One frame per page of persons (see :meth:`posthog_frames.Client.iter_persons`).

    Example:
        >>> [len(page) for page in iter_persons(client, PersonsRequest(page_size=200))]
        [200, 200, 100]
    """
    check_backend(dtype_backend)
    if check_via(via) == "query":
        pages = _query_frames(client, request, progress, refresh, dtypes)
    else:
        url = _rest_url(client, request)
        _cohorts_ready(client, request)
        types = person_property_types(client, refresh=refresh) if dtypes else None
        pages = rest_frames(client, url, types, request.limit, progress, refresh, counts=[])
    for page in pages:
        yield with_backend(page, dtype_backend)


def persons(
    client: BaseClient,
    request: PersonsRequest,
    progress: bool | None = None,
    *,
    refresh: bool = False,
    dtypes: bool = True,
    via: str = "rest",
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Every matching person as one frame (see :meth:`posthog_frames.Client.persons`).

    Example:
        >>> len(persons(client, PersonsRequest(limit=5)))
        5
    """
    # Pages are stacked with the default dtypes (which concat_person_pages reconciles) and
    # the whole frame converted once.
    check_backend(dtype_backend)
    if check_via(via) == "query":
        pages = _query_frames(client, request, progress, refresh, dtypes)
        frame = concat_person_pages(list(pages))
        _describe(frame, client.project_id, request, [])
        frame.attrs["via"] = "query"
        hint_unknown(client, frame, filter_keys(request.properties))
        return with_backend(frame, dtype_backend)
    url = _rest_url(client, request)
    types = person_property_types(client, refresh=refresh) if dtypes else None
    store = ResultCache.of(client.session)
    # The frame is kept as returned: the backend is part of the key (absent for the default,
    # so frames kept before it existed still answer).
    backend = {"dtype_backend": dtype_backend} if dtype_backend else {}
    key = result_key(
        client.settings.fingerprint,
        "persons",
        canonical(url),
        limit=request.limit,
        types=types,
        **backend,
    )
    if store is not None and not refresh:
        cached = store.get(key, stale_ok=client.settings.offline)
        if cached is not None:
            return cached
    _cohorts_ready(client, request)
    counts: list[int] = []
    # list() first: the count-changed warning then points at the caller's line.
    frames = list(rest_frames(client, url, types, request.limit, progress, refresh, counts))
    frame = concat_person_pages(frames)
    _describe(frame, client.project_id, request, counts)
    hint_unknown(client, frame, filter_keys(request.properties))
    frame = with_backend(frame, dtype_backend)
    if store is not None and _complete(counts, len(frame), request.limit):
        store.put(key, url, frame)
    elif store is not None:
        # Never keep a pull that saw the count change, nor leave an older frame in its
        # place: the next call pulls again rather than answer from before this one.
        store.delete(key)
    return frame


def person(client: BaseClient, id_or_uuid: int | str, *, refresh: bool = False) -> pd.Series:
    """One person by numeric id or UUID, as a Series (see :meth:`posthog_frames.Client.person`).

    Example:
        >>> found = person(client, 1)
        >>> found["id"] == found["uuid"] == found.name    # the UUID, as in persons()
        True
    """
    key = str(id_or_uuid).strip()
    if isinstance(id_or_uuid, bool) or not (key.isdigit() or _UUID_RE.match(key)):
        raise ValidationError(
            f"{id_or_uuid!r} is not a person id (a number) or UUID. If it is a distinct_id, "
            f"use client.persons(distinct_id={key!r}) instead."
        )
    raw = client.get(
        f"persons/{key}/", refresh=refresh, hint=_person_hint(key), expect=_expect_person
    )
    types = person_property_types(client, refresh=refresh)
    # Retrieve answers PersonSerializer, whose id is the numeric key; the persons list (and so
    # every frame here) uses the UUID as id.
    listed = {**raw, "id": raw.get("uuid", raw["id"])}
    row = persons_frame([listed], property_types=types).iloc[0]
    row.name = listed["id"]
    return row


# -- the REST path ----------------------------------------------------------------------------


def _rest_url(client: BaseClient, request: PersonsRequest) -> str:
    params = {
        "properties": filters_param(normalize_filters(request.properties))
        if request.properties
        else None,
        "search": request.search,
        "distinct_id": request.distinct_id,
        "email": request.email,
        "limit": page_size_for(request.page_size, request.limit, client.settings.page_size),
        "include_total": "true",
    }
    query = {k: v for k, v in params.items() if v is not None}
    return str(requests.Request("GET", client.url("persons/"), params=query).prepare().url)


def _cohorts_ready(client: BaseClient, request: PersonsRequest) -> None:
    """Wait for the cohorts the filters name to be calculated (see :mod:`.cohort_state`)."""
    if request.properties:
        ids = cohort_filter_ids(normalize_filters(request.properties))
        await_cohorts(client, ids, optional=True)


def rest_frames(
    client: BaseClient,
    url: str,
    types: dict[str, str] | None,
    limit: int | None,
    progress: bool | None,
    refresh: bool,
    counts: list[int],
) -> Iterator[pd.DataFrame]:
    """One frame per page of persons from *url* (a persons list: ``persons/`` or a cohort's
    ``cohorts/:id/persons/``), without repeats; *counts* gets each page's ``count``.

    Example:
        >>> url = client.url("persons/") + "?limit=200"
        >>> [len(f) for f in rest_frames(client, url, None, 300, False, False, [])]
        [200, 100]
    """
    # include_total makes PostHog count every matching person again: ask on the first page only.
    pages = client.paginate(
        url,
        refresh=refresh,
        ahead=client.settings.concurrency - 1,
        first_only=("include_total",),
    )
    seen: set[Any] = set()
    remaining = limit
    bar = None
    try:
        for page in pages:
            if isinstance(page.get("count"), int):
                counts.append(page["count"])
            # A bar only when another page will be fetched (not for limit=1, say).
            more = remaining is None or remaining > len(page["results"])
            if bar is None and page.get("next") and more:
                bar = progress_bar(
                    client, progress, _bar_total(page.get("count"), limit), "persons"
                )
            frame = _drop_seen(persons_frame(page["results"], property_types=types), seen)
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
    if not _complete(counts, len(seen), limit):
        _warn_changed(counts[0], len(seen))


def page_size_for(page_size: int | None, limit: int | None, default: int) -> int:
    """Rows per request: *page_size* (else *default*), no more than *limit*; both checked.

    Example:
        >>> page_size_for(None, 40, 1000)
        40
    """
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValidationError(f"limit must be a positive whole number, got {limit!r}.")
    size = default if page_size is None else page_size
    # PostHog caps a query at 50,000 rows and then drops the `next` link: never ask for more.
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_ROWS:
        raise ValidationError(f"page_size must be between 1 and 50,000, got {page_size!r}.")
    return min(size, limit) if limit is not None else size


def _bar_total(count: Any, limit: int | None) -> int | None:
    total = count if isinstance(count, int) else None
    if limit is not None:
        total = min(total, limit) if total is not None else limit
    return total


# -- shared by both paths ---------------------------------------------------------------------


def _describe(frame: pd.DataFrame, project_id: int, request: PersonsRequest, counts: list) -> None:
    """The attrs of a finished persons frame (REST or HogQL)."""
    frame.attrs.update({"kind": "persons", "project_id": project_id})
    if counts:
        frame.attrs["total"] = counts[-1]
    if request.properties:
        frame.attrs["properties"] = request.filters()


def _drop_seen(frame: pd.DataFrame, seen: set[Any]) -> pd.DataFrame:
    """*frame* without persons in *seen*, which then holds this frame's ids too.

    Offsets shift when persons are added mid-pull, so the row at a page boundary comes twice.
    """
    fresh = ~frame["id"].isin(seen)
    if not fresh.all():
        frame = frame.loc[fresh].reset_index(drop=True)
    seen.update(frame["id"].tolist())
    return frame


def _complete(counts: list[int], rows: int, limit: int | None) -> bool:
    """Whether a REST pull got as many persons as PostHog counted when it started."""
    return limit is not None or not counts or rows == counts[0]


def _warn_changed(counted: int, got: int) -> None:
    """The documented warning when a pull's persons changed while it ran."""
    warnings.warn(
        f"PostHog counted {counted:,} matching persons when this pull started, but it returned "
        f"{got:,}: persons were added, merged or deleted during the pull (PostHog pages by "
        "offset, so a change shifts later pages). Run again with refresh=True for a consistent "
        "result.",
        UserWarning,
        stacklevel=_USER_FRAME,
    )


def _person_hint(key: str) -> str:
    if _UUID_RE.match(key):
        # Anonymous distinct_ids are UUIDs too, so a UUID that is no person is likely one.
        return (
            f"{key!r} may be a distinct_id rather than a person's UUID (anonymous distinct_ids "
            f"are UUIDs): try client.persons(distinct_id={key!r}). Person ids and UUIDs are in "
            "client.persons()."
        )
    return "Check the id with client.persons()."


def _expect_person(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    if "id" in body and isinstance(body.get("properties") or {}, dict):
        return None
    return f"expected a person object {{'id', 'properties', ...}}, got keys {sorted(body)[:8]}"
