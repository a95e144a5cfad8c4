"""The key never shows: not in any cache backend, repr, error, traceback locals, log line,
warning, notebook output or the test run's own output; answers never cross keys."""

from __future__ import annotations

import io
import json
import logging
import pickle
import re
import sqlite3
import traceback
import warnings
from pathlib import Path

import pytest
import requests_cache

import posthog_frames as phf
from posthog_frames.demo import serve
from tests.reliability.helpers import quiet

ROOT = Path(__file__).resolve().parents[2]
KEY_RE = re.compile(r"phx_[A-Za-z0-9_]{8,}")
PLACEHOLDER = "phx_your_personal_api_key"


def leaks(text: str, *keys: str) -> list[str]:
    """Key-like strings in *text* (the documented placeholder aside), and any of *keys*."""
    found = [m for m in KEY_RE.findall(text) if not m.startswith(PLACEHOLDER)]
    found += [k for k in keys if k and k in text]
    found += [k.split("_", 1)[1] for k in keys if k and k.split("_", 1)[1] in text]
    return found


def sqlite_text(path: Path) -> str:
    blob = b"".join(
        p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file()
    )  # the file, its -wal and -shm
    return blob.decode("latin-1")


def pull(client) -> None:
    """A pull touching every endpoint kind: user, persons pages, one person, insights."""
    client.me()
    client.persons(page_size=40)
    client.person(1)
    client.property_values("$initial_os")
    client.insights()


@pytest.fixture(scope="module")
def server():
    with serve(persons=80, seed=4) as demo:
        yield demo


def test_sqlite_cache_holds_no_key(server, tmp_path):
    path = tmp_path / "c.sqlite"
    client = server.client(cache=path)
    pull(client)
    client.get("/api/users/@me/", personal_api_key=server.api_key)  # the key as a parameter
    client.session.close()
    text = sqlite_text(path)
    assert len(text) > 10_000
    assert leaks(text, server.api_key) == []


def test_memory_cache_objects_hold_no_key(server):
    client = server.client(cache="memory")
    pull(client)
    stored = list(client.session.cache.responses.values())
    assert len(stored) >= 5
    for response in stored:
        dump = pickle.dumps(response).decode("latin-1") + repr(response) + repr(response.request)
        dump += repr(dict(response.request.headers)) + str(response.request.url)
        assert leaks(dump, server.api_key) == []


def test_filesystem_cache_holds_no_key(server, tmp_path):
    session = requests_cache.CachedSession(str(tmp_path / "fs"), backend="filesystem")
    client = server.client(session=session)
    pull(client)
    files = [p for p in (tmp_path / "fs").rglob("*") if p.is_file()]
    assert len(files) >= 5
    for path in files:
        assert leaks(path.read_bytes().decode("latin-1"), server.api_key) == [], path


@pytest.mark.parametrize("backend", ["memory", "sqlite", "filesystem"])
def test_answers_cached_for_one_key_are_never_served_to_another(server, tmp_path, backend):
    if backend == "memory":
        session = requests_cache.CachedSession(backend="memory")
    else:
        session = requests_cache.CachedSession(str(tmp_path / "shared"), backend=backend)
    full = server.client(session=session)
    assert len(full.get("persons/", limit=5)["results"]) == 5
    limited = phf.Client(server.limited_api_key, host=server.url, project_id=1, session=session)
    before = server.request_count
    with pytest.raises(phf.PermissionDenied):
        limited.get("persons/", limit=5)
    assert server.request_count == before + 1  # asked PostHog, not the other key's answer


def test_reprs_hold_no_key(server):
    client = server.client(cache="memory")
    insight = client.insight(int(client.insights()["id"].iloc[0]))
    objects = [
        client,
        client.settings,
        client._transport,
        client._transport._auth,
        insight,
        server,
        client.session,
    ]
    for obj in objects:
        assert leaks(repr(obj) + str(obj), server.api_key) == [], type(obj).__name__
    assert server.api_key[-4:] in repr(client)  # masked, not absent: phx_…abcd


def library_locals(err: BaseException) -> str:
    """The traceback as a verbose formatter shows it, locals included, for this library's frames
    (the test's own frames hold the key on purpose)."""
    summary = traceback.StackSummary.extract(
        traceback.walk_tb(err.__traceback__), capture_locals=True
    )
    ours = traceback.StackSummary.from_list(
        [frame for frame in summary if "/posthog_frames/" in frame.filename]
    )
    return "".join(ours.format())


def error_cases(server):
    bad = phf.Client("phx_" + "s3cr3t" * 6, host=server.url, project_id=1, cache="memory")
    limited = phf.Client(server.limited_api_key, host=server.url, project_id=1, cache="memory")
    full = server.client(cache="memory")
    yield "401", bad.me, "phx_" + "s3cr3t" * 6
    yield "403", limited.insights, server.limited_api_key
    yield "404", lambda: full.insight(987654), server.api_key
    yield "400", lambda: full.get("persons/", limit="x"), server.api_key


def test_errors_and_their_traceback_locals_hold_no_key(server):
    cases = list(error_cases(server))
    assert len(cases) == 4
    for name, call, key in cases:
        with pytest.raises(phf.PostHogError) as info:
            call()
        err = info.value
        text = str(err) + repr(err) + repr(vars(err)) + library_locals(err)
        assert "self = " in library_locals(err)  # the library's frames were formatted
        assert leaks(text, key) == [], name


def test_a_key_passed_as_a_query_parameter_is_redacted_from_the_error(server):
    client = server.client(cache="memory")
    with pytest.raises(phf.NotFound) as info:
        client.get("nope/", personal_api_key=server.api_key)
    assert leaks(str(info.value) + repr(info.value) + repr(vars(info.value)), server.api_key) == []


def test_server_errors_timeouts_and_rate_limits_hold_no_key():
    with serve(persons=10, error_rate=1.0, latency=0.3) as demo:
        client = quiet(demo.client(cache="memory"))
        for call in (client.me, lambda: quiet(demo.client(timeout=0.1)).me()):
            with pytest.raises(phf.PostHogError) as info:
                call()
            text = library_locals(info.value) + str(info.value)
            assert leaks(text, demo.api_key) == []


def test_debug_logs_of_every_library_hold_no_key(server, tmp_path):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    names = ["posthog_frames", "urllib3", "requests_cache", "requests", ""]
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.addHandler(handler)
            lg.setLevel(logging.DEBUG)
        client = server.client(cache=tmp_path / "c.sqlite")
        pull(client)
        pull(server.client(cache=tmp_path / "c.sqlite"))  # a warm run: cache-hit logging too
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    text = stream.getvalue()
    assert "GET /api/projects/1/persons/" in text  # urllib3 did log: the check is not vacuous
    assert leaks(text, server.api_key) == []


def test_warnings_hold_no_key(server, tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"garbage" * 500)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = server.client(cache=path)
        client._transport._start_bypass(sqlite3.OperationalError("database is locked"))
        client.get("/api/users/@me/")
        phf.Client(server.api_key, host="https://us.i.posthog.com", project_id=1, cache=False)
    assert len(caught) >= 3
    assert leaks("\n".join(str(w.message) for w in caught), server.api_key) == []


def test_the_runs_own_output_holds_no_key(server, capfd, caplog):
    caplog.set_level(logging.DEBUG)
    client = server.client(cache="memory", progress=True)
    pull(client)
    print(client, client.settings)
    out, err = capfd.readouterr()
    assert "persons" in err or "persons" in out  # the progress bar did write
    assert leaks(out + err + caplog.text, server.api_key) == []


def test_demo_and_connect_banners_hold_no_key(capsys, monkeypatch):
    from posthog_frames.client import notebook as _connect

    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY", raising=False)
    monkeypatch.setattr(_connect, "_DEMO", None)
    client = phf.connect(demo=True)
    try:
        shown = capsys.readouterr().out
        assert "DEMO" in shown
        assert leaks(shown, client.settings.api_key) == []
    finally:
        _connect._DEMO.stop()
        _connect._DEMO = None


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS or [None], ids=lambda p: p.name if p else "none")
def test_committed_notebooks_hold_no_key(path):
    if path is None:
        return  # no notebooks yet: nothing can leak
    text = path.read_text()
    notebook = json.loads(text)  # also: the file is a notebook, not a stray text file
    assert "cells" in notebook
    assert leaks(text) == [], f"{path.name} shows an API key; clear outputs or use the placeholder"
