"""Pages of PostHog's ``EventsQuery``, one after another by keyset. Pure: no I/O.

Each page selects the event's own columns (and its properties, all as one JSON text or the
named ones), ordered by ``(timestamp, uuid)``; the next page asks for the events after the last
row seen with a ``where`` condition, never an ``offset``: every event comes exactly once, events
sharing a timestamp included. The uuid is compared as text, so the order of the condition and
of ``orderBy`` are the same however the database orders UUIDs. ``after`` and ``before`` are
PostHog's own bounds (both exclusive; PostHog reads a missing ``after`` as the last 24 hours:
``events_query_runner.py``).

Example:
    >>> q = events_query("signed up", after="-7d", page_size=500)
    >>> q["select"], q["orderBy"], q["limit"]
    (['uuid', 'event', 'timestamp', 'distinct_id', 'person_id', 'properties'],
     ['timestamp ASC', 'toString(uuid) ASC'], 500)
    >>> print(events_query(None, last=("2025-03-01T10:00:00Z", "0195-a"))["where"][0])
    timestamp > toDateTime('2025-03-01T10:00:00Z') OR (timestamp =
    toDateTime('2025-03-01T10:00:00Z') AND toString(uuid) > '0195-a')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.queries._checks import date_text, positive_int, text

__all__ = ["EVENT_COLUMNS", "MAX_PAGE", "events_query", "property_column"]

EVENT_COLUMNS = ("uuid", "event", "timestamp", "distinct_id", "person_id")
MAX_PAGE = 50_000  # HogQLHasMorePaginator's most rows per page (49,999 of them usable)
_PLAIN_KEY = re.compile(r"^[A-Za-z_$][\w$]*$")
_ORDER = ["timestamp ASC", "toString(uuid) ASC"]


def _literal(value: Any) -> str:
    """A HogQL string literal (backslash escapes, as HogQL's own printer writes them)."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def property_column(key: str) -> str:
    """The HogQL field of event property *key* (quoted when it is not a plain name).

    Example:
        >>> property_column("$browser"), property_column("plan name")
        ('properties.$browser', 'properties.`plan name`')
    """
    if _PLAIN_KEY.match(key):
        return f"properties.{key}"
    return "properties.`" + key.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _after_row(last: Sequence[Any]) -> str:
    stamp, uid = (_literal(v) for v in last)
    return (
        f"timestamp > toDateTime({stamp}) OR (timestamp = toDateTime({stamp}) AND "
        f"toString(uuid) > {uid})"
    )


def events_query(
    event: str | None = None,
    *,
    properties: Any = None,
    after: Any = None,
    before: Any = None,
    person_id: str | int | None = None,
    columns: Sequence[str] | None = None,
    page_size: int = 10_000,
    last: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """One page of events: the first, or the one after *last* (the ``(timestamp, uuid)`` of the
    previous page's last row). See :meth:`posthog_frames.Client.events` for the arguments.

    Example:
        >>> events_query(columns=["$browser"])["select"][-1]
        'properties.$browser'
    """
    size = positive_int(page_size, "page_size")
    if size > MAX_PAGE:
        raise ValidationError(
            f"page_size is at most {MAX_PAGE:,}, PostHog's page limit; got {size:,}.",
            attr="page_size",
        )
    select = list(EVENT_COLUMNS)
    if columns is None:
        select.append("properties")
    else:
        if isinstance(columns, str):
            raise InvalidArgument(
                f"columns is a list of event property names, e.g. ['$browser'], got {columns!r}.",
                attr="columns",
            )
        select.extend(property_column(text(key, "columns")) for key in columns)
    query: dict[str, Any] = {"kind": "EventsQuery", "select": select, "orderBy": list(_ORDER)}
    if event is not None:
        query["event"] = text(event, "event")
    filters = normalize_filters(properties)
    if filters:
        query["properties"] = [f.to_dict() for f in filters]
    for name, value in (("after", after), ("before", before)):
        found = date_text(value, name)
        if found is not None:
            query[name] = found
    if person_id is not None:
        if isinstance(person_id, bool) or not isinstance(person_id, str | int):
            raise InvalidArgument(
                f"person_id is the person's UUID or numeric id, got {person_id!r}.",
                attr="person_id",
            )
        query["personId"] = str(person_id)
    if last is not None:
        query["where"] = [_after_row(last)]
    # PostHog's paginator asks for one row more than the page to learn whether more exist, and
    # its printer cuts any top-level LIMIT at 50,000 (posthog/hogql/printer.py): a page of
    # 50,000 would come back full with hasMore false, ending the pull after its first page.
    query["limit"] = min(size, MAX_PAGE - 1)
    return query
