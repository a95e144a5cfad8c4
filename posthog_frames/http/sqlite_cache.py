"""A requests-cache sqlite backend that never waits forever for a lock.

requests-cache 1.3's ``SQLiteDict`` retries ``BEGIN IMMEDIATE`` in an endless loop while another
process holds the file locked (a notebook stuck in a transaction, a backup tool): the client would
hang. Here a write waits sqlite's busy timeout (:data:`SQLITE_TIMEOUT`) once, then the
``sqlite3.OperationalError`` reaches :class:`posthog_frames.http.transport.Transport`, which goes on
without the cache.

Example:
    >>> cache = SQLiteCache("/tmp/example.sqlite", wal=True)
    >>> cache.responses.count()
    0
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache as _UpstreamCache
from requests_cache.backends.sqlite import SQLiteDict

__all__ = ["SQLiteCache", "SQLITE_TIMEOUT"]

SQLITE_TIMEOUT = 5.0  # seconds a cache read or write waits for another connection's lock


class _BoundedSQLiteDict(SQLiteDict):
    """SQLiteDict whose write lock is a bounded wait, and whose one connection is used by one
    thread at a time: upstream reads it from many threads at once, and sqlite then fails at
    random ("no more rows available", "bad parameter or other API misuse")."""

    @contextmanager
    def connection(self, commit: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock, super().connection(commit) as con:
            yield con

    @contextmanager
    def _acquire_sqlite_lock(self) -> Iterator[None]:
        with self._lock:
            if self._connection is None:
                with self.connection():
                    pass
            con = self._connection
            assert con is not None  # opened just above
            self._begin(con, time.monotonic() + SQLITE_TIMEOUT)
            self._active_transaction = True
            try:
                yield
                con.commit()
            except sqlite3.OperationalError:
                con.rollback()
                raise
            finally:
                self._active_transaction = False

    def _begin(self, con: sqlite3.Connection, deadline: float) -> None:
        # Each attempt already waits sqlite's busy timeout; retrying covers a writer that
        # slipped in between. Damage is not worth waiting for.
        while True:
            try:
                con.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if time.monotonic() >= deadline or "locked" not in str(err):
                    raise
            time.sleep(0.005)


class SQLiteCache(_UpstreamCache):
    """SQLiteCache with bounded lock waits (mirrors ``SQLiteCache.__init__``)."""

    def __init__(self, db_path: Path | str, serializer: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", SQLITE_TIMEOUT)  # sqlite3.connect's busy timeout
        BaseCache.__init__(self, cache_name=str(db_path), **kwargs)
        skwargs = {"serializer": serializer, **kwargs} if serializer else kwargs
        self.responses = _BoundedSQLiteDict(db_path, table_name="responses", **skwargs)
        lock = self.responses._lock
        self.redirects = _BoundedSQLiteDict(
            db_path, table_name="redirects", lock=lock, serializer=None, **kwargs
        )
