"""The demo server over real HTTP with plain `requests`: shapes, auth, errors, pagination.

Expected values come from the unfiltered persons listing (what a client sees) and independent
Python computations over it, never from the server's own modules.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import requests

from posthog_frames.demo import serve

NOT_FOUND = {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None}


def get(demo, path: str, key: str | None = "full", **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if key is not None:
        token = demo.api_key if key == "full" else demo.limited_api_key if key == "limited" else key
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(demo.url + path, headers=headers, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def everyone(demo) -> list[dict]:
    """All persons of the session demo, in server order, fetched in one page."""
    body = get(demo, "/api/projects/1/persons/", params={"limit": 1000}).json()
    assert len(body["results"]) == 500 and body["next"] is None
    return body["results"]


def test_me_names_the_project(demo):
    response = get(demo, "/api/users/@me/")
    assert response.status_code == 200
    me = response.json()
    assert me["team"]["project_id"] == demo.project_id
    assert me["team"]["api_token"].startswith("phc_")
    assert demo.project_id in [t["id"] for t in me["organization"]["teams"]]
    assert me["organizations"][0]["id"] == me["organization"]["id"]
    assert {"uuid", "distinct_id", "email", "is_staff", "date_joined"} <= set(me)


def test_projects_list_and_retrieve(demo):
    listing = get(demo, "/api/projects/").json()
    assert set(listing) == {"count", "next", "previous", "results"}
    assert listing["count"] == len(listing["results"]) >= 1
    one = get(demo, f"/api/projects/{demo.project_id}/").json()
    assert one["id"] == demo.project_id and one["name"] in [p["name"] for p in listing["results"]]


# -- authentication ---------------------------------------------------------------------------
def _invalid(source: str) -> dict:
    return {
        "type": "authentication_error",
        "code": "authentication_failed",
        "detail": f"Personal API key found in request {source} is invalid.",
        "attr": None,
    }


def test_no_credentials_is_401_not_authenticated(demo):
    response = get(demo, "/api/projects/1/persons/", key=None)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert "WWW-Authenticate" not in response.headers
    assert response.json() == {
        "type": "authentication_error",
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
        "attr": None,
    }


@pytest.mark.parametrize(
    ("where", "source"),
    [("header", "Authorization header"), ("body", "body"), ("query", "query string")],
)
def test_wrong_key_names_where_it_was_found(demo, where, source):
    wrong = "phx_demo_00000000_00000000"
    kwargs: dict = {"key": wrong} if where == "header" else {"key": None}
    if where == "body":
        kwargs["json"] = {"personal_api_key": wrong}
    if where == "query":
        kwargs["params"] = {"personal_api_key": wrong}
    response = get(demo, "/api/projects/1/persons/", **kwargs)
    assert response.status_code == 401
    assert response.json() == _invalid(source)


def test_only_the_first_key_candidate_is_tried(demo):
    good = {"personal_api_key": demo.api_key}
    bad_header = get(demo, "/api/users/@me/", key="phx_demo_bad_bad", params=good)
    assert bad_header.status_code == 401 and bad_header.json() == _invalid("Authorization header")
    bad_body = get(demo, "/api/users/@me/", key=None, json={"personal_api_key": "x"}, params=good)
    assert bad_body.json() == _invalid("body")
    assert get(demo, "/api/users/@me/", key=None, params=good).status_code == 200
    form = get(demo, "/api/users/@me/", key=None, data=good)
    assert form.status_code == 200


def test_limited_key_gets_403_naming_the_missing_scope(demo):
    for path, scope in [("/api/projects/1/persons/", "person:read"),
                        ("/api/projects/1/persons/values/?key=plan", "person:read"),
                        ("/api/projects/1/insights/", "insight:read")]:  # fmt: skip
        response = get(demo, path, key="limited")
        assert response.status_code == 403
        assert response.json() == {
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": f"API key missing required scope '{scope}'",
            "attr": None,
        }
    assert get(demo, "/api/users/@me/", key="limited").status_code == 200
    assert get(demo, "/api/projects/1/property_definitions/", key="limited").status_code == 200


def test_demo_keys_do_not_look_like_real_keys(demo):
    for key in (demo.api_key, demo.limited_api_key):
        assert key.startswith("phx_demo_")
        assert not re.search(r"phx_[A-Za-z0-9]{20,}", key)
    assert demo.api_key != demo.limited_api_key


# -- routing and errors -----------------------------------------------------------------------
UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    "path",
    ["/api/projects/999/persons/", "/api/projects/abc/persons/", "/api/nothing-here/",
     "/api/projects/1/persons/999999/", f"/api/projects/1/persons/{UNKNOWN_UUID}/"],
)  # fmt: skip
def test_not_found_bodies(demo, path):
    response = get(demo, path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_trailing_slash_and_environments_alias_answer_the_same(demo):
    variants = ["/api/projects/1/persons/", "/api/projects/1/persons",
                "/api/environments/1/persons/", "/api/environments/1/persons"]  # fmt: skip
    bodies = [get(demo, v, params={"limit": 5}).json()["results"] for v in variants]
    assert all(b == bodies[0] for b in bodies) and len(bodies[0]) == 5
    assert get(demo, "/api/users/@me").status_code == 200


def test_method_not_allowed(demo):
    response = requests.post(
        f"{demo.url}/api/projects/1/persons/",
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=10,
    )
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# -- persons ----------------------------------------------------------------------------------
def test_persons_are_ordered_newest_first_with_posthog_fields(everyone):
    keys = [(p["created_at"], p["id"]) for p in everyone]
    assert keys == sorted(keys, reverse=True)
    assert set(everyone[0]) == {"id", "uuid", "name", "distinct_ids", "properties",
                                "created_at", "last_seen_at"}  # fmt: skip
    assert sorted(p["id"] for p in everyone) == list(range(1, 501))
    for person in everyone:
        assert person["created_at"].endswith("Z")
        props = person["properties"]
        expected = props.get("email") or props.get("name") or person["distinct_ids"][0]
        assert person["name"] == expected


def test_following_next_collects_every_person_once(demo, everyone):
    url: str | None = f"{demo.url}/api/projects/1/persons/?limit=37"
    seen, pages = [], 0
    while url:
        body = requests.get(url, headers={"Authorization": f"Bearer {demo.api_key}"}).json()
        assert body["next"] is None or body["next"].startswith(demo.url + "/api/")
        if pages == 0:
            assert body["previous"] is None
        elif pages >= 2:
            assert body["previous"].startswith(demo.url + "/api/")
        seen += [p["id"] for p in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == [p["id"] for p in everyone]
    assert pages == -(-500 // 37)


def test_next_links_keep_other_parameters(demo):
    body = get(demo, "/api/projects/1/persons/", params={"limit": 3, "search": "a"}).json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query == {"limit": ["3"], "search": ["a"], "offset": ["3"]}


def test_previous_link_of_the_second_page_repeats_posthogs_offset_quirk(demo):
    # format_query_params_absolute_url skips a falsy offset, so offset 0 is never written.
    body = get(demo, "/api/projects/1/persons/", params={"limit": 4, "offset": 4}).json()
    assert parse_qs(urlsplit(body["previous"]).query)["offset"] == ["4"]
    third = get(demo, "/api/projects/1/persons/", params={"limit": 4, "offset": 8}).json()
    assert parse_qs(urlsplit(third["previous"]).query)["offset"] == ["4"]


def test_include_total_adds_count_only_when_asked(demo):
    plain = get(demo, "/api/projects/1/persons/", params={"limit": 2}).json()
    assert "count" not in plain
    total = get(demo, "/api/projects/1/persons/", params={"limit": 2, "include_total": 1}).json()
    assert total["count"] == 500


def test_email_distinct_id_and_search(demo, everyone):
    person = next(
        p for p in everyone if p["properties"].get("email") and len(p["distinct_ids"]) > 1
    )
    email = person["properties"]["email"]
    by_email = get(demo, "/api/projects/1/persons/", params={"email": email}).json()["results"]
    assert [p["id"] for p in by_email] == [person["id"]]
    anon = person["distinct_ids"][-1]
    by_did = get(demo, "/api/projects/1/persons/", params={"distinct_id": anon}).json()["results"]
    assert [p["id"] for p in by_did] == [person["id"]]
    nobody = get(demo, "/api/projects/1/persons/", params={"distinct_id": "nobody"}).json()
    assert nobody["results"] == [] and nobody["next"] is None

    needle = "GMAIL"
    found = get(demo, "/api/projects/1/persons/", params={"search": needle, "limit": 1000}).json()
    expected = [p["id"] for p in everyone
                if any(needle.lower() in str(p["properties"].get(k, "")).lower()
                       for k in ("email", "name", "username"))]  # fmt: skip
    assert [p["id"] for p in found["results"]] == expected and expected


def test_limit_above_50000_is_capped_and_has_no_next():
    with serve(persons=50_003, seed=1) as big:
        raw = get(big, "/api/projects/1/persons/", params={"limit": 60_000}).content
    body = orjson.loads(raw)  # ~45 MB: orjson keeps this test fast
    assert len(body["results"]) == 50_000
    assert body["next"] is None  # PostHog's rule: next only when len(results) >= limit


def test_retrieve_person_by_id_and_uuid(demo, everyone):
    person = everyone[7]
    assert get(demo, f"/api/projects/1/persons/{person['id']}/").json() == person
    assert get(demo, f"/api/projects/1/persons/{person['uuid']}").json() == person


def test_retrieve_person_by_distinct_id_is_a_400(demo):
    response = get(demo, "/api/projects/1/persons/user-42/")
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "The ID provided does not look like a personID. If you are using a distinctId,"
        " please use /persons?distinct_id=user-42 instead.",
        "attr": None,
    }


def test_person_values_count_like_an_independent_count(demo, everyone):
    response = get(demo, "/api/projects/1/persons/values/", params={"key": "plan"})
    assert response.headers["Cache-Control"] == "max-age=10"
    body = response.json()
    assert body["refreshing"] is False
    expected = Counter(p["properties"]["plan"] for p in everyone if "plan" in p["properties"])
    assert {r["name"]: r["count"] for r in body["results"]} == dict(expected)
    counts = [r["count"] for r in body["results"]]
    assert counts == sorted(counts, reverse=True)

    verified = get(demo, "/api/projects/1/persons/values/", params={"key": "is_verified"}).json()
    assert {r["name"] for r in verified["results"]} == {"true", "false"}
    searched = get(demo, "/api/projects/1/persons/values/?key=plan&value=PRO").json()["results"]
    assert [r["name"] for r in searched] == ["pro"]
    empty = get(demo, "/api/projects/1/persons/values/", params={"key": ""}).json()
    assert empty == {"results": [], "refreshing": False}


def test_property_definitions(demo, everyone):
    body = get(demo, "/api/projects/1/property_definitions/?type=person&limit=500").json()
    assert set(body) == {"count", "next", "previous", "results"}
    names = {d["name"] for d in body["results"]}
    assert names == {k for p in everyone for k in p["properties"]}
    types = {d["name"]: d["property_type"] for d in body["results"]}
    assert types["seats"] == "Numeric" and types["is_verified"] == "Boolean"
    assert types["signed_up_at"] == "DateTime" and types["zip_code"] == "String"
    assert all(d["is_numerical"] == (d["property_type"] == "Numeric") for d in body["results"])
    paged = get(demo, "/api/projects/1/property_definitions/?type=person&limit=5").json()
    assert paged["count"] == len(names) and len(paged["results"]) == 5 and paged["next"]
    events = get(demo, "/api/projects/1/property_definitions/?type=event").json()["results"]
    assert {"name": "revenue", "property_type": "Numeric"}.items() <= next(
        d for d in events if d["name"] == "revenue"
    ).items()
    bad = get(demo, "/api/projects/1/property_definitions/?type=nope")
    assert bad.status_code == 400 and bad.json()["attr"] == "type"


def test_request_count_counts_every_api_request(demo):
    demo.reset_request_count()
    get(demo, "/api/users/@me/")
    get(demo, "/api/users/@me/", key=None)
    get(demo, "/api/does-not-exist/")
    assert demo.request_count == 3
