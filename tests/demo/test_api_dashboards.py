"""The demo's dashboards over real HTTP with plain `requests`: PostHog's list and retrieve
shapes, tile order, text tiles, and the dashboard's filters applied to its tiles as
``from_dashboard`` (and ``filters_override``) apply them."""

from __future__ import annotations

import json

from tests.demo.http_helpers import NOT_FOUND, get

# DashboardBasicSerializer.Meta.fields, and DASHBOARD_SHARED_FIELDS + tiles
# (products/dashboards/backend/api/dashboard.py).
BASIC = (
    "id name description pinned created_at created_by last_accessed_at last_viewed_at is_shared "
    "deleted creation_mode tags restriction_level effective_restriction_level "
    "effective_privilege_level user_access_level access_control_version last_refresh team_id "
    "search_match_type"
).split()
FULL = (
    "id name description pinned created_at created_by last_accessed_at last_viewed_at is_shared "
    "deleted creation_mode filters variables breakdown_colors data_color_theme_id tags "
    "restriction_level effective_restriction_level effective_privilege_level user_access_level "
    "access_control_version last_refresh persisted_filters persisted_variables team_id "
    "quick_filter_ids tiles"
).split()
# DashboardTileSerializer: model fields minus the excluded ones, plus order/last_refresh/is_cached.
TILE = (
    "id insight text button_tile widget layouts color filters_overrides show_description "
    "transparent_background order last_refresh is_cached"
).split()


def test_list_is_basic_pinned_first_then_by_name_without_deleted(demo):
    body = get(demo, "/api/projects/1/dashboards/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    assert [d["name"] for d in body["results"]] == [
        "Product overview",
        "Paying customers, last 14 days",
    ]
    assert all(list(d) == BASIC for d in body["results"])  # no tiles in the list
    page = get(demo, "/api/projects/1/dashboards/", params={"limit": 1}).json()
    assert len(page["results"]) == 1 and "offset=1" in page["next"]


def test_list_searches_names_descriptions_and_tags(demo):
    def names(**params):
        found = get(demo, "/api/projects/1/dashboards/", params=params).json()["results"]
        return [d["id"] for d in found]

    assert names(search="paying") == [2] and names(search="MONDAY") == [1]
    assert names(tags="revenue") == [2] and names(tags="weekly") == [1, 2]
    too_long = get(demo, "/api/projects/1/dashboards/", params={"search": "x" * 201})
    assert too_long.status_code == 400 and too_long.json()["attr"] == "search"


def test_retrieve_has_tiles_in_layout_order_with_text_kept(demo):
    body = get(demo, "/api/projects/1/dashboards/1/").json()
    assert list(body) == FULL and body["last_accessed_at"]
    tiles = body["tiles"]
    assert all(list(t) == TILE for t in tiles)
    positions = [(t["layouts"]["sm"]["y"], t["layouts"]["sm"]["x"]) for t in tiles]
    assert positions == sorted(positions) and [t["order"] for t in tiles] == list(range(7))
    text = tiles[0]
    assert text["insight"] is None and text["text"]["body"].startswith("## Hogflix")
    shown = [t["insight"]["id"] for t in tiles if t["insight"]]
    assert shown == [1, 2, 3, 6, 10, 14]
    # Each insight says which dashboards show it, through which tile.
    insight = get(demo, "/api/projects/1/insights/6/").json()
    assert insight["dashboards"] == [1, 2]
    assert [t["id"] for t in tiles if (t["insight"] or {}).get("id") == 6] == [
        tile["id"] for tile in insight["dashboard_tiles"] if tile["dashboard_id"] == 1
    ]


def test_a_plain_retrieve_reads_only_posthogs_cache(demo):
    # Dashboard 2's filters change every tile's query: never computed, so result null...
    cached = get(demo, "/api/projects/1/dashboards/2/").json()
    assert all(t["insight"]["result"] is None for t in cached["tiles"] if t["insight"])
    # ... until refresh=blocking computes them inside the request.
    fresh = get(demo, "/api/projects/1/dashboards/2/", params={"refresh": "blocking"}).json()
    assert all(t["insight"]["result"] is not None for t in fresh["tiles"] if t["insight"])
    assert fresh["filters"]["date_from"] == "-14d" and fresh["persisted_filters"]


def test_dashboard_filters_apply_to_tiles_as_from_dashboard_and_filters_override(demo):
    dashboard = get(demo, "/api/projects/1/dashboards/2/", params={"refresh": "blocking"}).json()
    filters = dashboard["filters"]
    for tile in (t for t in dashboard["tiles"] if t["insight"]):
        insight = tile["insight"]["id"]
        url = f"/api/projects/1/insights/{insight}/"
        within = get(demo, url, params={"refresh": "blocking", "from_dashboard": 2}).json()
        override = json.dumps({key: filters[key] for key in ("date_from", "properties")})
        by_hand = get(demo, url, params={"refresh": "blocking", "filters_override": override})
        alone = get(demo, url, params={"refresh": "blocking"}).json()
        assert within["result"] == by_hand.json()["result"] == tile["insight"]["result"]
        assert within["result"] != alone["result"]  # the filters changed something
        assert within["layouts"] == tile["layouts"] and "layouts" not in alone


def test_from_a_dashboard_the_insight_is_not_on_is_ignored(demo):
    plain = get(demo, "/api/projects/1/insights/5/", params={"refresh": "blocking"}).json()
    other = get(
        demo, "/api/projects/1/insights/5/", params={"refresh": "blocking", "from_dashboard": 2}
    ).json()
    assert other["result"] == plain["result"] and "layouts" not in other


def test_deleted_unknown_and_other_projects_are_404(demo):
    for path in (
        "/api/projects/1/dashboards/3/",
        "/api/projects/1/dashboards/9/",
        "/api/projects/1/dashboards/x/",
        "/api/projects/2/dashboards/1/",
    ):
        response = get(demo, path)
        assert response.status_code == 404 and response.json() == NOT_FOUND
    assert get(demo, "/api/projects/2/dashboards/").json()["count"] == 0


def test_insights_list_filters_on_dashboards(demo):
    body = get(demo, "/api/projects/1/insights/", params={"dashboards": "[1, 2]", "basic": 1})
    assert [i["id"] for i in body.json()["results"]] == [1, 6]


def test_scope_is_dashboard_read(demo):
    refused = get(demo, "/api/projects/1/dashboards/", key="limited")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "API key missing required scope 'dashboard:read'"
