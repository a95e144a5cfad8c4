"""Persons through HogQL: pages of up to 50,000 persons by keyset, never OFFSET.

``client.persons(via="query")`` and ``stream_to_parquet("persons")`` read persons this way: one
``/query/`` request a page, paged by keyset on ``(created_at, id)`` newest first as the persons
list orders them. The SQL is written in :mod:`posthog_frames.client.hogql`.

Example:
    >>> from posthog_frames.client.persons_request import PersonsRequest
    >>> [len(f) for f in query_person_frames(client, PersonsRequest(page_size=300))]
    [300, 200]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.hogql import MAX_ROWS, person_dicts, persons_page_sql, persons_where
from posthog_frames.client.persons_request import PersonsRequest
from posthog_frames.client.progress import progress_bar
from posthog_frames.client.properties import person_property_types
from posthog_frames.client.query import check_limit, run_query
from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.frames.persons import persons_frame

__all__ = ["query_person_frames", "query_person_pages"]


def query_person_frames(
    client: BaseClient,
    request: PersonsRequest,
    progress: bool | None = None,
    *,
    refresh: bool = False,
    dtypes: bool = True,
    types: dict[str, str] | None = None,
) -> Iterator[pd.DataFrame]:
    """``iter_persons(via="query")``: one frame per HogQL page of up to 50,000 persons, paged
    by keyset on ``(created_at, id)`` (PostHog refuses OFFSET), newest first as the list.

    *types* (property name → PostHog type) skips fetching the property definitions.

    Example:
        >>> from posthog_frames.client.persons_request import PersonsRequest
        >>> [len(f) for f in query_person_frames(client, PersonsRequest(page_size=200))]
        [200, 200, 100]
    """
    for frame, _ in query_person_pages(
        client, request, progress, refresh=refresh, dtypes=dtypes, types=types
    ):
        yield frame


def query_person_pages(
    client: BaseClient,
    request: PersonsRequest,
    progress: bool | None = None,
    *,
    refresh: bool = False,
    dtypes: bool = True,
    types: dict[str, str] | None = None,
    after: Sequence[Any] | None = None,
) -> Iterator[tuple[pd.DataFrame, tuple[Any, Any] | None]]:
    """:func:`query_person_frames`'s frames, each with the ``(created_at, id)`` of its last
    person as PostHog answered it (the keyset a later pull starts *after*).

    Example:
        >>> from posthog_frames.client.persons_request import PersonsRequest
        >>> pages = list(query_person_pages(client, PersonsRequest(page_size=400)))
        >>> [len(frame) for frame, _ in pages], pages[0][1][1] == pages[0][0]["id"].iloc[-1]
        ([400, 100], True)
    """
    size = MAX_ROWS if request.page_size is None else request.page_size
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_ROWS:
        raise ValidationError(f"page_size must be between 1 and 50,000, got {request.page_size!r}.")
    limit = check_limit(request.limit, paginate=True)
    where, values = persons_where(
        normalize_filters(request.properties) if request.properties else [],
        search=request.search,
        distinct_id=request.distinct_id,
        email=request.email,
    )
    if types is None and dtypes:
        types = person_property_types(client, refresh=refresh)
    mode = "force_blocking" if refresh else "blocking"
    size = min(size, MAX_ROWS - 1)  # one more row is asked for: it says whether more exist
    bar, read = None, 0
    after = tuple(after) if after is not None else None
    try:
        while True:
            wanted = size if limit is None else min(size, limit - read)
            final = limit is not None and read + wanted >= limit
            sql, params = persons_page_sql(where, values, wanted if final else wanted + 1, after)
            page = run_query(client, sql, params, mode)
            people = person_dicts(page)
            more = len(people) > wanted
            last = page["results"][wanted - 1] if more else None
            kept = min(wanted, len(people))
            tail = page["results"][kept - 1] if kept else None
            key = (tail[1], tail[0]) if tail is not None else after
            del page  # a page of 50,000 persons is large: keep no more than one alive
            frame = persons_frame(people[:wanted], property_types=types)
            del people
            if bar is None and more:
                bar = progress_bar(client, progress, limit, "persons")
            read += len(frame)
            if bar is not None:
                bar.update(len(frame))
            yield frame, key
            if last is None:
                return
            after = (last[1], last[0])  # (created, id) of the page's last person
    finally:
        if bar is not None:
            bar.close()
