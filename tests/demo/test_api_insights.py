"""The demo's InsightStore: listing, retrieval, PostHog's refresh modes, async polling, overrides.

Most tests call the store directly; the last ones go through the real HTTP server.
"""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from posthog_frames.demo.api.insights import InsightStore
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import generate_persons

USER = {
    "id": 1,
    "uuid": "01959e2a-0000-0000-0000-000000000001",
    "distinct_id": "demo-user",
    "first_name": "Demo",
    "email": "demo@example.com",
}
BASE = "http://127.0.0.1:8000/api/projects/1/insights/"
FIELDS = set(
    "id short_id name derived_name description filters query result last_refresh is_cached "
    "timezone created_at created_by last_modified_at last_modified_by tags saved favorited order "
    "deleted dashboards dashboard_tiles filters_hash cache_target_age next_allowed_client_refresh "
    "hasMore columns types hogql query_status effective_restriction_level "
    "effective_privilege_level user_access_level updated_at is_sample alerts last_viewed_at".split()
)
KINDS = {"TRENDS", "FUNNELS", "RETENTION", "PATHS", "STICKINESS", "LIFECYCLE", "SQL"}


@pytest.fixture(scope="module")
def persons() -> list[dict]:
    return generate_persons(250, seed=5)


def make_store(persons: list[dict], tz: str = "UTC") -> InsightStore:
    return InsightStore(persons, seed=5, now=DEMO_NOW, timezone=tz, project_id=1, user=USER)


@pytest.fixture
def store(persons) -> InsightStore:
    return make_store(persons)


def by_name(store: InsightStore, fragment: str) -> str:
    return next(str(i) for i, _, _, name in store.summary() if fragment in name)


def test_summary_covers_every_kind_with_short_ids(store):
    rows = store.summary()
    assert {kind for _, _, kind, _ in rows} == KINDS
    assert all(len(short) == 8 and short.isalnum() for _, short, _, _ in rows)
    assert len({short for _, short, _, _ in rows}) == len(rows)
    assert make_store(generate_persons(10, seed=1)).summary() == rows  # deterministic ids


def test_list_paginates_with_absolute_links(store):
    status, first = store.list({"limit": "4"}, BASE)
    assert status == 200 and first["count"] == len(store.summary())
    assert len(first["results"]) == 4 and first["previous"] is None
    nxt = urlsplit(first["next"])
    assert f"{nxt.scheme}://{nxt.netloc}{nxt.path}" == BASE
    assert parse_qs(nxt.query) == {"limit": ["4"], "offset": ["4"]}
    _, second = store.list({"limit": "4", "offset": "4"}, BASE)
    assert parse_qs(urlsplit(second["previous"]).query) == {"limit": ["4"]}
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [i for i, *_ in store.summary()][:8]
    _, last = store.list({"limit": "4", "offset": "12"}, BASE)
    assert last["next"] is None


def test_list_filters(store):
    rows = store.summary()
    for kind in KINDS:
        _, page = store.list({"insight": kind.lower(), "basic": "true"}, BASE)
        assert [r["id"] for r in page["results"]] == [i for i, _, k, _ in rows if k == kind]
    _, found = store.list({"search": "FUNNEL", "basic": "1"}, BASE)
    assert found["results"] and all(
        "funnel" in (r["name"] + r["description"]).lower() for r in found["results"]
    )
    _, unsaved = store.list({"saved": "false", "basic": "1"}, BASE)
    _, saved = store.list({"saved": "true", "basic": "1"}, BASE)
    assert unsaved["count"] + saved["count"] == len(rows) and unsaved["count"] >= 1
    _, one = store.list({"short_id": rows[3][1]}, BASE)
    assert [r["id"] for r in one["results"]] == [rows[3][0]]
    status, body = store.list({"insight": "FLOWS"}, BASE)
    assert status == 400 and body["type"] == "validation_error" and body["attr"] == "insight"


def test_basic_list_has_no_result(store):
    _, page = store.list({"basic": "true"}, BASE)
    assert all("result" not in r and "short_id" in r and "query" in r for r in page["results"])


def test_retrieve_by_id_or_short_id_with_the_full_field_set(store):
    insight_id, short_id, _, _ = store.summary()[0]
    status, by_id = store.retrieve(str(insight_id), {})
    _, by_short = store.retrieve(short_id, {})
    assert status == 200 and by_id == by_short
    assert FIELDS <= set(by_id)
    assert by_id["created_by"] == USER and by_id["timezone"] == "UTC"
    assert store.retrieve("zzzzzzzz", {}) == (
        404,
        {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None},
    )
    assert store.retrieve("99999", {})[0] == 404


@pytest.mark.fixtures
def test_insight_fields_cover_the_recorded_ones(store, insight_fixture):
    legacy_only = {"dashboard", "layouts", "color", "total_median_conversion_time"}
    _, body = store.retrieve("1", {})
    assert set(insight_fixture) - legacy_only <= set(body)


def test_legacy_and_new_style_insights(store):
    _, page = store.list({}, BASE)
    legacy = [r for r in page["results"] if r["filters"]]
    modern = [r for r in page["results"] if not r["filters"]]
    assert legacy and modern
    assert all(r["filters"]["insight"] in KINDS and r["query"]["kind"] for r in legacy)
    assert all(r["query"]["kind"] in ("InsightVizNode", "DataTableNode") for r in modern)


def test_refresh_trap_never_computed_insight(store):
    draft = by_name(store, "Draft")
    _, plain = store.retrieve(draft, {})
    assert (plain["result"], plain["last_refresh"], plain["is_cached"]) == (None, None, False)
    _, still = store.retrieve(draft, {"refresh": "false"})
    assert still["result"] is None
    _, computed = store.retrieve(draft, {"refresh": "blocking"})
    assert computed["result"] and computed["is_cached"] is False
    assert computed["last_refresh"] == "2025-03-31T12:00:00Z"
    _, cached = store.retrieve(draft, {})
    assert cached["is_cached"] is True and cached["result"] == computed["result"]


def test_precached_insights_answer_without_refresh(store):
    _, page = store.list({}, BASE)
    cached = [r for r in page["results"] if r["result"] is not None]
    assert len(cached) >= len(page["results"]) - 1
    assert all(r["is_cached"] and r["last_refresh"] < "2025-03-31T12:00" for r in cached)


def test_blocking_recomputes_only_stale_caches(store):
    fresh, stale = by_name(store, "Daily traffic"), by_name(store, "Revenue vs previous")
    _, f = store.retrieve(fresh, {"refresh": "blocking"})
    _, s = store.retrieve(stale, {"refresh": "blocking"})
    assert f["is_cached"] is True and f["last_refresh"] == "2025-03-31T10:00:00Z"
    assert s["is_cached"] is False and s["last_refresh"] == "2025-03-31T12:00:00Z"
    _, forced = store.retrieve(fresh, {"refresh": "true"})
    assert forced["is_cached"] is False and forced["result"] == f["result"]


def test_async_refresh_is_polled_to_completion(store):
    key = by_name(store, "Purchase funnel")
    status, body = store.retrieve(key, {"refresh": "force_async"})
    poll = body["query_status"]
    assert status == 200 and poll["complete"] is False and poll["team_id"] == 1
    _, first = store.query_status(poll["id"])
    assert first["query_status"]["complete"] is False
    _, second = store.query_status(poll["id"])
    done = second["query_status"]
    assert done["complete"] is True and done["results"]["results"][0]["order"] == 0
    _, after = store.retrieve(key, {})
    assert after["last_refresh"] == "2025-03-31T12:00:00Z" and after["is_cached"] is True
    assert after["result"] == done["results"]["results"]
    assert store.query_status("not-a-query")[0] == 404


def test_filters_override_leaves_the_saved_insight_alone(store, persons):
    key = by_name(store, "Daily traffic")
    _, saved = store.retrieve(key, {})
    windows = [p["uuid"] for p in persons if p["properties"]["$initial_os"] == "Windows"]
    override = {
        "date_from": "-7d",
        "properties": [
            {"key": "$initial_os", "value": ["Windows"], "operator": "exact", "type": "person"}
        ],
    }
    params = {"filters_override": json.dumps(override), "variables_override": "{}"}
    _, miss = store.retrieve(key, params)
    assert miss["result"] is None  # a new cache key: force_cache does not compute
    _, got = store.retrieve(key, {**params, "refresh": "blocking"})
    log = generate_events(persons, seed=5)
    views = log[(log["event"] == "$pageview") & log["person_id"].isin(windows)]
    views = views[views["timestamp"] >= pd.Timestamp("2025-03-24", tz="UTC")]
    assert got["result"][0]["count"] == len(views) and len(got["result"][0]["days"]) == 8
    _, again = store.retrieve(key, {})
    assert again["result"] == saved["result"] and again["last_refresh"] == saved["last_refresh"]
    bad = store.retrieve(key, {"filters_override": "[1, 2"})
    assert bad[0] == 400 and bad[1]["attr"] == "filters_override"
    worse = store.retrieve(key, {"filters_override": '{"date_from": "soon"}', "refresh": "true"})
    assert worse[0] == 400 and worse[1]["code"] == "invalid_input"


def test_sql_insight_has_columns_and_types(store):
    _, body = store.retrieve(by_name(store, "(SQL)"), {"refresh": "blocking"})
    assert body["columns"] == ["browser", "pageviews"]
    assert body["types"] == [["browser", "String"], ["pageviews", "UInt64"]]
    assert body["query"]["source"]["kind"] == "HogQLQuery" and body["hogql"]
    assert all(isinstance(b, str) and isinstance(n, int) for b, n in body["result"])


def test_concurrent_requests_agree(persons):
    store = make_store(persons)
    answers: list = []

    def fetch() -> None:
        answers.append(store.retrieve("6", {"refresh": "force_blocking"})[1]["result"])

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 6 and all(a == answers[0] for a in answers)


def test_other_timezone_buckets_locally(persons):
    store = make_store(persons, tz="Asia/Tokyo")
    _, body = store.retrieve("1", {"refresh": "blocking"})
    assert body["timezone"] == "Asia/Tokyo"
    assert body["result"][0]["days"][-1] == "2025-03-31"  # 21:00 in Tokyo at the demo's now


def test_store_with_the_demo_persons():
    data = pytest.importorskip("posthog_frames.demo.data.project")
    people = data.DemoData.generate(200, seed=0).persons
    store = make_store(people)
    _, body = store.retrieve("6", {"refresh": "blocking"})
    assert body["result"][0]["count"] > 0


# -- through the real HTTP server -------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    demo = pytest.importorskip("posthog_frames.demo")
    with demo.serve(port=0, persons=200, seed=2) as running:
        yield running


def get(server, path: str, **params):
    requests = pytest.importorskip("requests")
    url = f"{server.url}/api/projects/{server.project_id}/insights/{path}"
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return requests.get(url, params=params, headers=headers, timeout=60)


def test_http_list_and_short_id(server):
    listed = get(server, "", limit=3)
    assert listed.status_code == 200
    page = listed.json()
    assert len(page["results"]) == 3 and page["next"].startswith(server.url)
    short = page["results"][0]["short_id"]
    one = get(server, f"{short}/")
    assert one.status_code == 200 and one.json()["id"] == page["results"][0]["id"]


def test_http_refresh_trap_and_override(server):
    listed = get(server, "", basic="true").json()["results"]
    draft = next(r for r in listed if r["name"].startswith("Draft"))
    assert get(server, f"{draft['id']}/").json()["result"] is None
    computed = get(server, f"{draft['id']}/", refresh="blocking").json()
    assert computed["result"] and computed["is_cached"] is False
    override = json.dumps({"date_from": "-14d"})
    body = get(server, f"{draft['id']}/", refresh="blocking", filters_override=override).json()
    assert body["result"] != computed["result"]
    assert get(server, f"{draft['id']}/").json()["result"] == computed["result"]
