"""JSON of the wrong shape, endpoint by endpoint: every client call that reads an answer raises
InvalidResponse naming the endpoint and what it expected, and leaves nothing in the local cache,
so the next call asks PostHog again instead of serving the bad answer for an hour.

The demo's ``wrong_shape_rate`` wraps a 200 answer as ``{"data": <answer>}``: valid JSON, wrong
shape, as a rewriting proxy or a misrouted host would answer.
"""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from tests.reliability.helpers import quiet

OS_COUNTS = "select properties.$initial_os as os, count() as n from persons group by os"


@pytest.fixture(scope="module")
def server():
    with serve(persons=40, seed=12) as demo:
        yield demo


@pytest.fixture(scope="module")
def ids(server) -> dict[str, int]:
    """Ids to read, found before any fault is injected."""
    insight = server.client(cache=False).insights()["id"].iloc[0]
    return {"insight": int(insight), "person": server.data.persons[0]["id"]}


CALLS = {
    "me": (lambda c, ids: c.me(), "/api/users/@me/", "user object"),
    "person": (lambda c, ids: c.person(ids["person"]), "/persons/", "person object"),
    "property_values": (lambda c, ids: c.property_values("$initial_os"), "/values/", "page"),
    "property_definitions": (lambda c, ids: c.property_definitions(), "/property_def", "page"),
    "insights": (lambda c, ids: c.insights(), "/insights/", "page"),
    "insight": (lambda c, ids: c.insight(ids["insight"]), "/insights/", "'result'"),
    "projects": (lambda c, ids: c.projects(), "/api/projects/", "page"),
    "query": (lambda c, ids: c.query(OS_COUNTS), "/query/", "HogQL answer"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_wrong_shaped_answer_is_invalid_response_and_is_not_cached(server, ids, tmp_path, name):
    call, endpoint, expected = CALLS[name]
    client = quiet(server.client(cache=tmp_path / "cache.sqlite"))
    server.configure(wrong_shape_rate=1.0)
    try:
        with pytest.raises(phf.InvalidResponse) as err:
            call(client, ids)
        assert client.session.cache.responses.count() == 0
    finally:
        server.configure(wrong_shape_rate=0.0)
    message = str(err.value)
    assert endpoint in message and expected in message and "['data']" in message
    assert err.value.endpoint and endpoint in err.value.endpoint
    before = server.request_count
    call(client, ids)  # the bad answer was not kept: PostHog is asked again and answers well
    assert server.request_count > before


def test_an_insight_without_a_result_key_is_not_reported_as_not_computed(server, ids):
    client = quiet(server.client(cache="memory"))
    key = ids["insight"]
    server.configure(wrong_shape_rate=1.0)
    try:
        with pytest.raises(phf.InvalidResponse) as err:
            client.insight(key)
    finally:
        server.configure(wrong_shape_rate=0.0)
    assert not isinstance(err.value, phf.InsightNotComputed)
    assert "expected an insight object with a 'result' key" in str(err.value)
    assert client.insight(key).computed  # nothing stale in the cache


def rewrite(where, body: bytes):
    """A response hook answering *body* instead, for responses where ``where(response)``."""

    def hook(response, *args, **kwargs):
        if where(response):
            response._content = body
        return response

    return hook


def test_a_page_with_rows_that_are_not_objects_is_invalid_response(server):
    client = quiet(server.client(cache="memory"))
    pages = rewrite(lambda r: b'"results"' in r.content, b'{"results": [1, 2], "next": null}')
    client.session.hooks["response"].append(pages)
    with pytest.raises(phf.InvalidResponse, match="page of JSON objects, got a int"):
        client.insights()
    assert len(client.session.cache.responses) == 0


def test_a_wrong_shaped_poll_of_an_async_query_fails_at_once(server):
    client = quiet(server.client(cache="memory"))
    polls = rewrite(lambda r: r.request.method == "GET" and "/query/" in r.url, b'{"data": {}}')
    client.session.hooks["response"].append(polls)
    with pytest.raises(phf.InvalidResponse, match="query_status"):
        client.query(OS_COUNTS + " order by n", refresh="async")


def test_property_values_with_a_count_that_is_not_a_number(server):
    client = quiet(server.client(cache="memory"))
    many = b'{"results": [{"name": "Mac OS X", "count": "many"}]}'
    client.session.hooks["response"].append(rewrite(lambda r: "/values/" in r.url, many))
    with pytest.raises(phf.InvalidResponse, match="'count': <whole number>"):
        client.property_values("$initial_os")
    assert len(client.session.cache.responses) == 0
