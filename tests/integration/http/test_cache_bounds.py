"""The cache stays bounded: expired answers leave when a client opens the file and as it writes,
``clear_cache(expired=True)`` removes them on demand (an offline client keeps them: they are what
it can still read), ``max_cache_mb`` evicts the oldest entries, and ``posthog-frames cache``
shows and clears the file. The pauses are real: requests-cache dates entries by the wall clock."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from contextlib import closing

import pytest

import posthog_frames as phf
from posthog_frames.__main__ import main as cli

PAUSE = 2.1  # past expire_after=1, whatever the rounding of the stored expiry to the second


def expired_entries(path, at: float | None = None) -> int:
    """Entries expired at *at* (default now)."""
    with closing(sqlite3.connect(path)) as con:
        query = "SELECT count(*) FROM responses WHERE expires <= ?"
        return con.execute(query, (time.time() if at is None else at,)).fetchone()[0]


def entries(path) -> int:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("SELECT count(*) FROM responses").fetchone()[0]


def on_disk(path) -> int:
    return sum(
        os.path.getsize(f"{path}{s}") for s in ("", "-wal", "-shm") if os.path.exists(f"{path}{s}")
    )


@pytest.mark.parametrize("second", ["same client", "new client"])
def test_a_pull_a_pause_and_a_second_pull_leave_no_expired_entry(demo, tmp_path, capsys, second):
    path = tmp_path / "c.sqlite"
    client = demo.client(cache=path, expire_after=1, progress=False)
    client.persons(page_size=100)
    client.insights()  # asked once only: nothing but removal takes it out of the file
    time.sleep(PAUSE)
    assert expired_entries(path) >= 5
    if second == "new client":
        client.session.close()
        client = demo.client(cache=path, expire_after=1, progress=False)
    # Pages of the second pull may expire before it ends on a busy machine (expire_after=1):
    # what must be gone is everything already expired when it began.
    began = time.time()
    client.persons(page_size=100)
    assert expired_entries(path, at=began) == 0
    client.session.close()
    # `posthog-frames cache info` reports the size on disk and the entries.
    size = on_disk(path)
    asked = time.time()
    assert cli(["cache", "info", "--cache", str(path)]) == 0
    answered = time.time()
    out = capsys.readouterr().out
    from posthog_frames.http.cache_files import size_text

    assert f"size:    {size_text(size)} on disk" in out
    assert f"entries: {entries(path)} (" in out
    expired = int(re.search(r"(\d+) expired", out).group(1))
    # `cache info` compares with the whole second, as requests-cache stores expiries.
    assert expired_entries(path, at=int(asked)) <= expired <= expired_entries(path, at=answered)
    assert "mode:    0600 (private)" in out or not hasattr(os, "geteuid")


def test_offline_keeps_expired_answers_until_clear_cache_expired(demo, tmp_path):
    path = tmp_path / "c.sqlite"
    short = demo.client(cache=path, expire_after=1, progress=False)
    short.insights()
    lasting = demo.client(cache=path, expire_after=3600, progress=False)
    five = lasting.get("persons/", limit=5)
    in_memory = demo.client(cache="memory", expire_after=1, progress=False)
    in_memory.insights()
    time.sleep(PAUSE)

    offline = demo.client(cache=path, offline=True, progress=False)  # opening removes nothing
    assert expired_entries(path) >= 1
    assert len(offline.insights()) > 0  # stale, and still what an offline client can read
    offline.clear_cache(expired=True)
    assert expired_entries(path) == 0
    with pytest.raises(phf.OfflineCacheMiss):
        offline.insights()
    assert offline.get("persons/", limit=5) == five  # not expired: kept

    assert len(in_memory.session.cache.responses) >= 1
    in_memory.clear_cache(expired=True)
    assert len(in_memory.session.cache.responses) == 0


def test_max_cache_mb_evicts_the_oldest_entries(demo, tmp_path):
    path = tmp_path / "c.sqlite"
    bound = 0.25  # MiB; each page of 100 persons is about 60 KiB
    client = demo.client(cache=path, max_cache_mb=bound, progress=False)
    for offset in range(0, 500, 100):
        client.get("persons/", limit=100, offset=offset)
    with closing(sqlite3.connect(path)) as con:
        pages, free, size = (
            con.execute(f"PRAGMA {p}").fetchone()[0]
            for p in ("page_count", "freelist_count", "page_size")
        )
    assert (pages - free) * size <= bound * 2**20
    before = demo.request_count
    client.get("persons/", limit=100, offset=400)  # the newest: still cached
    assert demo.request_count == before
    client.get("persons/", limit=100, offset=0)  # the oldest: evicted
    assert demo.request_count == before + 1


def test_max_cache_mb_must_be_a_positive_number(demo):
    for bad in (0, -1, "10", True, float("nan")):
        with pytest.raises(phf.ConfigurationError, match="max_cache_mb must be a positive"):
            demo.client(cache="memory", max_cache_mb=bad)
    assert demo.client(cache="memory", max_cache_mb=None).session is not None


def test_cache_clear_empties_the_file_and_gives_the_space_back(demo, tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    client = demo.client(cache=path, progress=False)
    client.persons()
    client.session.close()
    full, stored = on_disk(path), entries(path)
    assert cli(["cache", "clear", "--expired", "--cache", str(path)]) == 0
    assert "removed 0 expired entries" in capsys.readouterr().out
    assert cli(["cache", "clear", "--cache", str(path)]) == 0
    assert f"removed {stored} entries" in capsys.readouterr().out
    assert entries(path) == 0 and on_disk(path) < full / 4
    assert cli(["cache", "info", "--cache", str(tmp_path / "none.sqlite")]) == 0
    assert "not created yet" in capsys.readouterr().out
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_cache_clear_refuses_another_accounts_file(demo, tmp_path, capsys):
    path = tmp_path / "theirs.sqlite"
    theirs = demo.client(cache=path, progress=False)
    theirs.insights()
    theirs.session.close()
    os.chown(path, 4321, -1)
    stored = entries(path)
    assert cli(["cache", "clear", "--cache", str(path)]) == 1
    assert "belongs to another account" in capsys.readouterr().err
    assert entries(path) == stored > 0
