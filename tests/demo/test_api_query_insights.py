"""``POST /query/`` with insight queries: PostHog's schema refusals, the saved insights' results,
and the options the demo does not compute refused, never silently defaulted.
"""

from __future__ import annotations

import pytest
import requests

from tests.demo.http_helpers import get


def post(demo, query: dict, refresh: str = "blocking") -> requests.Response:
    return requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": query, "refresh": refresh},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    )


def trends(**source) -> dict:
    series = [{"kind": "EventsNode", "event": "$pageview"}]
    return {"kind": "TrendsQuery", "series": series, **source}


def test_every_saved_insight_answers_the_same_results_through_query(demo):
    # PostHog computes a saved insight and its query posted to /query/ with one query runner.
    insights = get(demo, "/api/projects/1/insights/", params={"limit": 100}).json()["results"]
    assert len(insights) == 15
    for insight in insights:
        saved = get(
            demo, f"/api/projects/1/insights/{insight['id']}/", params={"refresh": "blocking"}
        ).json()
        answer = post(demo, saved["query"])
        assert answer.status_code == 200, (insight["name"], answer.text)
        assert answer.json()["results"] == saved["result"], insight["name"]


def test_the_envelope_is_posthogs_cached_response(demo):
    body = post(demo, trends(dateRange={"date_from": "-3d"})).json()
    for key in (
        "results",
        "is_cached",
        "last_refresh",
        "next_allowed_client_refresh",
        "cache_key",
        "timezone",
        "timings",
        "query_status",
        "hasMore",
    ):
        assert key in body, key
    again = post(demo, trends(dateRange={"date_from": "-3d"})).json()
    assert again["is_cached"] is True and again["results"] == body["results"]


@pytest.mark.parametrize(
    ("query", "where", "says"),
    [
        (trends(interval="fortnight"), "query.TrendsQuery.interval", "Input should be 'second'"),
        (trends(colour="red"), "query.TrendsQuery.colour", "Extra inputs are not permitted"),
        (
            {"kind": "TrendsQuery", "series": [{"kind": "EventsNode", "math": "unique"}]},
            "query.TrendsQuery.series.0.EventsNode.math",
            "Input should be 'total'",
        ),
        (
            {"kind": "InsightVizNode", "source": trends(trendsFilter={"display": "Donut"})},
            "query.InsightVizNode.source.TrendsQuery.trendsFilter.display",
            "Input should be 'ActionsLineGraph'",
        ),
        (
            {"kind": "FunnelsQuery", "series": [], "funnelsFilter": {"funnelOrderType": "x"}},
            "query.FunnelsQuery.funnelsFilter.funnelOrderType",
            "Input should be 'ordered'",
        ),
    ],
)
def test_schema_refusals_are_posthogs_parse_error(demo, query, where, says):
    response = post(demo, query)
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"], body["attr"]) == ("invalid_request", "parse_error", None)
    assert body["detail"].startswith("JSON parse error - 1 validation error for QueryRequest\n")
    assert f"\n{where}\n  {says}" in body["detail"]


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        (trends(samplingFactor=0.1), "samplingFactor"),
        (trends(compareFilter={"compare": True, "compare_to": "-1y"}), "compare_to"),
        (trends(interval="minute"), "interval"),
        (
            trends(breakdownFilter={"breakdown": "$browser", "breakdown_type": "cohort"}),
            "breakdown_type",
        ),
        (
            {"kind": "TrendsQuery", "series": [{"kind": "EventsNode", "math": "unique_session"}]},
            "math",
        ),
        (
            {
                "kind": "FunnelsQuery",
                "series": [{"kind": "EventsNode"}] * 2,
                "funnelsFilter": {"exclusions": [{"kind": "EventsNode"}]},
            },
            "exclusions",
        ),
        ({"kind": "PathsQuery", "pathsFilter": {"pathGroupings": ["/product/*"]}}, "pathGroupings"),
    ],
)
def test_options_the_demo_does_not_compute_are_refused(demo, query, attr):
    response = post(demo, query)
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"], body["attr"]) == ("validation_error", "invalid_input", attr)
    assert "not computed by the demo" in body["detail"]


def test_kinds_the_demo_does_not_answer_are_refused(demo):
    response = post(demo, {"kind": "WebOverviewQuery"})
    assert response.status_code == 400 and "not 'WebOverviewQuery'" in response.json()["detail"]


def test_insight_queries_use_the_clickhouse_budget_not_hogqls(demo):
    demo.reset_request_count()
    before = dict(demo.budget_refusals)
    for _ in range(3):
        assert post(demo, trends()).status_code == 200
    assert demo.budget_refusals == before
