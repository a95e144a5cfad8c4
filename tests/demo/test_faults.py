"""Demo server fault injection, determinism and live changes, each on its own small server."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from posthog_frames.demo import serve
from tests.demo.http_helpers import get


def all_persons(demo) -> list[dict]:
    return get(demo, "/api/projects/1/persons/", params={"limit": 10_000}).json()["results"]


def test_same_seed_same_persons_other_seed_other_persons():
    with serve(persons=120, seed=7) as one, serve(persons=120, seed=7) as two:
        first, second = all_persons(one), all_persons(two)
        assert one.api_key != two.api_key  # keys are random per server, data is not
    with serve(persons=120, seed=8) as other:
        third = all_persons(other)
    assert first == second
    assert [p["uuid"] for p in first] != [p["uuid"] for p in third]


def test_rate_limit_answers_posthogs_429_body():
    with serve(persons=10, rate_limit=3) as demo:
        statuses = [get(demo, "/api/users/@me/").status_code for _ in range(3)]
        throttled = get(demo, "/api/users/@me/")
        other_key = get(demo, "/api/users/@me/", key=demo.limited_api_key)
    assert statuses == [200, 200, 200]
    assert throttled.status_code == 429
    body = throttled.json()
    assert {k: body[k] for k in ("type", "code", "attr")} == {
        "type": "throttled_error",
        "code": "throttled",
        "attr": None,
    }
    found = re.fullmatch(
        r"Request was throttled\. Expected available in (\d+) seconds\.", body["detail"]
    )
    assert found and 55 <= int(found.group(1)) <= 60  # the window opened moments ago
    # drf-exceptions-hog sets Retry-After to the wait, truncated ("%d" % wait).
    assert int(throttled.headers["Retry-After"]) in (int(found.group(1)), int(found.group(1)) - 1)
    assert other_key.status_code == 200  # the limit is per key


def test_error_rate_gives_reproducible_500s_and_503s():
    def statuses() -> list[int]:
        with serve(persons=10, error_rate=0.5, seed=2) as demo:
            return [get(demo, "/api/users/@me/").status_code for _ in range(40)]

    first = statuses()
    assert set(first) == {200, 500, 503}
    assert first == statuses()
    with serve(persons=10, error_rate=1.0) as demo:
        response = get(demo, "/api/users/@me/")
    assert response.status_code in (500, 503)
    if response.status_code == 500:
        assert response.json() == {
            "type": "server_error",
            "code": "error",
            "detail": "A server error occurred.",
            "attr": None,
        }
    else:
        assert response.json()["type"] == "server_error"


def test_short_pages_keep_next_continuing_after_the_last_row():
    with serve(persons=300, short_pages=True, seed=5) as demo:
        url, seen, short = f"{demo.url}/api/projects/1/persons/?limit=50", [], 0
        while url:
            body = requests.get(url, headers={"Authorization": f"Bearer {demo.api_key}"}).json()
            offset = int(parse_qs(urlsplit(url).query).get("offset", ["0"])[0])
            rows = body["results"]
            if body["next"] and len(rows) < 50:
                short += 1
                next_offset = int(parse_qs(urlsplit(body["next"]).query)["offset"][0])
                assert next_offset == offset + len(rows)
            seen += [p["id"] for p in rows]
            url = body["next"]
        assert short > 0
        assert len(seen) == len(set(seen)) == 300  # following next loses nothing

        # A client computing offsets itself (offset += limit) skips the rows after short pages.
        computed = []
        for offset in range(0, 300, 50):
            page = get(demo, "/api/projects/1/persons/", params={"limit": 50, "offset": offset})
            computed += [p["id"] for p in page.json()["results"]]
        assert len(set(computed)) < 300


def test_configure_changes_faults_while_running():
    with serve(persons=10) as demo:
        assert get(demo, "/api/users/@me/").status_code == 200
        demo.configure(latency=0.2)
        started = time.perf_counter()
        get(demo, "/api/users/@me/")
        assert time.perf_counter() - started >= 0.2
        demo.configure(latency=0.0, error_rate=1.0)
        assert get(demo, "/api/users/@me/").status_code in (500, 503)
        demo.configure(error_rate=0.0, rate_limit=1)
        assert get(demo, "/api/users/@me/").status_code == 200
        assert get(demo, "/api/users/@me/").status_code == 429
        with pytest.raises(ValueError, match="error_rate"):
            demo.configure(error_rate=2)


def test_add_person_shifts_offsets():
    with serve(persons=40, seed=1) as demo:
        before = get(demo, "/api/projects/1/persons/", params={"limit": 10}).json()["results"]
        added = demo.add_person(email="late@example.com", plan="pro")
        first = get(demo, "/api/projects/1/persons/", params={"limit": 10}).json()["results"]
        second = get(demo, "/api/projects/1/persons/?limit=10&offset=10").json()["results"]
        total = get(demo, "/api/projects/1/persons/?include_total=1").json()["count"]
    assert added["id"] == 41 and first[0]["id"] == added["uuid"]
    assert first[0]["name"] == "late@example.com"
    assert [p["id"] for p in first[1:]] == [p["id"] for p in before[:9]]
    assert second[0]["id"] == before[9]["id"]  # the row a stale offset would now repeat
    assert total == 41


def test_serve_without_with_block():
    demo = serve(persons=5).start()
    try:
        assert get(demo, "/api/users/@me/").status_code == 200
        assert "DemoServer" in repr(demo) and demo.api_key not in repr(demo)
    finally:
        demo.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = demo.url
