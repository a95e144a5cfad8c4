"""``POST /query/`` with an ActorsQuery, as ``actors_query_runner.py`` answers it for persons."""

from __future__ import annotations

import requests


def actors(demo, **query) -> requests.Response:
    return requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": {"kind": "ActorsQuery", **query}},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    )


TRENDS = {
    "kind": "TrendsQuery",
    "series": [{"kind": "EventsNode", "event": "$pageview", "math": "dau"}],
    "dateRange": {"date_from": "-7d"},
}


def test_default_columns_and_the_actor_object(demo, everyone):
    body = actors(demo, limit=5).json()
    assert body["columns"] == ["person", "id", "person.$delete"]
    person, uid, delete = body["results"][0]
    assert set(person) == {"id", "properties", "is_identified", "created_at", "distinct_ids"}
    assert person["id"] == uid and delete == 1
    assert uid == min(p["id"] for p in everyone)  # first column, ascending
    assert (body["hasMore"], body["limit"], body["offset"], body["missing_actors_count"]) == (
        True,
        5,
        0,
        0,
    )


def test_a_trend_point_adds_event_distinct_ids(demo):
    day = "2025-03-28"
    body = actors(
        demo, source={"kind": "InsightActorsQuery", "source": TRENDS, "day": day}, limit=1000
    ).json()
    assert body["columns"][-1] == "event_distinct_ids"
    point = requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": TRENDS},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    ).json()["results"][0]
    assert len(body["results"]) == point["data"][point["days"].index(day)]


def test_pages_by_offset_with_has_more(demo, everyone):
    pages, offset = [], 0
    while True:
        body = actors(demo, select=["id"], orderBy=["id DESC"], limit=200, offset=offset).json()
        pages.extend(row[0] for row in body["results"])
        if not body["hasMore"]:
            break
        offset += body["limit"]
    assert pages == sorted((p["id"] for p in everyone), reverse=True)


def test_person_filters_and_search(demo, everyone):
    linux = actors(
        demo,
        select=["id"],
        limit=1000,
        properties=[{"key": "$initial_os", "value": ["Linux"], "type": "person"}],
    )
    expected = {p["id"] for p in everyone if p["properties"].get("$initial_os") == "Linux"}
    assert {row[0] for row in linux.json()["results"]} == expected
    email = everyone[3]["properties"]["email"]
    found = actors(demo, select=["id"], search=email.upper()).json()["results"]
    assert [row[0] for row in found] == [everyone[3]["id"]]


def test_refusals(demo):
    unknown = actors(demo, select=["actor", "favourite_colour"])
    assert unknown.status_code == 400 and "favourite_colour" in unknown.json()["detail"]
    paths = actors(demo, source={"kind": "InsightActorsQuery", "source": {"kind": "PathsQuery"}})
    assert paths.status_code == 400 and "Paths" in paths.json()["detail"]
