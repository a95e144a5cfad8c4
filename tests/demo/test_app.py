"""The demo's request pipeline (``app``): routing, PostHog's 404/405 bodies, request counting, and
the insight routes reaching the store only after authentication and scopes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from posthog_frames.demo import app as demo_app
from posthog_frames.demo import serve
from tests.demo.http_helpers import NOT_FOUND, get

UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/999/persons/",
        "/api/projects/abc/persons/",
        "/api/nothing-here/",
        "/api/projects/1/persons/999999/",
        f"/api/projects/1/persons/{UNKNOWN_UUID}/",
    ],
)
def test_not_found_bodies(demo, path):
    response = get(demo, path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_trailing_slash_and_environments_alias_answer_the_same(demo):
    variants = [
        "/api/projects/1/persons/",
        "/api/projects/1/persons",
        "/api/environments/1/persons/",
        "/api/environments/1/persons",
    ]
    bodies = [get(demo, v, params={"limit": 5}).json()["results"] for v in variants]
    assert all(b == bodies[0] for b in bodies) and len(bodies[0]) == 5
    assert get(demo, "/api/users/@me").status_code == 200


def test_environments_answer_query_as_projects_do(demo):
    body = {"query": {"kind": "HogQLQuery", "query": "select count() from events"}}
    answers = [
        requests.post(
            f"{demo.url}/api/{scope}/1/query/",
            json=body,
            headers={"Authorization": f"Bearer {demo.api_key}"},
            timeout=10,
        )
        for scope in ("projects", "environments")
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["results"] == answers[1].json()["results"]


def test_next_links_keep_the_prefix_the_request_used(demo):
    page = get(demo, "/api/environments/1/persons/", params={"limit": 5}).json()
    assert page["next"].startswith(f"{demo.url}/api/environments/1/persons/")


def test_property_definitions_are_a_projects_only_family(demo):
    # posthog/api/__init__.py: projects_router.register(r"property_definitions", ...) only.
    assert get(demo, "/api/projects/1/property_definitions/").status_code == 200
    response = get(demo, "/api/environments/1/property_definitions/")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_method_not_allowed(demo):
    response = requests.post(
        f"{demo.url}/api/projects/1/persons/",
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=10,
    )
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_request_count_counts_every_api_request(demo):
    demo.reset_request_count()
    get(demo, "/api/users/@me/")
    get(demo, "/api/users/@me/", key=None)
    get(demo, "/api/does-not-exist/")
    assert demo.request_count == 3


@pytest.mark.parametrize("at_once", [1, 3])
def test_peak_concurrency_counts_requests_answered_at_once(at_once):
    # Latency keeps each request open long enough for the others to arrive while it is.
    with serve(persons=20, latency=0.3) as demo:
        get(demo, "/api/users/@me/")
        demo.reset_request_count()
        assert demo.peak_concurrency == 0
        with ThreadPoolExecutor(at_once) as pool:
            codes = list(pool.map(lambda _: get(demo, "/api/users/@me/").status_code, [0] * 3))
        assert codes == [200] * 3 and demo.request_count == 3
        assert demo.peak_concurrency == at_once


class FakeStore:
    """Stands in for api.insights.InsightStore to check the server's side of the hook."""

    built: list[dict] = []

    def __init__(
        self,
        persons,
        *,
        seed,
        now,
        timezone,
        project_id,
        user,
        failure,
        timestamp_resolution,
        cohorts,
    ):
        FakeStore.built.append(
            {"persons": len(persons), "seed": seed, "project_id": project_id, "user": user["email"]}
        )

    def list(self, params, base_url):
        return 200, {"count": 1, "next": None, "previous": None, "base": base_url, **params}

    def retrieve(self, key, params):
        return (200, {"short_id": key}) if key == "abc12345" else (404, {"detail": "Not found."})

    def query_status(self, query_id):
        return 200, {"query_status": {"id": query_id, "complete": True}}


def fake_run_query(body, *, persons, store, now, allow_offset, failure):
    return 200, {"n": len(persons), **body}


def test_insight_routes_call_the_store_lazily_after_auth_and_scope(monkeypatch):
    monkeypatch.setattr(demo_app, "InsightStore", FakeStore)
    monkeypatch.setattr(demo_app, "run_query", fake_run_query)
    FakeStore.built.clear()
    with serve(persons=25, seed=4) as demo:
        denied = get(demo, "/api/projects/1/insights/", key=demo.limited_api_key)
        assert denied.status_code == 403 and FakeStore.built == []  # no store for a refusal
        listing = get(demo, "/api/environments/1/insights/?limit=5").json()
        assert listing["base"] == f"{demo.url}/api/environments/1/insights/"
        assert listing["limit"] == "5"
        assert get(demo, "/api/projects/1/insights/abc12345/").json() == {"short_id": "abc12345"}
        assert get(demo, "/api/projects/1/insights/nope/").status_code == 404
        status = get(demo, "/api/projects/1/query/q-1/").json()
        assert status["query_status"]["id"] == "q-1"
        posted = requests.post(
            f"{demo.url}/api/projects/1/query/",
            json={"query": {"kind": "HogQLQuery"}},
            headers={"Authorization": f"Bearer {demo.api_key}"},
        ).json()
        assert posted == {"n": 25, "query": {"kind": "HogQLQuery"}}
    assert FakeStore.built == [
        {"persons": 25, "seed": 4, "project_id": 1, "user": "max@hogflix.example.com"}
    ]
