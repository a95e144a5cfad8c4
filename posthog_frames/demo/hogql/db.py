"""The demo's SQL engine: persons, distinct ids and events in an in-memory SQLite database.

Persons load on first query (100,000 in about a second); the event log loads the first time a
query reads ``events``. One connection per database, used under a lock, so server threads can
share it. Datetimes are stored as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` text, which sorts by time.

Example:
    >>> from posthog_frames.demo.data.persons import generate_persons
    >>> db = database_for(generate_persons(10))
    >>> db.execute("select count(*) from persons", {}, 10)
    [(10,)]
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson
import pandas as pd

from posthog_frames.demo._gc import paused_gc
from posthog_frames.demo.data.persons import is_anonymous_id
from posthog_frames.demo.hogql.compiler import iso_utc

__all__ = ["DemoDatabase", "database_for", "database_for_log"]

_CORE_EVENT_COLUMNS = ("uuid", "event", "distinct_id", "person_id", "timestamp")
_MAX_DATABASES = 4


@lru_cache(maxsize=4096)
def _local(stamp: str | None, zone: str) -> str | None:
    # Bucketing by day/hour repeats the same instants; the cache makes the zone shift cheap.
    if stamp is None:
        return None
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _to_datetime(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return iso_utc(str(value))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(value)
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _match(value: Any, pattern: Any) -> int | None:
    if value is None or pattern is None:
        return None
    return int(_pattern(str(pattern)).search(str(value)) is not None)


def _stamp(text: str) -> str:
    return text if len(text) == 27 and text.endswith("Z") else iso_utc(text)


class DemoDatabase:
    """An in-memory SQLite copy of the demo project's persons (and, on demand, its events)."""

    def __init__(self, persons: Sequence[dict[str, Any]], anchor: Any = None) -> None:
        # The anchor (the first person, or the event log) is held, so its id() stays unique.
        self.anchor = anchor if anchor is not None else (persons[0] if persons else None)
        self.size = len(persons)
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute("PRAGMA case_sensitive_like = ON")  # HogQL's LIKE is case-sensitive
        self.conn.create_function("hq_local", 2, _local, deterministic=True)
        self.conn.create_function("hq_datetime", 1, _to_datetime, deterministic=True)
        self.conn.create_function("hq_float", 1, _float, deterministic=True)
        self.conn.create_function("hq_match", 2, _match, deterministic=True)
        self.events_source: Any = None
        self.results: OrderedDict[str, dict] = OrderedDict()  # the /query/ result cache
        self.event_props: dict[str, tuple[str, str]] = {}
        self._load_persons(persons)

    def matches(self, anchor: Any, size: int) -> bool:
        """True when this database was loaded from *anchor*'s data of *size* persons."""
        return size == self.size and anchor is self.anchor

    def _load_persons(self, persons: Sequence[dict[str, Any]]) -> None:
        with paused_gc():
            rows, ids = _person_rows(persons)
        with self.conn:
            self.conn.execute(
                "CREATE TABLE persons (id TEXT, created_at TEXT, properties TEXT, "
                "is_identified INTEGER, pk INTEGER)"
            )
            self.conn.execute("CREATE TABLE person_distinct_ids (distinct_id TEXT, person_id TEXT)")
            self.conn.executemany("INSERT INTO persons VALUES (?, ?, ?, ?, ?)", rows)
            self.conn.executemany("INSERT INTO person_distinct_ids VALUES (?, ?)", ids)
            self.conn.execute("CREATE INDEX persons_id ON persons (id)")
            # Keyset pages (newest first, after a (created_at, id)) walk this index instead of
            # sorting the whole table for every page: 1,000,000 persons, 50,000 a page.
            self.conn.execute("CREATE INDEX persons_keyset ON persons (created_at, id)")
            self.conn.execute("CREATE INDEX pdi_person ON person_distinct_ids (person_id)")
            self.conn.execute("CREATE INDEX pdi_distinct ON person_distinct_ids (distinct_id)")

    def ensure_events(self, log: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
        """Load the event log once; answer ``{property key: (column, ClickHouse type)}``."""
        with self.lock:
            if self.events_source is not None:
                return self.event_props
            log = log if log is not None else pd.DataFrame(columns=list(_CORE_EVENT_COLUMNS))
            extra = [c for c in log.columns if c not in _CORE_EVENT_COLUMNS]
            self.event_props = {
                key: (f"p{i}", "Float64" if pd.api.types.is_float_dtype(log[key]) else "String")
                for i, key in enumerate(extra)
            }
            columns = [_texts(log[c]) for c in ("uuid", "event", "distinct_id", "person_id")]
            columns.append(_timestamps(log["timestamp"]))
            columns.extend(_texts(log[c]) for c in extra)
            names = [*_CORE_EVENT_COLUMNS, *(col for col, _ in self.event_props.values())]
            marks = ", ".join("?" * len(names))
            with self.conn:
                self.conn.execute(f"CREATE TABLE events ({', '.join(names)})")
                self.conn.executemany(
                    f"INSERT INTO events VALUES ({marks})", zip(*columns, strict=True)
                )
                self.conn.execute("CREATE INDEX events_person ON events (person_id)")
                # EventsQuery pages by keyset on (timestamp, uuid): each page walks this index
                # from the last event seen instead of sorting every later event again.
                self.conn.execute("CREATE INDEX events_keyset ON events (timestamp, uuid)")
            self.events_source = True
            return self.event_props

    def execute(
        self, sql: str, params: dict[str, Any], max_rows: int, only: Sequence[str] | None = None
    ) -> list[tuple]:
        """Run *sql* and return at most *max_rows* rows (raises ``sqlite3.Error``).

        *only* restricts ``events`` to the events of these uuids, for queries whose filters
        were evaluated elsewhere (the EventsQuery's property filters): a temporary ``events``
        table shadows the main one while *sql* runs, as SQLite resolves ``temp`` first.
        """
        with self.lock:
            if only is None:
                return self.conn.execute(sql, params).fetchmany(max_rows)
            self.conn.execute(
                "CREATE TEMP TABLE events AS SELECT * FROM main.events "
                "WHERE uuid IN (SELECT value FROM json_each(?))",
                (orjson.dumps(list(only)).decode(),),
            )
            try:
                return self.conn.execute(sql, params).fetchmany(max_rows)
            finally:
                self.conn.execute("DROP TABLE temp.events")


def _person_rows(
    persons: Sequence[dict[str, Any]],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    rows: list[tuple[Any, ...]] = []
    ids: list[tuple[str, str]] = []
    for p in persons:
        distinct = list(p.get("distinct_ids") or [])
        identified = p.get("is_identified", any(not is_anonymous_id(d) for d in distinct))
        props = orjson.dumps(p.get("properties") or {}, option=orjson.OPT_SERIALIZE_NUMPY).decode()
        created = _stamp(p["created_at"]) if p.get("created_at") else None
        rows.append((str(p["uuid"]), created, props, int(identified), p.get("id")))
        ids.extend((d, str(p["uuid"])) for d in distinct)
    return rows, ids


def _texts(series: pd.Series) -> list[Any]:
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float)
        return [None if np.isnan(v) else float(v) for v in values]
    return series.astype(object).where(series.notna(), None).tolist()


def _timestamps(series: pd.Series) -> list[str]:
    if len(series) == 0:
        return []
    naive = pd.to_datetime(series, utc=True).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return [text + "Z" for text in np.datetime_as_string(naive, unit="us")]


_databases: list[DemoDatabase] = []
_databases_lock = threading.Lock()


def _cached(anchor: Any, size: int, build: Any) -> DemoDatabase:
    with _databases_lock:
        for db in _databases:
            if db.matches(anchor, size):
                return db
    db = build()  # built outside the lock: other demos keep answering meanwhile
    with _databases_lock:
        _databases.insert(0, db)
        del _databases[_MAX_DATABASES:]
    return db


def database_for(persons: Sequence[dict[str, Any]]) -> DemoDatabase:
    """The database of this persons list, built on first use (the newest four are kept)."""
    anchor = persons[0] if persons else None
    return _cached(anchor, len(persons), lambda: DemoDatabase(persons))


def database_for_log(log: pd.DataFrame, persons: pd.DataFrame) -> DemoDatabase:
    """A database for an insight context: *log* (events) and *persons* (properties by uuid).

    Example:
        >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
        >>> db = database_for_log(ctx.events, ctx.persons)
    """

    def build() -> DemoDatabase:
        rows = persons.astype(object).where(persons.notna(), None)
        people = [
            {
                "uuid": uid,
                "properties": {
                    k: v for k, v in zip(rows.columns, values, strict=True) if v is not None
                },
            }
            for uid, values in zip(rows.index, rows.itertuples(index=False), strict=True)
        ]
        db = DemoDatabase(people, anchor=log)
        db.ensure_events(log)
        return db

    return _cached(log, len(persons), build)
