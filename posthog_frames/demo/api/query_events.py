"""``EventsQuery`` on the demo's ``/query/``: events as rows, one column per ``select`` item.

As ``posthog/hogql_queries/events_query_runner.py`` builds it: ``event``, ``personId`` (the
person's UUID or numeric id), ``properties``/``fixedProperties`` (event and person filters),
``after`` (default ``-24h``; ``"all"`` for no lower bound) and ``before`` (default now + 5 s)
narrow the events, both bounds exclusive; ``where`` items are HogQL conditions, ANDed;
``orderBy`` defaults to ``timestamp DESC`` when ``timestamp`` is selected, else the first
column; ``limit`` (100 by default, at most 50,000) and ``offset`` page through it by
``HogQLHasMorePaginator`` (one row more than the limit says ``hasMore``). ``"*"`` selects the
event as a dict, ``"person"`` and ``"person_display_name"`` (what PostHog's events table
selects) the event's person as one. The structured filters run on the event log (the one
property-filter evaluator, :mod:`posthog_frames.demo.filters`); ``select``, ``where`` and
``orderBy`` run in the demo's HogQL engine over those events. No ``OFFSET`` ban here: PostHog
validates only ``HogQLQuery`` text against it (source facts §11).

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> from posthog_frames.demo import DEMO_NOW
    >>> status, body = answer_events({"kind": "EventsQuery", "select": ["event", "timestamp"],
    ...     "event": "signed up", "after": "all", "limit": 2}, ctx, [], now=DEMO_NOW, key="k")
    >>> status, body["columns"], len(body["results"]), body["hasMore"]
    (200, ['event', 'timestamp'], 2, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pandas as pd

from posthog_frames.demo.analytics import Context
from posthog_frames.demo.analytics._common import select_events
from posthog_frames.demo.api.query_insights import envelope, page_bounds
from posthog_frames.demo.clock import parse_when
from posthog_frames.demo.errors import DemoValidationError, invalid
from posthog_frames.demo.hogql.db import database_for_log
from posthog_frames.demo.hogql.engine import execute
from posthog_frames.demo.hogql.tables import HogQLError

__all__ = ["answer_events"]

_STAR = ("uuid", "event", "properties", "timestamp", "distinct_id")
_NOT_COMPUTED = ("actionId", "source")


def _bound(value: Any, ctx: Context, name: str) -> pd.Timestamp | None:
    if value == "all":
        return None
    moment = parse_when(value, now=ctx.now, tz=ZoneInfo(ctx.timezone))
    if moment is None:
        raise DemoValidationError(f"{name}={value!r} is not a date.", attr=name)
    return pd.Timestamp(moment)


def _person_uuid(person_id: Any, persons: Sequence[dict]) -> str:
    text = str(person_id)
    for person in persons:
        if text in (str(person.get("uuid")), str(person.get("id"))):
            return str(person["uuid"])
    # get_person_by_pk_or_uuid finds nobody: no distinct ids, so no events.
    return ""


def _events(source: dict, ctx: Context, persons: Sequence[dict]) -> pd.DataFrame:
    """The events the structured fields keep (every field but select/where/orderBy)."""
    for key in _NOT_COMPUTED:
        if source.get(key) is not None:
            raise DemoValidationError(
                f"EventsQuery.{key} is not computed by the demo (PostHog computes it).", attr=key
            )
    event = source.get("event")
    rows = select_events(
        ctx, event, properties=(source.get("properties"), source.get("fixedProperties"))
    )
    after = _bound(source.get("after") or "-24h", ctx, "after")
    before = _bound(
        source.get("before") or (ctx.now + timedelta(seconds=5)).isoformat(), ctx, "before"
    )
    keep = (rows["timestamp"] < before).to_numpy()
    if after is not None:
        keep = keep & (rows["timestamp"] > after).to_numpy()
    if source.get("personId") is not None:
        keep = keep & (rows["person_id"] == _person_uuid(source["personId"], persons)).to_numpy()
    return rows[keep]


def _hogql(source: dict, select: list[str], limit: int, offset: int) -> str:
    where = [str(w) for w in source.get("where") or []]
    order = source.get("orderBy")
    if not order:
        order = ["timestamp DESC"] if "timestamp" in select else [f"{select[0]} ASC"]
    # One item per line: a "-- Label" comment ends at the line's end.
    text = "SELECT\n" + "\n, ".join(select) + "\nFROM events\n"
    if where:
        text += "WHERE " + "\nAND ".join(f"({w}\n)" for w in where) + "\n"
    return text + "ORDER BY " + "\n, ".join(order) + f"\nLIMIT {limit + 1} OFFSET {offset}"


def answer_events(
    source: dict, ctx: Context, persons: Sequence[dict], *, now: datetime, key: str
) -> tuple[int, dict[str, Any]]:
    """``(status, body)`` for an ``EventsQuery`` (400 for what PostHog or the demo refuses)."""
    raw = [str(s) for s in source.get("select") or []] or ["*"]
    select = [item for s in raw for item in _sql_items(s)]
    limit, offset = page_bounds(source)
    try:
        kept = _events(source, ctx, persons)
        everything = len(kept) == len(ctx.events)
        out = execute(
            database_for_log(ctx.events, ctx.persons),
            _hogql(source, select, limit, offset),
            {},
            now=now,
            timezone=ctx.timezone,
            events=lambda: ctx.events,
            only=None if everything else kept["uuid"].astype(str).tolist(),
        )
    except DemoValidationError as err:
        return invalid(err.message, err.attr)
    except HogQLError as err:
        return invalid(str(err), code=getattr(err, "code", "invalid_input"))
    rows = out["results"]
    types = [t for _, t in out["types"]]
    if any(_special(s) for s in raw):
        rows, types = _expand(raw, rows, types, persons)
    body = envelope(rows[:limit], ctx, now=now, key=key)
    body |= {
        "columns": raw,
        "types": types,
        "hogql": out["hogql"],
        "hasMore": len(rows) > limit,
        "limit": limit,
        "offset": offset,
    }
    return 200, body


def _special(item: str) -> str | None:
    """``*``, ``person`` or ``person_display_name`` (a ``-- Label`` aside): the select items the
    runner answers with an object rather than a HogQL value (``select_cols``)."""
    name = "*" if item == "*" else item.split("--")[0].strip()
    return name if name in ("*", "person", "person_display_name") else None


def _sql_items(item: str) -> tuple[str, ...]:
    special = _special(item)
    if special == "*":
        return _STAR
    # The runner selects distinct_id for both and looks the person up afterwards.
    return ("distinct_id",) if special else (item,)


def _people_by_distinct_id(persons: Sequence[dict]) -> dict[str, dict]:
    return {str(d): p for p in persons for d in p.get("distinct_ids") or []}


def _person_value(kind: str, distinct_id: str, people: dict[str, dict]) -> dict[str, Any]:
    """``person``: ``{uuid, created_at, properties, distinct_id}`` (only ``distinct_id`` for an
    unknown one); ``person_display_name``: ``{display_name, id, distinct_id}``, the name the
    first of email, name, username (PERSON_DEFAULT_DISPLAY_NAME_PROPERTIES) else the
    distinct_id, as events_query_runner.py builds them."""
    person = people.get(distinct_id)
    if kind == "person":
        if person is None:
            return {"distinct_id": distinct_id}
        return {
            "uuid": person["uuid"],
            "created_at": person.get("created_at"),
            "properties": person.get("properties") or {},
            "distinct_id": distinct_id,
        }
    props = (person or {}).get("properties") or {}
    shown = next((str(props[k]) for k in ("email", "name", "username") if props.get(k)), None)
    uid = str(person["uuid"]) if person is not None else ""
    return {"display_name": shown or distinct_id, "id": uid, "distinct_id": distinct_id}


def _star(values: Sequence[Any]) -> dict[str, Any]:
    star = dict(zip(_STAR, values, strict=True))
    star["properties"] = orjson.loads(star["properties"] or "{}")
    return {
        **star,
        "team_id": 1,
        "elements_chain": "",
        "created_at": star["timestamp"],
        "person_mode": "full",
    }


def _expand(
    raw: list[str], rows: list[list], types: list[str], persons: Sequence[dict]
) -> tuple[list[list], list[str]]:
    """Each ``*`` back as one dict per event (the runner's ``expand_asterisk``), each
    ``person``/``person_display_name`` as the person's object."""
    people = _people_by_distinct_id(persons)
    out_types: list[str] = []
    at = 0
    for item in raw:
        kind = _special(item)
        wide = len(_sql_items(item))
        out_types.append({"*": "Tuple", "person": "String"}.get(kind or "", types[at]))
        if kind == "person_display_name":
            out_types[-1] = "Tuple(String, String, String)"
        at += wide
    out_rows = []
    for row in rows:
        values, at = [], 0
        for item in raw:
            kind = _special(item)
            wide = len(_sql_items(item))
            if kind == "*":
                values.append(_star(row[at : at + wide]))
            elif kind is not None:
                values.append(_person_value(kind, str(row[at]), people))
            else:
                values.append(row[at])
            at += wide
        out_rows.append(values)
    return out_rows, out_types
