"""The demo's HogQL execution: compile a query, run it on SQLite, shape rows as PostHog's JSON.

Both ``POST /query/`` (:mod:`posthog_frames.demo.api.query`) and the saved SQL insights
(:mod:`posthog_frames.demo.analytics.sql`) run their HogQL here, so the two always agree.

Example:
    >>> from posthog_frames.demo.hogql.db import database_for
    >>> from posthog_frames.demo import DEMO_NOW
    >>> out = execute(database_for([]), "select 1 as one", {}, now=DEMO_NOW, timezone="UTC",
    ...               events=lambda: None)
    >>> out["columns"], out["results"], out["hasMore"]
    (['one'], [[1]], False)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson

from posthog_frames.demo.hogql.compiler import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Compiled,
    HogQLError,
    compile_query,
)
from posthog_frames.demo.hogql.db import DemoDatabase

__all__ = ["execute"]


def execute(
    db: DemoDatabase,
    text: str,
    values: dict[str, Any],
    *,
    now: datetime,
    timezone: str,
    events: Callable[[], Any],
    only: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run HogQL *text* on *db*: ``columns, types, results, hasMore, hogql, clickhouse, limit,
    offset``. *events* returns the event log, called only when the query reads events; *only*
    restricts it to the events of these uuids.

    Raises :class:`HogQLError` for anything PostHog would answer with a 400.
    """
    compiled = compile_query(
        text,
        values=values,
        now=now,
        timezone=timezone,
        event_props=lambda: db.ensure_events(events()),
    )
    limit, fetch = _limits(compiled)
    sql = f"{compiled.sql} LIMIT {fetch} OFFSET {compiled.offset}"
    try:
        rows = db.execute(sql, compiled.params, fetch, only)
    except sqlite3.Error as err:
        raise HogQLError(
            f"The query failed: {err}. Check it against the demo's HogQL subset."
        ) from None
    return {
        "columns": compiled.columns,
        "types": [[n, t] for n, t in zip(compiled.columns, compiled.types, strict=True)],
        "results": _rows(rows[:limit], compiled.types),
        "hasMore": len(rows) > limit,
        "hogql": compiled.hogql,
        "clickhouse": sql,
        "limit": limit,
        "offset": compiled.offset,
    }


def _limits(compiled: Compiled) -> tuple[int, int]:
    """(rows answered, rows fetched): one extra row tells whether PostHog would say hasMore."""
    if compiled.limit is None:
        return DEFAULT_LIMIT, DEFAULT_LIMIT + 1
    if compiled.limit > MAX_LIMIT:
        return MAX_LIMIT, MAX_LIMIT + 1
    return compiled.limit, compiled.limit


def _rows(rows: list[tuple], types: list[str]) -> list[list]:
    """SQLite values as PostHog's JSON: booleans for Bool, lists for Array columns."""
    fixes: dict[int, Callable[[Any], Any]] = {}
    for i, ch_type in enumerate(types):
        inner = ch_type.removeprefix("Nullable(")
        if inner.startswith("Bool"):
            fixes[i] = lambda v: None if v is None else bool(v)
        elif inner.startswith("Array("):
            fixes[i] = lambda v: (
                None if v is None else [x for x in orjson.loads(v) if x is not None]
            )
    if not fixes:
        return [list(row) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for i, fix in fixes.items():
            values[i] = fix(values[i])
        out.append(values)
    return out
