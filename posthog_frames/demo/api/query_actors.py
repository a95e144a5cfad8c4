"""``ActorsQuery`` on the demo's ``/query/``: persons as rows, one column per ``select`` item.

As ``posthog/hogql_queries/actors_query_runner.py`` answers it for persons: the ``source``
(an ``InsightActorsQuery``, ``FunnelsActorsQuery`` or ``StickinessActorsQuery``) picks the
persons behind one number (:mod:`posthog_frames.demo.analytics.actors`); without one, every
person. ``properties``/``fixedProperties`` are person filters, ``search`` PostHog's search box.
``select`` defaults to ``["person", "id", "person.$delete"]`` (+ ``event_distinct_ids`` over a
trends query: ``PersonStrategy.input_columns``); ``"actor"``/``"person"`` become
``{id, properties, is_identified, created_at, distinct_ids}`` (a missing person ``{id}``,
counted in ``missing_actors_count``). ``orderBy`` defaults to ``created_at DESC`` when selected,
else the first column; ``limit`` (100, at most 50,000) and ``offset`` page with ``hasMore``.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> from posthog_frames.demo import DEMO_NOW
    >>> persons = demo.data.snapshot()[0]
    >>> status, body = answer_actors({"kind": "ActorsQuery", "select": ["actor"], "limit": 3},
    ...                              ctx, persons, now=DEMO_NOW, key="k")
    >>> status, sorted(body["results"][0][0]), body["hasMore"]
    (200, ['created_at', 'distinct_ids', 'id', 'is_identified', 'properties'], True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from posthog_frames.demo.analytics import Context
from posthog_frames.demo.analytics.actors import actors
from posthog_frames.demo.api.persons import search_matcher
from posthog_frames.demo.api.query_insights import envelope, page_bounds
from posthog_frames.demo.errors import DemoValidationError, invalid
from posthog_frames.demo.filters import FilterError, compile_filters

__all__ = ["answer_actors"]

_TYPES = {
    "person": "UUID",
    "actor": "UUID",
    "id": "UUID",
    "person.$delete": "UInt8",
    "created_at": "DateTime64(6, 'UTC')",
    "event_count": "UInt64",
    "event_distinct_ids": "Array(String)",
    "appearances": "Array(UInt16)",
}


def _actor(person: dict[str, Any] | None, uid: str) -> dict[str, Any]:
    if person is None:
        return {"id": uid}
    return {
        "id": uid,
        "properties": person.get("properties") or {},
        "is_identified": bool(person.get("is_identified")),
        "created_at": person.get("created_at"),
        "distinct_ids": list(person.get("distinct_ids") or []),
    }


def _chosen(source: dict, ctx: Context, people: dict[str, dict]) -> pd.DataFrame:
    inner = source.get("source")
    if inner is None:
        return pd.DataFrame(index=pd.Index(list(people), name="person_id"))
    if not isinstance(inner, dict) or inner.get("kind") == "HogQLQuery":
        raise DemoValidationError(
            "ActorsQuery over a HogQLQuery is not computed by the demo.", attr="source"
        )
    return actors(inner, ctx)


def _on_properties(match: Callable[[dict[str, Any]], bool]) -> Callable[[dict[str, Any]], bool]:
    return lambda person: match(person["properties"])


def _filtered(frame: pd.DataFrame, source: dict, people: dict[str, dict], ctx: Context) -> Any:
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for key in ("properties", "fixedProperties"):
        if source.get(key):
            try:
                match = compile_filters(source[key], now=ctx.now, timezone=ctx.timezone)
            except FilterError as err:
                raise DemoValidationError(str(err), attr=key) from None
            tests.append(_on_properties(match))
    search = (source.get("search") or "").strip()
    if search:
        tests.append(search_matcher(search))
    if not tests:
        return frame
    keep = [uid in people and all(t(people[uid]) for t in tests) for uid in frame.index]
    return frame[keep]


def _value(column: str, uid: str, frame: pd.DataFrame, people: dict[str, dict]) -> Any:
    if column in ("person", "actor"):
        return _actor(people.get(uid), uid)
    if column == "id":
        return uid
    if column == "person.$delete":
        return 1
    if column == "created_at":
        return (people.get(uid) or {}).get("created_at")
    return frame.at[uid, column]


def _created(people: dict[str, dict]) -> Any:
    return lambda uid: (people.get(uid) or {}).get("created_at") or ""


def _order(source: dict, columns: list[str], frame: pd.DataFrame, people: dict) -> list[str]:
    order = source.get("orderBy") or (
        ["created_at DESC"] if "created_at" in columns else [f"{columns[0]} ASC"]
    )
    uids = list(frame.index)
    for item in reversed(order):
        name, _, direction = str(item).strip().partition(" ")
        descending = direction.strip().upper() == "DESC"
        if name in ("person", "actor", "id"):
            key: Any = str
        elif name == "created_at":
            key = _created(people)
        elif name in frame.columns and name != "event_distinct_ids":
            key = frame[name].to_dict().get
        else:
            raise DemoValidationError(f"Unable to resolve field: {name}", attr="orderBy")
        uids.sort(key=key, reverse=descending)
    return uids


def answer_actors(
    source: dict, ctx: Context, persons: Sequence[dict], *, now: datetime, key: str
) -> tuple[int, dict[str, Any]]:
    """``(status, body)`` for an ``ActorsQuery`` (400 for what PostHog or the demo refuses)."""
    people = {str(p["uuid"]): p for p in persons}
    inner = source.get("source") or {}
    trends = inner.get("kind") == "InsightActorsQuery" and (
        (inner.get("source") or {}).get("kind") == "TrendsQuery"
    )
    default = ["person", "id", "person.$delete", *(["event_distinct_ids"] if trends else [])]
    columns = [str(c) for c in source.get("select") or default]
    limit, offset = page_bounds(source)
    try:
        frame = _filtered(_chosen(source, ctx, people), source, people, ctx)
        known = ("person", "actor", "id", "person.$delete", "created_at", *frame.columns)
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise DemoValidationError(f"Unable to resolve field: {unknown[0]}", attr="select")
        uids = _order(source, columns, frame, people)
    except DemoValidationError as err:
        return invalid(err.message, err.attr)
    page = uids[offset : offset + limit]
    rows = [[_value(c, uid, frame, people) for c in columns] for uid in page]
    body = envelope(rows, ctx, now=now, key=key)
    body |= {
        "columns": columns,
        "types": [_TYPES.get(c, "String") for c in columns],
        # ActorsQueryResponse.hogql is a required string: the runner's printed query. The demo
        # computes in pandas, so it names the query's shape, paged as the runner pages it.
        "hogql": f"SELECT {', '.join(columns)} FROM actors LIMIT {limit + 1} OFFSET {offset}",
        "hasMore": len(uids) > offset + limit,
        "limit": limit,
        "offset": offset,
        "missing_actors_count": sum(uid not in people for uid in page)
        if {"person", "actor"} & set(columns)
        else None,
    }
    return 200, body
