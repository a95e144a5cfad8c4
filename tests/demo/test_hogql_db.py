"""The demo's SQLite: keyset pages of persons and events walk an index, not a full sort."""

from __future__ import annotations

from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import generate_persons, persons_table
from posthog_frames.demo.hogql.compiler import compile_query
from posthog_frames.demo.hogql.db import database_for, database_for_log

_PERSONS_PAGE = (
    "SELECT id FROM persons WHERE (created_at < toDateTime({c}) OR "
    "(created_at = toDateTime({c}) AND id < {i})) ORDER BY created_at DESC, id DESC LIMIT 100"
)
_EVENTS_PAGE = (
    "SELECT uuid, timestamp FROM events WHERE (timestamp > toDateTime({t}) OR "
    "(timestamp = toDateTime({t}) AND toString(uuid) > {u})) "
    "ORDER BY timestamp ASC, toString(uuid) ASC LIMIT 100"
)


def _plan(db, text: str, values: dict) -> str:
    compiled = compile_query(
        text, values=values, now=DEMO_NOW, timezone="UTC", event_props=lambda: db.event_props
    )
    rows = db.conn.execute("EXPLAIN QUERY PLAN " + compiled.sql, compiled.params).fetchall()
    return " | ".join(row[-1] for row in rows)


def test_a_persons_keyset_page_searches_the_index():
    persons = generate_persons(300, seed=4)
    db = database_for(persons)
    plan = _plan(db, _PERSONS_PAGE, {"c": persons[100]["created_at"], "i": persons[100]["uuid"]})
    assert "USING COVERING INDEX persons_keyset" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan  # the index gives the order: no sort


def test_an_events_keyset_page_searches_the_index():
    persons = generate_persons(40, seed=4)
    log = generate_events(persons, seed=4)
    db = database_for_log(log, persons_table(persons))
    middle = log.iloc[len(log) // 2]
    values = {"t": middle["timestamp"].isoformat(), "u": middle["uuid"]}
    plan = _plan(db, _EVENTS_PAGE, values)
    assert "INDEX events_keyset (timestamp>?)" in plan
    # Only events sharing a timestamp are sorted (by uuid), never every later event.
    assert "TEMP B-TREE FOR ORDER BY" not in plan
