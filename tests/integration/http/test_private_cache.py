"""The sqlite cache on a shared machine: private to its owner whatever the umask (folder 0700, the
file, -wal and -shm 0600), data only (no stored value is a pickle), and another account's file is
refused with a warning rather than read or shared."""

from __future__ import annotations

import os
import sqlite3
import stat
import warnings
from contextlib import closing

import pytest

import posthog_frames as phf

posix = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX modes and owners")
PICKLE = b"\x80"  # every pickle since protocol 2 starts with its PROTO opcode


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask():
    old = os.umask(0)  # files would be created 0666 (sqlite: 0644), folders 0777
    yield
    os.umask(old)


def stored_values(path) -> list[tuple[str, bytes]]:
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT key, value FROM responses").fetchall()
        rows += con.execute("SELECT key, value FROM redirects").fetchall()
    return [
        (key, bytes(value) if isinstance(value, bytes) else value.encode()) for key, value in rows
    ]


@posix
def test_a_new_cache_is_private_under_a_permissive_umask_and_holds_no_pickle(
    demo, tmp_path, permissive_umask
):
    path = tmp_path / "caches" / "c.sqlite"
    client = demo.client(cache=path, progress=False)
    client.persons(page_size=200)
    client.insights()
    client.query("select 1")  # a POST, cached with its body
    # While the client is open, sqlite keeps its -wal and -shm files beside the database.
    assert mode(path.parent) == 0o700
    assert {suffix: mode(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")} == {
        "": 0o600,
        "-wal": 0o600,
        "-shm": 0o600,
    }
    values = stored_values(path)
    assert len(values) >= 5
    assert [key for key, value in values if value[:1] == PICKLE] == []
    from posthog_frames.http.serializer import MAGIC

    assert all(value.startswith(MAGIC) for _, value in values)
    # The finished frame's body, after the envelope's fields, is Arrow IPC (its continuation
    # marker), not a pickled DataFrame.
    frame = next(value for key, value in values if key.startswith("frames:"))
    start = len(MAGIC) + 4 + int.from_bytes(frame[len(MAGIC) : len(MAGIC) + 4], "big")
    assert frame[start : start + 4] == b"\xff\xff\xff\xff"
    client.session.close()


@posix
def test_the_default_cache_folder_and_an_old_open_cache_are_tightened(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "posthog-frames"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)  # what an older version left, with the usual umask
    sqlite3.connect(folder / "http_cache.sqlite").close()
    os.chmod(folder / "http_cache.sqlite", 0o644)
    client = phf.Client(demo.api_key, host=demo.url, project_id=demo.project_id, progress=False)
    client.insights()
    assert client.session.cache.db_path == folder / "http_cache.sqlite"
    assert mode(folder) == 0o700 and mode(folder / "http_cache.sqlite") == 0o600
    client.session.close()


@posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_another_accounts_cache_file_is_refused_with_a_warning(demo, tmp_path):
    path = tmp_path / "theirs.sqlite"
    mine = demo.client(cache=path)
    mine.insights()
    mine.session.close()  # its last write checkpointed into the file
    os.chown(path, 4321, -1)
    before = path.read_bytes()
    with pytest.warns(RuntimeWarning, match="belongs to another account .* in memory instead"):
        client = demo.client(cache=path)
    assert client.session.cache.__class__.__name__ != "SQLiteCache"
    assert len(client.insights()) > 0
    assert path.read_bytes() == before and path.stat().st_uid == 4321


def test_a_cache_path_that_cannot_be_written_is_refused_with_a_warning(demo, tmp_path):
    folder = tmp_path / "a-file"
    folder.write_text("not a folder")
    with pytest.warns(RuntimeWarning, match="cannot be used .* in memory instead"):
        client = demo.client(cache=folder / "c.sqlite")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(client.insights()) > 0
