"""A cache file seen from outside a client: what ``posthog-frames cache info`` and ``cache clear``
show and do.

:func:`inspect_cache` counts what a sqlite cache holds without creating it and without decoding
a single entry; :func:`clear_cache_file` empties it (or removes only what
expired) and gives the space back to the disk, refusing another account's file.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.sqlite"
    >>> inspect_cache(path).state
    'not created yet'
    >>> clear_cache_file(path)
    0
"""

from __future__ import annotations

import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from posthog_frames.http.private import SIDE_FILES
from posthog_frames.http.sqlite_cache import FORMAT_VERSION, SQLiteCache

__all__ = ["CacheInfo", "clear_cache_file", "inspect_cache", "size_text"]

FRAME_PREFIX = "frames:"  # keys of finished frames (posthog_frames.http.frame_cache.result_key)


@dataclass(frozen=True)
class CacheInfo:
    """What a cache file holds: its size on disk (with ``-wal`` and ``-shm``), entries, mode."""

    path: Path
    state: str  # "ready", "not created yet", "older version (pickles)", "unreadable: …"
    size: int = 0
    entries: int = 0
    frames: int = 0
    expired: int = 0
    mode: int | None = None
    owner: int | None = None

    def __str__(self) -> str:
        lines = [f"cache:   {self.path}"]
        if self.state == "not created yet":
            return lines[0] + " (not created yet)"
        private = self.mode is not None and not self.mode & 0o077
        access = "private" if private else "readable by other accounts"
        mode = f"{self.mode:04o}" if self.mode is not None else "?"
        lines.append(f"size:    {size_text(self.size)} on disk (with -wal and -shm)")
        lines.append(f"mode:    {mode} ({access})")
        if self.state != "ready":
            lines.append(f"state:   {self.state}")
        answers = self.entries - self.frames
        lines.append(
            f"entries: {self.entries} ({answers} answers, {self.frames} finished frames), "
            f"{self.expired} expired"
        )
        return "\n".join(lines)


def size_text(size: float) -> str:
    """Bytes as a short size.

    Example:
        >>> size_text(2_500_000)
        '2.4 MiB'
    """
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def inspect_cache(path: Path | str) -> CacheInfo:
    """What the cache file at *path* holds (counted: no entry is decoded, no file created)."""
    path = Path(path).expanduser()
    if not path.exists():
        return CacheInfo(path, "not created yet")
    info = path.stat()
    size = sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", *SIDE_FILES)
        if Path(f"{path}{suffix}").exists()
    )
    found = {"size": size, "mode": stat.S_IMODE(info.st_mode), "owner": info.st_uid}
    try:
        # Read-write, though nothing is written: a read-only connection to a WAL file would
        # leave its -wal and -shm behind when it closes.
        con = sqlite3.connect(path, timeout=5)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
            counts = (0, 0, 0)
            if "responses" in tables:
                counts = con.execute(
                    "SELECT count(*), count(CASE WHEN key LIKE ? THEN 1 END), "
                    "count(CASE WHEN expires <= ? THEN 1 END) FROM responses",
                    (FRAME_PREFIX + "%", int(time.time())),
                ).fetchone()
        finally:
            con.close()
    except sqlite3.Error as err:
        return CacheInfo(path, f"unreadable: {err}", **found)
    state = "ready"
    if version != FORMAT_VERSION and counts[0]:
        state = "written by an older version (pickles): emptied when a client opens it"
    return CacheInfo(path, state, entries=counts[0], frames=counts[1], expired=counts[2], **found)


def clear_cache_file(path: Path | str, *, expired: bool = False) -> int:
    """Delete every entry (or, with *expired*, only those past their expiry) of the cache at
    *path*, then give the space back to the disk; answers how many entries went. A damaged file
    is deleted; another account's is refused (:class:`~posthog_frames.ConfigurationError`)."""
    path = Path(path).expanduser()
    if not path.exists():
        return 0
    try:
        cache = SQLiteCache(path, wal=True)
    except sqlite3.DatabaseError as err:
        if "locked" in str(err):
            raise
        for suffix in ("", *SIDE_FILES):  # damaged: nothing in it can be read anyway
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return 0
    try:
        if expired:
            return cache.sweep(expired=True)
        count = cache.responses.count()
        cache.clear()
        return count
    finally:
        cache.close()
