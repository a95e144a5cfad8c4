"""Events through ``/query/``: an ``EventsQuery`` paged by keyset on ``(timestamp, uuid)``.

Every page asks for the events after the last one seen (:mod:`posthog_frames.queries.events`),
never with an offset, so each event comes once, events sharing a timestamp included, however
many pages a pull takes; PostHog's ``hasMore`` says whether another page exists. Property
columns are typed from the project's event property definitions (inferred without the
``property_definition:read`` scope). Pages are kept in the local cache keyed on their query, so
re-running a cell costs PostHog nothing.

Example:
    >>> df = events(client, "signed up", after="2025-03-24", before="2025-03-25")
    >>> df.columns.tolist()[:5], len(df)
    (['uuid', 'event', 'timestamp', 'distinct_id', 'person_id'], 9)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.progress import progress_bar
from posthog_frames.client.properties import property_definitions
from posthog_frames.exceptions import InvalidResponse, PermissionDenied, ValidationError
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.events import concat_event_pages, events_frame
from posthog_frames.http.transport import expect_object
from posthog_frames.queries.events import events_query

__all__ = ["DEFAULT_PAGE", "event_pages", "event_types", "events"]

DEFAULT_PAGE = 10_000  # events per request: a few requests for a day of a busy project


def event_types(client: BaseClient) -> dict[str, str] | None:
    """The project's event property types (``{name: "Numeric" …}``), None without the
    ``property_definition:read`` scope.

    Example:
        >>> event_types(client)["revenue"]
        'Numeric'
    """
    try:
        definitions = property_definitions(client, "event")
    except PermissionDenied:
        return None
    typed = definitions.dropna(subset=["property_type"])
    return dict(zip(typed["name"], typed["property_type"], strict=True))


def events(
    client: BaseClient,
    event: str | None = None,
    *,
    properties: Any = None,
    after: Any = None,
    before: Any = None,
    person_id: str | int | None = None,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
    page_size: int = DEFAULT_PAGE,
    progress: bool | None = None,
    refresh: bool = False,
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Every matching event, one row each, oldest first (see :meth:`posthog_frames.Client.events`).

    Example:
        >>> events(client, "purchased", after="-3d", columns=["revenue"]).columns.tolist()[-1]
        'properties.revenue'
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValidationError(
            f"limit must be a positive whole number, got {limit!r}.", attr="limit"
        )
    page_of = partial(
        events_query,
        event,
        properties=properties,
        after=after,
        before=before,
        person_id=person_id,
        columns=columns,
        page_size=page_size,
    )
    first = page_of()  # checks every argument before anything is sent
    check_backend(dtype_backend)
    types = event_types(client)
    bar = progress_bar(client, progress, limit, "events")
    # Each page becomes a frame as it arrives and its JSON is dropped: a million events as
    # parsed JSON rows cost more than the finished frame.
    frames: list[pd.DataFrame] = []
    try:
        for page, _ in event_pages(client, page_of, refresh=refresh, limit=limit, bar=bar):
            rows = {"columns": page["columns"], "results": page["results"]}
            frames.append(events_frame(rows, types))
            del page, rows
    finally:
        if bar is not None:
            bar.close()
    frame = with_backend(concat_event_pages(frames), dtype_backend)
    frame.attrs["query"] = first
    return frame


def event_pages(
    client: BaseClient,
    page_of: Callable[..., dict[str, Any]],
    *,
    last: Sequence[Any] | None = None,
    refresh: bool = False,
    limit: int | None = None,
    bar: Any = None,
) -> Iterator[tuple[dict[str, Any], tuple[Any, Any] | None]]:
    """Each EventsQuery answer of a pull with the ``(timestamp, uuid)`` of its last event (the
    page's own *last* when it has none): the page after *last* first, then on until PostHog's
    ``hasMore`` ends it or *limit* events came. *page_of* makes a page's query (``last=`` the
    previous page's key).

    Example:
        >>> from functools import partial
        >>> page_of = partial(events_query, "signed up", after="-5d", page_size=15)
        >>> [(len(page["results"]), key[0][:10]) for page, key in event_pages(client, page_of)]
        [(15, '2025-03-28'), (15, '2025-03-31'), (7, '2025-03-31')]
    """
    got = 0
    while True:
        body = page_of(last=last) if last is not None else page_of()
        if limit is not None:
            body = {**body, "limit": min(body["limit"], limit - got)}
        page = client.post("query/", {"query": body}, refresh=refresh, expect=_expect_page)
        rows = page["results"]
        got += len(rows)
        key = (rows[-1][page["columns"].index("timestamp")], rows[-1][0]) if rows else None
        if key is not None and last is not None and tuple(last) == key:
            raise InvalidResponse(
                "PostHog answered the same last event twice while paging events; stopping "
                "rather than looping.",
                endpoint="query/",
            )
        if bar is not None:
            bar.update(len(rows))
        more = bool(page.get("hasMore")) and bool(rows) and (limit is None or got < limit)
        yield page, key if key is not None else (tuple(last) if last is not None else None)
        # A page of 50,000 events is about 50 MiB as Python objects: drop it before the next
        # one arrives, so no more than one is alive.
        del page, rows
        if not more:
            return
        last = key


def _expect_page(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    columns = body.get("columns")
    if isinstance(body.get("results"), list) and isinstance(columns, list):
        if {"uuid", "timestamp"} <= set(columns):
            return None
    return (
        f"expected an EventsQuery answer with 'columns' and 'results', got keys {sorted(body)[:8]}"
    )
