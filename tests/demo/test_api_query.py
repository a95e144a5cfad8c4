"""``POST /query/`` as PostHog answers it for a personal API key: validation bodies, no OFFSET,
LIMIT caps, async statuses and the budgets (rate limits) per scope.
"""

from __future__ import annotations

import pytest
import requests

from posthog_frames.demo import serve
from posthog_frames.demo.api.query import run_query
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.faults import ManualClock
from posthog_frames.demo.hogql.validator import OFFSET_NOT_ALLOWED_MESSAGE


def test_run_query_answers_posthog_validation_body():
    status, body = run_query(
        {"query": {"kind": "HogQLQuery", "query": "select nope("}},
        persons=[],
        store=None,
        now=DEMO_NOW,
    )
    assert status == 400
    assert body["type"] == "validation_error" and body["code"] == "invalid_input"
    assert "Syntax error" in body["detail"] and body["attr"] is None


def post(demo, query: str, refresh: str = "blocking", **body) -> requests.Response:
    return requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": {"kind": "HogQLQuery", "query": query}, "refresh": refresh, **body},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    )


@pytest.mark.parametrize(
    "sql",
    [
        "select number from numbers(10) limit 5 offset 5",
        "select number from numbers(10) limit 5 offset 0",  # OFFSET 0 too
        "select number from numbers(10) limit 5, 5",  # ClickHouse's LIMIT m, n
        "select number from (select number from numbers(10) limit 3 offset 2)",
        "select number from numbers(10) where number in (select number from numbers(5) offset 1)",
    ],
)
def test_offset_is_refused_as_posthog_refuses_it_for_personal_keys(demo, sql):
    # posthog/hogql/user_query_validator.py, verbatim; a QueryError → hogql_query_error.
    response = post(demo, sql)
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "hogql_query_error",
        "detail": OFFSET_NOT_ALLOWED_MESSAGE,
        "attr": None,
    }
    assert OFFSET_NOT_ALLOWED_MESSAGE.endswith("https://posthog.com/docs/cdp/batch-exports")


def test_grandfathered_organizations_may_use_offset():
    with serve(persons=5, allow_offset=True) as demo:
        body = post(demo, "select number from numbers(10) order by number limit 3 offset 4").json()
    assert [row[0] for row in body["results"]] == [4, 5, 6]


def test_an_explicit_limit_above_50000_is_cut_silently(demo):
    body = post(demo, "select number from numbers(60000) limit 60000").json()
    assert len(body["results"]) == 50_000
    assert body["hasMore"] is None and body["limit"] is None and body["offset"] is None
    capped = post(demo, "select number from numbers(60000) limit 10").json()
    assert len(capped["results"]) == 10 and capped["hasMore"] is None
    unlimited = post(demo, "select number from numbers(60000)").json()
    assert len(unlimited["results"]) == 100 and unlimited["hasMore"] is True
    assert (unlimited["limit"], unlimited["offset"]) == (100, 0)


def test_async_queries_answer_202_until_done_then_200_or_the_failure(demo):
    started = post(demo, "select count() from numbers(7)", refresh="force_async")
    assert started.status_code == 202 and set(started.json()) == {"query_status"}
    query_id = started.json()["query_status"]["id"]
    url = f"{demo.url}/api/projects/1/query/{query_id}/"
    auth = {"Authorization": f"Bearer {demo.api_key}"}
    first = requests.get(url, headers=auth, timeout=30)
    assert first.status_code == 202 and first.json()["query_status"]["complete"] is False
    done = requests.get(url, headers=auth, timeout=30)
    assert done.status_code == 200 and done.json()["query_status"]["results"]["results"] == [[7]]
    missed = post(demo, "select count() from numbers(8)", refresh="async")
    assert missed.status_code == 202 and set(missed.json()) == {"cache_key", "query_status"}
    failing = post(demo, "select nope from numbers(3)", refresh="force_async").json()
    fail_url = f"{demo.url}/api/projects/1/query/{failing['query_status']['id']}/"
    requests.get(fail_url, headers=auth, timeout=30)
    failed = requests.get(fail_url, headers=auth, timeout=30)
    assert failed.status_code == 400  # a failure with a message a user can act on
    status = failed.json()["query_status"]
    assert status["error"] is True and "nope" in status["error_message"]
    unknown = requests.get(f"{demo.url}/api/projects/1/query/no-such-id/", headers=auth)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Query no-such-id not found for team 1"


def test_budgets_are_posthogs_per_scope_with_retry_after():
    clock = ManualClock()
    with serve(persons=5) as demo:
        demo.app.faults.clock = clock
        auth = {"Authorization": f"Bearer {demo.api_key}"}
        hogql = [post(demo, f"select {n}").status_code for n in range(121)]
        assert hogql[:120] == [200] * 120 and hogql[120] == 429  # 120 HogQL queries an hour
        throttled = post(demo, "select 1000")
        assert throttled.headers["Retry-After"] == "3600"
        assert "Expected available in 3600 seconds." in throttled.json()["detail"]
        # Persons and insights share PostHog's clickhouse_burst scope: 240 a minute between them.
        persons = f"{demo.url}/api/projects/1/persons/?limit=1"
        insights = f"{demo.url}/api/projects/1/insights/?basic=true&limit=1"
        codes = [requests.get(persons, headers=auth).status_code for _ in range(200)]
        codes += [requests.get(insights, headers=auth).status_code for _ in range(41)]
        assert codes[:240] == [200] * 240 and codes[240] == 429
        me = requests.get(f"{demo.url}/api/users/@me/", headers=auth)
        assert me.status_code == 200  # another scope (burst: 480 a minute)
        clock.advance(61)
        assert requests.get(persons, headers=auth).status_code == 200
        assert post(demo, "select 1001").status_code == 429  # the hour is not over
        clock.advance(3600)
        assert post(demo, "select 1002").status_code == 200


def test_budgets_can_be_switched_off_or_set_to_the_api_queries_plan():
    clock = ManualClock()
    with serve(persons=5, api_queries_budget=True) as demo:
        demo.app.faults.clock = clock
        assert all(post(demo, f"select {n}").status_code == 200 for n in range(240))
        assert post(demo, "select 240").status_code == 429  # 240 a minute on that plan
    with serve(persons=5, budgets=False) as demo:
        assert all(post(demo, f"select {n}").status_code == 200 for n in range(130))
