"""The cache: fast re-runs, offline work, per-key isolation, and never the key on disk."""

from __future__ import annotations

import sqlite3

import pytest
import requests_cache

import posthog_frames as phf


def _sqlite_bytes(path) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


def test_second_call_is_answered_from_the_cache(demo, tmp_path):
    client = demo.client(cache=tmp_path / "c.sqlite")
    first = client.get("persons/", limit=5)
    before = demo.request_count
    again = client.get("persons/", limit=5)
    assert again == first
    assert demo.request_count == before


def test_refresh_bypasses_the_cache(demo):
    client = demo.client(cache="memory")
    client.get("persons/", limit=5)
    before = demo.request_count
    client.get("persons/", limit=5, refresh=True)
    assert demo.request_count == before + 1


def test_the_key_is_never_written_to_the_sqlite_file(demo, tmp_path):
    path = tmp_path / "c.sqlite"
    client = demo.client(cache=path)
    client.me()
    client.get("persons/", limit=3)
    # PostHog also accepts the key as a query parameter; it must be redacted there too.
    client.get("/api/users/@me/", personal_api_key=demo.api_key)
    client.session.close()
    blob = _sqlite_bytes(path)
    assert len(blob) > 1000, "nothing was cached"
    assert demo.api_key.encode() not in blob
    assert demo.api_key.split("_", 1)[1].encode() not in blob
    rows = sqlite3.connect(path).execute("select count(*) from responses").fetchone()[0]
    assert rows >= 2


def test_errors_are_not_cached(demo):
    client = demo.client(cache="memory")
    with pytest.raises(phf.NotFound):
        client.get("persons/999999/")
    before = demo.request_count
    with pytest.raises(phf.NotFound):
        client.get("persons/999999/")
    assert demo.request_count == before + 1


def test_answers_cached_for_one_key_are_not_served_to_another(demo, tmp_path):
    path = tmp_path / "shared.sqlite"
    demo.client(cache=path).get("persons/", limit=5)
    limited = phf.Client(
        demo.limited_api_key, host=demo.url, project_id=demo.project_id, cache=path
    )
    with pytest.raises(phf.PermissionDenied):
        limited.get("persons/", limit=5)


def test_offline_serves_from_the_cache_and_misses_loudly(demo, tmp_path):
    path = tmp_path / "c.sqlite"
    demo.client(cache=path).get("persons/", limit=4)
    offline = demo.client(cache=path, offline=True)
    before = demo.request_count
    assert len(offline.get("persons/", limit=4)["results"]) == 4
    with pytest.raises(phf.OfflineCacheMiss, match="offline"):
        offline.get("persons/", limit=6)
    assert demo.request_count == before


def test_offline_without_a_cache_is_refused(demo):
    client = demo.client(cache=False, offline=True)
    with pytest.raises(phf.OfflineCacheMiss, match="cache=False"):
        client.get("persons/")


def test_a_users_cached_session_is_made_safe(demo, tmp_path):
    path = tmp_path / "mine.sqlite"
    mine = requests_cache.CachedSession(str(path), ignored_parameters=["foo"])
    client = demo.client(session=mine)
    client.get("persons/", limit=2)
    mine.close()
    assert "Authorization" in client.session.settings.ignored_parameters
    assert demo.api_key.encode() not in _sqlite_bytes(path)


def test_clear_cache(demo):
    client = demo.client(cache="memory")
    client.get("persons/", limit=2)
    client.clear_cache()
    before = demo.request_count
    client.get("persons/", limit=2)
    assert demo.request_count == before + 1


def test_corrupted_cache_file_is_rebuilt_with_a_warning(demo, tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a sqlite database" * 100)
    with pytest.warns(RuntimeWarning, match="rebuilding"):
        client = demo.client(cache=path)
    assert len(client.get("persons/", limit=2)["results"]) == 2
