"""The pages ``stream_to_parquet`` writes, as Arrow tables with the keyset after each.

Three sources, each paged by keyset and never by OFFSET: ``"events"`` (an ``EventsQuery`` on
``(timestamp, uuid)``, as :meth:`~posthog_frames.Client.events`), ``"persons"`` (HogQL on
``(created_at, id)``, as ``persons(via="query")``) and a HogQL SELECT (on its ORDER BY or
*keyset*). Each can start after a stored position with a stored schema, which is how a dataset
resumes. The schema is fixed before the first page is written: from the property definitions
(events, persons) or from the first answer's ``types`` (SQL).

Example:
    >>> pages = list(sql_pages(client, "select number as n from numbers(5) order by n", None,
    ...                        page_size=2))
    >>> [(page.table.num_rows, page.position) for page in pages]
    [(2, (1,)), (2, (3,)), (1, (4,))]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any, NamedTuple

import orjson

from posthog_frames.client.base import BaseClient
from posthog_frames.client.events import event_pages, event_types
from posthog_frames.client.keyset import key_positions, plan_keyset
from posthog_frames.client.persons_hogql import query_person_pages
from posthog_frames.client.persons_request import PersonsRequest
from posthog_frames.client.properties import person_property_types
from posthog_frames.client.query import key_types_of, query_pages
from posthog_frames.datasets.arrow import (
    arrow_array,
    events_schema,
    hogql_schema,
    persons_schema,
    property_types_of,
    pyarrow_modules,
)
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.persons import PERSON_COLUMNS
from posthog_frames.queries.events import events_query

__all__ = ["Page", "defined_tables", "sql_pages"]

PREFIX = "properties."


class Page(NamedTuple):
    """One page: its rows in the dataset's schema, the keyset of its last row, the key's types."""

    table: Any
    position: tuple[Any, ...] | None
    key_types: list[str]


def sql_pages(
    client: BaseClient,
    sql: str,
    values: dict[str, Any] | None,
    *,
    keyset: Sequence[str] | None = None,
    page_size: int,
    schema: Any = None,
    after: Sequence[Any] | None = None,
    key_types: Sequence[str] = (),
    limit: int | None = None,
) -> Iterator[Page]:
    """A keyset-paged HogQL SELECT's pages (after *after*; *schema* from the first answer)."""
    pa, _ = pyarrow_modules()
    plan = plan_keyset(sql, keyset)
    pages = query_pages(
        client,
        sql,
        values,
        keyset=keyset,
        refresh="force_blocking",
        page_size=page_size,
        after=after,
        key_types=key_types,
        limit=limit,
    )
    positions: list[int] | None = None
    kinds = list(key_types)
    position = tuple(after) if after is not None else None
    for page in pages:
        columns = [str(c) for c in page["columns"]]
        if schema is None:
            schema = hogql_schema(columns, page.get("types"))
        elif columns != schema.names:
            raise ValidationError(
                f"The query now answers the columns {columns}, not {schema.names} as when the "
                "dataset began; pass overwrite=True to start it again."
            )
        if positions is None:
            positions = key_positions(plan, columns)
            kinds = key_types_of(page, positions) if page.get("types") else kinds
        rows = page["results"]
        cells = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
        arrays = [arrow_array(cell, f.type) for cell, f in zip(cells, schema, strict=True)]
        if rows:
            position = tuple(rows[-1][i] for i in positions)
        yield Page(pa.Table.from_arrays(arrays, schema=schema), position, kinds)


def defined_tables(
    client: BaseClient,
    kind: str,
    properties: Any,
    *,
    page_size: int,
    schema: Any = None,
    after: Sequence[Any] | None = None,
) -> Iterator[Page]:
    """``"events"`` (every event, oldest first, by keyset on ``(timestamp, uuid)``, as
    ``client.events()``) or ``"persons"`` (by keyset on ``(created_at, id)``), with one column
    per defined property; properties without a definition cannot be typed up front, so they
    are left out, with a warning."""
    pa, _ = pyarrow_modules()
    events = kind == "events"
    page_of = partial(events_query, None, properties=properties, after="all", page_size=page_size)
    request = PersonsRequest(properties, page_size=page_size)
    if events:
        page_of()  # checks the filters and page size before anything is sent
    if schema is None:
        types = (event_types if events else person_property_types)(client) or {}
        schema = (events_schema if events else persons_schema)(types)
    types = property_types_of(schema)
    pages = (
        _event_columns(client, page_of, after, set(types))
        if events
        else _person_columns(client, request, types, after)
    )
    undefined: set[str] = set()
    for size, columns, seen, key in pages:
        undefined.update(seen)
        missing = [None] * size
        arrays = [arrow_array(columns.get(f.name, missing), f.type) for f in schema]
        yield Page(pa.Table.from_arrays(arrays, schema=schema), key, [])
        del columns, arrays  # the lists hold every string of the page: not while fetching on
    dropped = {name.removeprefix(PREFIX) for name in undefined - set(schema.names)}
    _warn_undefined(kind[:-1], dropped - set(PERSON_COLUMNS), f"client.{kind}()")


_Columns = tuple[int, dict[str, Any], set[str], "tuple[Any, ...] | None"]


def _event_columns(
    client: BaseClient, page_of: Any, after: Sequence[Any] | None, defined: set[str]
) -> Iterator[_Columns]:
    """Each page's columns by name (the *defined* properties as ``properties.<key>``), the
    property columns it had, and its keyset."""
    for page, key in event_pages(client, page_of, last=after, refresh=True):
        at = {str(c): i for i, c in enumerate(page["columns"])}
        rows = page["results"]
        bags = [_properties(row[at["properties"]]) for row in rows]
        seen: set[str] = set().union(*bags)
        columns = {name: [row[i] for row in rows] for name, i in at.items()}
        for name in seen & defined:
            columns[PREFIX + name] = [bag.get(name) for bag in bags]
        yield len(rows), columns, {PREFIX + name for name in seen}, key
        del page, rows, bags, columns  # one page of objects alive while the next one comes


def _person_columns(
    client: BaseClient, request: PersonsRequest, types: dict[str, str], after: Any
) -> Iterator[_Columns]:
    for frame, key in query_person_pages(
        client, request, progress=False, refresh=True, types=types, after=after
    ):
        columns = {str(name): frame[name].tolist() for name in frame.columns}
        yield len(frame), columns, set(columns), key


def _properties(value: Any) -> dict[str, Any]:
    parsed = orjson.loads(value) if isinstance(value, str | bytes) else value
    return parsed if isinstance(parsed, dict) else {}


def _warn_undefined(kind: str, names: set[str], where: str) -> None:
    if names:
        dropped = sorted(names)
        warnings.warn(
            f"{len(dropped)} {kind} properties have no property definition, so no column in "
            f"the Parquet output: {', '.join(dropped[:10])}{' …' if len(dropped) > 10 else ''}. "
            f"{where} includes them.",
            UserWarning,
            stacklevel=2,
        )
