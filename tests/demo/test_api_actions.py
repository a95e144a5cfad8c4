"""The demo's actions and event definitions over real HTTP with plain `requests`: PostHog's
shapes (the actions list unpaginated, event definitions with the capped-count paginator),
checked against the event log the demo's insights are computed from."""

from __future__ import annotations

import pandas as pd

from tests.demo.http_helpers import NOT_FOUND, get

# ActionSerializer's fields (products/actions/backend/api/action.py), write-only ones left out.
ACTION = (
    "id name description tags post_to_slack slack_message_format steps created_at created_by "
    "deleted is_calculating last_calculated_at team_id is_action bytecode_error pinned_at "
    "creation_context user_access_level"
).split()
STEP = (
    "event properties selector selector_regex tag_name text text_matching href href_matching "
    "url url_matching"
).split()


def test_the_actions_list_is_one_unpaginated_answer(demo):
    body = get(demo, "/api/projects/1/actions/", params={"limit": 1}).json()
    assert list(body) == ["results"]  # no count, no next: ActionViewSet.list does not page
    actions = body["results"]
    assert len(actions) == 3 and all(list(a) == ACTION for a in actions)
    assert all(set(step) == set(STEP) for a in actions for step in a["steps"])
    # -last_calculated_at, then name; the deleted action is left out.
    keys = [(a["last_calculated_at"], a["name"]) for a in actions]
    assert keys == sorted(keys, key=lambda k: (-pd.Timestamp(k[0]).value, k[1]))
    assert "Clicked the old signup button" not in {a["name"] for a in actions}


def test_retrieve_serves_deleted_actions(demo):
    assert get(demo, "/api/projects/1/actions/4/").json()["deleted"] is True
    missing = get(demo, "/api/projects/1/actions/9/")
    assert missing.status_code == 404 and missing.json() == NOT_FOUND


def test_actions_name_events_the_log_has(demo):
    log = demo.app.insight_store().context().events
    for action in get(demo, "/api/projects/1/actions/").json()["results"]:
        for step in action["steps"]:
            matching = log[log["event"] == step["event"]]
            if step["url"]:
                urls = matching["$current_url"].astype(str)
                hit = (
                    urls == step["url"]
                    if step["url_matching"] == "exact"
                    else urls.str.contains(step["url"], regex=False)
                )
                matching = matching[hit]
            assert len(matching) > 0, (action["name"], step)


def test_event_definitions_page_with_a_capped_count(demo):
    first = get(demo, "/api/projects/1/event_definitions/", params={"limit": 2}).json()
    assert list(first) == ["count", "count_is_capped", "next", "previous", "results"]
    assert first["count"] == 5 and first["count_is_capped"] is False
    names = [d["name"] for d in first["results"]]
    body = first
    while body["next"]:
        body = get(demo, body["next"].replace(demo.url, "")).json()
        names += [d["name"] for d in body["results"]]
    log = demo.app.insight_store().context().events
    assert sorted(names) == sorted(log["event"].unique())
    newest = log.groupby("event")["timestamp"].max()
    every = get(demo, "/api/projects/1/event_definitions/").json()["results"]
    for definition in every:
        assert pd.Timestamp(definition["last_seen_at"]) == newest[definition["name"]].floor("us")
        assert "volume_30_day" not in definition  # current PostHog sends none


def test_event_definitions_search_order_and_type(demo):
    def names(**params):
        found = get(demo, "/api/projects/1/event_definitions/", params=params).json()
        return [d["name"] for d in found["results"]]

    assert names(search="cart") == ["added to cart"]
    assert names(ordering="name") == sorted(names())
    assert names(event_type="event_posthog") == ["$pageview"]
    assert "$pageview" not in names(event_type="event_custom")


def test_scopes_are_action_read_and_event_definition_read(demo):
    refused = get(demo, "/api/projects/1/actions/", key="limited")
    assert refused.json()["detail"] == "API key missing required scope 'action:read'"
    assert get(demo, "/api/projects/1/event_definitions/", key="limited").status_code == 200
