"""The demo server over real HTTP with plain `requests`: the persons endpoints, their
filters and PostHog's pagination quirks (``api.persons``).

Expected values come from the unfiltered persons listing (what a client sees) and independent
Python computations over it, never from the server's own modules.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import orjson
import requests

from posthog_frames.demo import serve
from posthog_frames.demo.data.project import listed_person, retrieved_person
from tests.demo.http_helpers import get


def test_persons_are_ordered_newest_first_with_posthog_fields(everyone):
    keys = [p["created_at"] for p in everyone]
    assert keys == sorted(keys, reverse=True)
    # The list's items are SerializedPerson (posthog/queries/actor_base_query.py), in its order.
    assert list(everyone[0]) == [
        "type",
        "id",
        "uuid",
        "created_at",
        "last_seen_at",
        "properties",
        "is_identified",
        "name",
        "distinct_ids",
        "matched_recordings",
        "value_at_data_point",
    ]
    assert all(p["id"] == p["uuid"] and p["type"] == "person" for p in everyone)
    assert len({p["id"] for p in everyone}) == 500
    identified = [p for p in everyone if p["is_identified"]]
    assert 0 < len(identified) < 500
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
    expected = [
        p["id"]
        for p in everyone
        if any(
            needle.lower() in str(p["properties"].get(k, "")).lower()
            for k in ("email", "name", "username")
        )
    ]
    assert [p["id"] for p in found["results"]] == expected and expected


def test_limit_above_50000_is_capped_and_has_no_next():
    with serve(persons=50_003, seed=1) as big:
        raw = get(big, "/api/projects/1/persons/", params={"limit": 60_000}).content
    body = orjson.loads(raw)  # ~45 MB: orjson keeps this test fast
    assert len(body["results"]) == 50_000
    assert body["next"] is None  # PostHog's rule: next only when len(results) >= limit


def test_retrieve_person_by_id_and_uuid(demo, everyone):
    listed = everyone[7]
    by_uuid = get(demo, f"/api/projects/1/persons/{listed['uuid']}").json()
    # Retrieve is PersonSerializer: the numeric primary key as id, and no list-only fields.
    assert list(by_uuid) == [
        "id",
        "name",
        "distinct_ids",
        "properties",
        "created_at",
        "uuid",
        "last_seen_at",
    ]
    assert isinstance(by_uuid["id"], int) and by_uuid["uuid"] == listed["uuid"]
    assert get(demo, f"/api/projects/1/persons/{by_uuid['id']}/").json() == by_uuid
    for key in ("name", "distinct_ids", "properties", "created_at", "last_seen_at"):
        assert by_uuid[key] == listed[key]


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


def test_search_is_a_case_insensitive_substring_of_email_name_uuid_or_distinct_id(demo, everyone):
    # posthog/hogql_queries/actor_strategies.py: ILIKE %text% on properties.email,
    # properties.name, the UUID and every distinct id (the text trimmed; % and _ stay wildcards).
    def matches(person, needle):
        texts = [person["properties"].get("email"), person["properties"].get("name")]
        texts += [person["uuid"], *person["distinct_ids"]]
        return any(t is not None and needle.lower() in str(t).lower() for t in texts)

    for text in ("GMAIL", "user-4", everyone[3]["uuid"][:13].upper()):
        found = get(demo, "/api/projects/1/persons/", params={"search": f" {text} ", "limit": 500})
        expected = [p["id"] for p in everyone if matches(p, text)]
        assert [p["id"] for p in found.json()["results"]] == expected and expected
    wildcard = get(demo, "/api/projects/1/persons/", params={"search": "user-4_", "limit": 500})
    assert len(wildcard.json()["results"]) > 0  # "_" matches any one character, as in PostHog


def test_each_page_is_sorted_again_newest_first_then_by_uuid():
    # get_serialized_people re-sorts the selected page: created_at descending, uuid ascending
    # (the selection itself is created_at then uuid, both descending).
    with serve(persons=30, seed=2) as demo:
        data = demo.data
        tie = data.persons[4]["created_at"]
        persons = [
            {**p, "created_at": tie} if 4 <= i < 8 else p for i, p in enumerate(data.persons)
        ]
        persons.sort(key=lambda p: (p["created_at"], p["uuid"]), reverse=True)
        data.persons = persons
        data.blobs = [orjson.dumps(listed_person(p)) for p in persons]
        data.retrieved = [orjson.dumps(retrieved_person(p)) for p in persons]
        page = get(demo, "/api/projects/1/persons/", params={"limit": 50}).json()["results"]
    tied = [p["uuid"] for p in page if p["created_at"] == tie]
    assert len(tied) == 4 and tied == sorted(tied)  # uuid ascending within the tie
    selected = [p["uuid"] for p in persons if p["created_at"] == tie]
    assert selected == sorted(selected, reverse=True)  # while selected descending
