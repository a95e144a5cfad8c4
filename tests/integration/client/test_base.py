"""The client against the demo server over real HTTP: identity, paging, errors, auth."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.demo import serve


def test_me_and_project_discovery(demo):
    client = phf.Client(demo.api_key, host=demo.url, cache="memory")
    assert client.me()["team"]["project_id"] == demo.project_id
    assert client.project_id == demo.project_id
    assert "project_id=1" in repr(client) or str(demo.project_id) in repr(client)


def test_projects_frame(client, demo):
    projects = client.projects()
    assert demo.project_id in projects["id"].tolist()
    assert {"id", "name"} <= set(projects.columns)


def test_get_relative_and_absolute_paths(client, demo):
    page = client.get("persons/", limit=3)
    assert len(page["results"]) == 3
    assert page["next"].startswith(demo.url)
    me = client.get("/api/users/@me/")
    assert me["team"]["project_id"] == demo.project_id


def test_paginate_follows_next_until_the_end(client):
    ids = [p["id"] for page in client.paginate("persons/", limit=70) for p in page["results"]]
    assert len(ids) == len(set(ids)) == 500


def test_paginate_never_stops_on_a_short_page():
    with serve(persons=640, short_pages=0.5, seed=3) as demo:
        client = demo.client(cache=False)
        pages = list(client.paginate("persons/", limit=50))
        sizes = [len(p["results"]) for p in pages]
        assert any(0 < s < 50 for s in sizes[:-1]), "the demo injected no short page"
        ids = [p["id"] for page in pages for p in page["results"]]
        assert len(ids) == len(set(ids)) == 640


def test_paginate_ahead_gives_the_same_rows_as_sequential():
    with serve(persons=640, short_pages=0.4, seed=5) as demo:
        client = demo.client(cache=False)
        ahead = [
            p["id"] for pg in client.paginate("persons/", limit=40, ahead=3) for p in pg["results"]
        ]
        plain = [p["id"] for pg in client.paginate("persons/", limit=40) for p in pg["results"]]
        assert ahead == plain
        assert len(set(ahead)) == 640


def test_wrong_key_is_an_authentication_error_without_the_key(demo):
    bad = "phx_" + "Q" * 40
    client = phf.Client(bad, host=demo.url, project_id=demo.project_id, cache="memory")
    with pytest.raises(phf.AuthenticationError) as err:
        client.me()
    assert err.value.status == 401
    assert err.value.code == "authentication_failed"
    assert bad not in str(err.value)
    assert "Personal API Keys" in str(err.value)


def test_limited_key_names_the_missing_scope(demo):
    client = phf.Client(
        demo.limited_api_key, host=demo.url, project_id=demo.project_id, cache="memory"
    )
    with pytest.raises(phf.PermissionDenied) as err:
        client.get("persons/")
    assert err.value.missing_scope == "person:read"
    assert "person:read" in str(err.value)
    assert demo.limited_api_key not in str(err.value)


def test_unknown_project_is_not_found(demo):
    client = phf.Client(demo.api_key, host=demo.url, project_id=987654, cache="memory")
    with pytest.raises(phf.NotFound) as err:
        client.get("persons/")
    assert err.value.status == 404
    assert isinstance(err.value, LookupError)


def test_server_errors_are_retried_until_complete():
    with serve(persons=300, error_rate=0.3, seed=1) as demo:
        client = demo.client(cache=False)
        client._transport.sleep_with = lambda s: None
        ids = [p["id"] for page in client.paginate("persons/", limit=25) for p in page["results"]]
        assert len(set(ids)) == 300
        assert demo.request_count > 12  # some answers were errors and were sent again


def test_persistent_server_errors_raise_server_error():
    with serve(persons=50, error_rate=1.0) as demo:
        client = demo.client(cache=False)
        waits = []
        client._transport.sleep_with = waits.append
        with pytest.raises(phf.ServerError) as err:
            client.get("persons/")
        assert err.value.status in (500, 503)
        assert len(waits) == client.settings.max_retries
        assert waits == sorted(waits) or max(waits) <= 8  # backoff grows, bounded


def test_long_announced_wait_raises_rate_limited_at_once():
    with serve(persons=20, rate_limit=2) as demo:
        client = demo.client(cache=False, max_wait=5)
        slept = []
        client._transport.sleep_with = slept.append
        client.get("persons/")
        client.get("persons/", limit=3)
        with pytest.raises(phf.RateLimited) as err:
            client.get("persons/", limit=4)
        assert err.value.retry_after is not None and err.value.retry_after > 5
        assert str(int(err.value.retry_after)) in str(err.value)
        assert slept == []  # no silent sleep before raising
