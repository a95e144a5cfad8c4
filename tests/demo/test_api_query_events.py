"""``POST /query/`` with an EventsQuery, as ``events_query_runner.py`` answers it."""

from __future__ import annotations

import orjson
import pandas as pd
import pytest
import requests

from posthog_frames.demo.clock import DEMO_NOW


def events(demo, **query) -> requests.Response:
    return requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": {"kind": "EventsQuery", **query}},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    )


@pytest.fixture(scope="module")
def log(demo) -> pd.DataFrame:
    return demo.app.insight_store().context().events


def test_the_last_24_hours_by_default_newest_first(demo, log):
    body = events(demo, select=["uuid", "timestamp"], limit=50_000).json()
    day = log[log["timestamp"] > pd.Timestamp(DEMO_NOW) - pd.Timedelta(hours=24)]
    assert len(body["results"]) == len(day) and body["hasMore"] is False
    stamps = [row[1] for row in body["results"]]
    assert stamps == sorted(stamps, reverse=True)
    assert (body["columns"], body["types"]) == (
        ["uuid", "timestamp"],
        ["UUID", "DateTime64(6, 'UTC')"],
    )


def test_bounds_are_exclusive_and_pages_say_has_more(demo, log):
    first = log.iloc[100]
    after = first["timestamp"].isoformat()
    body = events(
        demo, select=["uuid"], after=after, before="2025-03-01", orderBy=["timestamp ASC"], limit=10
    ).json()
    inside = log[
        (log["timestamp"] > first["timestamp"])
        & (log["timestamp"] < pd.Timestamp("2025-03-01", tz="UTC"))
    ]
    assert [row[0] for row in body["results"]] == inside["uuid"].head(10).tolist()
    assert (body["hasMore"], body["limit"], body["offset"]) == (True, 10, 0)


def test_where_items_page_by_keyset(demo, log):
    last = log.iloc[500]
    where = (
        f"timestamp > toDateTime('{last['timestamp'].isoformat()}') OR (timestamp = "
        f"toDateTime('{last['timestamp'].isoformat()}') AND toString(uuid) > '{last['uuid']}')"
    )
    body = events(
        demo,
        select=["uuid", "timestamp"],
        after="all",
        where=[where],
        orderBy=["timestamp ASC", "toString(uuid) ASC"],
        limit=3,
    ).json()
    assert [row[0] for row in body["results"]] == log["uuid"].iloc[501:504].tolist()


def test_filters_person_and_event(demo, log, everyone):
    person = next(p for p in everyone if len(log[log["person_id"] == p["id"]]) > 3)
    mine = events(
        demo, select=["uuid", "properties"], after="all", personId=person["id"], limit=1000
    ).json()["results"]
    assert len(mine) == int((log["person_id"] == person["id"]).sum())
    assert all(isinstance(orjson.loads(row[1]), dict) for row in mine)
    chrome = events(
        demo,
        select=["event"],
        after="all",
        event="$pageview",
        limit=50_000,
        properties=[{"key": "$browser", "value": "Chrome", "type": "event"}],
    ).json()
    expected = ((log["event"] == "$pageview") & (log["$browser"] == "Chrome")).sum()
    assert len(chrome["results"]) == expected and {r[0] for r in chrome["results"]} == {"$pageview"}


def test_star_is_the_event_as_a_dict(demo):
    row = events(demo, select=["*", "event"], after="all", limit=1).json()["results"][0]
    assert set(row[0]) >= {"uuid", "event", "properties", "timestamp", "distinct_id"}
    assert isinstance(row[0]["properties"], dict) and row[0]["event"] == row[1]


def test_person_columns_are_the_events_person_as_an_object(demo, everyone):
    # The events table's own select (events_query_runner.py select_cols / _calculate).
    select = ["event", "person", "person_display_name -- Person", "distinct_id", "timestamp"]
    body = events(demo, select=select, after="all", orderBy=["timestamp ASC"], limit=200).json()
    assert body["columns"] == select
    by_distinct_id = {d: p for p in everyone for d in p["distinct_ids"]}
    named = 0
    for _, person, shown, distinct_id, _ in body["results"]:
        owner = by_distinct_id[distinct_id]
        assert person == {
            "uuid": owner["uuid"],
            "created_at": owner["created_at"],
            "properties": owner["properties"],
            "distinct_id": distinct_id,
        }
        email = owner["properties"].get("email")
        assert shown == {
            "display_name": email or distinct_id,
            "id": owner["uuid"],
            "distinct_id": distinct_id,
        }
        named += bool(email)
    assert 0 < named < len(body["results"])  # both kinds of display name were seen


def test_offset_is_allowed_here(demo):
    # PostHog validates only HogQLQuery text against OFFSET (source facts §11).
    one = events(demo, select=["uuid"], after="all", orderBy=["timestamp ASC"], limit=2).json()
    two = events(
        demo, select=["uuid"], after="all", orderBy=["timestamp ASC"], limit=1, offset=1
    ).json()
    assert two["results"][0] == one["results"][1] and two["offset"] == 1


def test_refusals(demo):
    wrong = events(demo, select=["nonsense_field"], after="all")
    assert wrong.status_code == 400 and "nonsense_field" in wrong.json()["detail"]
    extra = events(demo, select=["uuid"], cursor="abc")
    assert extra.status_code == 400 and extra.json()["code"] == "parse_error"
    action = events(demo, select=["uuid"], actionId=3)
    assert action.status_code == 400 and "actionId" in action.json()["detail"]
