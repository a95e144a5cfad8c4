"""The requests-cache sqlite backend the client uses: data only, bounded, never waiting forever.

- **Data only.** Entries are :mod:`posthog_frames.http.serializer` envelopes, never pickles.
  ``PRAGMA user_version`` marks a file of this format (:data:`FORMAT_VERSION`); a file without
  it was written by an older version, pickles throughout, and is emptied when opened. An entry
  that is not an envelope (planted in a file of this format) reads as a miss: nothing in it is
  ever unpickled.
- **Bounded.** Expired answers are removed when a client opens the file (:meth:`SQLiteCache.sweep`,
  a lookup on the ``expires`` index) and as it writes; with ``max_bytes``, the oldest entries
  (the earliest written) go when the entries outgrow it. Files this module creates use
  incremental auto-vacuum, so removed entries give their space back to the disk.
- **Bounded waits.** requests-cache 1.3's ``SQLiteDict`` retries ``BEGIN IMMEDIATE`` in an endless
  loop while another process holds the file locked (a notebook stuck in a transaction, a backup
  tool): the client would hang. Here a write waits sqlite's busy timeout (:data:`SQLITE_TIMEOUT`)
  once, then the ``sqlite3.OperationalError`` reaches
  :class:`posthog_frames.http.transport.Transport`, which goes on without the cache.

Example:
    >>> cache = SQLiteCache("/tmp/example.sqlite", wal=True)
    >>> cache.responses.count(), cache.sweep()
    (0, 0)
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache as _UpstreamCache
from requests_cache.backends.sqlite import SQLiteDict

from posthog_frames.http.private import private_file
from posthog_frames.http.serializer import SERIALIZER, is_ours

__all__ = ["FORMAT_VERSION", "SQLITE_TIMEOUT", "SQLiteCache"]

log = logging.getLogger("posthog_frames")

SQLITE_TIMEOUT = 5.0  # seconds a cache read or write waits for another connection's lock
FORMAT_VERSION = 0x70686631  # "phf1": envelopes (serializer.py), not requests-cache's pickles
_EVICT_TO = 0.8  # eviction frees down to this share of max_bytes: not again on the next write
_WAL_LIMIT = 8 * 2**20  # bytes the -wal file keeps after a checkpoint (sqlite keeps all)


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

    def deserialize(self, key: Any, value: Any) -> Any:
        if self.serializer is not None and not is_ours(value):
            # An older version's pickle, or planted: a miss, quietly (requests-cache would log
            # an error for each), and never given to anything that could run it.
            log.debug("cache entry %s is not in this version's format: ignored", key)
            return None
        return super().deserialize(key, value)


class _ResponsesDict(_BoundedSQLiteDict):
    """The responses table: each write also removes what expired, and the oldest entries when
    the table outgrows ``max_bytes``, in the same transaction."""

    max_bytes: int | None = None
    remove_expired = True

    def _write(self, key: Any, value: Any) -> None:
        expires = getattr(value, "expires_unix", None)
        blob = self.serialize(value)
        with self.connection(commit=True) as con:
            con.execute(
                f"INSERT OR REPLACE INTO {self.table_name} (key,value,expires) VALUES (?,?,?)",
                (key, blob, expires),
            )
            self.trim(con)

    def trim(self, con: sqlite3.Connection, *, expired: bool | None = None) -> int:
        """Inside a write transaction: remove expired entries (*expired* None: unless this
        cache keeps them), then the oldest beyond ``max_bytes``; answers how many went."""
        removed = 0
        if self.remove_expired if expired is None else expired:
            cursor = con.execute(
                f"DELETE FROM {self.table_name} WHERE expires <= ?", (int(time.time()),)
            )
            removed += max(cursor.rowcount, 0)
        if self.max_bytes is not None:
            removed += self._evict(con, self.max_bytes)
        return removed

    def _evict(self, con: sqlite3.Connection, max_bytes: int) -> int:
        used = _used_bytes(con)
        if used <= max_bytes:
            return 0
        excess = used - int(max_bytes * _EVICT_TO)
        victims: list[int] = []
        # A replaced entry gets a new rowid (INSERT OR REPLACE deletes, then inserts), so rowid
        # order is the order entries were last written; length() reads no blob.
        for rowid, size in con.execute(
            f"SELECT rowid, length(value) FROM {self.table_name} ORDER BY rowid"
        ):
            if excess <= 0:
                break
            victims.append(rowid)
            excess -= size or 0
        for start in range(0, len(victims), 500):
            chunk = victims[start : start + 500]
            marks = ",".join("?" * len(chunk))
            con.execute(f"DELETE FROM {self.table_name} WHERE rowid IN ({marks})", chunk)
        log.info(
            "cache over %.0f MiB: removed its %d oldest entries", max_bytes / 2**20, len(victims)
        )
        return len(victims)


def _used_bytes(con: sqlite3.Connection) -> int:
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    free = con.execute("PRAGMA freelist_count").fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def prepare(path: Path | str) -> None:
    """Make *path* a file of this format: a new one gets incremental auto-vacuum; one written by
    an older version (every entry a pickle) is emptied and compacted, once."""
    con = sqlite3.connect(path, timeout=SQLITE_TIMEOUT, isolation_level=None)
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION:
            return
        # Only takes before the first table, and outside a transaction: a no-op on older files.
        con.execute("PRAGMA auto_vacuum=INCREMENTAL")
        con.execute("BEGIN IMMEDIATE")
        if con.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION:
            con.rollback()  # another process got there first
            return
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        for table in ("responses", "redirects"):
            if table in tables:
                con.execute(f"DELETE FROM {table}")
        con.execute(f"PRAGMA user_version={FORMAT_VERSION}")
        con.commit()
        if tables:
            log.info("cache %s was written by an older version (pickles): emptied", path)
            try:  # compacts the file now, with incremental auto-vacuum from now on
                con.execute("VACUUM")
            except sqlite3.OperationalError as err:  # another connection reading: next time
                log.info("cache not compacted now (%s)", err)
    finally:
        con.close()


class SQLiteCache(_UpstreamCache):
    """SQLiteCache with data-only entries, a size bound and bounded lock waits (mirrors
    ``SQLiteCache.__init__``).

    The file is made private first (:func:`~posthog_frames.http.private.private_file`: 0600,
    ours, or :class:`~posthog_frames.ConfigurationError`). *max_bytes* bounds the entries
    (None: unbounded); *remove_expired* False keeps expired entries (an offline client may still
    read them).
    """

    def __init__(
        self,
        db_path: Path | str,
        *,
        max_bytes: int | None = None,
        remove_expired: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("timeout", SQLITE_TIMEOUT)  # sqlite3.connect's busy timeout
        BaseCache.__init__(self, cache_name=str(db_path), **kwargs)
        private_file(Path(db_path))  # before sqlite creates it with the umask's mode
        prepare(db_path)
        self.responses: _ResponsesDict = _ResponsesDict(
            db_path, table_name="responses", serializer=SERIALIZER, **kwargs
        )
        self.responses.max_bytes = max_bytes
        self.responses.remove_expired = remove_expired
        lock = self.responses._lock
        self.redirects = _BoundedSQLiteDict(
            db_path, table_name="redirects", lock=lock, serializer=None, **kwargs
        )
        with self.responses.connection() as con:
            con.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT}")

    def sweep(self, *, expired: bool | None = None) -> int:
        """Remove expired entries (unless *expired* is False, or None and the cache keeps
        them) and the oldest beyond ``max_bytes``, drop redirects to nothing, and give the
        space back to the disk; answers how many entries went.

        Example:
            >>> SQLiteCache("/tmp/example.sqlite").sweep(expired=True)
            0
        """
        with self.responses.connection(commit=True) as con:
            removed = self.responses.trim(con, expired=expired)
        if removed:
            self._prune_redirects()
        self.release_space()
        return removed

    def release_space(self) -> None:
        """Give the pages of removed entries back to the disk (best effort: not while another
        connection holds the file)."""
        with self.responses._lock, self.responses.connection() as con:
            if not con.execute("PRAGMA freelist_count").fetchone()[0]:
                return
            try:
                con.executescript("PRAGMA incremental_vacuum;")  # steps until done, unlike execute
                # The file shrinks when the -wal is copied back; other connections (a notebook
                # still open) would otherwise keep the -wal as large as what was removed.
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.OperationalError as err:
                log.info("cache space not released now (%s)", err)

    def clear(self) -> None:
        """Delete every entry; the file stays, private, in this format."""
        with self.responses.connection(commit=True) as con:
            con.execute(f"DELETE FROM {self.responses.table_name}")
            con.execute(f"DELETE FROM {self.redirects.table_name}")
        self.release_space()
