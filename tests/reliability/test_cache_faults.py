"""The cache under faults: errors and broken bodies are never stored; a locked or damaged file is
bypassed with a warning (after a bounded wait), never a crash or a hang; threads share it."""

from __future__ import annotations

import sqlite3
import threading
import time
import warnings

import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.http import sqlite_cache, transport
from tests.reliability.helpers import locked_by_another_process, quiet


@pytest.fixture
def short_lock_wait(monkeypatch):
    monkeypatch.setattr(sqlite_cache, "SQLITE_TIMEOUT", 0.2)


def stored(client) -> int:
    return client.session.cache.responses.count()


@pytest.mark.parametrize(
    "fault, error",
    [
        ({"error_rate": 1.0}, phf.ServerError),
        ({"html_rate": 1.0}, phf.ServerError),
        ({"reset_rate": 1.0}, phf.ServerError),
        ({"truncate_rate": 1.0}, phf.InvalidResponse),
        ({"wrong_shape_rate": 1.0}, phf.InvalidResponse),
        ({"rate_limit": 1}, phf.RateLimited),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else v.__name__,
)
def test_failed_answers_are_never_cached(tmp_path, fault, error):
    with serve(persons=20, seed=1) as demo:
        client = quiet(demo.client(cache=tmp_path / "c.sqlite", max_wait=1))
        client.get("/api/users/@me/")
        demo.configure(**fault)
        if "rate_limit" in fault:
            client.get("/api/users/@me/", refresh=True)  # uses up the one request a minute
        with pytest.raises(error):
            client.paginate("persons/", limit=5).__next__()
        assert stored(client) == 1  # only /api/users/@me/
        demo.configure(**{k: 0.0 if k != "rate_limit" else None for k in fault})
        before = demo.request_count
        page = next(client.paginate("persons/", limit=5))
        assert len(page["results"]) == 5 and demo.request_count == before + 1
        assert stored(client) == 2


def test_not_found_and_bad_requests_are_not_cached(tmp_path, demo):
    client = demo.client(cache=tmp_path / "c.sqlite")
    with pytest.raises(phf.NotFound):
        client.get("persons/999999/")
    with pytest.raises(phf.ValidationError):
        client.get("persons/", limit="ten")
    assert stored(client) == 0


def test_a_cache_file_locked_by_another_process_at_open_is_bypassed(tmp_path, short_lock_wait):
    path = tmp_path / "locked.sqlite"
    # Another process mid-transaction, on a file in rollback (not WAL) mode.
    with locked_by_another_process(path, create=True) as holder, serve(persons=15) as demo:
        started = time.perf_counter()
        with pytest.warns(RuntimeWarning, match="locked by another process"):
            client = demo.client(cache=path)
        assert len(client.persons()) == 15
        assert time.perf_counter() - started < 3
        assert holder.execute("SELECT count(*) FROM other").fetchone() == (0,)  # file untouched


def test_pages_read_while_another_process_locks_the_cache_arrive_whole(tmp_path, short_lock_wait):
    path = tmp_path / "c.sqlite"
    with serve(persons=60, seed=2) as demo:
        expected = [
            p["id"]
            for page in demo.client(cache=False).paginate("persons/", limit=10)
            for p in page["results"]
        ]
        client = demo.client(cache=path)
        client.get("/api/users/@me/")
        with locked_by_another_process(path):
            started = time.perf_counter()
            with pytest.warns(RuntimeWarning, match="database is locked") as caught:
                pages = list(client.paginate("persons/", limit=10, ahead=3))
            elapsed = time.perf_counter() - started
    assert [p["id"] for page in pages for p in page["results"]] == expected
    assert elapsed < 2  # one bounded wait (0.2 s here), then no more waiting on the file
    assert len([w for w in caught if "HTTP cache" in str(w.message)]) == 1


def test_a_cache_file_locked_mid_use_is_bypassed_then_used_again(
    tmp_path, short_lock_wait, monkeypatch
):
    path = tmp_path / "c.sqlite"
    with serve(persons=40, seed=2) as demo:
        expected = demo.client(cache=False).persons(page_size=10)
        client = demo.client(cache=path)
        client.get("/api/users/@me/")
        with locked_by_another_process(path):
            started = time.perf_counter()
            with pytest.warns(RuntimeWarning, match="skip the cache") as caught:
                frame = client.persons(page_size=10)
            assert time.perf_counter() - started < 3  # one bounded wait, not one per page
            assert frame.equals(expected)
            assert len([w for w in caught if "cache" in str(w.message)]) == 1
        monkeypatch.setattr(client._transport, "_bypass_until", 0.0)
        before = demo.request_count
        assert client.get("persons/", limit=3) == client.get("persons/", limit=3)
        assert demo.request_count == before + 1  # the second answer came from the cache again


def test_a_cache_file_damaged_mid_use_is_bypassed_with_a_warning(tmp_path):
    path = tmp_path / "c.sqlite"
    with serve(persons=10) as demo:
        client = demo.client(cache=path)
        client.get("/api/users/@me/")
        client.session.cache.responses.close()
        client.session.cache.redirects.close()
        for suffix in ("", "-wal", "-shm"):
            target = path.with_name(path.name + suffix)
            if target.exists():
                target.write_bytes(b"garbage" * 2000)
        with pytest.warns(RuntimeWarning, match="HTTP cache"):
            me = client.get("/api/users/@me/", refresh=True)
        assert me["email"]
        with pytest.warns(RuntimeWarning, match="rebuilding"):
            fresh = demo.client(cache=path)
        assert fresh.get("/api/users/@me/") == me


def test_threads_paging_one_sqlite_cache_never_see_database_is_locked(tmp_path):
    path = tmp_path / "shared.sqlite"
    with serve(persons=400, seed=9) as demo:
        shared = demo.client(cache=path)
        clients = [shared, shared, demo.client(cache=path), demo.client(cache=path)]
        results, errors = [None] * 4, []

        def work(i: int) -> None:
            try:
                results[i] = clients[i].persons(page_size=25, refresh=i % 2 == 1)
            except Exception as err:  # collected: the assertion below names it
                errors.append(err)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    assert errors == []
    assert [str(w.message) for w in caught if "cache" in str(w.message)] == []
    everyone = sorted(p["uuid"] for p in demo.data.persons)
    for frame in results:
        assert sorted(frame["id"]) == everyone


def test_offline_with_a_locked_cache_is_an_offline_cache_miss(tmp_path, short_lock_wait):
    path = tmp_path / "c.sqlite"
    with serve(persons=10) as demo:
        demo.client(cache=path).get("/api/users/@me/")
        offline = demo.client(cache=path, offline=True)
        with pytest.warns(RuntimeWarning, match="database is locked"):
            offline._transport._start_bypass(sqlite3.OperationalError("database is locked"))
        with pytest.raises(phf.OfflineCacheMiss, match="cannot be read"):
            offline.get("/api/users/@me/")


def test_the_bypass_lasts_a_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setattr(transport, "CACHE_BYPASS_SECONDS", 0.0)
    with serve(persons=10) as demo:
        client = demo.client(cache=tmp_path / "c.sqlite")
        with pytest.warns(RuntimeWarning):
            client._transport._start_bypass(sqlite3.OperationalError("database is locked"))
        client.get("/api/users/@me/")
        assert stored(client) == 1  # the cache is in use again
